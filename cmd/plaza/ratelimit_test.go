package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models/store/storetest"
)

// startLimitedInstance runs an instance with the given http section
// settings (the rig turns limits off otherwise).
func startLimitedInstance(t *testing.T, ip string, set func(*HTTPConfig)) *instance {
	t.Helper()
	return startInstanceAt(t, ip+":0", storetest.Config(t), func(c *Config) { set(&c.HTTP) })
}

type limitedRes struct {
	status int
	header http.Header
	body   string
}

// send makes one request with headers (name, value pairs) and reads the
// whole answer.
func send(t *testing.T, method, target, body string, headers ...string) limitedRes {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return limitedRes{status: res.StatusCode, header: res.Header, body: string(b)}
}

// assertTooMany checks Mastodon's 429: the JSON error, Retry-After and the
// X-RateLimit-* headers.
func assertTooMany(t *testing.T, what string, res limitedRes, limit int) {
	t.Helper()
	if res.status != http.StatusTooManyRequests {
		t.Fatalf("%s: status %d (%s), want 429", what, res.status, res.body)
	}
	var e struct{ Error string }
	if json.Unmarshal([]byte(res.body), &e) != nil || e.Error != "Too many requests" {
		t.Errorf("%s: body %q, want {\"error\":\"Too many requests\"}", what, res.body)
	}
	if n, err := strconv.Atoi(res.header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("%s: Retry-After %q, want whole seconds", what, res.header.Get("Retry-After"))
	}
	if res.header.Get("X-RateLimit-Limit") != strconv.Itoa(limit) || res.header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("%s: X-RateLimit-Limit %q, -Remaining %q; want %d and 0", what,
			res.header.Get("X-RateLimit-Limit"), res.header.Get("X-RateLimit-Remaining"), limit)
	}
	if _, err := time.Parse(time.RFC3339, res.header.Get("X-RateLimit-Reset")); err != nil {
		t.Errorf("%s: X-RateLimit-Reset %q is not an ISO 8601 time", what, res.header.Get("X-RateLimit-Reset"))
	}
}

// A client that trusts no proxy counts the connection's address: a new
// X-Forwarded-For on every request does not buy new requests.
func TestRateLimitIgnoresForgedForwardedFor(t *testing.T) {
	a := startLimitedInstance(t, "127.0.0.2", func(h *HTTPConfig) {
		h.TrustedProxies = nil
		h.API = RateConfig{Limit: 3, Period: time.Hour}
	})
	for i := range 3 {
		res := send(t, http.MethodGet, a.url("/api/v1/instance"), "", "X-Forwarded-For", "203.0.113."+strconv.Itoa(i+1))
		if res.status != http.StatusOK {
			t.Fatalf("request %d: %d %s", i+1, res.status, res.body)
		}
		if got, want := res.header.Get("X-RateLimit-Remaining"), strconv.Itoa(2-i); got != want || res.header.Get("X-RateLimit-Limit") != "3" {
			t.Errorf("request %d: X-RateLimit-Remaining %q, want %s", i+1, got, want)
		}
	}
	res := send(t, http.MethodGet, a.url("/api/v1/instance"), "", "X-Forwarded-For", "198.51.100.9", "X-Real-IP", "198.51.100.10")
	assertTooMany(t, "4th request with a fresh X-Forwarded-For", res, 3)
}

// Behind a configured proxy, the address it forwards is the client's: each
// client has its own count, and the proxy is not one client.
func TestRateLimitTrustedProxyForwardsClient(t *testing.T) {
	a := startLimitedInstance(t, "127.0.0.2", func(h *HTTPConfig) {
		h.TrustedProxies = []string{"127.0.0.1"}
		h.API = RateConfig{Limit: 2, Period: time.Hour}
	})
	get := func(client string) limitedRes {
		return send(t, http.MethodGet, a.url("/api/v1/instance"), "", "X-Forwarded-For", client)
	}
	for range 2 {
		if res := get("203.0.113.1"); res.status != http.StatusOK {
			t.Fatalf("first client: %d", res.status)
		}
	}
	assertTooMany(t, "first client, 3rd request", get("203.0.113.1"), 2)
	if res := get("203.0.113.2"); res.status != http.StatusOK || res.header.Get("X-RateLimit-Remaining") != "1" {
		t.Fatalf("second client behind the proxy: %d, remaining %q", res.status, res.header.Get("X-RateLimit-Remaining"))
	}
}

// Each access token has its own count, apart from anonymous requests; a
// token's media uploads have a tighter one.
func TestRateLimitPerTokenAndMedia(t *testing.T) {
	a := startLimitedInstance(t, "127.0.0.2", func(h *HTTPConfig) {
		h.API = RateConfig{Limit: 3, Period: time.Hour}
		h.Media = RateConfig{Limit: 1, Period: time.Hour}
	})
	a.createUser(t, "alice")
	a.createUser(t, "bob")
	alice, bob := userToken(t, a, "alice"), userToken(t, a, "bob")
	as := func(tok, method, path string) limitedRes {
		return send(t, method, a.url(path), "", "Authorization", "Bearer "+tok)
	}
	for range 3 {
		if res := as(alice, http.MethodGet, "/api/v1/accounts/verify_credentials"); res.status != http.StatusOK {
			t.Fatalf("alice: %d %s", res.status, res.body)
		}
	}
	assertTooMany(t, "alice's 4th request", as(alice, http.MethodGet, "/api/v1/accounts/verify_credentials"), 3)
	if res := as(bob, http.MethodGet, "/api/v1/accounts/verify_credentials"); res.status != http.StatusOK {
		t.Fatalf("bob is limited by alice's use: %d", res.status)
	}
	if res := send(t, http.MethodGet, a.url("/api/v1/instance"), ""); res.status != http.StatusOK {
		t.Fatalf("anonymous request is limited by alice's use: %d", res.status)
	}
	// bob's first upload is answered by the handler (no file: 4xx), the
	// second refused before it.
	if res := as(bob, http.MethodPost, "/api/v2/media"); res.status == http.StatusTooManyRequests || res.status < 400 {
		t.Fatalf("bob's first upload: %d %s", res.status, res.body)
	}
	assertTooMany(t, "bob's 2nd upload", as(bob, http.MethodPost, "/api/v1/media"), 1)
}

// userToken issues a full-scope token as `plaza user token` does.
func userToken(t *testing.T, in *instance, username string) string {
	t.Helper()
	tok, err := in.svc.Accounts().CreateToken(t.Context(), username, "read write follow")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// The web and OAuth sign-in forms draw on one count per address: guesses
// cannot alternate between them to get twice the tries, and a right
// password after the limit waits too.
func TestRateLimitSignInFormsShareOneCount(t *testing.T) {
	a := startLimitedInstance(t, "127.0.0.2", func(h *HTTPConfig) {
		h.SignIn = RateConfig{Limit: 2, Period: time.Hour}
	})
	a.createUser(t, "alice")
	browser := newFormBrowser()
	webSignIn := func(password string) int {
		return browser.submit(t, a, "/auth/sign_in", url.Values{"username": {"alice"}, "password": {password}})
	}
	oauthSignIn := func() limitedRes {
		return send(t, http.MethodPost, a.url("/oauth/authorize"), "username=alice&password=guess",
			"Content-Type", "application/x-www-form-urlencoded")
	}
	if got := webSignIn("wrong"); got != http.StatusUnauthorized {
		t.Fatalf("1st attempt (web): %d, want 401", got)
	}
	if res := oauthSignIn(); res.status == http.StatusTooManyRequests {
		t.Fatalf("2nd attempt (OAuth form) already refused")
	}
	if got := webSignIn("correct horse battery"); got != http.StatusTooManyRequests {
		t.Fatalf("3rd attempt (web, right password): %d, want 429", got)
	}
	if res := oauthSignIn(); res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
		t.Fatalf("4th attempt (OAuth form): %d, Retry-After %q; want 429 with Retry-After", res.status, res.header.Get("Retry-After"))
	}
}

// Deliveries claiming one remote host are counted before their signature is
// checked (no key is fetched for a refused one); another host has its own
// count.
func TestRateLimitInboxPerRemoteHost(t *testing.T) {
	a := startLimitedInstance(t, "127.0.0.2", func(h *HTTPConfig) {
		h.Inbox = RateConfig{Limit: 2, Period: time.Hour}
	})
	a.createUser(t, "alice")
	deliver := func(path, host string) limitedRes {
		body := `{"@context":"https://www.w3.org/ns/activitystreams","id":"http://` + host + `/follows/1","type":"Follow",` +
			`"actor":"http://` + host + `/users/mallory","object":"http://` + a.host + `/users/alice"}`
		sig := `keyId="http://` + host + `/users/mallory#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="Zm9yZ2Vk"`
		return send(t, http.MethodPost, a.url(path), body, "Content-Type", "application/activity+json", "Signature", sig,
			"Date", time.Now().UTC().Format(http.TimeFormat))
	}
	for i, path := range []string{"/inbox", "/users/alice/inbox"} {
		if res := deliver(path, "remote.invalid"); res.status == http.StatusTooManyRequests || res.status < 400 {
			t.Fatalf("delivery %d: %d %s, want the signature refused", i+1, res.status, res.body)
		}
	}
	res := deliver("/inbox", "remote.invalid")
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
		t.Fatalf("3rd delivery from one host: %d %s, want 429 with Retry-After", res.status, res.body)
	}
	var e struct{ Error string }
	if json.Unmarshal(bytes.TrimSpace([]byte(res.body)), &e) != nil || e.Error != "Too many requests" {
		t.Errorf("429 body %q", res.body)
	}
	if res := deliver("/inbox", "other.invalid"); res.status == http.StatusTooManyRequests {
		t.Fatal("another host is limited by the first one's deliveries")
	}
}

// formBrowser submits the web UI's forms with their CSRF token, without
// following redirects.
type formBrowser struct{ c *http.Client }

func newFormBrowser() *formBrowser {
	jar, _ := cookiejar.New(nil)
	return &formBrowser{c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// submit loads the form page at path, posts form to it and returns the
// status; a 429 must carry Retry-After.
func (b *formBrowser) submit(t *testing.T, in *instance, path string, form url.Values) int {
	t.Helper()
	res, err := b.c.Get(in.url(path))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field on %s (%d)", path, res.StatusCode)
	}
	form.Set("authenticity_token", string(m[1]))
	res, err = b.c.PostForm(in.url(path), form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusTooManyRequests && res.Header.Get("Retry-After") == "" {
		t.Errorf("%s: 429 without Retry-After", path)
	}
	return res.StatusCode
}

// Sign-ups are counted per address, whatever their outcome.
func TestRateLimitSignUp(t *testing.T) {
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), func(c *Config) {
		c.Instance.OpenRegistrations = true
		c.HTTP.SignUp = RateConfig{Limit: 2, Period: time.Hour}
	})
	// Each attempt from a fresh browser: the count is the address's, not
	// the session's.
	signUp := func(name, confirmation string) int {
		return newFormBrowser().submit(t, a, "/auth/sign_up", url.Values{"username": {name}, "email": {name + "@example.test"},
			"password": {"correct horse battery"}, "password_confirmation": {confirmation}})
	}
	if got := signUp("amy", "typo"); got != http.StatusUnprocessableEntity {
		t.Fatalf("1st sign-up (passwords differ): %d", got)
	}
	if got := signUp("amy", "correct horse battery"); got != http.StatusSeeOther {
		t.Fatalf("2nd sign-up: %d", got)
	}
	if got := signUp("ben", "correct horse battery"); got != http.StatusTooManyRequests {
		t.Fatalf("3rd sign-up from the address: %d, want 429", got)
	}
}
