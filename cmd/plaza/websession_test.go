package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// signInBrowser signs in through the HTML form with a cookie jar, as a
// browser does, and returns that client.
func signInBrowser(t *testing.T, in *instance, username, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := client.Get(in.url("/auth/sign_in"))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field on the sign-in page: %s", page)
	}
	res, err = client.PostForm(in.url("/auth/sign_in"), url.Values{
		"authenticity_token": {string(m[1])}, "username": {username}, "password": {password},
	})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("sign-in: status %d", res.StatusCode)
	}
	return client
}

// TestPaymentPagesUseTheWebSession: a person signed in on the web UI reaches
// the payment pages with the same session; a visitor does not.
func TestPaymentPagesUseTheWebSession(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	browser := signInBrowser(t, a, "alice", "correct horse battery")
	res, err := browser.Get(a.url("/payments"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="no-payments"`) {
		t.Fatalf("payment history with a session: %d %s", res.StatusCode, body)
	}
	visitor, err := testClient.Get(a.url("/payments"))
	if err != nil {
		t.Fatal(err)
	}
	visitor.Body.Close()
	if visitor.StatusCode == http.StatusOK {
		t.Fatal("a visitor sees the payment history")
	}
}
