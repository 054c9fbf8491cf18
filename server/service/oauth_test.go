package service_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/server/service"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
)

// stepClock is a clock a test moves forward.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type oauthRig struct {
	svc   *service.Service
	clock *stepClock
	alice *models.Account
}

func newOAuthRig(t *testing.T) *oauthRig {
	t.Helper()
	clock := &stepClock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	svc := service.New(core.Config{Host: "plaza.test", Protocol: "https", InstanceName: "Plaza"},
		core.Deps{Store: storetest.Open(t), Clock: clock})
	alice, err := svc.Accounts().CreateUser(context.Background(), accounts.CreateUserInput{Username: "alice", Email: "alice@example.com", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	return &oauthRig{svc: svc, clock: clock, alice: alice}
}

func (r *oauthRig) register(t *testing.T, scopes string) (*models.OAuthApp, string) {
	t.Helper()
	app, secret, err := r.svc.Accounts().RegisterApp(context.Background(), "Tusky", "https://app.example/cb\nurn:ietf:wg:oauth:2.0:oob", scopes, "https://app.example")
	if err != nil {
		t.Fatal(err)
	}
	return app, secret
}

func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func oauthCode(err error) string {
	var oe *accounts.OAuthError
	if errors.As(err, &oe) {
		return oe.Code
	}
	return ""
}

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-long-enough"

func TestRegisterApp(t *testing.T) {
	r := newOAuthRig(t)
	ctx := context.Background()
	app, secret := r.register(t, "")
	if app.Scopes != "read" || app.ClientID == "" || len(secret) != 43 || app.ClientSecretHash == secret || len(app.ClientSecretHash) != 64 {
		t.Fatalf("app: %+v secret %q", app, secret)
	}
	if got := accounts.AppRedirectURIs(app); len(got) != 2 || got[1] != accounts.OOBRedirectURI {
		t.Fatalf("redirect uris %q", got)
	}
	if _, err := r.svc.Accounts().AuthenticateApp(ctx, app.ClientID, secret); err != nil {
		t.Fatalf("right secret: %v", err)
	}
	if _, err := r.svc.Accounts().AuthenticateApp(ctx, app.ClientID, secret+"x"); oauthCode(err) != accounts.OAuthInvalidClient || !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("wrong secret: %v", err)
	}
	bad := []struct{ name, uris, scopes, website string }{
		{"", "https://a.example/cb", "read", ""},
		{strings.Repeat("a", 256), "https://a.example/cb", "read", ""},
		{"App", "", "read", ""},
		{"App", "/relative", "read", ""},
		{"App", "javascript:alert(1)", "read", ""},
		{"App", "https://a.example/cb#frag", "read", ""},
		{"App", "https://a.example/cb", "read sudo", ""},
		{"App", "https://a.example/cb", "read", "ftp://x"},
	}
	for _, b := range bad {
		if _, _, err := r.svc.Accounts().RegisterApp(ctx, b.name, b.uris, b.scopes, b.website); !errors.Is(err, core.ErrValidation) {
			t.Errorf("RegisterApp(%.20q, %q, %q, %q) = %v, want validation error", b.name, b.uris, b.scopes, b.website, err)
		}
	}
	if _, _, err := r.svc.Accounts().RegisterApp(ctx, "Native", "com.example.app:/oauth", "read write", ""); err != nil {
		t.Errorf("custom scheme refused: %v", err)
	}
}

func TestAuthorizationCodeFlowWithPKCE(t *testing.T) {
	ctx := context.Background()
	const cb = "https://app.example/cb"
	newCode := func(t *testing.T, r *oauthRig, app *models.OAuthApp) string {
		t.Helper()
		code, err := r.svc.Accounts().CreateAuthorizationCode(ctx, app, r.alice, cb, "read write:statuses", challengeOf(verifier), "S256")
		if err != nil {
			t.Fatal(err)
		}
		return code
	}

	t.Run("right verifier, then the code is spent", func(t *testing.T) {
		r := newOAuthRig(t)
		app, secret := r.register(t, "read write")
		code := newCode(t, r, app)
		tokSecret, tok, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, secret, code, cb, verifier)
		if err != nil {
			t.Fatal(err)
		}
		if tok.Scopes != "read write:statuses" || tok.AccountID == nil || *tok.AccountID != r.alice.ID || tok.AppID == nil || *tok.AppID != app.ID {
			t.Fatalf("token %+v", tok)
		}
		got, err := r.svc.Accounts().Authenticate(ctx, tokSecret)
		if err != nil || got.ID != tok.ID {
			t.Fatalf("authenticate: %v", err)
		}
		if a, err := r.svc.Accounts().AppOfToken(ctx, got); err != nil || a.ID != app.ID {
			t.Fatalf("app of token: %v", err)
		}
		if _, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, secret, code, cb, verifier); oauthCode(err) != accounts.OAuthInvalidGrant {
			t.Fatalf("reused code: %v", err)
		}
	})

	t.Run("public client without secret", func(t *testing.T) {
		r := newOAuthRig(t)
		app, _ := r.register(t, "read write")
		code := newCode(t, r, app)
		if _, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, "", code, cb, verifier); err != nil {
			t.Fatal(err)
		}
		plain, err := r.svc.Accounts().CreateAuthorizationCode(ctx, app, r.alice, cb, "read", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, "", plain, cb, ""); oauthCode(err) != accounts.OAuthInvalidClient {
			t.Fatalf("code without PKCE and without secret: %v", err)
		}
	})

	failures := []struct {
		name string
		// exchange gets a fresh code of app, the app's secret, and the
		// other app's credentials.
		exchange func(r *oauthRig, app *models.OAuthApp, secret, code string, other *models.OAuthApp, otherSecret string) error
		want     string
	}{
		{"wrong verifier", func(r *oauthRig, app *models.OAuthApp, secret, code string, _ *models.OAuthApp, _ string) error {
			_, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, secret, code, cb, verifier+"x")
			return err
		}, accounts.OAuthInvalidGrant},
		{"no verifier", func(r *oauthRig, app *models.OAuthApp, secret, code string, _ *models.OAuthApp, _ string) error {
			_, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, secret, code, cb, "")
			return err
		}, accounts.OAuthInvalidGrant},
		{"expired code", func(r *oauthRig, app *models.OAuthApp, secret, code string, _ *models.OAuthApp, _ string) error {
			r.clock.Advance(accounts.AuthorizationCodeLifetime + time.Second)
			_, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, secret, code, cb, verifier)
			return err
		}, accounts.OAuthInvalidGrant},
		{"other redirect uri", func(r *oauthRig, app *models.OAuthApp, secret, code string, _ *models.OAuthApp, _ string) error {
			_, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, secret, code, accounts.OOBRedirectURI, verifier)
			return err
		}, accounts.OAuthInvalidGrant},
		{"other client", func(r *oauthRig, _ *models.OAuthApp, _ string, code string, other *models.OAuthApp, otherSecret string) error {
			_, _, err := r.svc.Accounts().ExchangeCode(ctx, other.ClientID, otherSecret, code, cb, verifier)
			return err
		}, accounts.OAuthInvalidGrant},
		{"wrong client secret", func(r *oauthRig, app *models.OAuthApp, secret, code string, _ *models.OAuthApp, _ string) error {
			_, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, secret+"x", code, cb, verifier)
			return err
		}, accounts.OAuthInvalidClient},
		{"unknown code", func(r *oauthRig, app *models.OAuthApp, secret, _ string, _ *models.OAuthApp, _ string) error {
			_, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, secret, "nope", cb, verifier)
			return err
		}, accounts.OAuthInvalidGrant},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			r := newOAuthRig(t)
			app, secret := r.register(t, "read write")
			other, otherSecret := r.register(t, "read write")
			code := newCode(t, r, app)
			if err := f.exchange(r, app, secret, code, other, otherSecret); oauthCode(err) != f.want {
				t.Fatalf("got %v, want %s", err, f.want)
			}
		})
	}
}

func TestAuthorizationRequestChecks(t *testing.T) {
	r := newOAuthRig(t)
	ctx := context.Background()
	app, _ := r.register(t, "read write:statuses follow")
	cases := []struct {
		name, clientID, redirect, scopes, challenge, method, want string
	}{
		{"ok", app.ClientID, "https://app.example/cb", "read:accounts write:statuses read:follows", challengeOf(verifier), "S256", ""},
		{"unknown client", "nope", "https://app.example/cb", "read", "", "", accounts.OAuthInvalidClient},
		{"unregistered redirect", app.ClientID, "https://evil.example/cb", "read", "", "", accounts.OAuthInvalidRequest},
		{"scope escalation", app.ClientID, "https://app.example/cb", "read write", "", "", accounts.OAuthInvalidScope},
		{"child does not grant parent", app.ClientID, "https://app.example/cb", "write", "", "", accounts.OAuthInvalidScope},
		{"unknown scope", app.ClientID, "https://app.example/cb", "read sudo", "", "", accounts.OAuthInvalidScope},
		{"plain PKCE", app.ClientID, "https://app.example/cb", "read", verifier, "plain", accounts.OAuthInvalidRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := r.svc.Accounts().CheckAuthorizationRequest(ctx, c.clientID, c.redirect, c.scopes, c.challenge, c.method)
			if oauthCode(err) != c.want || (c.want == "" && err != nil) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			_, err = r.svc.Accounts().CreateAuthorizationCode(ctx, app, r.alice, c.redirect, c.scopes, c.challenge, c.method)
			if c.clientID == app.ClientID && (oauthCode(err) != c.want || (c.want == "" && err != nil)) {
				t.Fatalf("create code: got %v, want %q", err, c.want)
			}
		})
	}
}

func TestClientCredentialsAndRevoke(t *testing.T) {
	r := newOAuthRig(t)
	ctx := context.Background()
	app, secret := r.register(t, "read write")
	other, otherSecret := r.register(t, "read")

	appSecret, appTok, err := r.svc.Accounts().ClientCredentialsToken(ctx, app.ClientID, secret, "")
	if err != nil {
		t.Fatal(err)
	}
	if appTok.AccountID != nil || appTok.Scopes != "read" || appSecret == "" {
		t.Fatalf("app token %+v", appTok)
	}
	if _, _, err := r.svc.Accounts().ClientCredentialsToken(ctx, other.ClientID, otherSecret, "write"); oauthCode(err) != accounts.OAuthInvalidScope {
		t.Fatalf("escalated client credentials: %v", err)
	}
	if _, _, err := r.svc.Accounts().ClientCredentialsToken(ctx, app.ClientID, "bad", ""); oauthCode(err) != accounts.OAuthInvalidClient {
		t.Fatalf("bad secret: %v", err)
	}

	code, err := r.svc.Accounts().CreateAuthorizationCode(ctx, app, r.alice, accounts.OOBRedirectURI, "read", "", "")
	if err != nil {
		t.Fatal(err)
	}
	tokSecret, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, secret, code, accounts.OOBRedirectURI, "")
	if err != nil {
		t.Fatal(err)
	}
	if apps, err := r.svc.Accounts().AuthorizedApps(ctx, r.alice); err != nil || len(apps) != 1 || apps[0].ID != app.ID {
		t.Fatalf("authorized apps %v %v", apps, err)
	}
	// Another client cannot revoke it, an unknown token is fine, the owner can.
	if err := r.svc.Accounts().RevokeToken(ctx, other.ClientID, otherSecret, tokSecret); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Accounts().Authenticate(ctx, tokSecret); err != nil {
		t.Fatalf("token revoked by another client: %v", err)
	}
	if err := r.svc.Accounts().RevokeToken(ctx, app.ClientID, secret, "unknown"); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Accounts().RevokeToken(ctx, app.ClientID, "bad", tokSecret); oauthCode(err) != accounts.OAuthInvalidClient {
		t.Fatalf("revoke with bad secret: %v", err)
	}
	if err := r.svc.Accounts().RevokeToken(ctx, app.ClientID, secret, tokSecret); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Accounts().Authenticate(ctx, tokSecret); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("revoked token still works: %v", err)
	}
	if apps, err := r.svc.Accounts().AuthorizedApps(ctx, r.alice); err != nil || len(apps) != 0 {
		t.Fatalf("authorized apps after revoke %v %v", apps, err)
	}
}

func TestRevokeAppAuthorization(t *testing.T) {
	r := newOAuthRig(t)
	ctx := context.Background()
	app, secret := r.register(t, "read")
	code, err := r.svc.Accounts().CreateAuthorizationCode(ctx, app, r.alice, accounts.OOBRedirectURI, "read", "", "")
	if err != nil {
		t.Fatal(err)
	}
	tokSecret, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, secret, code, accounts.OOBRedirectURI, "")
	if err != nil {
		t.Fatal(err)
	}
	pending, err := r.svc.Accounts().CreateAuthorizationCode(ctx, app, r.alice, accounts.OOBRedirectURI, "read", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Accounts().RevokeAppAuthorization(ctx, r.alice, app.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Accounts().Authenticate(ctx, tokSecret); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("token survived: %v", err)
	}
	if _, _, err := r.svc.Accounts().ExchangeCode(ctx, app.ClientID, secret, pending, accounts.OOBRedirectURI, ""); oauthCode(err) != accounts.OAuthInvalidGrant {
		t.Fatalf("pending code survived: %v", err)
	}
	if err := r.svc.Accounts().RevokeAppAuthorization(ctx, r.alice, app.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("second revoke: %v", err)
	}
}

func TestMarkers(t *testing.T) {
	r := newOAuthRig(t)
	ctx := context.Background()
	if got, err := r.svc.Social().Markers(ctx, r.alice, []string{"home", "notifications"}); err != nil || len(got) != 0 {
		t.Fatalf("no markers yet: %v %v", got, err)
	}
	m, err := r.svc.Social().SaveMarker(ctx, r.alice, "home", 42)
	if err != nil || m.Version != 1 || m.LastReadID != 42 {
		t.Fatalf("first save %+v %v", m, err)
	}
	m, err = r.svc.Social().SaveMarker(ctx, r.alice, "home", 50)
	if err != nil || m.Version != 2 || m.LastReadID != 50 {
		t.Fatalf("second save %+v %v", m, err)
	}
	if _, err := r.svc.Social().SaveMarker(ctx, r.alice, "public", 1); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("bad timeline: %v", err)
	}
	saved, err := r.svc.Social().SaveMarkers(ctx, r.alice, map[string]int64{"home": 60, "notifications": 7})
	if err != nil || saved["home"].Version != 3 || saved["notifications"].Version != 1 {
		t.Fatalf("save both %+v %v", saved, err)
	}
	got, err := r.svc.Social().Markers(ctx, r.alice, []string{"home", "notifications", "bogus"})
	if err != nil || len(got) != 2 || got["home"].LastReadID != 60 || got["notifications"].LastReadID != 7 {
		t.Fatalf("markers %+v %v", got, err)
	}
	if _, err := r.svc.Social().SaveMarkers(ctx, r.alice, map[string]int64{"home": 70, "bogus": 1}); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("bad batch: %v", err)
	}
	if got, _ := r.svc.Social().Markers(ctx, r.alice, []string{"home"}); got["home"].LastReadID != 60 {
		t.Fatalf("failed batch was partly saved: %+v", got)
	}
}
