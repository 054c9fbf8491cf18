package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
	"plaza/payments"
	"plaza/payments/stripemock"
)

// Supporting over real HTTP on one instance with stripe-mock: alice's tier
// form refuses bad prices and takes 5.00 USD, bob's Support button goes to
// Checkout, signed webhooks make him a supporter, and his supporter page
// (screenshot docs/screenshots/supporters-*.png) shows the subscription
// with its next renewal and a Cancel button.
func TestSupporterPagesOverHTTP(t *testing.T) {
	ctx := context.Background()
	const secret = "whsec_supporters"
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(stripemock.URL(t), secret))
	alice := a.createUser(t, "alice")
	bob := a.createUser(t, "bob")
	connectStripe(t, a, "alice", secret)
	ab := newPayBrowser(t, a, "alice")
	for _, bad := range []url.Values{{"amount": {"0"}, "currency": {"USD"}}, {"amount": {"-1"}, "currency": {"USD"}}, {"amount": {"5.00"}, "currency": {"ZZZ"}}} {
		if code, _, _ := ab.post(a.url("/supporters"), a.url("/supporters/tiers"), bad); code != http.StatusUnprocessableEntity {
			t.Fatalf("tier %v: %d", bad, code)
		}
	}
	// The form redirects back to the page, which names the new tier.
	if code, body, _ := ab.post(a.url("/supporters"), a.url("/supporters/tiers"), url.Values{"amount": {"5.00"}, "currency": {"USD"}, "description": {"Drafts and notes"}}); code != http.StatusOK || !strings.Contains(body, "Tier created") || !strings.Contains(body, "5.00 USD a month") {
		t.Fatalf("tier: %d\n%s", code, body)
	}
	tiers, err := a.store.TiersOf(ctx, alice.ID)
	if err != nil || len(tiers) != 1 || tiers[0].Amount != 500 {
		t.Fatalf("tiers %+v %v", tiers, err)
	}
	bb := newPayBrowser(t, a, "bob")
	if _, profile, _ := bb.get(a.url("/@alice")); !strings.Contains(profile, `href="/supporters/of/alice" id="support-button"`) {
		t.Fatalf("alice's profile has no Support button:\n%s", profile)
	}
	_, page, _ := bb.get(a.url("/supporters/of/alice"))
	if !strings.Contains(page, "5.00 USD a month") || !strings.Contains(page, "support-button") {
		t.Fatalf("support page:\n%s", page)
	}
	code, out := bb.postJSON(a.url("/supporters/of/alice"), a.url("/supporters/tiers/"+strconv.FormatInt(tiers[0].ID, 10)+"/subscribe"), url.Values{})
	checkout, _ := out["checkout_url"].(string)
	subID, _ := strconv.ParseInt(fmt2(out["id"]), 10, 64)
	if code != http.StatusOK || !strings.HasPrefix(checkout, "https://") || subID == 0 {
		t.Fatalf("subscribe: %d %v", code, out)
	}
	if _, body, _ := bb.get(a.url("/supporters")); !strings.Contains(body, "no-subscriptions") {
		t.Fatal("an unpaid subscription is shown")
	}
	sa, err := a.store.StripeAccountOf(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The pending subscription's id is what Checkout carries.
	ids, err := a.store.ActiveSupporterIDs(ctx, alice.ID)
	if err != nil || len(ids) != 0 {
		t.Fatalf("supporters before paying: %v %v", ids, err)
	}
	sub := lockedSubscription(t, a, subID)
	if sub.State != models.SubscriptionPending || sub.SupporterID != bob.ID {
		t.Fatalf("subscription before paying: %+v", sub)
	}
	ref := strconv.FormatInt(sub.ID, 10)
	now := time.Now().UTC().Truncate(time.Second)
	for i, ev := range [][]byte{
		stripemock.Event("evt_sup_cs", "checkout.session.completed", sa.StripeAccountID, now, map[string]any{"id": sub.CheckoutSessionID, "object": "checkout.session",
			"mode": "subscription", "client_reference_id": ref, "subscription": "sub_" + ref, "customer": "cus_" + ref, "payment_status": "paid"}),
		stripemock.Event("evt_sup_inv", "invoice.paid", sa.StripeAccountID, now, map[string]any{"id": "in_" + ref, "object": "invoice", "subscription": "sub_" + ref,
			"amount_paid": 500, "currency": "usd", "subscription_details": map[string]any{"metadata": map[string]any{payments.SubscriptionMetadataKey: ref}},
			"lines": map[string]any{"object": "list", "data": []any{map[string]any{"id": "il_1", "object": "line_item",
				"period": map[string]any{"start": now.Unix(), "end": now.AddDate(0, 1, 0).Unix()}}}}}),
	} {
		if code := postWebhook(t, a, secret, time.Now(), ev); code != http.StatusOK {
			t.Fatalf("webhook %d: %d", i, code)
		}
	}
	_, body, _ := bb.get(a.url("/supporters"))
	if !strings.Contains(body, `data-state="active"`) || !strings.Contains(body, now.AddDate(0, 1, 0).Format("2006-01-02")) || !strings.Contains(body, "sub-cancel") {
		t.Fatalf("bob's supporter page:\n%s", body)
	}
	if _, body, _ := ab.get(a.url("/supporters")); !strings.Contains(body, "@bob") || !strings.Contains(body, `id="revenue"`) {
		t.Fatalf("alice's creator page:\n%s", body)
	}

	tb := browser(t)
	tb.signIn(t, a, "bob")
	tb.step(t, "supporter page", chromedp.Navigate(a.url("/supporters")), chromedp.WaitVisible(chromedp.CSS(`li.subscription[data-state="active"]`)))
	tb.pageOK(t, "supporter page")
	tb.screenshots(t, "supporters")
}

// lockedSubscription reads one subscription.
func lockedSubscription(t *testing.T, in *instance, id int64) *models.Subscription {
	t.Helper()
	var sub *models.Subscription
	err := in.store.WithTx(context.Background(), func(tx *store.Store) error {
		var err error
		sub, err = tx.SubscriptionByIDForUpdate(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func fmt2(v any) string { s, _ := v.(string); return s }
