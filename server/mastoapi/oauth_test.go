package mastoapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"plaza/models/store/storetest"
	"plaza/server/mastoapi"
	"plaza/server/service"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/web"
	"plaza/templates"
)

// oauthRig is a client API on a fresh database behind a real listener, with
// one user, alice, and a browser-like client that keeps cookies and does
// not follow redirects.
type oauthRig struct {
	svc    *service.Service
	srv    *httptest.Server
	client *http.Client
}

const (
	oauthTestPassword = "correct horse"
	oauthTestCallback = "https://app.example/callback"
	oauthTestVerifier = "a-pkce-verifier-that-is-long-enough-0123456789-abcdefghij"
)

func newOAuthRig(t *testing.T) *oauthRig {
	t.Helper()
	gin.SetMode(gin.TestMode)
	svc := service.New(core.Config{Host: "plaza.test", Protocol: "http", InstanceName: "Plaza Test", Version: "0.1.0"},
		core.Deps{Store: storetest.Open(t)})
	if _, err := svc.Accounts().CreateUser(context.Background(), accounts.CreateUserInput{Username: "alice", Email: "alice@example.com", Password: oauthTestPassword}); err != nil {
		t.Fatal(err)
	}
	pages, err := web.ParseTemplates(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	h := mastoapi.New(mastoapi.Config{MediaPath: t.TempDir(), Version: "0.1.0"}, svc, pages, slog.New(slog.DiscardHandler))
	r := gin.New()
	h.Mount(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &oauthRig{svc: svc, srv: srv, client: client}
}

type oauthResponse struct {
	status int
	header http.Header
	body   string
}

func (r *oauthRig) do(t *testing.T, method, path, contentType, body, bearer string) oauthResponse {
	t.Helper()
	req, err := http.NewRequest(method, r.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return oauthResponse{resp.StatusCode, resp.Header, string(b)}
}

func (r *oauthRig) postForm(t *testing.T, path string, form url.Values) oauthResponse {
	t.Helper()
	return r.do(t, http.MethodPost, path, "application/x-www-form-urlencoded", form.Encode(), "")
}

func decodeJSON(t *testing.T, res oauthResponse, into any) {
	t.Helper()
	if err := json.Unmarshal([]byte(res.body), into); err != nil {
		t.Fatalf("status %d, body %q: %v", res.status, res.body, err)
	}
}

type registeredApp struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Scopes       []string `json:"scopes"`
	RedirectURI  string   `json:"redirect_uri"`
	RedirectURIs []string `json:"redirect_uris"`
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret"`
}

func (r *oauthRig) registerApp(t *testing.T, scopes string, redirects ...string) registeredApp {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"client_name": "Test Client", "redirect_uris": redirects, "scopes": scopes, "website": "https://app.example"})
	res := r.do(t, http.MethodPost, "/api/v1/apps", "application/json", string(body), "")
	if res.status != http.StatusOK {
		t.Fatalf("register app: %d %s", res.status, res.body)
	}
	var app registeredApp
	decodeJSON(t, res, &app)
	return app
}

func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

var csrfField = regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`)

// openAuthorize loads the sign-in page and returns the form's hidden
// fields.
func (r *oauthRig) openAuthorize(t *testing.T, query url.Values) url.Values {
	t.Helper()
	res := r.do(t, http.MethodGet, "/oauth/authorize?"+query.Encode(), "", "", "")
	if res.status != http.StatusOK {
		t.Fatalf("authorize page: %d %s", res.status, res.body)
	}
	for _, want := range []string{`id="username"`, `name="username"`, `id="password"`, `name="password"`, `id="authorize"`, "Test Client"} {
		if !strings.Contains(res.body, want) {
			t.Fatalf("authorize page lacks %s:\n%s", want, res.body)
		}
	}
	m := csrfField.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("no csrf field:\n%s", res.body)
	}
	form := url.Values{"authenticity_token": {m[1]}}
	for _, name := range []string{"client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"} {
		fm := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(res.body)
		if fm == nil {
			t.Fatalf("no %s field", name)
		}
		form.Set(name, htmlUnescape(fm[1]))
	}
	return form
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

func authorizeQuery(app registeredApp, scope string) url.Values {
	return url.Values{
		"response_type": {"code"}, "client_id": {app.ClientID}, "redirect_uri": {oauthTestCallback},
		"scope": {scope}, "state": {"st&te 1"}, "code_challenge": {pkceChallenge(oauthTestVerifier)}, "code_challenge_method": {"S256"},
	}
}

func TestOAuthAuthorizationCodeFlow(t *testing.T) {
	r := newOAuthRig(t)
	app := r.registerApp(t, "read write follow", oauthTestCallback, accounts.OOBRedirectURI)
	if app.ClientID == "" || app.ClientSecret == "" || len(app.RedirectURIs) != 2 || app.RedirectURI != oauthTestCallback+"\n"+accounts.OOBRedirectURI ||
		strings.Join(app.Scopes, " ") != "read write follow" || app.ID == "" {
		t.Fatalf("app %+v", app)
	}

	form := r.openAuthorize(t, authorizeQuery(app, "read write:statuses"))
	form.Set("username", "alice")
	form.Set("password", oauthTestPassword)
	res := r.postForm(t, "/oauth/authorize", form)
	if res.status != http.StatusFound {
		t.Fatalf("authorize: %d %s", res.status, res.body)
	}
	loc, err := url.Parse(res.header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), oauthTestCallback+"?") {
		t.Fatalf("redirect to %q", res.header.Get("Location"))
	}
	code := loc.Query().Get("code")
	if code == "" || loc.Query().Get("state") != "st&te 1" {
		t.Fatalf("redirect query %q", loc.RawQuery)
	}

	res = r.postForm(t, "/oauth/token", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
		"redirect_uri": {oauthTestCallback}, "code": {code}, "code_verifier": {oauthTestVerifier},
	})
	if res.status != http.StatusOK {
		t.Fatalf("token: %d %s", res.status, res.body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
		CreatedAt   int64  `json:"created_at"`
	}
	decodeJSON(t, res, &tok)
	if tok.AccessToken == "" || tok.TokenType != "Bearer" || tok.Scope != "read write:statuses" || tok.CreatedAt == 0 {
		t.Fatalf("token %+v", tok)
	}

	res = r.do(t, http.MethodGet, "/api/v1/apps/verify_credentials", "", "", tok.AccessToken)
	var verified map[string]any
	decodeJSON(t, res, &verified)
	if res.status != http.StatusOK || verified["name"] != "Test Client" || verified["client_secret"] != nil || verified["website"] != "https://app.example" {
		t.Fatalf("verify_credentials: %d %s", res.status, res.body)
	}

	// The code is single use.
	res = r.postForm(t, "/oauth/token", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
		"redirect_uri": {oauthTestCallback}, "code": {code}, "code_verifier": {oauthTestVerifier},
	})
	var oerr struct{ Error, ErrorDescription string }
	decodeJSON(t, res, &oerr)
	if res.status != http.StatusBadRequest || oerr.Error != "invalid_grant" || !strings.Contains(res.body, "error_description") {
		t.Fatalf("reused code: %d %s", res.status, res.body)
	}

	// Revoking makes the token useless.
	res = r.postForm(t, "/oauth/revoke", url.Values{"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "token": {tok.AccessToken}})
	if res.status != http.StatusOK || strings.TrimSpace(res.body) != "{}" {
		t.Fatalf("revoke: %d %s", res.status, res.body)
	}
	if res := r.do(t, http.MethodGet, "/api/v1/apps/verify_credentials", "", "", tok.AccessToken); res.status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d %s", res.status, res.body)
	}
}

func TestOAuthOutOfBand(t *testing.T) {
	r := newOAuthRig(t)
	app := r.registerApp(t, "read", accounts.OOBRedirectURI)
	form := r.openAuthorize(t, url.Values{"response_type": {"code"}, "client_id": {app.ClientID}, "redirect_uri": {accounts.OOBRedirectURI}})
	form.Set("username", "alice")
	form.Set("password", oauthTestPassword)
	res := r.postForm(t, "/oauth/authorize", form)
	m := regexp.MustCompile(`id="authorization-code">([^<]+)<`).FindStringSubmatch(res.body)
	if res.status != http.StatusOK || m == nil {
		t.Fatalf("oob page: %d %s", res.status, res.body)
	}
	res = r.postForm(t, "/oauth/token", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
		"redirect_uri": {accounts.OOBRedirectURI}, "code": {m[1]},
	})
	if res.status != http.StatusOK {
		t.Fatalf("token: %d %s", res.status, res.body)
	}
}

func TestOAuthSignInFailures(t *testing.T) {
	r := newOAuthRig(t)
	app := r.registerApp(t, "read write", oauthTestCallback)

	t.Run("wrong password", func(t *testing.T) {
		form := r.openAuthorize(t, authorizeQuery(app, "read"))
		form.Set("username", "alice")
		form.Set("password", "wrong horse")
		res := r.postForm(t, "/oauth/authorize", form)
		if res.status != http.StatusUnauthorized || res.header.Get("Location") != "" || !strings.Contains(res.body, "Wrong username or password") ||
			!strings.Contains(res.body, `id="password"`) {
			t.Fatalf("%d %s", res.status, res.body)
		}
	})
	t.Run("bad csrf token", func(t *testing.T) {
		form := r.openAuthorize(t, authorizeQuery(app, "read"))
		form.Set("username", "alice")
		form.Set("password", oauthTestPassword)
		form.Set("authenticity_token", strings.Repeat("A", 43))
		if res := r.postForm(t, "/oauth/authorize", form); res.status != http.StatusForbidden || res.header.Get("Location") != "" {
			t.Fatalf("%d %s", res.status, res.body)
		}
	})
	t.Run("no csrf cookie", func(t *testing.T) {
		form := r.openAuthorize(t, authorizeQuery(app, "read"))
		form.Set("username", "alice")
		form.Set("password", oauthTestPassword)
		jar, _ := cookiejar.New(nil)
		r.client.Jar = jar
		if res := r.postForm(t, "/oauth/authorize", form); res.status != http.StatusForbidden {
			t.Fatalf("%d %s", res.status, res.body)
		}
	})
	t.Run("scope escalation on the page", func(t *testing.T) {
		res := r.do(t, http.MethodGet, "/oauth/authorize?"+authorizeQuery(app, "read follow").Encode(), "", "", "")
		if res.status != http.StatusBadRequest || res.header.Get("Location") != "" {
			t.Fatalf("%d %s", res.status, res.body)
		}
	})
	t.Run("scope escalation in the form", func(t *testing.T) {
		form := r.openAuthorize(t, authorizeQuery(app, "read"))
		form.Set("username", "alice")
		form.Set("password", oauthTestPassword)
		form.Set("scope", "read write admin:write")
		if res := r.postForm(t, "/oauth/authorize", form); res.status != http.StatusBadRequest || res.header.Get("Location") != "" {
			t.Fatalf("%d %s", res.status, res.body)
		}
	})
	t.Run("unregistered redirect uri", func(t *testing.T) {
		q := authorizeQuery(app, "read")
		q.Set("redirect_uri", "https://evil.example/cb")
		res := r.do(t, http.MethodGet, "/oauth/authorize?"+q.Encode(), "", "", "")
		if res.status != http.StatusBadRequest || res.header.Get("Location") != "" || strings.Contains(res.body, "evil.example") {
			t.Fatalf("%d %s", res.status, res.body)
		}
	})
	t.Run("unknown client as JSON", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, r.srv.URL+"/oauth/authorize?response_type=code&client_id=nope", nil)
		req.Header.Set("Accept", "application/json")
		resp, err := r.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&body)
		if resp.StatusCode != http.StatusBadRequest || body["error"] != "invalid_client" {
			t.Fatalf("%d %v", resp.StatusCode, body)
		}
	})
	t.Run("wrong pkce verifier", func(t *testing.T) {
		form := r.openAuthorize(t, authorizeQuery(app, "read"))
		form.Set("username", "alice")
		form.Set("password", oauthTestPassword)
		res := r.postForm(t, "/oauth/authorize", form)
		loc, _ := url.Parse(res.header.Get("Location"))
		res = r.postForm(t, "/oauth/token", url.Values{
			"grant_type": {"authorization_code"}, "client_id": {app.ClientID},
			"redirect_uri": {oauthTestCallback}, "code": {loc.Query().Get("code")}, "code_verifier": {oauthTestVerifier + "x"},
		})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `"invalid_grant"`) {
			t.Fatalf("%d %s", res.status, res.body)
		}
	})
}

func TestOAuthTokenEndpointErrors(t *testing.T) {
	r := newOAuthRig(t)
	app := r.registerApp(t, "read", oauthTestCallback)
	cases := []struct {
		name   string
		form   url.Values
		status int
		code   string
	}{
		{"unsupported grant", url.Values{"grant_type": {"password"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret}}, 400, "unsupported_grant_type"},
		{"missing grant", url.Values{"client_id": {app.ClientID}}, 400, "invalid_request"},
		{"bad client secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID}, "client_secret": {"nope"}}, 401, "invalid_client"},
		{"unknown client", url.Values{"grant_type": {"authorization_code"}, "client_id": {"nope"}, "client_secret": {"nope"}, "code": {"x"}}, 401, "invalid_client"},
		{"unknown code", url.Values{"grant_type": {"authorization_code"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "code": {"x"}, "redirect_uri": {oauthTestCallback}}, 400, "invalid_grant"},
		{"scope escalation", url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "scope": {"write"}}, 400, "invalid_scope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := r.postForm(t, "/oauth/token", c.form)
			var body struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			decodeJSON(t, res, &body)
			if res.status != c.status || body.Error != c.code || body.Description == "" {
				t.Fatalf("%d %s", res.status, res.body)
			}
		})
	}
	big := strings.Repeat("x", 70<<10)
	if res := r.postForm(t, "/oauth/token", url.Values{"grant_type": {"client_credentials"}, "pad": {big}}); res.status < 400 {
		t.Fatalf("oversized body accepted: %d", res.status)
	}
	if res := r.do(t, http.MethodPost, "/api/v1/apps", "application/json", `{"client_name":"","redirect_uris":"https://a.example/cb"}`, ""); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, `"error"`) {
		t.Fatalf("blank app name: %d %s", res.status, res.body)
	}
	if res := r.postForm(t, "/api/v1/apps", url.Values{"client_name": {"X"}, "redirect_uris": {"not a uri"}}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad redirect uri: %d %s", res.status, res.body)
	}
}

// TestOAuthAppToken needs accounts.Authenticate to accept tokens without an
// account (client_credentials).
func TestOAuthAppToken(t *testing.T) {
	r := newOAuthRig(t)
	app := r.registerApp(t, "read write", oauthTestCallback)
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials&scope=read"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(app.ClientID, app.ClientSecret)
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	if resp.StatusCode != http.StatusOK || tok.AccessToken == "" || tok.Scope != "read" {
		t.Fatalf("client credentials: %d %+v", resp.StatusCode, tok)
	}
	res := r.do(t, http.MethodGet, "/api/v1/apps/verify_credentials", "", "", tok.AccessToken)
	if res.status != http.StatusOK || !strings.Contains(res.body, `"Test Client"`) {
		t.Fatalf("verify_credentials with an app token: %d %s", res.status, res.body)
	}
	// An app token has no user.
	if res := r.do(t, http.MethodGet, "/api/v1/preferences", "", "", tok.AccessToken); res.status != http.StatusUnprocessableEntity && res.status != http.StatusForbidden {
		t.Fatalf("preferences with an app token: %d %s", res.status, res.body)
	}
}

func TestOAuthServerMetadata(t *testing.T) {
	r := newOAuthRig(t)
	res := r.do(t, http.MethodGet, "/.well-known/oauth-authorization-server", "", "", "")
	var meta map[string]any
	decodeJSON(t, res, &meta)
	if meta["token_endpoint"] != "http://plaza.test/oauth/token" || meta["authorization_endpoint"] != "http://plaza.test/oauth/authorize" ||
		meta["app_registration_endpoint"] != "http://plaza.test/api/v1/apps" || meta["revocation_endpoint"] != "http://plaza.test/oauth/revoke" {
		t.Fatalf("metadata %s", res.body)
	}
	if m, _ := meta["code_challenge_methods_supported"].([]any); len(m) != 1 || m[0] != "S256" {
		t.Fatalf("pkce methods %v", meta["code_challenge_methods_supported"])
	}
}
