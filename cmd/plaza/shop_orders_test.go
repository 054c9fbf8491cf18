package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/payments/stripemock"
	"plaza/server/service/core"
)

// A buyer with an account on the seller's instance, through the web UI
// with its session and CSRF token; the seller's cancel and refund through
// stripe-mock; a checkout that expires gives its stock back, once.
func TestShopOrdersOnOneInstance(t *testing.T) {
	ctx := context.Background()
	api := stripemock.URL(t)
	const secret = "whsec_shop_one"
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(api, secret))
	carol := a.createUser(t, "carol")
	dave := a.createUser(t, "dave")
	carolBrowser := connectStripe(t, a, "carol", secret)
	daveBrowser := newPayBrowser(t, a, "dave")
	// dave follows carol, so her messages open a chat rather than wait in
	// his message requests (docs/CHATS.md).
	if _, err := a.svc.Social().Follow(ctx, dave, carol); err != nil {
		t.Fatal(err)
	}

	code, body := carolBrowser.postJSON(a.url("/shop/new"), a.url("/shop/listings"), url.Values{"title": {"Teapot"},
		"price": {"30.00"}, "currency": {"EUR"}, "stock": {"2"}})
	if code != http.StatusOK {
		t.Fatalf("listing: %d %v", code, body)
	}
	buyURL := body["buy_url"].(string)
	listingID := mustID(t, body["id"])

	// dave buys 1 signed in: the order is his.
	code, body = daveBrowser.postJSON(buyURL, buyURL+"/buy", url.Values{"quantity": {"1"}, "note": {"blue please"}})
	if code != http.StatusOK {
		t.Fatalf("buy: %d %v", code, body)
	}
	o := orderOf(t, a, body["order_url"].(string))
	if o.BuyerID != dave.ID {
		t.Fatalf("order buyer %d, want dave %d", o.BuyerID, dave.ID)
	}
	p, _ := a.store.PaymentByID(ctx, o.PaymentID)
	if p.PayerID != dave.ID || p.Guest {
		t.Fatalf("payment of a signed-in buyer: %+v", p)
	}
	if code := postWebhook(t, a, secret, time.Now(), paidEvent("evt_teapot_paid", p)); code != http.StatusOK {
		t.Fatal(code)
	}
	mine := orderList(t, daveBrowser, a, "/shop/bought")
	if len(mine) != 1 || mine[0]["state"] != "paid" {
		t.Fatalf("dave's orders: %v", mine)
	}

	// A second order whose checkout expires: its stock comes back once.
	code, body = daveBrowser.postJSON(buyURL, buyURL+"/buy", url.Values{"quantity": {"1"}})
	if code != http.StatusOK || stockOf(t, a, listingID) != 0 {
		t.Fatalf("second buy: %d %v, stock %d", code, body, stockOf(t, a, listingID))
	}
	o2 := orderOf(t, a, body["order_url"].(string))
	p2, _ := a.store.PaymentByID(ctx, o2.PaymentID)
	for _, id := range []string{"evt_teapot_expired", "evt_teapot_expired_again"} {
		ev := checkoutEvent(id, time.Now(), "checkout.session.expired", p2.StripeAccountID, p2.ID, "unpaid")
		if code := postWebhook(t, a, secret, time.Now(), ev); code != http.StatusOK {
			t.Fatal(code)
		}
	}
	if got := orderOf(t, a, body["order_url"].(string)); got.State != models.OrderExpired || stockOf(t, a, listingID) != 1 {
		t.Fatalf("after expiry: %s, stock %d", got.State, stockOf(t, a, listingID))
	}

	// carol cancels dave's paid order: refunded through Stripe, stock back,
	// dave told in a chat with carol.
	code, body = carolBrowser.postJSON(a.url("/shop/sold"), a.url(fmt.Sprintf("/shop/sold/%d/cancel", o.ID)), url.Values{"reason": {"broke in the kiln"}})
	if code != http.StatusOK || body["state"] != "cancelled" {
		t.Fatalf("cancel: %d %v", code, body)
	}
	if stockOf(t, a, listingID) != 2 || paymentState(t, a, p.ID) != models.PaymentRefunded {
		t.Fatalf("after cancel: stock %d, payment %s", stockOf(t, a, listingID), paymentState(t, a, p.ID))
	}
	// The refund's webhook, arriving later, changes nothing more.
	ev := stripemock.Event("evt_teapot_refunded", "charge.refunded", p.StripeAccountID, time.Now(), map[string]any{
		"id": "ch_teapot", "object": "charge", "amount": p.Amount, "amount_refunded": p.Amount, "refunded": true,
		"payment_intent": "pi_test_" + fmt.Sprint(p.ID), "metadata": map[string]any{"plaza_payment": fmt.Sprint(p.ID)}})
	if code := postWebhook(t, a, secret, time.Now(), ev); code != http.StatusOK {
		t.Fatal(code)
	}
	if got, _ := a.store.OrderByID(ctx, o.ID); got.State != models.OrderCancelled || stockOf(t, a, listingID) != 2 {
		t.Fatalf("after the refund webhook: %s, stock %d", got.State, stockOf(t, a, listingID))
	}
	convs, err := a.svc.Messaging().Conversations(ctx, dave, core.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	told := false
	for _, cv := range convs {
		if cv.LastStatus != nil && strings.Contains(cv.LastStatus.Text, "broke in the kiln") && cv.LastStatus.AccountID == carol.ID {
			told = true
		}
	}
	if !told {
		t.Fatal("dave has no chat message about the cancel")
	}
	// Nobody else may act on carol's orders, or see them.
	if code, _ := daveBrowser.postJSON(a.url("/shop/new"), a.url(fmt.Sprintf("/shop/sold/%d/refund", o.ID)), url.Values{}); code != http.StatusNotFound {
		t.Fatalf("dave refunding carol's order: %d", code)
	}
	if got := orderList(t, daveBrowser, a, "/shop/sold"); len(got) != 0 {
		t.Fatalf("dave sees sold orders: %v", got)
	}
	// A bearer token without write:payments cannot ship.
	req, _ := http.NewRequest(http.MethodPost, a.url(fmt.Sprintf("/shop/sold/%d/ship", o.ID)), nil)
	req.Header.Set("Authorization", "Bearer not-a-token")
	req.Header.Set("Accept", "application/json")
	if resp, err := testClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("ship with a bad token: %v %v", resp, err)
	}
}

func orderList(t *testing.T, br *payBrowser, in *instance, path string) []map[string]any {
	t.Helper()
	return sellerOrdersAt(t, br, in.url(path))
}
