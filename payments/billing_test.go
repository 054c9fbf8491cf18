package payments_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/payments"
	"plaza/payments/stripemock"
)

// The Billing endpoints supporter subscriptions use, against stripe-mock:
// Product and Price, Checkout in subscription mode, the portal, cancel;
// then a signed invoice.paid decoded to the period it pays for.
func TestStripeBillingSubscription(t *testing.T) {
	ctx := context.Background()
	s := newStripe(t)
	acct, err := s.CreateAccount(ctx, 7, "")
	if err != nil {
		t.Fatal(err)
	}
	prod, price, err := s.CreateTierPrice(ctx, acct, 99, "Supporter", 500, "USD")
	if err != nil || !strings.HasPrefix(prod, "prod_") || !strings.HasPrefix(price, "price_") {
		t.Fatalf("tier price: %q %q %v", prod, price, err)
	}
	sess, err := s.CreateSubscriptionCheckout(ctx, models.CheckoutSubscriptionRequest{SubscriptionID: 5, StripeAccountID: acct, PriceID: price, SuccessURL: "http://a.test/ok", CancelURL: "http://a.test/no"})
	if err != nil || !strings.HasPrefix(sess.ID, "cs_") {
		t.Fatalf("subscription checkout: %+v %v", sess, err)
	}
	if u, err := s.PortalURL(ctx, acct, "cus_123", "http://a.test/back"); err != nil || u == "" {
		t.Fatalf("portal: %q %v", u, err)
	}
	if err := s.CancelSubscription(ctx, acct, "sub_123"); err != nil {
		t.Fatalf("cancel: %v", err)
	}

	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	body := stripemock.Event("evt_inv", "invoice.paid", acct, start, map[string]any{
		"id": "in_1", "object": "invoice", "subscription": "sub_123", "customer": "cus_123", "amount_paid": 500, "amount_due": 500, "currency": "usd",
		"subscription_details": map[string]any{"metadata": map[string]any{payments.SubscriptionMetadataKey: "5"}},
		"lines":                map[string]any{"object": "list", "data": []any{map[string]any{"id": "il_1", "object": "line_item", "period": map[string]any{"start": start.Unix(), "end": start.AddDate(0, 1, 0).Unix()}}}},
	})
	ev, err := s.ParseWebhook(body, stripemock.Sign(body, webhookSecret, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if !payments.IsBillingEvent(ev.Type, ev.Raw) {
		t.Fatal("invoice.paid is not a billing event")
	}
	be, err := payments.DecodeBillingEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	if be.SubscriptionRef != "5" || be.StripeSubscriptionID != "sub_123" || be.Amount != 500 || be.Currency != "usd" || !be.PeriodEnd.Equal(start.AddDate(0, 1, 0)) {
		t.Fatalf("decoded %+v", be)
	}
	pay := stripemock.Event("evt_cs", "checkout.session.completed", acct, start, map[string]any{"id": "cs_1", "object": "checkout.session", "mode": "payment"})
	ev, _ = s.ParseWebhook(pay, stripemock.Sign(pay, webhookSecret, time.Now()))
	if payments.IsBillingEvent(ev.Type, ev.Raw) {
		t.Fatal("a payment-mode checkout was taken for a subscription")
	}
}
