package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
	"plaza/payments/stripemock"
	"plaza/server/service/messaging"
	"plaza/server/service/payments"
	"plaza/server/service/payviews"
)

// Requests for money in chats, across instances (docs/PAYMENTS.md,
// "Requests"), with real instances over HTTP and stripe-mock.

// paidEvent is Stripe's checkout.session.completed for payment p.
func paidEvent(id string, p *models.Payment) []byte {
	pid := strconv.FormatInt(p.ID, 10)
	return stripemock.Event(id, "checkout.session.completed", p.StripeAccountID, time.Now(), map[string]any{
		"id": "cs_test_" + pid, "object": "checkout.session", "client_reference_id": pid, "payment_status": "paid",
		"payment_intent": "pi_test_" + pid, "amount_total": p.Amount, "currency": strings.ToLower(p.Currency),
		"metadata": map[string]any{"plaza_payment": pid},
	})
}

// postJSON submits a form of the browser's session (CSRF token taken from
// page) asking for a JSON answer.
func (b *payBrowser) postJSON(page, action string, form url.Values) (int, map[string]any) {
	b.t.Helper()
	_, body, _ := b.get(page)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF field on %s", page)
	}
	form.Set("authenticity_token", m[1])
	req, _ := http.NewRequest(http.MethodPost, action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("POST %s: %v", action, err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// chatWith starts a direct chat of from with handle and returns its id on
// from's instance.
func chatWith(t *testing.T, in *instance, from *models.Account, handle string) int64 {
	t.Helper()
	in.post(t, from, handle+" hello", models.VisibilityDirect, nil)
	acs, err := in.store.AccountConversationsOf(context.Background(), from.ID, store.Page{Limit: 1})
	if err != nil || len(acs) == 0 {
		t.Fatalf("no chat: %v", err)
	}
	return acs[0].ConversationID
}

func cardOf(t *testing.T, in *instance, viewer *models.Account, statusID int64) *payviews.ChatCard {
	t.Helper()
	cards, err := in.svc.PayViews().CardsForStatuses(context.Background(), viewer, []int64{statusID})
	if err != nil {
		t.Fatal(err)
	}
	return cards[statusID]
}

// payPair is instances A and B taking payments through stripe-mock: alice
// on A and bob on B, each with a connected Stripe account (so each actor
// advertises Plaza payments), bob known on A.
type payPair struct {
	a, b             *instance
	alice, bob       *models.Account
	aliceBrowser     *payBrowser
	secretA, secretB string
}

func newPayPair(t *testing.T, opts ...func(*Config)) *payPair {
	t.Helper()
	api := stripemock.URL(t)
	pp := &payPair{secretA: "whsec_pair_a", secretB: "whsec_pair_b"}
	pp.a = startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), append([]func(*Config){withStripe(api, pp.secretA)}, opts...)...)
	pp.b = startInstanceAt(t, "127.0.0.3:0", storetest.Config(t), append([]func(*Config){withStripe(api, pp.secretB)}, opts...)...)
	pp.alice = pp.a.createUser(t, "alice")
	pp.bob = pp.b.createUser(t, "bob")
	pp.aliceBrowser = connectStripe(t, pp.a, "alice", pp.secretA)
	connectStripe(t, pp.b, "bob", pp.secretB)
	if bobOnA := pp.a.resolve(t, "bob@"+pp.b.host); bobOnA.PaymentsURI == "" {
		t.Fatal("bob's payment link not seen on A")
	}
	return pp
}

var payLinkRE = regexp.MustCompile(`https?://[^\s"<]+/pay/[0-9a-f]{32}`)

// The requested member is on an instance without Plaza payments (a Plaza
// instance with payments off and no payment link stands in): carol gets a
// direct message whose link opens the public pay page with no session;
// paying through stripe-mock completes the request on A, where alice's card
// shows it paid.
func TestRequestFromAnyoneOnTheFediverse(t *testing.T) {
	ctx := context.Background()
	api := stripemock.URL(t)
	const secretA = "whsec_requests_a"
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(api, secretA))
	c := startInstance(t, "127.0.0.4") // no Stripe: its users advertise no payment link
	alice := a.createUser(t, "alice")
	carol := c.createUser(t, "carol")
	aliceBrowser := connectStripe(t, a, "alice", secretA)
	carolOnA := a.resolve(t, "carol@"+c.host)
	if carolOnA.PaymentsURI != "" {
		t.Fatal("carol advertises payments")
	}
	conv := chatWith(t, a, alice, "@carol@"+c.host)

	// Refused input answers {"error"} and posts nothing.
	for _, bad := range []url.Values{
		{"amount": {"0"}, "currency": {"USD"}},
		{"amount": {"-3"}, "currency": {"USD"}},
		{"amount": {"3"}, "currency": {"XXX"}},
		{"amount": {"5000"}, "currency": {"USD"}},
	} {
		code, body := aliceBrowser.postJSON(a.url("/payments/stripe"), a.url(fmt.Sprintf("/payments/chat/%d/request", conv)), bad)
		if code != http.StatusUnprocessableEntity || body["error"] == "" {
			t.Fatalf("bad request %v: %d %v", bad, code, body)
		}
	}
	if n, _, _ := a.store.CountPaymentRows(ctx); n != 0 {
		t.Fatalf("%d requests after refused input", n)
	}

	code, body := aliceBrowser.postJSON(a.url("/payments/stripe"), a.url(fmt.Sprintf("/payments/chat/%d/request", conv)),
		url.Values{"amount": {"7.00"}, "currency": {"USD"}, "note": {"concert tickets"}})
	if code != http.StatusCreated {
		t.Fatalf("request: %d %v", code, body)
	}
	statusID, _ := strconv.ParseInt(body["status_id"].(string), 10, 64)
	msg, err := a.store.StatusByID(ctx, statusID)
	if err != nil {
		t.Fatal(err)
	}

	// carol's server gets a plain direct message with the pay link.
	var link string
	eventually(t, "the request DM on C", func() bool {
		st, err := c.store.StatusWithAccountByURI(ctx, msg.URI)
		if err != nil {
			return false
		}
		link = payLinkRE.FindString(st.Text)
		return st.Visibility == models.VisibilityDirect && link != ""
	})
	if !strings.HasPrefix(link, "http://"+a.host+"/pay/") {
		t.Fatalf("pay link %q is not on A", link)
	}
	if n, _, _ := c.store.CountPaymentRows(ctx); n != 0 {
		t.Fatal("C, without payments, stored a request")
	}
	_ = carol

	// The public pay page, with no session at all.
	anon := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := anon.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "7.00 USD") || !strings.Contains(string(page), `id="pay-public-form"`) || !strings.Contains(string(page), "concert tickets") {
		t.Fatalf("public pay page: %d\n%s", resp.StatusCode, page)
	}
	if resp, err := anon.Get(a.url("/pay/0123456789abcdef0123456789abcdef")); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown token: %v %v", resp, err)
	}
	resp, err = anon.PostForm(link, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
		t.Fatalf("pay: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	r, err := a.store.PaymentRequestByProposal(ctx, a.url(fmt.Sprintf("/payments/requests/%s", body["request_ids"].([]any)[0])))
	if err != nil || r.PaymentID == 0 {
		t.Fatalf("request on A: %+v %v", r, err)
	}
	p, err := a.store.PaymentByID(ctx, r.PaymentID)
	if err != nil || !p.Guest || p.PayerID != carolOnA.ID || p.State != models.PaymentCheckoutOpen || p.Amount != 700 {
		t.Fatalf("guest payment: %+v %v", p, err)
	}
	// Coming back to the page reuses the open checkout.
	resp, _ = anon.PostForm(link, url.Values{})
	resp.Body.Close()
	if _, n, _ := a.store.CountPaymentRows(ctx); n != 1 {
		t.Fatalf("%d payments after paying twice from the page", n)
	}

	if code := postWebhook(t, a, secretA, time.Now(), paidEvent("evt_guest_paid", p)); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	if r, _ = a.store.PaymentRequestByID(ctx, r.ID); r.State != models.RequestPaid {
		t.Fatalf("request after the webhook: %s", r.State)
	}
	if card := cardOf(t, a, alice, statusID); card == nil || card.State != payviews.CardPaid {
		t.Fatalf("alice's card: %+v", card)
	}
	if n := countPaymentNotifications(t, a, alice); n != 1 {
		t.Fatalf("alice has %d payment notifications, want 1", n)
	}
	// In client apps the notification is a "payment" with the chat message.
	var notes []struct {
		Type   string `json:"type"`
		Status struct {
			ID string `json:"id"`
		} `json:"status"`
	}
	if err := json.Unmarshal([]byte(apiGet(t, a, mustToken(t, a, "alice"), "/api/v1/notifications?types[]=payment")), &notes); err != nil ||
		len(notes) != 1 || notes[0].Type != "payment" || notes[0].Status.ID != strconv.FormatInt(statusID, 10) {
		t.Fatalf("alice's payment notification in the client API: %+v %v", notes, err)
	}
	resp, _ = anon.Get(link)
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `data-state="paid"`) || strings.Contains(string(page), "pay-public-form") {
		t.Fatalf("public page once paid:\n%s", page)
	}
	// The paid request cannot be paid again.
	resp, _ = anon.PostForm(link, url.Values{})
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("paying a paid request: %d", resp.StatusCode)
	}

	// alice's history of the chat, and its CSV.
	if code, page, _ := aliceBrowser.get(a.url(fmt.Sprintf("/payments?chat=%d", conv))); code != http.StatusOK ||
		!strings.Contains(page, `data-kind="request" data-id="`+strconv.FormatInt(r.ID, 10)+`" data-state="paid"`) || !strings.Contains(page, `data-kind="payment"`) || !strings.Contains(page, "pay-totals") {
		t.Fatalf("history of the chat: %d\n%s", code, page)
	}
	code, csvBody, resp := aliceBrowser.get(a.url("/payments/history.csv?state=paid"))
	if code != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(csvBody, ",request,requested,carol@"+c.host+",7.00,USD,paid,concert tickets,") || strings.Contains(csvBody, ",payment,") {
		t.Fatalf("CSV: %d\n%s", code, csvBody)
	}
}

// Alice on A asks bob on B (both Plaza with payments) for money in their
// chat: B gets the Proposal, bob's card has Pay; paying runs the Offer flow
// tied to the request through A's checkout and stripe-mock; both cards end
// paid.
func TestRequestBetweenInstances(t *testing.T) {
	ctx := context.Background()
	pp := newPayPair(t)
	a, b, alice, bob, aliceBrowser, secretA := pp.a, pp.b, pp.alice, pp.bob, pp.aliceBrowser, pp.secretA
	conv := chatWith(t, a, alice, "@bob@"+b.host)
	code, body := aliceBrowser.postJSON(a.url("/payments/stripe"), a.url(fmt.Sprintf("/payments/chat/%d/request", conv)),
		url.Values{"amount": {"4.00"}, "currency": {"USD"}, "note": {"lunch"}})
	if code != http.StatusCreated {
		t.Fatalf("request: %d %v", code, body)
	}
	statusID, _ := strconv.ParseInt(body["status_id"].(string), 10, 64)
	msg, _ := a.store.StatusByID(ctx, statusID)
	ar, err := a.store.PaymentRequestByProposal(ctx, a.url("/payments/requests/"+body["request_ids"].([]any)[0].(string)))
	if err != nil {
		t.Fatal(err)
	}

	var br *models.PaymentRequest
	var bobMsg *models.Status
	eventually(t, "the request and its message on B", func() bool {
		br, err = b.store.PaymentRequestByProposal(ctx, ar.ProposalURI)
		if err != nil {
			return false
		}
		bobMsg, err = b.store.StatusWithAccountByURI(ctx, msg.URI)
		return err == nil
	})
	if br.Amount != 400 || br.PayerID != bob.ID || br.NoteURI != msg.URI || br.PayToken != "" {
		t.Fatalf("request on B: %+v", br)
	}
	card := cardOf(t, b, bob, bobMsg.ID)
	if card == nil || !card.Can("pay") || !card.Can("decline") || card.Amount != "4.00" {
		t.Fatalf("bob's card: %+v", card)
	}

	bobBrowser := newPayBrowser(t, b, "bob", a)
	code, body = bobBrowser.postJSON(b.url("/payments/stripe"), b.url(fmt.Sprintf("/payments/requests/%d/pay", br.ID)), url.Values{})
	if code != http.StatusCreated {
		t.Fatalf("pay: %d %v", code, body)
	}
	bobPayID, _ := strconv.ParseInt(body["id"].(string), 10, 64)
	eventually(t, "A accepts the Offer for the request", func() bool { return paymentState(t, b, bobPayID) == models.PaymentAccepted })
	if c := cardOf(t, b, bob, bobMsg.ID); c.State != payviews.CardAwaitingPayment || c.PaymentID != bobPayID {
		t.Fatalf("bob's card while paying: %+v", c)
	}
	bobBrowser.hops = nil
	code, _, resp := bobBrowser.get(b.url(fmt.Sprintf("/payments/p/%d/go", bobPayID)))
	if code != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "https://") || !strings.HasPrefix(bobBrowser.hops[1], "http://"+a.host+"/payments/checkout/") {
		t.Fatalf("go to checkout: %d %v", code, bobBrowser.hops)
	}
	ar, _ = a.store.PaymentRequestByID(ctx, ar.ID)
	ap, err := a.store.PaymentByID(ctx, ar.PaymentID)
	if err != nil || ap.RequestID != ar.ID || ap.State != models.PaymentCheckoutOpen {
		t.Fatalf("A's payment: %+v %v", ap, err)
	}
	if code := postWebhook(t, a, secretA, time.Now(), paidEvent("evt_req_paid", ap)); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	eventually(t, "B hears the request is paid", func() bool {
		r, _ := b.store.PaymentRequestByID(ctx, br.ID)
		return r.State == models.RequestPaid && paymentState(t, b, bobPayID) == models.PaymentSucceeded
	})
	if c := cardOf(t, a, alice, statusID); c.State != payviews.CardPaid {
		t.Fatalf("alice's card: %+v", c)
	}
	if c := cardOf(t, b, bob, bobMsg.ID); c.State != payviews.CardPaid || len(c.Actions) != 0 {
		t.Fatalf("bob's card: %+v", c)
	}
	// Paying twice: refused on B, and refused by A for a forged second Offer.
	code, body = bobBrowser.postJSON(b.url("/payments/stripe"), b.url(fmt.Sprintf("/payments/requests/%d/pay", br.ID)), url.Values{})
	if code != http.StatusConflict || !strings.Contains(fmt.Sprint(body["error"]), "already been paid") {
		t.Fatalf("paying twice: %d %v", code, body)
	}
}

// Forged federated requests change nothing on the payer's instance: signed
// by the wrong key, amount changed in transit (the body no longer matches
// its signed digest), an id on another host; a replay makes one request.
func TestForgedRequestsBetweenInstances(t *testing.T) {
	ctx := context.Background()
	api := stripemock.URL(t)
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(api, "whsec_f_a"))
	b := startInstanceAt(t, "127.0.0.3:0", storetest.Config(t), withStripe(api, "whsec_f_b"))
	alice := a.createUser(t, "alice")
	dave := a.createUser(t, "dave")
	bob := b.createUser(t, "bob")
	b.resolve(t, "alice@"+a.host)
	aliceKey, daveKey := privateKey(t, alice), privateKey(t, dave)
	activity := func(id, proposal, amount string) []byte {
		body, _ := json.Marshal(map[string]any{
			"@context": "https://www.w3.org/ns/activitystreams",
			"id":       id, "type": "Create", "actor": alice.URI, "to": []string{bob.URI},
			"object": map[string]any{
				"id": proposal, "type": "Proposal", "purpose": "request", "attributedTo": alice.URI, "to": []string{bob.URI},
				"url": a.url("/pay/00000000000000000000000000000000"), "endTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
				"publishes": map[string]any{"type": "Intent", "action": "transfer", "receiver": alice.URI,
					"resourceQuantity": map[string]any{"hasUnit": "USD", "hasNumericalValue": amount}},
			},
		})
		return body
	}
	requests := func() int64 { n, _, _ := b.store.CountPaymentRows(ctx); return n }
	inbox := b.url("/users/bob/inbox")
	good := activity(alice.URI+"#req/1", a.url("/payments/requests/1"), "5.00")
	for name, p := range map[string]inboxPost{
		"wrong signer":               {body: good, keyID: dave.PublicKeyID, key: daveKey, date: time.Now(), inboxURL: inbox},
		"alice's key id, dave's key": {body: good, keyID: alice.PublicKeyID, key: daveKey, date: time.Now(), inboxURL: inbox},
		"amount changed in transit":  {body: good, sent: activity(alice.URI+"#req/1", a.url("/payments/requests/1"), "500.00"), keyID: alice.PublicKeyID, key: aliceKey, date: time.Now(), inboxURL: inbox},
		"proposal on another host":   {body: activity(alice.URI+"#req/2", "http://127.0.0.9/payments/requests/1", "5.00"), keyID: alice.PublicKeyID, key: aliceKey, date: time.Now(), inboxURL: inbox},
		"stale date":                 {body: activity(alice.URI+"#req/3", a.url("/payments/requests/3"), "5.00"), keyID: alice.PublicKeyID, key: aliceKey, date: time.Now().Add(-20 * time.Minute), inboxURL: inbox},
	} {
		if code, msg := p.do(t); code < 400 {
			t.Errorf("%s: %d %s", name, code, msg)
		}
		if n := requests(); n != 0 {
			t.Fatalf("%s stored a request", name)
		}
	}
	// The genuine one, delivered three times: one request.
	for i := 0; i < 3; i++ {
		if code, msg := (inboxPost{body: good, keyID: alice.PublicKeyID, key: aliceKey, date: time.Now(), inboxURL: inbox}).do(t); code >= 300 {
			t.Fatalf("genuine request: %d %s", code, msg)
		}
	}
	eventually(t, "the genuine request on B", func() bool { return requests() == 1 })
	r, _ := b.store.PaymentRequestByProposal(ctx, a.url("/payments/requests/1"))
	if r.Amount != 500 || r.PayerID != bob.ID {
		t.Fatalf("stored request: %+v", r)
	}
	// A replay under a new activity id, with another amount: still one
	// request, its amount unchanged.
	if code, _ := (inboxPost{body: activity(alice.URI+"#req/1b", a.url("/payments/requests/1"), "9.00"), keyID: alice.PublicKeyID, key: aliceKey, date: time.Now(), inboxURL: inbox}).do(t); code >= 300 {
		t.Fatalf("replay: %d", code)
	}
	if r2, _ := b.store.PaymentRequestByProposal(ctx, r.ProposalURI); requests() != 1 || r2.Amount != 500 {
		t.Fatalf("after a replay: %d requests, amount %d", requests(), r2.Amount)
	}
}

// After the payment: bob declines a second request on B and alice's card on
// A says so; alice cancels a third and bob's card on B says so; bob sends
// alice money from the chat on B, and the card shows on both sides.
func TestRequestAnswersBetweenInstances(t *testing.T) {
	ctx := context.Background()
	pp := newPayPair(t)
	a, b, alice, bob, aliceBrowser := pp.a, pp.b, pp.alice, pp.bob, pp.aliceBrowser
	conv := chatWith(t, a, alice, "@bob@"+b.host)
	ask := func(amount string) (*models.PaymentRequest, *models.PaymentRequest, int64) {
		t.Helper()
		code, body := aliceBrowser.postJSON(a.url("/payments/stripe"), a.url(fmt.Sprintf("/payments/chat/%d/request", conv)),
			url.Values{"amount": {amount}, "currency": {"USD"}})
		if code != http.StatusCreated {
			t.Fatalf("request: %d %v", code, body)
		}
		statusID, _ := strconv.ParseInt(body["status_id"].(string), 10, 64)
		ar, _ := a.store.PaymentRequestByProposal(ctx, a.url("/payments/requests/"+body["request_ids"].([]any)[0].(string)))
		var br *models.PaymentRequest
		eventually(t, "the request on B", func() bool {
			var err error
			br, err = b.store.PaymentRequestByProposal(ctx, ar.ProposalURI)
			return err == nil
		})
		return ar, br, statusID
	}
	bobBrowser := newPayBrowser(t, b, "bob", a)

	ar, br, statusID := ask("2.00")
	if code, body := bobBrowser.postJSON(b.url("/payments/stripe"), b.url(fmt.Sprintf("/payments/requests/%d/decline", br.ID)), url.Values{}); code != http.StatusOK {
		t.Fatalf("decline: %d %v", code, body)
	}
	eventually(t, "A hears bob declined", func() bool {
		r, _ := a.store.PaymentRequestByID(ctx, ar.ID)
		return r.State == models.RequestDeclined
	})
	if c := cardOf(t, a, alice, statusID); c.State != payviews.CardDeclined || len(c.Actions) != 0 {
		t.Fatalf("alice's card of a declined request: %+v", c)
	}

	ar, br, _ = ask("3.00")
	if code, body := aliceBrowser.postJSON(a.url("/payments/stripe"), a.url(fmt.Sprintf("/payments/requests/%d/cancel", ar.ID)), url.Values{}); code != http.StatusOK {
		t.Fatalf("cancel: %d %v", code, body)
	}
	eventually(t, "B hears alice cancelled", func() bool {
		r, _ := b.store.PaymentRequestByID(ctx, br.ID)
		return r.State == models.RequestCancelled
	})
	if code, body := bobBrowser.postJSON(b.url("/payments/stripe"), b.url(fmt.Sprintf("/payments/requests/%d/pay", br.ID)), url.Values{}); code != http.StatusConflict || !strings.Contains(fmt.Sprint(body["error"]), "cancelled") {
		t.Fatalf("paying a cancelled request: %d %v", code, body)
	}

	// bob accepts the chat, then sends 1.50 USD from it on B.
	b.acceptRequest(t, bob, "alice")
	acs, err := b.store.AccountConversationsOf(ctx, bob.ID, store.Page{Limit: 1})
	if err != nil || len(acs) == 0 {
		t.Fatalf("bob's chat: %v", err)
	}
	aliceOnB := b.resolve(t, "alice@"+a.host)
	code, body := bobBrowser.postJSON(b.url("/payments/stripe"), b.url(fmt.Sprintf("/payments/chat/%d/send", acs[0].ConversationID)),
		url.Values{"to": {strconv.FormatInt(aliceOnB.ID, 10)}, "amount": {"1.50"}, "currency": {"USD"}, "note": {"bus"}})
	if code != http.StatusCreated {
		t.Fatalf("send from the chat: %d %v", code, body)
	}
	payID, _ := strconv.ParseInt(body["id"].(string), 10, 64)
	bp, _ := b.store.PaymentByID(ctx, payID)
	eventually(t, "the payment and its message on A", func() bool {
		ap, err := a.store.PaymentByOfferURI(ctx, bp.OfferURI)
		if err != nil || ap.NoteURI != bp.NoteURI {
			return false
		}
		_, err = a.store.StatusWithAccountByURI(ctx, bp.NoteURI)
		return err == nil
	})
	msgOnA, _ := a.store.StatusWithAccountByURI(ctx, bp.NoteURI)
	if c := cardOf(t, a, alice, msgOnA.ID); c == nil || c.Kind != payviews.CardPayment || !c.Mine || c.Amount != "1.50" {
		t.Fatalf("alice's card of bob's payment: %+v", c)
	}
	msgOnB, _ := b.store.StatusWithAccountByURI(ctx, bp.NoteURI)
	eventually(t, "bob's card ready to pay", func() bool { c := cardOf(t, b, bob, msgOnB.ID); return c != nil && c.Can("pay") })
}

// The split, without a browser: alice@A splits 30.00 USD three ways
// in a group chat with bob@B and carol@A; bob pays through B → A's checkout
// → stripe-mock → signed webhook; carol pays on A; alice's card shows each
// payment arrive and then "settled"; a refund shows on every card.
func TestSplitAcrossInstances(t *testing.T) {
	ctx := context.Background()
	pp := newPayPair(t, func(c *Config) { c.Stripe.MaxPerDay = "100" })
	a, b, alice, bob, aliceBrowser, secretA := pp.a, pp.b, pp.alice, pp.bob, pp.aliceBrowser, pp.secretA
	carol := a.createUser(t, "carol")
	view, err := a.svc.Messaging().StartChat(ctx, alice, messaging.StartChatInput{Handles: []string{"bob@" + b.host, "carol"}, Name: "dinner", Text: "dinner at 8"})
	if err != nil {
		t.Fatal(err)
	}
	conv := view.AccountConversation.ConversationID
	code, body := aliceBrowser.postJSON(a.url("/payments/stripe"), a.url(fmt.Sprintf("/payments/chat/%d/request", conv)),
		url.Values{"split": {"1"}, "include_me": {"1"}, "amount": {"30.00"}, "currency": {"USD"}, "note": {"dinner"}})
	if code != http.StatusCreated {
		t.Fatalf("split: %d %v", code, body)
	}
	statusID, _ := strconv.ParseInt(body["status_id"].(string), 10, 64)
	card := cardOf(t, a, alice, statusID)
	if card.Kind != payviews.CardSplit || len(card.Shares) != 2 || card.Amount != "20.00" || card.Left != "20.00" || card.SplitTotal != "30.00" {
		t.Fatalf("alice's split card: %+v", card)
	}
	msg, _ := a.store.StatusByID(ctx, statusID)
	fragment := func(br *payBrowser) string {
		t.Helper()
		code, html, _ := br.get(a.url(fmt.Sprintf("/payments/cards/%d?back=/chats/%d", statusID, conv)))
		if code != http.StatusOK {
			t.Fatalf("card fragment: %d %s", code, html)
		}
		return html
	}
	if html := fragment(aliceBrowser); !strings.Contains(html, fmt.Sprintf(`id="pay-card-%d"`, statusID)) || !strings.Contains(html, "pay-action-remind") ||
		!strings.Contains(html, "Bill: 30.00 USD") || !strings.Contains(html, fmt.Sprintf(`name="back" value="/chats/%d"`, conv)) || strings.Contains(html, "pay-action-pay") {
		t.Fatalf("alice's card fragment:\n%s", html)
	}

	// carol pays on A.
	carolReq := card.Shares[0].RequestID
	if card.Shares[0].Account.ID != carol.ID {
		carolReq = card.Shares[1].RequestID
	}
	carolBrowser := newPayBrowser(t, a, "carol")
	if html := fragment(carolBrowser); !strings.Contains(html, "Pay 10.00 USD") || !strings.Contains(html, "pay-action-decline") || strings.Contains(html, "pay-action-remind") {
		t.Fatalf("carol's card fragment:\n%s", html)
	}
	code, body = carolBrowser.postJSON(a.url("/payments/stripe"), a.url(fmt.Sprintf("/payments/requests/%d/pay", carolReq)), url.Values{})
	if code != http.StatusCreated {
		t.Fatalf("carol pays: %d %v", code, body)
	}
	carolPayID, _ := strconv.ParseInt(body["id"].(string), 10, 64)
	cp, _ := a.store.PaymentByID(ctx, carolPayID)
	if _, err := a.svc.Payments().OpenCheckout(ctx, cp.ID, cp.PayToken); err != nil {
		t.Fatal(err)
	}
	cp, _ = a.store.PaymentByID(ctx, carolPayID)
	if code := postWebhook(t, a, secretA, time.Now(), paidEvent("evt_split_carol", cp)); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	if card = cardOf(t, a, alice, statusID); card.Collected != "10.00" || card.Left != "10.00" || card.PaidCount != 1 {
		t.Fatalf("after carol paid: %+v", card)
	}

	// bob pays through B.
	var bobMsg *models.Status
	var br *models.PaymentRequest
	eventually(t, "bob's share on B", func() bool {
		var err error
		if bobMsg, err = b.store.StatusWithAccountByURI(ctx, msg.URI); err != nil {
			return false
		}
		c := cardOf(t, b, bob, bobMsg.ID)
		if c == nil || !c.Can("pay") {
			return false
		}
		br, err = b.store.PaymentRequestByID(ctx, c.RequestID)
		return err == nil
	})
	bobBrowser := newPayBrowser(t, b, "bob", a)
	code, body = bobBrowser.postJSON(b.url("/payments/stripe"), b.url(fmt.Sprintf("/payments/requests/%d/pay", br.ID)), url.Values{})
	if code != http.StatusCreated {
		t.Fatalf("bob pays: %d %v", code, body)
	}
	bobPayID, _ := strconv.ParseInt(body["id"].(string), 10, 64)
	eventually(t, "A accepts bob's Offer", func() bool { return paymentState(t, b, bobPayID) == models.PaymentAccepted })
	if code, _, resp := bobBrowser.get(b.url(fmt.Sprintf("/payments/p/%d/go", bobPayID))); code != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
		t.Fatalf("bob to checkout: %d", code)
	}
	bp, _ := b.store.PaymentByID(ctx, bobPayID)
	ap, _ := a.store.PaymentByOfferURI(ctx, bp.OfferURI)
	if code := postWebhook(t, a, secretA, time.Now(), paidEvent("evt_split_bob", ap)); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	if card = cardOf(t, a, alice, statusID); card.State != payviews.CardSettled || card.Collected != "20.00" || card.Left != "0.00" {
		t.Fatalf("alice's card once both paid: %+v", card)
	}
	eventually(t, "bob's card paid on B", func() bool { return cardOf(t, b, bob, bobMsg.ID).State == payviews.CardPaid })

	// alice refunds bob: every card shows it.
	if code, _, _ := aliceBrowser.post(a.url(fmt.Sprintf("/payments/p/%d", ap.ID)), a.url(fmt.Sprintf("/payments/p/%d/refund", ap.ID)), url.Values{"amount": {payments.FormatAmount(ap.Amount, ap.Currency)}, "confirm": {"1"}}); code != http.StatusOK {
		t.Fatalf("refund: %d", code)
	}
	card = cardOf(t, a, alice, statusID)
	for _, sh := range card.Shares {
		if sh.Account.ID != carol.ID && sh.State != payviews.CardRefunded {
			t.Fatalf("bob's share on alice's card after the refund: %+v", sh)
		}
	}
	if card.Collected != "10.00" {
		t.Fatalf("collected after the refund: %s", card.Collected)
	}
	eventually(t, "bob's card refunded on B", func() bool { return cardOf(t, b, bob, bobMsg.ID).State == payviews.CardRefunded })
	if c := cardOf(t, a, carol, statusID); c.State != payviews.CardSettled {
		t.Fatalf("carol's card: %+v", c)
	}

	// A split by custom amounts, through the same form.
	bobOnA := a.resolve(t, "bob@"+b.host)
	code, body = aliceBrowser.postJSON(a.url("/payments/stripe"), a.url(fmt.Sprintf("/payments/chat/%d/request", conv)), url.Values{
		"split": {"1"}, "mode": {"custom"}, "currency": {"USD"},
		"amount_" + strconv.FormatInt(carol.ID, 10): {"2.50"}, "amount_" + strconv.FormatInt(bobOnA.ID, 10): {"1"}})
	if code != http.StatusCreated {
		t.Fatalf("custom split: %d %v", code, body)
	}
	statusID, _ = strconv.ParseInt(body["status_id"].(string), 10, 64)
	card = cardOf(t, a, alice, statusID)
	shares := map[int64]string{}
	for _, sh := range card.Shares {
		shares[sh.Account.ID] = sh.Amount
	}
	if card.Amount != "3.50" || shares[carol.ID] != "2.50" || shares[bobOnA.ID] != "1.00" {
		t.Fatalf("custom split card: %+v", card)
	}
}
