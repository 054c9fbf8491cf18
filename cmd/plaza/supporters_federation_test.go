package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/federation"
	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/payments"
	"plaza/payments/stripemock"
	"plaza/server/service/core"
	"plaza/server/service/social"
	"plaza/server/service/supporters"
)

// A supporter-only post between two real instances: bob@B supports
// alice@A (Checkout on A, signed webhooks on A); alice's supporter-only post
// reaches bob on B and nobody else on either instance — not carol on B,
// not dave on B who follows alice, not alice's local follower erin, not
// anonymous readers, not the outbox — and after customer.subscription
// .deleted the next one does not reach bob.
//
// The remote subscription starts in A's service (Subscribe with bob's
// account as A knows it); A tells B with a signed Agreement, a Receipt per
// paid period and Updates, and B mirrors it on bob's supporter page
// (checked by mirroredOnB; replays and forgeries by refusedOnB).
func TestSupporterOnlyPostBetweenInstances(t *testing.T) {
	ctx := context.Background()
	const secret = "whsec_supporters_fed"
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(stripemock.URL(t), secret))
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	erin := a.createUser(t, "erin")
	bob, carol, dave := b.createUser(t, "bob"), b.createUser(t, "carol"), b.createUser(t, "dave")
	connectStripe(t, a, "alice", secret)
	tier, err := a.svc.Supporters().CreateTier(ctx, alice, supporters.TierInput{Amount: "5.00", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Social().Follow(ctx, erin, alice); err != nil {
		t.Fatal(err)
	}
	aliceOnB := b.resolve(t, "alice@"+a.host)
	if _, err := b.svc.Social().Follow(ctx, dave, aliceOnB); err != nil {
		t.Fatal(err)
	}
	eventually(t, "dave's follow accepted", func() bool {
		ok, _ := b.store.IsFollowing(ctx, dave.ID, aliceOnB.ID)
		return ok
	})
	bobOnA := a.resolve(t, "bob@"+b.host)
	sub, _, err := a.svc.Supporters().Subscribe(ctx, bobOnA, tier.ID, a.url("/supporters"))
	if err != nil {
		t.Fatal(err)
	}
	sa, err := a.store.StripeAccountOf(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	ref := strconv.FormatInt(sub.ID, 10)
	now := time.Now().UTC().Truncate(time.Second)
	invoiceEvent := func(typ, id string, start time.Time) []byte {
		return stripemock.Event("evt_"+id, typ, sa.StripeAccountID, start, map[string]any{"id": id, "object": "invoice", "subscription": "sub_" + ref,
			"amount_paid": 500, "currency": "usd", "subscription_details": map[string]any{"metadata": map[string]any{payments.SubscriptionMetadataKey: ref}},
			"lines": map[string]any{"object": "list", "data": []any{map[string]any{"id": "il_" + id, "object": "line_item",
				"period": map[string]any{"start": start.Unix(), "end": start.AddDate(0, 1, 0).Unix()}}}}})
	}
	invoice := func(id string, start time.Time) []byte { return invoiceEvent("invoice.paid", id, start) }
	for i, ev := range [][]byte{
		stripemock.Event("evt_fed_cs", "checkout.session.completed", sa.StripeAccountID, now, map[string]any{"id": sub.CheckoutSessionID, "object": "checkout.session",
			"mode": "subscription", "client_reference_id": ref, "subscription": "sub_" + ref, "customer": "cus_" + ref, "payment_status": "paid"}),
		invoice("in_first", now),
		invoice("in_renewal", now.AddDate(0, 1, 0)), // the renewal
	} {
		if code := postWebhook(t, a, secret, time.Now(), ev); code != http.StatusOK {
			t.Fatalf("webhook %d: %d", i, code)
		}
	}
	if s := lockedSubscription(t, a, sub.ID); s.State != models.SubscriptionActive || !s.CurrentPeriodEnd.Equal(now.AddDate(0, 2, 0)) {
		t.Fatalf("after the renewal: %+v", s)
	}

	mirroredOnB(t, b, bob, sub.AgreementURI, models.SubscriptionActive, now.AddDate(0, 2, 0), 2)
	refusedOnB(t, a, b, bob, sub.AgreementURI, now)

	post, err := a.svc.Social().CreateStatus(ctx, alice, social.CreateStatusInput{Text: "for my supporters", Visibility: models.VisibilitySupporters})
	if err != nil {
		t.Fatal(err)
	}
	var onB *models.Status
	eventually(t, "the post on B", func() bool {
		st, err := b.store.StatusWithAccountByURI(ctx, post.URI)
		onB = st
		return err == nil
	})
	sees := func(in *instance, viewer *models.Account, st *models.Status) bool {
		t.Helper()
		_, err := in.svc.Core().StatusForViewer(ctx, viewer, st.ID)
		if err != nil && !errors.Is(err, core.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	if !sees(b, bob, onB) {
		t.Fatal("bob cannot read the post on B")
	}
	for name, v := range map[string]*models.Account{"carol": carol, "dave": dave, "anonymous": nil} {
		if sees(b, v, onB) {
			t.Errorf("%s reads the supporter-only post on B", name)
		}
	}
	if sees(a, erin, post) || sees(a, nil, post) {
		t.Error("a non-supporter on A reads the post")
	}
	for _, v := range []*models.Account{carol, dave} {
		home, err := b.svc.Social().HomeTimeline(ctx, v, core.Page{Limit: 40})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range home {
			if st.URI == post.URI {
				t.Errorf("@%s has the post on their home timeline", v.Username)
			}
		}
	}
	// The status URL and the outbox show nothing to anyone else.
	for _, u := range []string{post.URI, a.url("/users/alice/outbox?page=true")} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Accept", "application/activity+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && strings.Contains(string(body), "for my supporters") {
			t.Errorf("GET %s shows the post to an anonymous fetch", u)
		}
	}

	// A signed fetch from B, by B's instance actor or by dave's key, gets
	// nothing either.
	if obj, err := b.resolver.FetchObject(ctx, post.URI); err == nil {
		t.Errorf("B's signed fetch got the post: %+v", obj)
	}
	signer, err := accountSignerFor(dave)
	if err != nil {
		t.Fatal(err)
	}
	tr := federation.NewTransport(federation.Config{AllowPrivateAddresses: true})
	if body, err := tr.Get(ctx, post.URI, signer, ""); err == nil && strings.Contains(string(body), "for my supporters") {
		t.Error("dave's signed fetch got the post")
	}
	// The same signed fetch of a public post works, so the refusal above is
	// the visibility rule, not a bad signature.
	open, err := a.svc.Social().CreateStatus(ctx, alice, social.CreateStatusInput{Text: "open post", Visibility: models.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	if body, err := tr.Get(ctx, open.URI, signer, ""); err != nil || !strings.Contains(string(body), "open post") {
		t.Fatalf("dave's signed fetch of a public post: %v", err)
	}

	// Lapsed: the third period's payment failed; B shows past_due.
	if code := postWebhook(t, a, secret, time.Now(), invoiceEvent("invoice.payment_failed", "in_failed", now.AddDate(0, 2, 0))); code != http.StatusOK {
		t.Fatalf("payment_failed webhook: %d", code)
	}
	mirroredOnB(t, b, bob, sub.AgreementURI, models.SubscriptionPastDue, now.AddDate(0, 2, 0), 2)

	// Cancelled: the next supporter-only post does not reach B.
	del := stripemock.Event("evt_fed_del", "customer.subscription.deleted", sa.StripeAccountID, now.Add(time.Hour), map[string]any{"id": "sub_" + ref,
		"object": "subscription", "status": "canceled", "metadata": map[string]any{payments.SubscriptionMetadataKey: ref}})
	if code := postWebhook(t, a, secret, time.Now(), del); code != http.StatusOK {
		t.Fatalf("deleted webhook: %d", code)
	}
	mirroredOnB(t, b, bob, sub.AgreementURI, models.SubscriptionCanceled, now.AddDate(0, 2, 0), 2)
	post2, err := a.svc.Social().CreateStatus(ctx, alice, social.CreateStatusInput{Text: "second chapter", Visibility: models.VisibilitySupporters})
	if err != nil {
		t.Fatal(err)
	}
	marker, err := a.svc.Social().CreateStatus(ctx, alice, social.CreateStatusInput{Text: "public marker", Visibility: models.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the public marker on B", func() bool {
		_, err := b.store.StatusWithAccountByURI(ctx, marker.URI)
		return err == nil
	})
	if _, err := b.store.StatusWithAccountByURI(ctx, post2.URI); err == nil {
		t.Fatal("a supporter-only post reached B after the subscription ended")
	}
}
