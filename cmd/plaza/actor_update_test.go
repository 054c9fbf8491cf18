package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"plaza/models/store/storetest"
	"plaza/payments/stripemock"
)

// TestConnectingStripeShowsThePayButtonAtOnce: when bob connects Stripe on
// B, B federates the new actor document (its Pay link) to his followers'
// servers at once, so A offers the pay form for bob without waiting for
// its cached copy of him to expire.
func TestConnectingStripeShowsThePayButtonAtOnce(t *testing.T) {
	ctx := context.Background()
	api := stripemock.URL(t)
	const secretA, secretB = "whsec_instance_a", "whsec_instance_b"
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(api, secretA))
	b := startInstanceAt(t, "127.0.0.3:0", storetest.Config(t), withStripe(api, secretB))
	alice := a.createUser(t, "alice")
	b.createUser(t, "bob")
	bobHandle := "bob@" + b.host
	bobOnA := a.resolve(t, bobHandle)
	if bobOnA.PaymentsURI != "" {
		t.Fatal("bob has a Pay link before connecting Stripe")
	}
	if _, err := a.svc.Social().Follow(ctx, alice, bobOnA); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob's follower on A", func() bool {
		inboxes, _ := b.store.FollowerInboxes(ctx, mustAccount(t, b, "bob").ID)
		return len(inboxes) == 1
	})

	payForm := func() string {
		t.Helper()
		_, body, _ := newPayBrowser(t, a, "alice").get(a.url("/payments/new?to=" + url.QueryEscape("@"+bobHandle)))
		return body
	}
	if body := payForm(); strings.Contains(body, `id="pay-form"`) {
		t.Fatal("A offers a pay form for bob before he connected Stripe")
	}
	connectStripe(t, b, "bob", secretB)
	eventually(t, "bob's Pay link on A", func() bool {
		acct, err := a.store.AccountByURI(ctx, bobOnA.URI)
		return err == nil && acct.PaymentsURI != ""
	})
	if body := payForm(); !strings.Contains(body, `id="pay-form"`) || strings.Contains(body, "cannot-pay") {
		t.Fatalf("A's pay form for bob after he connected Stripe:\n%s", body)
	}
}
