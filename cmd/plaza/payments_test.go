package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/payments/stripemock"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// withStripe configures an instance to take payments through stripe-mock.
func withStripe(apiURL, webhookSecret string) func(*Config) {
	return func(c *Config) {
		c.Stripe.SecretKey = "sk_test_" + strings.NewReplacer(":", "", ".", "").Replace(c.Host)
		c.Stripe.WebhookSecret = webhookSecret
		c.Stripe.APIURL = apiURL
		c.Stripe.ApplicationFeePercent = "2.5"
		c.Stripe.MaxPerDay = "10"
	}
}

// payBrowser is a person's browser, signed in on their own instance with
// the web session (a cookie) like every page of the web UI.
type payBrowser struct {
	t      *testing.T
	client *http.Client
	// hops records every URL requested, redirects included.
	hops []string
}

type hopTransport struct{ b *payBrowser }

func (ht hopTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ht.b.hops = append(ht.b.hops, req.URL.String())
	return http.DefaultTransport.RoundTrip(req)
}

// newPayBrowser signs username in on in through the sign-in form.
// Redirects are followed between test instances only: a redirect elsewhere
// (Stripe) is returned as is.
func newPayBrowser(t *testing.T, in *instance, username string, local ...*instance) *payBrowser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &payBrowser{t: t}
	hosts := map[string]bool{in.host: true}
	for _, l := range local {
		hosts[l.host] = true
	}
	b.client = &http.Client{Timeout: 20 * time.Second, Jar: jar, Transport: hopTransport{b},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if !hosts[req.URL.Host] || len(via) > 10 {
				return http.ErrUseLastResponse
			}
			return nil
		}}
	_, page, _ := b.get(in.url("/auth/sign_in"))
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field on the sign-in page:\n%s", page)
	}
	resp, err := b.client.PostForm(in.url("/auth/sign_in"), url.Values{
		"authenticity_token": {m[1]}, "username": {username}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in of %s: %d", username, resp.StatusCode)
	}
	return b
}

func (b *payBrowser) get(u string) (int, string, *http.Response) {
	b.t.Helper()
	resp, err := b.client.Get(u)
	if err != nil {
		b.t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp
}

var csrfRE = regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`)

// post submits a form found on page (for its CSRF token) to action.
func (b *payBrowser) post(page, action string, form url.Values) (int, string, *http.Response) {
	b.t.Helper()
	_, body, _ := b.get(page)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF field on %s:\n%s", page, body)
	}
	form.Set("authenticity_token", m[1])
	resp, err := b.client.PostForm(action, form)
	if err != nil {
		b.t.Fatalf("POST %s: %v", action, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), resp
}

// webhook posts a Stripe event signed with secret at ts to in.
func postWebhook(t *testing.T, in *instance, secret string, ts time.Time, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, in.url("/payments/stripe/webhook"), strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", stripemock.Sign(body, secret, ts))
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func paymentState(t *testing.T, in *instance, id int64) models.PaymentState {
	t.Helper()
	p, err := in.store.PaymentByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.State
}

func countPaymentNotifications(t *testing.T, in *instance, acct *models.Account) int {
	t.Helper()
	ns, err := in.svc.Social().Notifications(context.Background(), acct, core.Page{Limit: 40}, []string{string(models.NotifyPayment)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return len(ns)
}

var stateRE = regexp.MustCompile(`id="pay-state" data-state="([a-z_]+)"`)

// connectStripe takes alice through the connect page; Stripe then reports
// the account ready with account.updated.
func connectStripe(t *testing.T, in *instance, username, secret string) *payBrowser {
	t.Helper()
	b := newPayBrowser(t, in, username)
	code, _, resp := b.post(in.url("/payments/stripe"), in.url("/payments/stripe/connect"), url.Values{})
	if code != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
		t.Fatalf("connect: %d %s", code, resp.Header.Get("Location"))
	}
	acct, err := in.svc.Accounts().LocalUser(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	sa, err := in.store.StripeAccountOf(context.Background(), acct.ID)
	if err != nil {
		t.Fatalf("no connected account stored: %v", err)
	}
	// "Check status" asks Stripe; stripe-mock's account is not ready yet.
	if code, body, _ := b.post(in.url("/payments/stripe"), in.url("/payments/stripe/check"), url.Values{}); code != http.StatusOK || !strings.Contains(body, `data-charges="false"`) {
		t.Fatalf("check: %d %s", code, body)
	}
	ev := stripemock.Event("evt_acct_"+username, "account.updated", sa.StripeAccountID, time.Now(), map[string]any{
		"id": sa.StripeAccountID, "object": "account", "charges_enabled": true, "details_submitted": true})
	if code := postWebhook(t, in, secret, time.Now(), ev); code != http.StatusOK {
		t.Fatalf("account.updated webhook: %d", code)
	}
	if _, body, _ := b.get(in.url("/payments/stripe")); !strings.Contains(body, `data-charges="true"`) {
		t.Fatalf("stripe page after onboarding:\n%s", body)
	}
	return b
}

func checkoutEvent(id string, created time.Time, typ, account string, paymentID int64, status string) []byte {
	return stripemock.Event(id, typ, account, created, map[string]any{
		"id": "cs_test_" + strconv.FormatInt(paymentID, 10), "object": "checkout.session", "client_reference_id": strconv.FormatInt(paymentID, 10),
		"payment_status": status, "payment_intent": "pi_test_" + strconv.FormatInt(paymentID, 10), "amount_total": 500, "currency": "usd",
		"metadata": map[string]any{"plaza_payment": strconv.FormatInt(paymentID, 10)},
	})
}

func TestPaymentsBetweenInstances(t *testing.T) {
	ctx := context.Background()
	api := stripemock.URL(t)
	const secretA, secretB = "whsec_instance_a", "whsec_instance_b"
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(api, secretA))
	b := startInstanceAt(t, "127.0.0.3:0", storetest.Config(t), withStripe(api, secretB))
	c := startInstance(t, "127.0.0.4") // no payments: a Mastodon-style server
	alice := a.createUser(t, "alice")
	bob := b.createUser(t, "bob")
	a.createUser(t, "dave") // never connects Stripe
	c.createUser(t, "carol")
	aliceHandle := "@alice@" + a.host

	// alice@A connects Stripe; her actor now carries the FEP-0ea0 link.
	aliceBrowser := connectStripe(t, a, "alice", secretA)
	req, _ := http.NewRequest(http.MethodGet, a.url("/users/alice"), nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	actorDoc, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(actorDoc), `"rel":["payment","https://w3id.org/valueflows/ont/vf#Proposal"]`) {
		t.Fatalf("actor without payment link: %s", actorDoc)
	}
	req, _ = http.NewRequest(http.MethodGet, a.url("/users/alice/proposal"), nil)
	req.Header.Set("Accept", "application/activity+json")
	if resp, err = testClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("proposal: %v %v", resp, err)
	}
	resp.Body.Close()

	// bob@B pays alice 5.00 USD through B's pages.
	bobBrowser := newPayBrowser(t, b, "bob", a)
	code, body, _ := bobBrowser.get(b.url("/payments/new?to=" + url.QueryEscape(aliceHandle)))
	if code != http.StatusOK || strings.Contains(body, "cannot-pay") || !strings.Contains(body, `id="pay-form"`) {
		t.Fatalf("pay form: %d\n%s", code, body)
	}
	code, body, resp = bobBrowser.post(b.url("/payments/new?to="+url.QueryEscape(aliceHandle)), b.url("/payments/new"),
		url.Values{"to": {aliceHandle}, "amount": {"5.00"}, "currency": {"USD"}, "note": {"Thanks for the post"}})
	if code != http.StatusOK || !strings.Contains(resp.Request.URL.Path, "/payments/p/") {
		t.Fatalf("offer: %d %s\n%s", code, resp.Request.URL, body)
	}
	bobPayID, _ := strconv.ParseInt(strings.TrimPrefix(resp.Request.URL.Path, "/payments/p/"), 10, 64)
	eventually(t, "Accept from A", func() bool { return paymentState(t, b, bobPayID) == models.PaymentAccepted })
	bp, _ := b.store.PaymentByID(ctx, bobPayID)
	ap, err := a.store.PaymentByOfferURI(ctx, bp.OfferURI)
	if err != nil {
		t.Fatalf("no agreement on A: %v", err)
	}
	if ap.Amount != 500 || ap.Currency != "USD" || ap.AgreementURI != bp.AgreementURI || !strings.HasPrefix(bp.PayURL, "http://"+a.host+"/") {
		t.Fatalf("agreement: A %+v, B %+v", ap, bp)
	}

	// Pay: B redirects only to A's pay link, A sends the browser to Stripe.
	bobBrowser.hops = nil
	code, _, resp = bobBrowser.get(b.url(fmt.Sprintf("/payments/p/%d/go", bobPayID)))
	stripeURL := resp.Header.Get("Location")
	if code != http.StatusSeeOther || !strings.HasPrefix(stripeURL, "https://") {
		t.Fatalf("pay: %d %q (hops %v)", code, stripeURL, bobBrowser.hops)
	}
	if len(bobBrowser.hops) != 2 || !strings.HasPrefix(bobBrowser.hops[1], "http://"+a.host+"/payments/checkout/") {
		t.Fatalf("hops: %v", bobBrowser.hops)
	}
	ap, _ = a.store.PaymentByID(ctx, ap.ID)
	if ap.State != models.PaymentCheckoutOpen || ap.CheckoutSessionID == "" {
		t.Fatalf("A after checkout: %+v", ap)
	}
	if code, body, _ := bobBrowser.get(b.url(fmt.Sprintf("/payments/p/%d", bobPayID))); code != http.StatusOK || !strings.Contains(body, "pay-pending") {
		t.Fatalf("status page: %d\n%s", code, body)
	}

	// Stripe's webhook, signed with A's secret.
	now := time.Now()
	completed := checkoutEvent("evt_completed", now, "checkout.session.completed", ap.StripeAccountID, ap.ID, "paid")
	if code := postWebhook(t, a, secretA, now, completed); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	eventually(t, "receipt on B", func() bool { return paymentState(t, b, bobPayID) == models.PaymentSucceeded })
	if s := paymentState(t, a, ap.ID); s != models.PaymentSucceeded {
		t.Fatalf("A: %s", s)
	}

	// Replays and out-of-order events change nothing.
	for i := 0; i < 10; i++ {
		if code := postWebhook(t, a, secretA, time.Now(), completed); code != http.StatusOK {
			t.Fatalf("replay %d: %d", i, code)
		}
	}
	older := now.Add(-time.Minute)
	for _, ev := range [][]byte{
		checkoutEvent("evt_async_ok", now.Add(time.Second), "checkout.session.async_payment_succeeded", ap.StripeAccountID, ap.ID, "paid"),
		checkoutEvent("evt_expired", older, "checkout.session.expired", ap.StripeAccountID, ap.ID, "unpaid"),
		checkoutEvent("evt_pending", older.Add(-time.Minute), "checkout.session.completed", ap.StripeAccountID, ap.ID, "unpaid"),
	} {
		if code := postWebhook(t, a, secretA, time.Now(), ev); code != http.StatusOK {
			t.Fatalf("late event: %d", code)
		}
	}
	// Bad signature, or too old: 400 and nothing changes.
	refundEv := stripemock.Event("evt_forged_refund", "charge.refunded", ap.StripeAccountID, time.Now(), map[string]any{
		"id": "ch_1", "object": "charge", "amount": 500, "amount_refunded": 500, "refunded": true,
		"payment_intent": "pi_test_" + strconv.FormatInt(ap.ID, 10), "metadata": map[string]any{"plaza_payment": strconv.FormatInt(ap.ID, 10)}})
	if code := postWebhook(t, a, "whsec_wrong", time.Now(), refundEv); code != http.StatusBadRequest {
		t.Fatalf("bad signature: %d", code)
	}
	if code := postWebhook(t, a, secretA, time.Now().Add(-time.Hour), refundEv); code != http.StatusBadRequest {
		t.Fatalf("old webhook: %d", code)
	}
	if code := postWebhook(t, a, secretB, time.Now(), refundEv); code != http.StatusBadRequest {
		t.Fatalf("B's secret on A: %d", code)
	}
	time.Sleep(300 * time.Millisecond) // let any wrong delivery land before counting
	for _, in := range []*instance{a, b} {
		id := ap.ID
		if in == b {
			id = bobPayID
		}
		if s := paymentState(t, in, id); s != models.PaymentSucceeded {
			t.Fatalf("%s: state %s after replays", in.host, s)
		}
		evs, _ := in.store.PaymentEvents(ctx, id)
		n := 0
		for _, e := range evs {
			if e.State == models.PaymentSucceeded {
				n++
			}
		}
		if in == b && n != 1 {
			t.Fatalf("%s: %d succeeded receipts, want 1", in.host, n)
		}
	}
	succeeded := func(in *instance, acct *models.Account) int {
		list, err := in.svc.Payments().Payments(ctx, acct, payments.PaymentFilter{State: "succeeded"})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	if succeeded(a, alice) != 1 || succeeded(b, bob) != 1 {
		t.Fatalf("succeeded payments: alice %d, bob %d", succeeded(a, alice), succeeded(b, bob))
	}
	// Both histories show it; both got notified.
	if _, body, _ := bobBrowser.get(b.url("/payments?role=sent")); !strings.Contains(body, `data-state="succeeded"`) {
		t.Fatalf("bob's history:\n%s", body)
	}
	if _, body, _ := aliceBrowser.get(a.url("/payments?role=received&currency=USD")); !strings.Contains(body, `data-state="succeeded"`) {
		t.Fatalf("alice's history:\n%s", body)
	}
	if _, body, _ := aliceBrowser.get(a.url("/payments?state=refunded")); !strings.Contains(body, "no-payments") {
		t.Fatalf("filtered history:\n%s", body)
	}
	if countPaymentNotifications(t, a, alice) != 1 || countPaymentNotifications(t, b, bob) != 1 {
		t.Fatalf("notifications: alice %d, bob %d", countPaymentNotifications(t, a, alice), countPaymentNotifications(t, b, bob))
	}
	if _, body, _ := bobBrowser.get(b.url(fmt.Sprintf("/payments/p/%d/receipt", bobPayID))); !strings.Contains(body, "5.00 USD") {
		t.Fatalf("receipt:\n%s", body)
	}
	// Amounts are never public: the status page is 404 to others.
	if code, _, _ := newPayBrowser(t, b, createAndName(t, b, "eve")).get(b.url(fmt.Sprintf("/payments/p/%d", bobPayID))); code != http.StatusNotFound {
		t.Fatalf("eve sees bob's payment: %d", code)
	}

	// alice refunds; B gets Update(Receipt).
	page := a.url(fmt.Sprintf("/payments/p/%d", ap.ID))
	code, body, _ = aliceBrowser.post(page, page+"/refund", url.Values{"amount": {payments.FormatAmount(ap.Amount, ap.Currency)}, "confirm": {"1"}})
	if code != http.StatusOK || !strings.Contains(body, `data-state="refunded"`) {
		t.Fatalf("refund: %d\n%s", code, body)
	}
	eventually(t, "refund receipt on B", func() bool { return paymentState(t, b, bobPayID) == models.PaymentRefunded })
	if _, body, _ := bobBrowser.get(b.url(fmt.Sprintf("/payments/p/%d", bobPayID))); !strings.Contains(body, `data-state="refunded"`) {
		t.Fatalf("bob's status after refund:\n%s", body)
	}
	// Stripe's own charge.refunded afterwards changes nothing more.
	if code := postWebhook(t, a, secretA, time.Now(), refundEv); code != http.StatusOK || paymentState(t, a, ap.ID) != models.PaymentRefunded {
		t.Fatalf("charge.refunded: %d %s", code, paymentState(t, a, ap.ID))
	}

	// A server without payments: no pay button, no activities.
	code, body, _ = bobBrowser.get(b.url("/payments/new?to=" + url.QueryEscape("@carol@"+c.host)))
	if code != http.StatusOK || !strings.Contains(body, "cannot receive payments") {
		t.Fatalf("carol: %d\n%s", code, body)
	}

	t.Run("bad input", func(t *testing.T) {
		before, _ := b.svc.Payments().Payments(ctx, bob, payments.PaymentFilter{})
		form := func(to, amount, currency string) url.Values {
			return url.Values{"to": {to}, "amount": {amount}, "currency": {currency}}
		}
		cases := []struct {
			name string
			form url.Values
			code int
			msg  string
		}{
			{"zero", form(aliceHandle, "0", "USD"), 422, "greater than zero"},
			{"negative", form(aliceHandle, "-5", "USD"), 422, "must be positive"},
			{"malformed", form(aliceHandle, "5,0,0", "USD"), 422, "is not an amount"},
			{"comma thousands", form(aliceHandle, "1,500", "USD"), 422, "could mean 1500 or 1.500"},
			{"too many decimals", form(aliceHandle, "5.001", "USD"), 422, "at most 2 decimals"},
			{"over the per-payment limit", form(aliceHandle, "1000.01", "USD"), 422, "over the limit"},
			{"over the per-day limit", form(aliceHandle, "6.00", "USD"), 422, "per day"},
			{"unknown currency", form(aliceHandle, "5", "XYZ"), 422, "not accepted"},
			{"no currency", form(aliceHandle, "5", ""), 422, "choose a currency"},
			{"oneself", form("@bob", "5", "USD"), 422, "cannot pay yourself"},
			{"payee without a connected account", form("@dave@"+a.host, "5", "USD"), 422, "cannot receive payments"},
			{"server without payments", form("@carol@"+c.host, "5", "USD"), 422, "cannot receive payments"},
			{"unknown account", form("@nobody@"+a.host, "5", "USD"), 404, "No account"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				code, body, _ := bobBrowser.post(b.url("/payments/new"), b.url("/payments/new"), tc.form)
				if code != tc.code || !strings.Contains(body, tc.msg) {
					t.Fatalf("got %d, want %d with %q:\n%s", code, tc.code, tc.msg, body)
				}
			})
		}
		// The same through the API: a 4xx JSON error.
		req, _ := http.NewRequest(http.MethodPost, b.url("/payments/new"), strings.NewReader(""))
		req.Header.Set("Accept", "application/json")
		if resp, err := bobBrowser.client.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("POST without CSRF: %v %v", resp, err)
		}
		after, _ := b.svc.Payments().Payments(ctx, bob, payments.PaymentFilter{})
		if len(after) != len(before) {
			t.Fatalf("bad input recorded payments: %d → %d", len(before), len(after))
		}
		// Refunds only by the payee, only of what is left.
		code, _, _ := aliceBrowser.post(a.url("/payments/stripe"), page+"/refund", url.Values{"amount": {"1.00"}})
		if code != http.StatusConflict {
			t.Fatalf("refund of a refunded payment: %d", code)
		}
		code, _, _ = bobBrowser.post(b.url("/payments/stripe"), b.url(fmt.Sprintf("/payments/p/%d/refund", bobPayID)), url.Values{})
		if code != http.StatusNotFound {
			t.Fatalf("refund by the payer: %d", code)
		}
	})

	t.Run("same instance and expired agreement", func(t *testing.T) {
		frank := a.createUser(t, "frank")
		fb := newPayBrowser(t, a, "frank")
		_, body, resp := fb.post(a.url("/payments/new"), a.url("/payments/new"), url.Values{"to": {"alice"}, "amount": {"3"}, "currency": {"EUR"}})
		m := stateRE.FindStringSubmatch(body)
		if m == nil || m[1] != "accepted" {
			t.Fatalf("local offer:\n%s", body)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(resp.Request.URL.Path, "/payments/p/"), 10, 64)
		code, _, resp := fb.get(a.url(fmt.Sprintf("/payments/p/%d/go", id)))
		if code != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
			t.Fatalf("local pay: %d %s", code, resp.Header.Get("Location"))
		}
		p, _ := a.store.PaymentByID(ctx, id)
		ev := stripemock.Event("evt_local_paid", "checkout.session.completed", p.StripeAccountID, time.Now(), map[string]any{
			"id": p.CheckoutSessionID, "object": "checkout.session", "client_reference_id": strconv.FormatInt(id, 10),
			"payment_status": "paid", "payment_intent": "pi_local", "amount_total": 300})
		if code := postWebhook(t, a, secretA, time.Now(), ev); code != http.StatusOK || paymentState(t, a, id) != models.PaymentSucceeded {
			t.Fatalf("local webhook: %d %s", code, paymentState(t, a, id))
		}
		if countPaymentNotifications(t, a, frank) != 1 || countPaymentNotifications(t, a, alice) != 3 { // bob paid, refund, frank paid
			t.Fatalf("local notifications: frank %d alice %d", countPaymentNotifications(t, a, frank), countPaymentNotifications(t, a, alice))
		}

		// An agreement past its time: the pay link says so, with 410.
		_, _, resp = fb.post(a.url("/payments/new"), a.url("/payments/new"), url.Values{"to": {"alice"}, "amount": {"2"}, "currency": {"EUR"}})
		id, _ = strconv.ParseInt(strings.TrimPrefix(resp.Request.URL.Path, "/payments/p/"), 10, 64)
		p, _ = a.store.PaymentByID(ctx, id)
		p.ExpiresAt = time.Now().Add(-time.Minute)
		if err := a.store.SavePayment(ctx, p); err != nil {
			t.Fatal(err)
		}
		code, body, _ = fb.get(p.PayURL)
		if code != http.StatusGone || !strings.Contains(body, "expired") {
			t.Fatalf("expired agreement: %d\n%s", code, body)
		}
		if s := paymentState(t, a, id); s != models.PaymentExpired {
			t.Fatalf("expired agreement state: %s", s)
		}
	})
}

// createAndName makes a user and returns its name.
func createAndName(t *testing.T, in *instance, name string) string {
	t.Helper()
	in.createUser(t, name)
	return name
}
