package service_test

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/payments"
	"plaza/payments/stripemock"
	"plaza/server/service/core"
	paysvc "plaza/server/service/payments"
	"plaza/server/service/social"
	"plaza/server/service/supporters"
)

// supWorld is a stripe world whose alice sells supporter subscriptions.
type supWorld struct {
	*stripeWorld
	n int // webhook event counter
}

func newSupWorld(t *testing.T) *supWorld {
	t.Helper()
	w := &supWorld{stripeWorld: newStripeWorld(t, paysvc.PaymentsConfig{Currencies: []string{"USD", "EUR"}})}
	b, err := payments.NewStripe(payments.Config{SecretKey: "sk_test_service", WebhookSecret: testWebhookSecret,
		APIURL: stripemock.URL(t), HTTPClient: &http.Client{Timeout: 20 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	w.svc.Supporters().Enable(b)
	return w
}

func (w *supWorld) tier() *models.SupporterTier {
	w.t.Helper()
	tier, err := w.svc.Supporters().CreateTier(w.ctx, w.alice, supporters.TierInput{Amount: "5.00", Currency: "usd", Description: "Early drafts"})
	if err != nil {
		w.t.Fatal(err)
	}
	return tier
}

// subscribe takes supporter through Checkout and the webhooks that make a
// subscription active; it returns the subscription.
func (w *supWorld) subscribe(supporter *models.Account, tier *models.SupporterTier, at time.Time) *models.Subscription {
	w.t.Helper()
	sub, url, err := w.svc.Supporters().Subscribe(w.ctx, supporter, tier.ID, "https://plaza.test/@alice")
	if err != nil || url == "" || sub.State != models.SubscriptionPending {
		w.t.Fatalf("subscribe: %q %v", url, err)
	}
	if ok, _ := w.st.IsSupporter(w.ctx, supporter.ID, tier.CreatorID); ok {
		w.t.Fatal("a supporter before anything was paid")
	}
	ref := strconv.FormatInt(sub.ID, 10)
	w.mustBilling("checkout.session.completed", at, map[string]any{"id": sub.CheckoutSessionID, "object": "checkout.session", "mode": "subscription",
		"client_reference_id": ref, "subscription": "sub_" + ref, "customer": "cus_" + ref, "payment_status": "paid", "amount_total": 500, "currency": "usd"})
	w.invoice(sub, "in_first_"+ref, true, at, at)
	return w.sub(sub.ID)
}

func (w *supWorld) billing(typ string, at time.Time, obj map[string]any) (string, error) {
	w.n++
	id := fmt.Sprintf("evt_sup_%d", w.n)
	return id, w.webhook(id, typ, at, obj)
}

func (w *supWorld) mustBilling(typ string, at time.Time, obj map[string]any) string {
	w.t.Helper()
	id, err := w.billing(typ, at, obj)
	if err != nil {
		w.t.Fatalf("%s: %v", typ, err)
	}
	return id
}

func invoiceObject(sub *models.Subscription, id string, start time.Time) map[string]any {
	ref := strconv.FormatInt(sub.ID, 10)
	return map[string]any{"id": id, "object": "invoice", "subscription": "sub_" + ref, "customer": "cus_" + ref,
		"amount_paid": 500, "amount_due": 500, "currency": "usd",
		"subscription_details": map[string]any{"metadata": map[string]any{payments.SubscriptionMetadataKey: ref}},
		"lines": map[string]any{"object": "list", "data": []any{map[string]any{"id": "il_" + id, "object": "line_item",
			"period": map[string]any{"start": start.Unix(), "end": start.AddDate(0, 1, 0).Unix()}}}}}
}

func (w *supWorld) invoice(sub *models.Subscription, id string, paid bool, start, at time.Time) {
	w.t.Helper()
	typ := "invoice.paid"
	if !paid {
		typ = "invoice.payment_failed"
	}
	w.mustBilling(typ, at, invoiceObject(sub, id, start))
}

func subscriptionObject(sub *models.Subscription, status string) map[string]any {
	ref := strconv.FormatInt(sub.ID, 10)
	return map[string]any{"id": "sub_" + ref, "object": "subscription", "status": status, "customer": "cus_" + ref,
		"metadata": map[string]any{payments.SubscriptionMetadataKey: ref}}
}

func (w *supWorld) sub(id int64) *models.Subscription {
	w.t.Helper()
	var sub *models.Subscription
	err := w.st.WithTx(w.ctx, func(tx *store.Store) error {
		var err error
		sub, err = tx.SubscriptionByIDForUpdate(w.ctx, id)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return sub
}

func (w *supWorld) sees(viewer *models.Account, st *models.Status) bool {
	w.t.Helper()
	_, err := w.svc.Core().StatusForViewer(w.ctx, viewer, st.ID)
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		w.t.Fatal(err)
	}
	return err == nil
}

// createsFor lists, per Create published for status, who it names.
func (w *supWorld) createsFor(st *models.Status) [][]string {
	w.pub.mu.Lock()
	defer w.pub.mu.Unlock()
	var out [][]string
	for _, o := range w.pub.out {
		if o.Type == "Create" && o.Status != nil && o.Status.ID == st.ID {
			var names []string
			for _, a := range o.Recipients {
				names = append(names, a.Username+"@"+a.Domain)
			}
			out = append(out, names)
		}
	}
	return out
}

func TestSupporterTierBadInputs(t *testing.T) {
	w := newSupWorld(t)
	for _, in := range []supporters.TierInput{
		{Amount: "0", Currency: "USD"}, {Amount: "-5.00", Currency: "USD"}, {Amount: "5.001", Currency: "USD"},
		{Amount: "5.00", Currency: "XYZ"}, {Amount: "5.00", Currency: "JPY"}, // JPY is real but not taken here
	} {
		if _, err := w.svc.Supporters().CreateTier(w.ctx, w.alice, in); !errors.Is(err, core.ErrValidation) {
			t.Errorf("%+v: %v, want a validation error", in, err)
		}
	}
	// bob has no connected account.
	if _, err := w.svc.Supporters().CreateTier(w.ctx, w.bob, supporters.TierInput{Amount: "5.00", Currency: "USD"}); !errors.Is(err, core.ErrValidation) {
		t.Errorf("tier without a connected account: %v", err)
	}
	for i := 0; i < supporters.MaxTiers; i++ {
		if _, err := w.svc.Supporters().CreateTier(w.ctx, w.alice, supporters.TierInput{Amount: strconv.Itoa(i+1) + ".00", Currency: "EUR"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := w.svc.Supporters().CreateTier(w.ctx, w.alice, supporters.TierInput{Amount: "9.00", Currency: "USD"})
	if !errors.Is(err, core.ErrValidation) {
		t.Fatalf("fourth tier: %v", err)
	}
	tiers, _ := w.st.TiersOf(w.ctx, w.alice.ID)
	if len(tiers) != supporters.MaxTiers {
		t.Fatalf("%d tiers written, want %d", len(tiers), supporters.MaxTiers)
	}
	if bobs, _ := w.st.TiersOf(w.ctx, w.bob.ID); len(bobs) != 0 {
		t.Fatalf("refused tiers were written: %+v", bobs)
	}
	// Supporting oneself is refused before Stripe is called.
	if _, _, err := w.svc.Supporters().Subscribe(w.ctx, w.alice, tiers[0].ID, "https://plaza.test/"); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("self-support: %v", err)
	}
}

func TestSupporterSubscriptionLifecycle(t *testing.T) {
	w := newSupWorld(t)
	tier := w.tier()
	if tier.Amount != 500 || tier.Currency != "USD" || tier.StripePriceID == "" {
		t.Fatalf("tier %+v", tier)
	}
	// carol follows alice but does not support her; dave is a bystander.
	if _, err := w.svc.Social().Follow(w.ctx, w.carol, w.alice); err != nil {
		t.Fatal(err)
	}
	dave := w.user("dave")
	start := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
	bob := w.subscribe(w.bob, tier, start)
	if bob.State != models.SubscriptionActive || bob.CurrentPeriodEnd == nil || !bob.CurrentPeriodEnd.Equal(start.AddDate(0, 1, 0)) {
		t.Fatalf("after checkout and first invoice: %+v", bob)
	}
	rick := w.subscribe(w.rick, tier, start)
	other := w.remoteOn("ann", "other.test")
	w.subscribe(other, tier, start)

	// Renewal: invoice.paid for the next period extends it, once.
	next := start.AddDate(0, 1, 0)
	renewal := invoiceObject(bob, "in_renew", next)
	id := w.mustBilling("invoice.paid", next, renewal)
	body := stripemock.Event(id, "invoice.paid", w.acct, next, renewal)
	if err := w.svc.Payments().HandleStripeWebhook(w.ctx, body, stripemock.Sign(body, testWebhookSecret, time.Now())); err != nil {
		t.Fatalf("replayed webhook: %v", err)
	}
	w.mustBilling("invoice.paid", next, renewal) // same invoice, new event id
	bob = w.sub(bob.ID)
	if !bob.CurrentPeriodEnd.Equal(next.AddDate(0, 1, 0)) {
		t.Fatalf("renewal did not extend: %v", bob.CurrentPeriodEnd)
	}
	page, err := w.svc.Supporters().Creator(w.ctx, w.alice)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Supporters) != 3 || len(page.Revenue) != 2 || page.Revenue[0].Amount != "5.00" || page.Revenue[1].Amount != "15.00" {
		t.Fatalf("creator page: %d supporters, revenue %+v", len(page.Supporters), page.Revenue)
	}
	mine, err := w.svc.Supporters().Subscriptions(w.ctx, w.bob)
	if err != nil || len(mine) != 1 || len(mine[0].Invoices) != 2 || !mine[0].NextRenewal().Equal(next.AddDate(0, 1, 0)) {
		t.Fatalf("bob's page: %v %+v", err, mine)
	}

	// A supporter-only post: bob sees it, carol (a follower) and dave do
	// not, nor anonymous readers; each remote instance gets its own Create
	// naming only its own supporters.
	post := w.post(w.alice, social.CreateStatusInput{Text: "chapter one", Visibility: models.VisibilitySupporters})
	if !w.sees(w.bob, post) || w.sees(w.carol, post) || w.sees(dave, post) || w.sees(nil, post) || !w.sees(w.rick, post) {
		t.Fatalf("who sees the post: bob %v carol %v dave %v anonymous %v rick %v", w.sees(w.bob, post), w.sees(w.carol, post), w.sees(dave, post), w.sees(nil, post), w.sees(w.rick, post))
	}
	home, err := w.svc.Social().HomeTimeline(w.ctx, w.carol, core.Page{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range home {
		if st.ID == post.ID {
			t.Fatal("the post is on a non-supporter follower's home timeline")
		}
	}
	got := w.createsFor(post)
	want := map[string]bool{"rick@remote.test": true, "ann@other.test": true}
	perInstance := 0
	for _, names := range got {
		if len(names) == 1 && want[names[0]] {
			perInstance++
			delete(want, names[0])
		} else if len(names) != 0 {
			t.Fatalf("a Create names %v", names)
		}
	}
	if perInstance != 2 {
		t.Fatalf("creates %v", got)
	}

	// A failed renewal shows on the creator's page; the failure being
	// older than the renewal, bob stays active.
	w.invoice(bob, "in_fail", false, next, next.Add(-time.Minute))
	if b := w.sub(bob.ID); b.State != models.SubscriptionActive {
		t.Fatalf("an older failure undid a newer renewal: %s", b.State)
	}
	page, _ = w.svc.Supporters().Creator(w.ctx, w.alice)
	if len(page.Failed) != 1 {
		t.Fatalf("failed renewals: %+v", page.Failed)
	}

	// Cancel goes to Stripe; the state changes only when the webhook says.
	if err := w.svc.Supporters().Cancel(w.ctx, w.bob, bob.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Supporters().Cancel(w.ctx, w.carol, bob.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("carol cancelled bob's subscription: %v", err)
	}
	if b := w.sub(bob.ID); b.State != models.SubscriptionActive {
		t.Fatalf("cancel changed the state before the webhook: %s", b.State)
	}
	later := next.Add(time.Hour)
	w.mustBilling("customer.subscription.deleted", later, subscriptionObject(bob, "canceled"))
	// An older "active" update arriving late does not revive it.
	w.mustBilling("customer.subscription.updated", later.Add(-time.Minute), subscriptionObject(bob, "active"))
	w.invoice(bob, "in_late", true, next.AddDate(0, 1, 0), later.Add(-time.Second))
	if b := w.sub(bob.ID); b.State != models.SubscriptionCanceled || b.CanceledAt == nil {
		t.Fatalf("after deleted: %+v", b)
	}
	if w.sees(w.bob, post) {
		t.Fatal("a lapsed supporter still reads supporter-only posts")
	}
	w.mustBilling("customer.subscription.deleted", later, subscriptionObject(rick, "canceled"))
	post2 := w.post(w.alice, social.CreateStatusInput{Text: "chapter two", Visibility: models.VisibilitySupporters})
	for _, names := range w.createsFor(post2) {
		for _, n := range names {
			if n == "rick@remote.test" {
				t.Fatal("the next post went to a cancelled supporter")
			}
		}
	}
}

// A webhook for a subscription Plaza never made is acknowledged and
// changes nothing.
func TestSupporterWebhookUnknownSubscription(t *testing.T) {
	w := newSupWorld(t)
	tier := w.tier()
	ghost := &models.Subscription{ID: 424242}
	w.mustBilling("invoice.paid", time.Now(), invoiceObject(ghost, "in_ghost", time.Now()))
	w.mustBilling("customer.subscription.deleted", time.Now(), subscriptionObject(ghost, "canceled"))
	if invs, err := w.st.InvoicesOf(w.ctx, []int64{ghost.ID}); err != nil || len(invs) != 0 {
		t.Fatalf("invoices written for an unknown subscription: %v %v", invs, err)
	}
	if subs, err := w.st.SubscriptionsOf(w.ctx, w.alice.ID, true); err != nil || len(subs) != 0 {
		t.Fatalf("subscriptions written: %v %v", subs, err)
	}
	// A tampered signature is refused outright.
	body := stripemock.Event("evt_forged", "invoice.paid", w.acct, time.Now(), invoiceObject(ghost, "in_forged", time.Now()))
	if err := w.svc.Payments().HandleStripeWebhook(w.ctx, body, stripemock.Sign(body, "whsec_wrong", time.Now())); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("forged webhook: %v", err)
	}
	_ = tier
}

// remoteOn stores a remote account on another server than remote.test.
func (w *supWorld) remoteOn(name, domain string) *models.Account {
	w.t.Helper()
	base := "https://" + domain + "/users/" + name
	a := &models.Account{Username: name, Domain: domain, ActorType: models.ActorPerson, URI: base, URL: "https://" + domain + "/@" + name,
		InboxURI: base + "/inbox", SharedInbox: "https://" + domain + "/inbox", FollowersURI: base + "/followers",
		PublicKeyID: base + "#main-key", PublicKeyPEM: "-"}
	if err := w.st.UpsertRemoteAccount(w.ctx, a); err != nil {
		w.t.Fatal(err)
	}
	return a
}
