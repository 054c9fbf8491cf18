package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/payments/stripemock"
	"plaza/server/service/payments"
)

// countingStripe is stripe-mock behind a loopback proxy that counts the
// refunds asked of it.
func countingStripe(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	target, err := url.Parse(stripemock.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	var refunds atomic.Int64
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/refunds" {
			refunds.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &refunds
}

// formsAtOnce posts n forms to action at once (after one start barrier)
// with the cookies of b, and returns the status codes. Redirects are not
// followed.
func formsAtOnce(t *testing.T, b *payBrowser, action string, n int, form url.Values) []int {
	t.Helper()
	client := &http.Client{Jar: b.client.Jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	codes := make([]int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := client.PostForm(action, form)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	return codes
}

func countCodes(codes []int) map[int]int {
	out := map[int]int{}
	for _, c := range codes {
		out[c]++
	}
	return out
}

// Through the web pages, on the default limits (1,000 a payment, 5,000 a
// day): ten payments of 1,000 at once, five go through; four full refunds
// at once, one reaches Stripe.
func TestPaymentRacesOverHTTP(t *testing.T) {
	ctx := context.Background()
	api, refunds := countingStripe(t)
	const secret = "whsec_races"
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(api, secret), func(c *Config) { c.Stripe.MaxPerDay = "5000" })
	a.createUser(t, "alice")
	bob := a.createUser(t, "bob")
	aliceBrowser := connectStripe(t, a, "alice", secret)
	bobBrowser := newPayBrowser(t, a, "bob")

	_, page, _ := bobBrowser.get(a.url("/payments/new"))
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field:\n%s", page)
	}
	codes := countCodes(formsAtOnce(t, bobBrowser, a.url("/payments/new"), 10,
		url.Values{"authenticity_token": {m[1]}, "to": {"alice"}, "amount": {"1000"}, "currency": {"USD"}}))
	list, err := a.svc.Payments().Payments(ctx, bob, payments.PaymentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if codes[http.StatusSeeOther] != 5 || codes[http.StatusUnprocessableEntity] != 5 || len(list) != 5 {
		t.Fatalf("10 payments of 1000 at once: %v, %d recorded; want 5 × 303, 5 × 422", codes, len(list))
	}

	// bob pays the first one; alice refunds it four times at once.
	p := list[0].Payment
	if code, _, resp := bobBrowser.get(a.url("/payments/p/" + strconv.FormatInt(p.ID, 10) + "/go")); code != http.StatusSeeOther {
		t.Fatalf("pay: %d %s", code, resp.Header.Get("Location"))
	}
	p, _ = a.store.PaymentByID(ctx, p.ID)
	id := strconv.FormatInt(p.ID, 10)
	paid := stripemock.Event("evt_race_paid", "checkout.session.completed", p.StripeAccountID, time.Now(), map[string]any{
		"id": p.CheckoutSessionID, "object": "checkout.session", "client_reference_id": id,
		"payment_status": "paid", "payment_intent": "pi_race_" + id, "amount_total": p.Amount})
	if code := postWebhook(t, a, secret, time.Now(), paid); code != http.StatusOK || paymentState(t, a, p.ID) != models.PaymentSucceeded {
		t.Fatalf("paid: %d %s", code, paymentState(t, a, p.ID))
	}
	statusPage := a.url("/payments/p/" + id)
	_, page, _ = aliceBrowser.get(statusPage)
	if m = csrfRE.FindStringSubmatch(page); m == nil {
		t.Fatalf("no refund form:\n%s", page)
	}
	codes = countCodes(formsAtOnce(t, aliceBrowser, statusPage+"/refund", 4, url.Values{"authenticity_token": {m[1]}, "amount": {payments.FormatAmount(p.Amount, p.Currency)}, "confirm": {"1"}}))
	p, _ = a.store.PaymentByID(ctx, p.ID)
	if codes[http.StatusSeeOther] != 1 || codes[http.StatusConflict] != 3 || refunds.Load() != 1 {
		t.Fatalf("4 refunds at once: %v, %d refund calls reached Stripe; want 1 × 303, 3 × 409, 1 call", codes, refunds.Load())
	}
	if p.State != models.PaymentRefunded || p.AmountRefunded != p.Amount {
		t.Fatalf("after the refunds: %s, %d of %d refunded", p.State, p.AmountRefunded, p.Amount)
	}
}
