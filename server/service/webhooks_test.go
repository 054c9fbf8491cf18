package service_test

import (
	"encoding/json"
	"errors"
	"net/http"
	paysvc "plaza/server/service/payments"
	"strconv"
	"sync"
	"testing"
	"time"

	"plaza/models"
	"plaza/payments"
	"plaza/payments/stripemock"
)

// The webhook handling of the payee's instance, through the real Stripe
// adapter against stripe-mock. Its dedupe layers, and the test that fails
// when each is taken out:
//
//   - the event-id record (webhook_events): TestWebhookReplayedEvent, the
//     account.updated replay (nothing else guards an event outside the
//     ledger);
//   - one ledger entry per cause (payment_events' unique index): behind the
//     event-id record for webhooks, so TestWebhookReplayedEvent's ledger
//     count fails only with both gone; on its own it fails
//     TestPaymentEventOncePerCause (models/store);
//   - forward-only states (paymentTransitions): TestWebhookOutOfOrder
//     (expired after paid) and TestPaymentStateOnlyMovesForward;
//   - a receipt's `updated` (payer side): TestPaymentStateOnlyMovesForward.

const testWebhookSecret = "whsec_service_test"

// stripeCalls counts the requests the Stripe adapter sends to stripe-mock.
type stripeCalls struct {
	mu sync.Mutex
	n  map[string]int
	// down fails every request to this path, as an unreachable Stripe.
	down string
}

func (c *stripeCalls) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n[req.Method+" "+req.URL.Path]++
	down := c.down != "" && req.URL.Path == c.down
	c.mu.Unlock()
	if down {
		return nil, errors.New("stripe unreachable (test)")
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (c *stripeCalls) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

// stripeWorld is a world whose instance takes payments through the real
// adapter and stripe-mock; alice has a connected account that can take
// charges. Payment activities carry their decoded form as JSON in Raw, so
// concurrent deliveries need no shared state.
type stripeWorld struct {
	*payWorld
	calls *stripeCalls
	acct  string // alice's connected account
}

func newStripeWorld(t *testing.T, cfg paysvc.PaymentsConfig) *stripeWorld {
	t.Helper()
	calls := &stripeCalls{n: map[string]int{}}
	provider, err := payments.NewStripe(payments.Config{SecretKey: "sk_test_service", WebhookSecret: testWebhookSecret,
		APIURL: stripemock.URL(t), HTTPClient: &http.Client{Transport: calls, Timeout: 20 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	w := &stripeWorld{payWorld: &payWorld{world: newWorld(t)}, calls: calls}
	if cfg.Currencies == nil {
		cfg.Currencies = []string{"USD"}
	}
	if cfg.AgreementTTL == 0 {
		cfg.AgreementTTL = time.Hour
	}
	decode := func(raw []byte) (*models.APPayment, error) {
		var p models.APPayment
		return &p, json.Unmarshal(raw, &p)
	}
	if err := w.svc.Payments().EnablePayments(cfg, provider, decode); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Payments().ConnectStripe(w.ctx, w.alice); err != nil {
		t.Fatal(err)
	}
	sa, err := w.svc.Payments().StripeAccount(w.ctx, w.alice)
	if err != nil || sa == nil {
		t.Fatalf("no connected account: %v", err)
	}
	w.acct = sa.StripeAccountID
	w.mustWebhook("evt_alice_ready", "account.updated", time.Now(), w.accountObject(true))
	if ok, why := w.svc.Payments().CanReceivePayments(w.ctx, w.alice); !ok {
		t.Fatalf("alice cannot be paid: %s", why)
	}
	return w
}

func (w *stripeWorld) accountObject(charges bool) map[string]any {
	return map[string]any{"id": w.acct, "object": "account", "charges_enabled": charges, "details_submitted": true}
}

// webhook hands a signed Stripe event to the service, as the webhook route
// does.
func (w *stripeWorld) webhook(id, typ string, created time.Time, obj map[string]any) error {
	body := stripemock.Event(id, typ, w.acct, created, obj)
	return w.svc.Payments().HandleStripeWebhook(w.ctx, body, stripemock.Sign(body, testWebhookSecret, time.Now()))
}

func (w *stripeWorld) mustWebhook(id, typ string, created time.Time, obj map[string]any) {
	w.t.Helper()
	if err := w.webhook(id, typ, created, obj); err != nil {
		w.t.Fatalf("webhook %s: %v", id, err)
	}
}

// paidPayment is bob's 5.00 USD payment to alice, through the pay link and
// Stripe Checkout, confirmed by checkout.session.completed at paidAt.
func (w *stripeWorld) paidPayment(paidAt time.Time) *models.Payment {
	w.t.Helper()
	p := w.openPayment()
	w.mustWebhook("evt_paid_"+idOf(p), "checkout.session.completed", paidAt, sessionObject(p, "paid"))
	if s := w.state(p.ID); s != models.PaymentSucceeded {
		w.t.Fatalf("after checkout.session.completed: %s", s)
	}
	return p
}

// openPayment is bob's payment to alice with its Checkout Session open.
func (w *stripeWorld) openPayment() *models.Payment {
	w.t.Helper()
	p, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, paysvc.OfferInput{To: "alice", Amount: "5.00", Currency: "USD"})
	if err != nil {
		w.t.Fatal(err)
	}
	p, _ = w.st.PaymentByID(w.ctx, p.ID)
	if _, err := w.svc.Payments().OpenCheckout(w.ctx, p.ID, p.PayToken); err != nil {
		w.t.Fatalf("open checkout: %v", err)
	}
	return p
}

func idOf(p *models.Payment) string { return strconv.FormatInt(p.ID, 10) }

func sessionObject(p *models.Payment, status string) map[string]any {
	return map[string]any{"id": "cs_test_" + idOf(p), "object": "checkout.session", "client_reference_id": idOf(p),
		"payment_status": status, "payment_intent": "pi_test_" + idOf(p), "amount_total": p.Amount, "currency": "usd"}
}

func chargeObject(p *models.Payment, refunded int64) map[string]any {
	return map[string]any{"id": "ch_test_" + idOf(p), "object": "charge", "amount": p.Amount, "amount_refunded": refunded,
		"refunded": refunded >= p.Amount, "payment_intent": "pi_test_" + idOf(p),
		"metadata": map[string]any{payments.MetadataKey: idOf(p)}}
}

// ledger counts a payment's log entries in state.
func (w *stripeWorld) ledger(id int64, state models.PaymentState) int {
	w.t.Helper()
	evs, err := w.st.PaymentEvents(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.State == state {
			n++
		}
	}
	return n
}

func (w *stripeWorld) paymentNotifications(a *models.Account) int {
	w.t.Helper()
	n := 0
	for _, s := range w.notifications(a) {
		if s == "payment:"+map[bool]string{true: "bob", false: "alice"}[a.ID == w.alice.ID] {
			n++
		}
	}
	return n
}

// The same event delivered twice has one effect: one ledger entry, one
// notification each. A replayed account.updated, after a newer one, does
// not switch payments back on.
func TestWebhookReplayedEvent(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{})
	p := w.paidPayment(time.Now())
	w.mustWebhook("evt_paid_"+idOf(p), "checkout.session.completed", time.Now(), sessionObject(p, "paid"))
	if n := w.ledger(p.ID, models.PaymentSucceeded); n != 1 {
		t.Fatalf("%d succeeded entries after a replay, want 1", n)
	}
	if a, b := w.paymentNotifications(w.alice), w.paymentNotifications(w.bob); a != 1 || b != 1 {
		t.Fatalf("notifications after a replay: alice %d, bob %d; want 1 each", a, b)
	}

	// Stripe switches alice's charges off; the old "on" event comes again.
	w.mustWebhook("evt_alice_paused", "account.updated", time.Now(), w.accountObject(false))
	w.mustWebhook("evt_alice_ready", "account.updated", time.Now(), w.accountObject(true))
	if ok, _ := w.svc.Payments().CanReceivePayments(w.ctx, w.alice); ok {
		t.Fatal("a replayed account.updated switched alice's payments back on")
	}
}

// Events that arrive out of order end in the state of the story they tell.
func TestWebhookOutOfOrder(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{MaxPerDay: "100"})
	t0 := time.Now().Add(-time.Hour)

	t.Run("refund before payment", func(t *testing.T) {
		p := w.openPayment()
		w.mustWebhook("evt_refund_"+idOf(p), "charge.refunded", t0.Add(2*time.Minute), chargeObject(p, p.Amount))
		if s := w.state(p.ID); s == models.PaymentRefunded || s == models.PaymentSucceeded {
			t.Fatalf("a refund of an unpaid payment applied: %s", s)
		}
		w.mustWebhook("evt_paid_"+idOf(p), "checkout.session.completed", t0.Add(time.Minute), sessionObject(p, "paid"))
		q, _ := w.st.PaymentByID(w.ctx, p.ID)
		if q.State != models.PaymentRefunded || q.AmountRefunded != p.Amount {
			t.Fatalf("after paid then (earlier received) refunded: %s, %d refunded", q.State, q.AmountRefunded)
		}
	})

	t.Run("expired after paid", func(t *testing.T) {
		p := w.paidPayment(t0)
		w.mustWebhook("evt_expired_"+idOf(p), "checkout.session.expired", t0.Add(time.Minute), sessionObject(p, "unpaid"))
		w.mustWebhook("evt_failed_"+idOf(p), "checkout.session.async_payment_failed", t0.Add(2*time.Minute), sessionObject(p, "unpaid"))
		if s := w.state(p.ID); s != models.PaymentSucceeded {
			t.Fatalf("a paid payment became %s", s)
		}
		v, err := w.svc.Payments().Payment(w.ctx, w.alice, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range v.Events {
			if e.State == models.PaymentExpired || e.State == models.PaymentFailed {
				t.Fatalf("the history shows a refused event: %+v", e)
			}
		}
		// A refund of more than was paid is no refund.
		w.mustWebhook("evt_overrefund_"+idOf(p), "charge.refunded", t0.Add(3*time.Minute), chargeObject(p, 4*p.Amount))
		if q, _ := w.st.PaymentByID(w.ctx, p.ID); q.State != models.PaymentSucceeded || q.AmountRefunded != 0 {
			t.Fatalf("after a refund of 4 times the amount: %s, %d refunded", q.State, q.AmountRefunded)
		}
	})
}
