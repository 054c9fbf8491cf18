package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/payments/stripemock"
	"plaza/server/service/core"
)

// Listings and orders (docs/SHOP.md) between real instances over HTTP,
// with stripe-mock and signed webhooks: carol sells on A (Stripe), bob is
// on B, an instance with payments off that knows nothing of the shop.

// shopClient is a browser with no session anywhere (a guest).
func shopClient() *http.Client {
	return &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// shopForm posts form to u asking for JSON and returns the status and the
// decoded body.
func shopForm(t *testing.T, client *http.Client, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func shopGet(t *testing.T, client *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// orderOf is the order behind a buyer's order page URL.
func orderOf(t *testing.T, in *instance, orderURL string) *models.Order {
	t.Helper()
	token := orderURL[strings.LastIndex(orderURL, "/")+1:]
	o, err := in.store.OrderByToken(context.Background(), token)
	if err != nil {
		t.Fatalf("order %s: %v", orderURL, err)
	}
	return o
}

func stockOf(t *testing.T, in *instance, id int64) int64 {
	t.Helper()
	l, err := in.store.ListingByID(context.Background(), id)
	if err != nil || l.Stock == nil {
		t.Fatalf("listing %d: %+v %v", id, l, err)
	}
	return *l.Stock
}

var buyLinkRE = regexp.MustCompile(`https?://[^\s"<]+/shop/listings/[0-9]+`)

func TestShopBetweenInstances(t *testing.T) {
	ctx := context.Background()
	api := stripemock.URL(t)
	const secretA = "whsec_shop_a"
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(api, secretA))
	b := startInstance(t, "127.0.0.3") // payments off
	carol := a.createUser(t, "carol")
	bob := b.createUser(t, "bob")
	dave := a.createUser(t, "dave")
	carolBrowser := connectStripe(t, a, "carol", secretA)
	followAcross(t, b, bob, "carol@"+a.host)

	// Refused listings answer {"error"} and write nothing.
	for _, bad := range []url.Values{
		{"title": {"Mug"}, "price": {"0"}, "currency": {"EUR"}},
		{"title": {"Mug"}, "price": {"-12.00"}, "currency": {"EUR"}},
		{"title": {"Mug"}, "price": {"12.00"}, "currency": {"XYZ"}},
		{"title": {"Mug"}, "price": {"12.001"}, "currency": {"EUR"}},
		{"title": {""}, "price": {"12.00"}, "currency": {"EUR"}},
		{"title": {"Mug"}, "price": {"12.00"}, "currency": {"EUR"}, "stock": {"-1"}},
	} {
		code, body := carolBrowser.postJSON(a.url("/payments/stripe"), a.url("/shop/listings"), bad)
		if code != http.StatusUnprocessableEntity || body["error"] == "" {
			t.Fatalf("bad listing %v: %d %v", bad, code, body)
		}
	}
	if ls, _ := a.store.ListingsOf(ctx, carol.ID, true, 10); len(ls) != 0 {
		t.Fatalf("%d listings after refused input", len(ls))
	}
	if n := len(a.statusesOf(t, carol)); n != 0 {
		t.Fatalf("%d posts after refused input", n)
	}
	// Someone without a connected Stripe account cannot sell.
	daveBrowser := newPayBrowser(t, a, "dave")
	if code, body := daveBrowser.postJSON(a.url("/payments/stripe"), a.url("/shop/listings"),
		url.Values{"title": {"Mug"}, "price": {"12.00"}, "currency": {"EUR"}}); code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(body["error"]), "Stripe") {
		t.Fatalf("listing without Stripe: %d %v", code, body)
	}

	// carol lists 3 mugs at 12.00 EUR.
	code, body := carolBrowser.postJSON(a.url("/payments/stripe"), a.url("/shop/listings"), url.Values{"title": {"Blue mug"},
		"description": {"Hand-thrown stoneware"}, "price": {"12.00"}, "currency": {"eur"}, "stock": {"3"}, "shipping_note": {"EU only"}})
	if code != http.StatusOK || body["price"] != "12.00" || body["currency"] != "EUR" {
		t.Fatalf("listing: %d %v", code, body)
	}
	buyURL := body["buy_url"].(string)
	lv, err := a.svc.Shop().Listing(ctx, mustID(t, body["id"]))
	if err != nil {
		t.Fatal(err)
	}
	listingID := lv.Listing.ID

	// B, payments off, shows the listing as a readable post with the buy
	// link to A.
	post, err := a.store.StatusByID(ctx, lv.Listing.StatusID)
	if err != nil {
		t.Fatal(err)
	}
	var onB *models.Status
	eventually(t, "the listing post on B", func() bool {
		onB, err = b.statusByURI(bob, post.URI)
		return err == nil
	})
	if link := buyLinkRE.FindString(onB.Text); link != buyURL || !strings.Contains(onB.Text, "12.00 EUR") || !strings.Contains(onB.Text, "Blue mug") {
		t.Fatalf("listing on B: link %q, text:\n%s", link, onB.Text)
	}

	if pr := fetchProposal(t, post.URI); pr["purpose"] != "offer" || pr["id"] != buyURL || price(pr) != "12.00 EUR" {
		t.Fatalf("the Note's Proposal: %v", pr)
	}

	// bob follows the link: A's public buy page, no account there.
	guest := shopClient()
	if code, page := shopGet(t, guest, buyURL); code != http.StatusOK || !strings.Contains(page, `id="buy-form"`) || !strings.Contains(page, "12.00 EUR") {
		t.Fatalf("buy page: %d\n%s", code, page)
	}
	// Bad orders: nothing written.
	for _, bad := range []struct {
		form url.Values
		code int
	}{
		{url.Values{"quantity": {"4"}}, http.StatusConflict},
		{url.Values{"quantity": {"0"}}, http.StatusUnprocessableEntity},
		{url.Values{"quantity": {"two"}}, http.StatusUnprocessableEntity},
		{url.Values{"quantity": {"1"}, "handle": {"not a handle"}}, http.StatusUnprocessableEntity},
	} {
		code, body := shopForm(t, guest, buyURL+"/buy", bad.form)
		if code != bad.code || body["error"] == "" {
			t.Fatalf("bad order %v: %d %v", bad.form, code, body)
		}
	}
	// carol cannot buy her own listing (signed in, with her CSRF token).
	if code, body := carolBrowser.postJSON(buyURL, buyURL+"/buy", url.Values{"quantity": {"1"}}); code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(body["error"]), "own listing") {
		t.Fatalf("own listing: %d %v", code, body)
	}
	if n, _ := a.store.OrdersOf(ctx, carol.ID, true, []models.OrderState{models.OrderPending}, 10); len(n) != 0 || stockOf(t, a, listingID) != 3 {
		t.Fatalf("after refused orders: %d orders, stock %d", len(n), stockOf(t, a, listingID))
	}

	// bob buys 2 through B's web UI: the post on B shows a Buy button to
	// B's page, whose form goes to A's buy endpoint as @bob@B; then
	// Checkout on A and Stripe's signed webhook.
	action, handle := remoteBuyForm(t, b, bob, onB)
	if action != buyURL+"/buy" || handle != "@bob@"+b.host {
		t.Fatalf("B's buy form: action %q, handle %q", action, handle)
	}
	code, body = shopForm(t, guest, action, url.Values{"quantity": {"2"}, "note": {"gift wrap please"}, "handle": {handle}})
	if code != http.StatusOK || !strings.HasPrefix(fmt.Sprint(body["checkout_url"]), "https://") {
		t.Fatalf("buy: %d %v", code, body)
	}
	orderURL := body["order_url"].(string)
	o := orderOf(t, a, orderURL)
	if stockOf(t, a, listingID) != 1 || o.State != models.OrderPending || o.Total != 2400 {
		t.Fatalf("after ordering: stock %d, order %+v", stockOf(t, a, listingID), o)
	}
	p, err := a.store.PaymentByID(ctx, o.PaymentID)
	if err != nil {
		t.Fatal(err)
	}
	// A webhook for an unknown order changes nothing.
	ghost := *p
	ghost.ID = p.ID + 12345
	if code := postWebhook(t, a, secretA, time.Now(), paidEvent("evt_ghost", &ghost)); code != http.StatusOK {
		t.Fatalf("webhook for an unknown order: %d", code)
	}
	if got := orderOf(t, a, orderURL); got.State != models.OrderPending {
		t.Fatalf("unknown webhook moved the order: %s", got.State)
	}
	if code := postWebhook(t, a, "whsec_forged", time.Now(), paidEvent("evt_forged", p)); code != http.StatusBadRequest {
		t.Fatalf("forged webhook: %d", code)
	}
	for range 2 { // a replay has no second effect
		if code := postWebhook(t, a, secretA, time.Now(), paidEvent("evt_mugs_paid", p)); code != http.StatusOK {
			t.Fatalf("paid webhook: %d", code)
		}
	}
	if got := orderOf(t, a, orderURL); got.State != models.OrderPaid || stockOf(t, a, listingID) != 1 {
		t.Fatalf("after the webhook: order %s, stock %d", got.State, stockOf(t, a, listingID))
	}
	if code, page := shopGet(t, guest, orderURL); code != http.StatusOK || !strings.Contains(page, `data-state="paid"`) {
		t.Fatalf("order page: %d\n%s", code, page)
	}
	sold := sellerOrders(t, carolBrowser, a, "")
	if len(sold) != 1 || sold[0]["state"] != "paid" || sold[0]["note"] != "gift wrap please" || sold[0]["total"] != "24.00" {
		t.Fatalf("carol's orders: %v", sold)
	}
	// A sent bob's inbox the order's Receipt: his Bought page on B shows it.
	bobOnB := newPayBrowser(t, b, "bob")
	boughtOnB(t, b, bobOnB, orderURL, "paid")

	// Four buyers at once for the last mug: one order, three refusals.
	var wg sync.WaitGroup
	codes := make([]int, 4)
	bodies := make([]map[string]any, 4)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], bodies[i] = shopForm(t, shopClient(), buyURL+"/buy", url.Values{"quantity": {"1"}})
		}()
	}
	wg.Wait()
	var last string
	refused := 0
	for i := range 4 {
		switch {
		case codes[i] == http.StatusOK:
			if last != "" {
				t.Fatalf("two orders for the last mug: %v", bodies)
			}
			last = bodies[i]["order_url"].(string)
		case codes[i] == http.StatusConflict && strings.Contains(fmt.Sprint(bodies[i]["error"]), "sold out"):
			refused++
		default:
			t.Fatalf("buyer %d: %d %v", i, codes[i], bodies[i])
		}
	}
	if last == "" || refused != 3 || stockOf(t, a, listingID) != 0 {
		t.Fatalf("last mug: order %q, %d refused, stock %d", last, refused, stockOf(t, a, listingID))
	}
	lastOrder := orderOf(t, a, last)
	lp, _ := a.store.PaymentByID(ctx, lastOrder.PaymentID)
	if code := postWebhook(t, a, secretA, time.Now(), paidEvent("evt_last_paid", lp)); code != http.StatusOK {
		t.Fatal(code)
	}
	if got := orderOf(t, a, last); got.State != models.OrderPaid || stockOf(t, a, listingID) != 0 {
		t.Fatalf("last mug after the webhook: %s, stock %d", got.State, stockOf(t, a, listingID))
	}
	if code, page := shopGet(t, guest, buyURL); code != http.StatusOK || !strings.Contains(page, `id="listing-soldout"`) {
		t.Fatalf("sold-out buy page: %d\n%s", code, page)
	}
	if code, body := shopForm(t, guest, buyURL+"/buy", url.Values{"quantity": {"1"}}); code != http.StatusConflict || !strings.Contains(fmt.Sprint(body["error"]), "sold out") {
		t.Fatalf("buying when sold out: %d %v", code, body)
	}

	// carol marks bob's order shipped; the message reaches bob's chat on B.
	code, body = carolBrowser.postJSON(a.url("/shop/sold"), a.url(fmt.Sprintf("/shop/sold/%d/ship", o.ID)), url.Values{"message": {"Posted today, tracking 42"}})
	if code != http.StatusOK || body["state"] != "shipped" {
		t.Fatalf("ship: %d %v", code, body)
	}
	if code, body := carolBrowser.postJSON(a.url("/shop/sold"), a.url(fmt.Sprintf("/shop/sold/%d/ship", o.ID)), url.Values{}); code != http.StatusConflict {
		t.Fatalf("shipping twice: %d %v", code, body)
	}
	eventually(t, "the shipping message in bob's chat on B", func() bool {
		convs, err := b.svc.Messaging().Conversations(ctx, bob, core.Page{Limit: 10})
		if err != nil {
			return false
		}
		for _, cv := range convs {
			msgs, err := b.svc.Messaging().Messages(ctx, bob, cv.Conversation.ID, core.Page{Limit: 10})
			if err != nil {
				continue
			}
			for _, m := range msgs {
				if strings.Contains(m.Status.Text, "Posted today, tracking 42") && strings.Contains(m.Status.Text, "2 × Blue mug") {
					return true
				}
			}
		}
		return false
	})
	if code, page := shopGet(t, guest, orderURL); code != http.StatusOK || !strings.Contains(page, `data-state="shipped"`) || !strings.Contains(page, "tracking 42") {
		t.Fatalf("order page after shipping: %d\n%s", code, page)
	}
	boughtOnB(t, b, bobOnB, orderURL, "shipped")
	forgedReceiptsRefusedOnB(t, a, b, carol, dave, bob, o.ID, buyURL)

	// A price change federates as an Update; the order keeps its price.
	code, body = carolBrowser.postJSON(buyURL, buyURL+"/edit", url.Values{"title": {"Blue mug"}, "description": {"Hand-thrown stoneware"},
		"price": {"15.00"}, "currency": {"EUR"}, "stock": {"5"}})
	if code != http.StatusOK || body["price"] != "15.00" {
		t.Fatalf("edit: %d %v", code, body)
	}
	eventually(t, "the new price on B", func() bool {
		st, err := b.statusByURI(bob, post.URI)
		return err == nil && strings.Contains(st.Text, "15.00 EUR")
	})
	if pr := fetchProposal(t, post.URI); price(pr) != "15.00 EUR" {
		t.Fatalf("the Note's Proposal after the edit: %v", pr)
	}
	// B applied the Update to its remote listing; one from dave does not.
	if rl, err := b.store.RemoteListingByStatusID(ctx, onB.ID); err != nil || rl.PriceDecimal != "15.00" || rl.State != models.ListingOpen {
		t.Fatalf("remote listing on B after the edit: %+v %v", rl, err)
	}
	listingUpdateFromThirdActorRefused(t, b, dave, carol, post.URI, buyURL)
	if rl, err := b.store.RemoteListingByStatusID(ctx, onB.ID); err != nil || rl.PriceDecimal != "15.00" {
		t.Fatalf("remote listing on B after dave's Update: %+v %v", rl, err)
	}
	// bob's second order, at the new price, cancelled by carol: refunded
	// then cancelled, two Updates; B ends at cancelled.
	code, body = shopForm(t, guest, action, url.Values{"quantity": {"1"}, "handle": {handle}})
	if code != http.StatusOK {
		t.Fatalf("second buy: %d %v", code, body)
	}
	orderURL2 := body["order_url"].(string)
	o2 := orderOf(t, a, orderURL2)
	p2, _ := a.store.PaymentByID(ctx, o2.PaymentID)
	if code := postWebhook(t, a, secretA, time.Now(), paidEvent("evt_mug2_paid", p2)); code != http.StatusOK {
		t.Fatal(code)
	}
	boughtOnBOf(t, b, bobOnB, orderURL2, "paid", "1", "15.00")
	if code, body := carolBrowser.postJSON(a.url("/shop/sold"), a.url(fmt.Sprintf("/shop/sold/%d/cancel", o2.ID)), url.Values{"reason": {"last one chipped"}}); code != http.StatusOK || body["state"] != "cancelled" {
		t.Fatalf("cancel: %d %v", code, body)
	}
	boughtOnBOf(t, b, bobOnB, orderURL2, "cancelled", "1", "15.00")
	if got := orderOf(t, a, orderURL); got.UnitPrice != 1200 || got.Total != 2400 {
		t.Fatalf("order price after the edit: %+v", got)
	}
	// The Shop tab and search find it; closing stops orders.
	if code, page := shopGet(t, guest, a.url("/@carol")); code != http.StatusOK || !strings.Contains(page, `href="/shop/u/carol@`+a.host+`"`) {
		t.Fatalf("profile without a Shop tab: %d", code)
	}
	if code, page := shopGet(t, guest, a.url("/shop/u/carol@"+a.host)); code != http.StatusOK || !strings.Contains(page, "Blue mug") {
		t.Fatalf("shop tab: %d\n%s", code, page)
	}
	if code, page := shopGet(t, guest, a.url("/shop/search?q=stoneware")); code != http.StatusOK || !strings.Contains(page, "Blue mug") {
		t.Fatalf("search: %d\n%s", code, page)
	}
	if code, _ := carolBrowser.postJSON(buyURL, buyURL+"/close", url.Values{}); code != http.StatusOK {
		t.Fatalf("close: %d", code)
	}
	if code, body := shopForm(t, guest, buyURL+"/buy", url.Values{"quantity": {"1"}}); code != http.StatusConflict || !strings.Contains(fmt.Sprint(body["error"]), "closed") {
		t.Fatalf("buying a closed listing: %d %v", code, body)
	}
	// B closes its remote listing: its buy page takes no order.
	eventually(t, "the listing closed on B", func() bool {
		rl, err := b.store.RemoteListingByStatusID(ctx, onB.ID)
		return err == nil && rl.State == models.ListingClosed
	})
	rl, _ := b.store.RemoteListingByStatusID(ctx, onB.ID)
	if _, page, _ := bobOnB.get(b.url("/shop/remote/" + core.IDString(rl.ID))); !strings.Contains(page, `id="listing-closed"`) || strings.Contains(page, "remote-buy-form") {
		t.Fatalf("B's buy page of the closed listing:\n%s", page)
	}
	// carol refunds the shipped order: an Update(Receipt) moves B's mirror.
	if code, body := carolBrowser.postJSON(a.url("/shop/sold"), a.url(fmt.Sprintf("/shop/sold/%d/refund", o.ID)), url.Values{}); code != http.StatusOK || body["state"] != "refunded" {
		t.Fatalf("refund: %d %v", code, body)
	}
	boughtOnB(t, b, bobOnB, orderURL, "refunded")
}

func mustID(t *testing.T, v any) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(fmt.Sprint(v), &id); err != nil {
		t.Fatalf("id %v: %v", v, err)
	}
	return id
}

func sellerOrders(t *testing.T, br *payBrowser, in *instance, state string) []map[string]any {
	t.Helper()
	return sellerOrdersAt(t, br, in.url("/shop/sold?state="+state))
}

// sellerOrdersAt reads an order list as JSON with the browser's session.
func sellerOrdersAt(t *testing.T, br *payBrowser, u string) []map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept", "application/json")
	resp, err := br.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("orders: %d %v", resp.StatusCode, err)
	}
	return out
}

// statusesOf is what author posted, as the author sees it.
func (in *instance) statusesOf(t *testing.T, author *models.Account) []*models.Status {
	t.Helper()
	list, err := in.svc.Social().AccountStatuses(context.Background(), author, author, core.Page{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// fetchProposal fetches a Note as ActivityPub JSON and returns the FEP-0837
// Proposal among its attachments.
func fetchProposal(t *testing.T, uri string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, uri, nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var note struct {
		Attachment []map[string]any `json:"attachment"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&note); err != nil {
		t.Fatalf("note %s: %d %v", uri, resp.StatusCode, err)
	}
	for _, a := range note.Attachment {
		if a["type"] == "Proposal" {
			return a
		}
	}
	t.Fatalf("no Proposal in %s: %v", uri, note.Attachment)
	return nil
}

// price is a Proposal's reciprocal quantity, "12.00 EUR".
func price(pr map[string]any) string {
	rec, _ := pr["reciprocal"].(map[string]any)
	q, _ := rec["resourceQuantity"].(map[string]any)
	return fmt.Sprint(q["hasNumericalValue"]) + " " + fmt.Sprint(q["hasUnit"])
}

var (
	buyButtonRE  = regexp.MustCompile(`href="(/shop/remote/[0-9]+)" class="buy"`)
	remoteFormRE = regexp.MustCompile(`(?s)<form method="post" action="([^"]+)" id="remote-buy-form">\s*<input type="hidden" name="handle" value="([^"]+)">`)
)

// remoteBuyForm is what bob's browser on B sees: the listing post's Buy
// button (read from the stored remote listing), then B's buy page and the
// action and handle of its form.
func remoteBuyForm(t *testing.T, b *instance, bob *models.Account, post *models.Status) (string, string) {
	t.Helper()
	ctx := context.Background()
	rl, err := b.store.RemoteListingByStatusID(ctx, post.ID)
	if err != nil || rl.PriceDecimal != "12.00" || rl.Currency != "EUR" || rl.Title != "Blue mug" || rl.SellerID != post.AccountID {
		t.Fatalf("remote listing on B: %+v %v", rl, err)
	}
	browser := newPayBrowser(t, b, bob.Username)
	_, home, _ := browser.get(b.url("/home"))
	m := buyButtonRE.FindStringSubmatch(home)
	if m == nil || m[1] != "/shop/remote/"+core.IDString(rl.ID) {
		t.Fatalf("no Buy button on B's home timeline:\n%s", home)
	}
	code, buy, _ := browser.get(b.url(m[1]))
	f := remoteFormRE.FindStringSubmatch(buy)
	if code != http.StatusOK || f == nil || !strings.Contains(buy, "12.00 EUR") {
		t.Fatalf("B's buy page: %d\n%s", code, buy)
	}
	return f[1], f[2]
}
