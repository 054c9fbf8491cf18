package service_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// payWorld is a world whose instance pays others (no Stripe of its own);
// next is what the payment decoder port returns for the next activity.
type payWorld struct {
	*world
	next *models.APPayment
}

func newPayWorld(t *testing.T) *payWorld {
	t.Helper()
	return newPayWorldWith(t, payments.PaymentsConfig{Currencies: []string{"USD", "JPY"}, MaxPayment: "100", MaxPerDay: "150", AgreementTTL: time.Hour})
}

func newPayWorldWith(t *testing.T, cfg payments.PaymentsConfig) *payWorld {
	t.Helper()
	w := &payWorld{world: newWorld(t)}
	err := w.svc.Payments().EnablePayments(cfg, nil, func([]byte) (*models.APPayment, error) { return w.next, nil })
	if err != nil {
		t.Fatal(err)
	}
	w.rick.PaymentsURI = "https://remote.test/users/rick/proposal"
	if err := w.st.UpsertRemoteAccount(w.ctx, w.rick); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *payWorld) deliver(signer *models.Account, act *models.APActivity, p *models.APPayment) error {
	w.t.Helper()
	p.ActivityID, p.Actor, p.Type = act.ID, signer.URI, act.Type
	w.next = p
	return w.receive(signer, act)
}

func (w *payWorld) state(id int64) models.PaymentState {
	w.t.Helper()
	p, err := w.st.PaymentByID(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return p.State
}

func TestPaymentPayerSide(t *testing.T) {
	w := newPayWorld(t)
	p, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, payments.OfferInput{To: "@rick@remote.test", Amount: "5.00", Currency: "usd", Note: "thanks"})
	if err != nil {
		t.Fatal(err)
	}
	offer := w.pub.last("Offer")
	if offer == nil || offer.Payment == nil || offer.Payment.Amount != "5.00" || offer.Payment.Payee.ID != w.rick.ID || offer.ID != p.OfferURI {
		t.Fatalf("offer not published: %+v", offer)
	}
	if p.Amount != 500 || p.Currency != "USD" || p.State != models.PaymentOffered {
		t.Fatalf("payment: %+v", p)
	}

	// An Accept whose pay link is on another host is refused.
	agreement := "https://remote.test/payments/p/1/agreement"
	err = w.deliver(w.rick, &models.APActivity{ID: "https://remote.test/accept/bad", Type: "Accept", Object: &models.APObject{ID: p.OfferURI}},
		&models.APPayment{OfferID: p.OfferURI, AgreementID: agreement, AgreementURL: "https://evil.test/pay"})
	if !errors.Is(err, core.ErrForbidden) || w.state(p.ID) != models.PaymentOffered {
		t.Fatalf("foreign pay link: %v %s", err, w.state(p.ID))
	}
	// Only the payee may answer.
	err = w.deliver(w.mary, &models.APActivity{ID: "https://remote.test/accept/mary", Type: "Accept", Object: &models.APObject{ID: p.OfferURI}},
		&models.APPayment{OfferID: p.OfferURI, AgreementID: agreement, AgreementURL: "https://remote.test/pay/1"})
	if !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("answer by someone else: %v", err)
	}
	w.deliver(w.rick, &models.APActivity{ID: "https://remote.test/accept/1", Type: "Accept", Object: &models.APObject{ID: p.OfferURI}},
		&models.APPayment{OfferID: p.OfferURI, AgreementID: agreement, AgreementURL: "https://remote.test/pay/1"})
	if w.state(p.ID) != models.PaymentAccepted {
		t.Fatalf("after Accept: %s", w.state(p.ID))
	}

	t0 := time.Now().UTC()
	amount := "5.00"
	receipt := func(id, status string, updated time.Time, typ string) {
		t.Helper()
		err := w.deliver(w.rick, &models.APActivity{ID: id, Type: typ, Object: &models.APObject{ID: "https://remote.test/r/1", Type: "Receipt"}},
			&models.APPayment{AgreementID: agreement, Status: status, Amount: amount, Currency: "USD", Updated: updated})
		if err != nil {
			t.Fatalf("receipt %s: %v", id, err)
		}
	}
	receipt("https://remote.test/r/1/create", "succeeded", t0, "Create")
	if w.state(p.ID) != models.PaymentSucceeded || !has(w.notifications(w.bob), "payment:rick") {
		t.Fatalf("after receipt: %s %v", w.state(p.ID), w.notifications(w.bob))
	}
	receipt("https://remote.test/r/1/old", "failed", t0.Add(-time.Minute), "Update") // older: ignored
	if w.state(p.ID) != models.PaymentSucceeded {
		t.Fatalf("older receipt applied: %s", w.state(p.ID))
	}
	receipt("https://remote.test/r/1/refund", "refunded", t0.Add(time.Minute), "Update")
	if w.state(p.ID) != models.PaymentRefunded {
		t.Fatalf("refund receipt: %s", w.state(p.ID))
	}
	// A receipt with another amount is not believed.
	amount = "9.00"
	receipt("https://remote.test/r/1/odd", "disputed", t0.Add(2*time.Minute), "Update")
	if w.state(p.ID) != models.PaymentRefunded {
		t.Fatalf("receipt with another amount applied: %s", w.state(p.ID))
	}
}

func TestPaymentOfferBadInput(t *testing.T) {
	w := newPayWorld(t)
	cases := []struct {
		name string
		in   payments.OfferInput
		msg  string
	}{
		{"zero", payments.OfferInput{To: "@rick@remote.test", Amount: "0", Currency: "USD"}, "greater than zero"},
		{"negative", payments.OfferInput{To: "@rick@remote.test", Amount: "-1", Currency: "USD"}, "positive"},
		{"malformed", payments.OfferInput{To: "@rick@remote.test", Amount: "1.2.3", Currency: "USD"}, "not an amount"},
		{"decimals of JPY", payments.OfferInput{To: "@rick@remote.test", Amount: "1.5", Currency: "JPY"}, "at most 0 decimals"},
		{"over limit", payments.OfferInput{To: "@rick@remote.test", Amount: "100.01", Currency: "USD"}, "over the limit"},
		{"unknown currency", payments.OfferInput{To: "@rick@remote.test", Amount: "5", Currency: "EUR"}, "not accepted"},
		{"oneself", payments.OfferInput{To: "bob", Amount: "5", Currency: "USD"}, "cannot pay yourself"},
		{"no payment link", payments.OfferInput{To: "@mary@remote.test", Amount: "5", Currency: "USD"}, "cannot receive payments"},
		{"local payee, instance without Stripe", payments.OfferInput{To: "alice", Amount: "5", Currency: "USD"}, "cannot receive payments"},
		{"tip of another's post", payments.OfferInput{To: "@rick@remote.test", Amount: "5", Currency: "USD", ContextURI: "https://remote.test/users/mary/statuses/1"}, "not by @rick"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, tc.in)
			if !errors.Is(err, core.ErrValidation) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want ErrValidation with %q", err, tc.msg)
			}
		})
	}
	// Per day: 100 + 60 > 150.
	if _, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, payments.OfferInput{To: "@rick@remote.test", Amount: "100", Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, payments.OfferInput{To: "@rick@remote.test", Amount: "60", Currency: "USD"}); !errors.Is(err, core.ErrValidation) || !strings.Contains(err.Error(), "per day") {
		t.Fatalf("per-day limit: %v", err)
	}
	list, err := w.svc.Payments().Payments(w.ctx, w.bob, payments.PaymentFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("recorded: %d %v", len(list), err)
	}
	if got := w.pub.types(); strings.Count(strings.Join(got, ","), "Offer") != 1 {
		t.Fatalf("published: %v", got)
	}
}

// A tip is a payment with the post as context; the payer may add a DM.
func TestPaymentTipWithNote(t *testing.T) {
	w := newPayWorld(t)
	post := note(w.rick, "77", "<p>hello</p>", []string{models.PublicAddress}, nil)
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: post})
	p, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, payments.OfferInput{To: "@rick@remote.test", Amount: "2", Currency: "USD",
		Note: "nice post", ContextURI: post.ID, SendDM: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.ContextURI != post.ID || w.pub.last("Offer").Payment.Payment.ContextURI != post.ID {
		t.Fatalf("tip context: %+v", p)
	}
	dm := w.pub.last("Create")
	if dm == nil || dm.Status == nil || dm.Status.Visibility != models.VisibilityDirect || !strings.Contains(dm.Status.Text, "nice post") {
		t.Fatalf("payment note DM: %+v", dm)
	}
}

// A payment only moves forward: once the payee's receipt says it
// succeeded, a late Reject or Accept of the Offer changes nothing, and an
// older Update(Receipt) does not overwrite a newer one.
func TestPaymentStateOnlyMovesForward(t *testing.T) {
	w := newPayWorld(t)
	p, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, payments.OfferInput{To: "@rick@remote.test", Amount: "5.00", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	agreement, payURL := "https://remote.test/payments/p/1/agreement", "https://remote.test/pay/1"
	answer := func(id, typ, url string) {
		t.Helper()
		err := w.deliver(w.rick, &models.APActivity{ID: id, Type: typ, Object: &models.APObject{ID: p.OfferURI}},
			&models.APPayment{OfferID: p.OfferURI, AgreementID: agreement, AgreementURL: url, Reason: "no thanks"})
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	receipt := func(id, typ, status, refunded string, updated time.Time) {
		t.Helper()
		err := w.deliver(w.rick, &models.APActivity{ID: id, Type: typ, Object: &models.APObject{ID: "https://remote.test/r/1", Type: "Receipt"}},
			&models.APPayment{AgreementID: agreement, Status: status, Amount: "5.00", AmountRefunded: refunded, Currency: "USD", Updated: updated})
		if err != nil {
			t.Fatalf("receipt %s: %v", id, err)
		}
	}
	answer("https://remote.test/accept/1", "Accept", payURL)
	t0 := time.Now().UTC()
	receipt("https://remote.test/r/1/create", "Create", "succeeded", "", t0)
	notified := len(w.notifications(w.bob))

	answer("https://remote.test/reject/1", "Reject", "")
	answer("https://remote.test/accept/2", "Accept", "https://remote.test/pay/other")
	q, _ := w.st.PaymentByID(w.ctx, p.ID)
	if q.State != models.PaymentSucceeded || q.Reason != "" || q.PayURL != payURL {
		t.Fatalf("after a late Reject and Accept: state %s, reason %q, pay link %s", q.State, q.Reason, q.PayURL)
	}
	if n := len(w.notifications(w.bob)); n != notified {
		t.Fatalf("a late Reject notified bob (%d → %d)", notified, n)
	}
	v, err := w.svc.Payments().Payment(w.ctx, w.bob, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range v.Events {
		if e.State == models.PaymentRejected {
			t.Fatal("bob's history shows the late Reject")
		}
	}

	receipt("https://remote.test/r/1/partial", "Update", "partially_refunded", "2.00", t0.Add(2*time.Minute))
	receipt("https://remote.test/r/1/stale", "Update", "refunded", "5.00", t0.Add(time.Minute)) // older than the last
	receipt("https://remote.test/r/1/bogus", "Update", "partially_refunded", "20.00", t0.Add(3*time.Minute))
	q, _ = w.st.PaymentByID(w.ctx, p.ID)
	if q.State != models.PaymentPartiallyRefunded || q.AmountRefunded != 200 {
		t.Fatalf("an older (or impossible) receipt was applied: %s, %d refunded", q.State, q.AmountRefunded)
	}

	// Receipts out of order: the refund's Update comes before the Create
	// that said the payment succeeded. The newest word stands.
	p2, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, payments.OfferInput{To: "@rick@remote.test", Amount: "5.00", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	p, agreement = p2, "https://remote.test/payments/p/2/agreement"
	answer("https://remote.test/accept/3", "Accept", "https://remote.test/pay/2")
	receipt("https://remote.test/r/2/refund", "Update", "refunded", "5.00", t0.Add(time.Minute))
	receipt("https://remote.test/r/2/create", "Create", "succeeded", "", t0)
	q, _ = w.st.PaymentByID(w.ctx, p2.ID)
	if q.State != models.PaymentRefunded || q.AmountRefunded != 500 {
		t.Fatalf("refund receipt before the success receipt: %s, %d refunded", q.State, q.AmountRefunded)
	}
}

// concurrently runs n calls of f at once (they wait on one start barrier)
// and returns their errors.
func concurrently(n int, f func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// Ten payments of 1,000 USD at once against a limit of 5,000 a day: five
// go through, on the payer's instance and on the payee's.
func TestPaymentDailyLimitConcurrent(t *testing.T) {
	cfg := payments.PaymentsConfig{Currencies: []string{"USD"}, MaxPayment: "1000", MaxPerDay: "5000", AgreementTTL: time.Hour}
	since := time.Now().Add(-time.Hour)

	t.Run("payer side", func(t *testing.T) {
		w := newPayWorldWith(t, cfg)
		errs := concurrently(10, func(int) error {
			_, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, payments.OfferInput{To: "@rick@remote.test", Amount: "1000", Currency: "USD"})
			return err
		})
		accepted := 0
		for _, err := range errs {
			switch {
			case err == nil:
				accepted++
			case !errors.Is(err, core.ErrValidation) || !strings.Contains(err.Error(), "per day"):
				t.Fatalf("refused with %v, want the per-day limit", err)
			}
		}
		sum, err := w.st.SumPaymentsSince(w.ctx, w.bob.ID, 0, "USD", since)
		if err != nil {
			t.Fatal(err)
		}
		if accepted != 5 || sum != 500000 {
			t.Fatalf("%d of 10 accepted, %d cents counted; want 5 and 500000", accepted, sum)
		}
	})

	t.Run("payee side", func(t *testing.T) {
		w := newStripeWorld(t, cfg)
		alice, err := w.svc.Accounts().LocalUser(w.ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		errs := concurrently(10, func(i int) error {
			offer := fmt.Sprintf("https://remote.test/users/rick/offers/%d", i)
			raw, _ := json.Marshal(&models.APPayment{ActivityID: offer, Type: "Offer", Actor: w.rick.URI, OfferID: offer,
				ProposalID: alice.PaymentsURI, Amount: "1000", Currency: "USD"})
			return w.receive(w.rick, &models.APActivity{ID: offer, Type: "Offer", Raw: string(raw)})
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		types := strings.Join(w.pub.types(), ",")
		sum, err := w.st.SumPaymentsSince(w.ctx, w.rick.ID, alice.ID, "USD", since)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(types, "Accept") != 5 || strings.Count(types, "Reject") != 5 || sum != 500000 {
			t.Fatalf("published %s, %d cents counted; want 5 Accept, 5 Reject, 500000", types, sum)
		}
	})
}

// Four full refunds of one payment at once: one reaches Stripe, the others
// are refused, and the ledger never shows more refunded than was paid.
func TestPaymentRefundConcurrent(t *testing.T) {
	w := newStripeWorld(t, payments.PaymentsConfig{})
	p := w.paidPayment(time.Now())
	errs := concurrently(4, func(int) error {
		_, err := w.svc.Payments().RefundPayment(w.ctx, w.alice, p.ID, "")
		return err
	})
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, core.ErrConflict) || !(strings.Contains(err.Error(), "in progress") || strings.Contains(err.Error(), "refunded in full")):
			t.Fatalf("refused with %v, want a conflict saying why", err)
		}
	}
	if n := w.calls.count("POST /v1/refunds"); ok != 1 || n != 1 {
		t.Fatalf("%d refunds succeeded, %d refund calls reached Stripe; want 1 and 1", ok, n)
	}
	q, _ := w.st.PaymentByID(w.ctx, p.ID)
	if q.State != models.PaymentRefunded || q.AmountRefunded != p.Amount || w.ledger(p.ID, models.PaymentRefunded) != 1 {
		t.Fatalf("after 4 concurrent refunds: %s, %d of %d refunded, %d ledger entries", q.State, q.AmountRefunded, p.Amount, w.ledger(p.ID, models.PaymentRefunded))
	}

	// Two partial refunds of the same amount are two refunds (each its own
	// idempotency key), and nothing is left after them.
	p2 := w.paidPayment(time.Now())
	for i := 0; i < 2; i++ {
		if _, err := w.svc.Payments().RefundPayment(w.ctx, w.alice, p2.ID, "2.50"); err != nil {
			t.Fatalf("partial refund %d: %v", i, err)
		}
	}
	q, _ = w.st.PaymentByID(w.ctx, p2.ID)
	if _, err := w.svc.Payments().RefundPayment(w.ctx, w.alice, p2.ID, "0.01"); !errors.Is(err, core.ErrConflict) || q.State != models.PaymentRefunded || q.AmountRefunded != 500 {
		t.Fatalf("after two partial refunds: %s, %d refunded; one more: %v", q.State, q.AmountRefunded, err)
	}
}
