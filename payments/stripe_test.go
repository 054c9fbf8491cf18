package payments_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/payments"
	"plaza/payments/stripemock"
)

const webhookSecret = "whsec_test_secret"

func newStripe(t *testing.T) *payments.Stripe {
	t.Helper()
	s, err := payments.NewStripe(payments.Config{SecretKey: "sk_test_123", WebhookSecret: webhookSecret, APIURL: stripemock.URL(t), FeeBasisPoints: 250})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStripeAccountCheckoutRefund(t *testing.T) {
	ctx := context.Background()
	s := newStripe(t)
	acct, err := s.CreateAccount(ctx, 42, "alice@example.test")
	if err != nil || !strings.HasPrefix(acct, "acct_") {
		t.Fatalf("create account: %q %v", acct, err)
	}
	link, err := s.OnboardingLink(ctx, acct, "http://a.test/refresh", "http://a.test/return")
	if err != nil || link == "" {
		t.Fatalf("account link: %q %v", link, err)
	}
	if _, _, err := s.AccountStatus(ctx, acct); err != nil {
		t.Fatalf("account status: %v", err)
	}
	sess, err := s.CreateCheckout(ctx, models.CheckoutRequest{
		PaymentID: 7, StripeAccountID: acct, Amount: 500, Currency: "USD", Description: "Payment to @alice",
		SuccessURL: "http://b.test/payments/p/1", CancelURL: "http://b.test/payments/p/1", ExpiresAt: time.Now().Add(time.Hour),
	})
	if err != nil || sess.ID == "" || sess.URL == "" {
		t.Fatalf("checkout: %+v %v", sess, err)
	}
	if _, err := s.Refund(ctx, models.RefundRequest{PaymentID: 7, StripeAccountID: acct, PaymentIntentID: "pi_123", Amount: 500}); err != nil {
		t.Fatalf("refund: %v", err)
	}
}

func TestStripeWebhookVerification(t *testing.T) {
	s := newStripe(t)
	now := time.Now()
	body := stripemock.Event("evt_1", "checkout.session.completed", "acct_1", now, map[string]any{
		"id": "cs_test_1", "object": "checkout.session", "client_reference_id": "99", "payment_status": "paid",
		"payment_intent": "pi_1", "amount_total": 500, "metadata": map[string]any{},
	})
	ev, err := s.ParseWebhook(body, stripemock.Sign(body, webhookSecret, now))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if ev.ID != "evt_1" || ev.State != models.PaymentSucceeded || ev.PaymentRef != "99" || ev.PaymentIntentID != "pi_1" || ev.StripeAccountID != "acct_1" {
		t.Fatalf("event: %+v", ev)
	}
	cases := map[string]string{
		"bad signature": stripemock.Sign(body, "whsec_other", now),
		"too old":       stripemock.Sign(body, webhookSecret, now.Add(-time.Hour)),
		"no header":     "",
	}
	for name, sig := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := s.ParseWebhook(body, sig); !errors.Is(err, payments.ErrBadWebhook) {
				t.Fatalf("got %v, want ErrBadWebhook", err)
			}
		})
	}
	// A tampered body fails too.
	sig := stripemock.Sign(body, webhookSecret, now)
	if _, err := s.ParseWebhook([]byte(strings.Replace(string(body), "500", "5000", 1)), sig); !errors.Is(err, payments.ErrBadWebhook) {
		t.Fatalf("tampered: %v", err)
	}
	refund := stripemock.Event("evt_2", "charge.refunded", "acct_1", now, map[string]any{
		"id": "ch_1", "object": "charge", "amount": 500, "amount_refunded": 200, "refunded": false, "payment_intent": "pi_1",
		"metadata": map[string]any{"plaza_payment": "99"},
	})
	ev, err = s.ParseWebhook(refund, stripemock.Sign(refund, webhookSecret, now))
	if err != nil || ev.State != models.PaymentPartiallyRefunded || ev.AmountRefunded != 200 || ev.PaymentRef != "99" {
		t.Fatalf("refund event: %+v %v", ev, err)
	}
}
