package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/payments/stripemock"
	paysvc "plaza/server/service/payments"
)

// selfMadeCSRF is a token a client makes up and sends both as the old
// double-submit cookie and as the form field: it proves nothing.
const selfMadeCSRF = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// noRedirects answers a redirect (to Stripe, say) as it is.
var noRedirects = &http.Client{Timeout: testClient.Timeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// payRequest POSTs form to path on in, with a bearer token when tok is
// not empty, asking for JSON. The form also carries a self-made CSRF pair.
func payRequest(t *testing.T, client *http.Client, in *instance, tok, path string, form url.Values) (int, string) {
	t.Helper()
	form.Set("authenticity_token", selfMadeCSRF)
	form.Set("pay_csrf", selfMadeCSRF)
	req, _ := http.NewRequest(http.MethodPost, in.url(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.AddCookie(&http.Cookie{Name: "plaza_pay_csrf", Value: selfMadeCSRF})
	req.AddCookie(&http.Cookie{Name: "plaza_csrf", Value: selfMadeCSRF})
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error string `json:"error"`
		ID    string `json:"id"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Error + body.ID
}

func payGet(t *testing.T, in *instance, tok, path string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, in.url(path), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A payment action needs the browser session with its own CSRF token, or a
// bearer token holding write:payments (write grants it). A read-only token,
// a forged or absent token, a token of another session: 403, and nothing is
// written.
func TestPaymentActionsNeedSessionCSRFOrWriteScope(t *testing.T) {
	ctx := context.Background()
	const secret = "whsec_pay_auth"
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(stripemock.URL(t), secret))
	alice := a.createUser(t, "alice")
	bob := a.createUser(t, "bob")
	dave := a.createUser(t, "dave")
	connectStripe(t, a, "alice", secret)
	token := func(acct *models.Account, scopes string) string {
		tok, err := a.svc.Accounts().CreateToken(ctx, acct.Username, scopes)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	payments := func(acct *models.Account) int {
		list, err := a.svc.Payments().Payments(ctx, acct, paysvc.PaymentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	pay := url.Values{"to": {"alice"}, "amount": {"1.00"}, "currency": {"USD"}}

	// bob's browser makes a payment alice could refund (it is accepted,
	// not yet paid: a refund that got through would be a 422).
	bobBrowser := newPayBrowser(t, a, "bob")
	if code, body, _ := bobBrowser.post(a.url("/payments/new"), a.url("/payments/new"), url.Values{"to": {"alice"}, "amount": {"2.00"}, "currency": {"USD"}}); code != http.StatusOK {
		t.Fatalf("payment with the session: %d\n%s", code, body)
	}
	list, _ := a.svc.Payments().Payments(ctx, bob, paysvc.PaymentFilter{})
	refund := "/payments/p/" + strconv.FormatInt(list[0].Payment.ID, 10) + "/refund"

	t.Run("read-only token", func(t *testing.T) {
		bobRead, aliceRead, daveRead := token(bob, "read"), token(alice, "read read:payments"), token(dave, "read write:statuses follow push")
		for _, tc := range []struct {
			name, tok, path string
			form            url.Values
		}{
			{"pay", bobRead, "/payments/new", pay},
			{"pay with granular scopes", daveRead, "/payments/new", pay},
			{"refund", aliceRead, refund, url.Values{}},
			{"connect Stripe", daveRead, "/payments/stripe/connect", url.Values{}},
			{"check Stripe", aliceRead, "/payments/stripe/check", url.Values{}},
		} {
			if code, msg := payRequest(t, noRedirects, a, tc.tok, tc.path, tc.form); code != http.StatusForbidden || !strings.Contains(msg, "outside the authorized scopes") {
				t.Errorf("%s: %d %q, want 403", tc.name, code, msg)
			}
		}
		if payments(bob) != 1 || payments(dave) != 0 {
			t.Fatalf("a read token made a payment: bob %d, dave %d", payments(bob), payments(dave))
		}
		if sa, _ := a.svc.Payments().StripeAccount(ctx, dave); sa != nil {
			t.Fatal("a read token connected a Stripe account")
		}
		// Reading works with read.
		if code := payGet(t, a, bobRead, "/payments"); code != http.StatusOK {
			t.Fatalf("history with a read token: %d", code)
		}
	})

	t.Run("write scope", func(t *testing.T) {
		for _, scopes := range []string{"read write:payments", "read write"} {
			if code, id := payRequest(t, noRedirects, a, token(dave, scopes), "/payments/new", pay); code != http.StatusCreated || id == "" {
				t.Fatalf("pay with %q: %d %q", scopes, code, id)
			}
		}
		if payments(dave) != 2 {
			t.Fatalf("dave's payments: %d, want 2", payments(dave))
		}
	})

	t.Run("session CSRF", func(t *testing.T) {
		before := payments(bob)
		// The self-made pair (cookie and field alike) is no token.
		if code, msg := payRequest(t, bobBrowser.client, a, "", "/payments/new", pay); code != http.StatusForbidden {
			t.Fatalf("session with a made-up CSRF token: %d %q", code, msg)
		}
		// No token at all.
		resp, err := bobBrowser.client.PostForm(a.url("/payments/new"), pay)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("session without a CSRF token: %d", resp.StatusCode)
		}
		// The token of bob's other session (another browser) is not this one's.
		other := newPayBrowser(t, a, "bob")
		_, page, _ := other.get(a.url("/payments/new"))
		m := csrfRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no CSRF field:\n%s", page)
		}
		form := url.Values{"to": {"alice"}, "amount": {"1.00"}, "currency": {"USD"}, "authenticity_token": {m[1]}}
		if resp, err = bobBrowser.client.PostForm(a.url("/payments/new"), form); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("CSRF token of another session: %d", resp.StatusCode)
		}
		if payments(bob) != before {
			t.Fatalf("refused forms made payments: %d → %d", before, payments(bob))
		}
		// The same form with the other browser's own session goes through.
		if resp, err = other.client.PostForm(a.url("/payments/new"), form); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || payments(bob) != before+1 {
			t.Fatalf("own session and token: %d, payments %d", resp.StatusCode, payments(bob))
		}
	})
}
