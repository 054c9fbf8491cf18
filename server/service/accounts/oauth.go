package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// OOBRedirectURI is the redirect URI of clients that cannot receive a
// redirect: the code is shown to the user, who pastes it into the app.
const OOBRedirectURI = "urn:ietf:wg:oauth:2.0:oob"

// AuthorizationCodeLifetime is how long an authorization code may be
// exchanged for a token.
const AuthorizationCodeLifetime = 10 * time.Minute

// PKCEMethodS256 is the only PKCE method accepted; "plain" gives no
// protection against a stolen code.
const PKCEMethodS256 = "S256"

const maxAppNameLen = 255

// OAuth 2 error codes (RFC 6749 §4.1.2.1 and §5.2).
const (
	OAuthInvalidRequest       = "invalid_request"
	OAuthInvalidClient        = "invalid_client"
	OAuthInvalidGrant         = "invalid_grant"
	OAuthInvalidScope         = "invalid_scope"
	OAuthUnsupportedGrantType = "unsupported_grant_type"
)

// OAuthError is a failure of the OAuth 2 protocol: Code is the "error" of
// the response, Description its "error_description". It also matches
// ErrUnauthorized (invalid_client) or ErrValidation (the others) with
// errors.Is, so transports that do not know OAuth still map it.
type OAuthError struct {
	Code        string
	Description string
}

// Error implements error.
func (e *OAuthError) Error() string { return e.Code + ": " + e.Description }

// Unwrap gives the generic sentinel this error is a case of.
func (e *OAuthError) Unwrap() error {
	if e.Code == OAuthInvalidClient {
		return core.ErrUnauthorized
	}
	return core.ErrValidation
}

// The descriptions are Doorkeeper's (Mastodon's OAuth server), which
// clients may show.
func errInvalidClient() error {
	return &OAuthError{OAuthInvalidClient, "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."}
}

func errInvalidGrant() error {
	return &OAuthError{OAuthInvalidGrant, "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."}
}

func errInvalidScope() error {
	return &OAuthError{OAuthInvalidScope, "The requested scope is invalid, unknown, or malformed."}
}

func errInvalidRequest(desc string) error { return &OAuthError{OAuthInvalidRequest, desc} }

// randomSecret returns 32 random bytes, base64url-encoded.
func randomSecret() (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(raw[:]), nil
}

// AppRedirectURIs splits an application's registered redirect URIs.
func AppRedirectURIs(app *models.OAuthApp) []string { return strings.Fields(app.RedirectURIs) }

// AppScopes splits an application's registered scopes.
func AppScopes(app *models.OAuthApp) []string { return strings.Fields(app.Scopes) }

// validRedirectURI accepts absolute URIs without a fragment (RFC 6749
// §3.1.2), including native apps' custom schemes, and the out-of-band URN;
// schemes that run code in the browser are refused.
func validRedirectURI(raw string) bool {
	if raw == OOBRedirectURI {
		return true
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Fragment != "" || strings.Contains(raw, "#") {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "javascript", "data", "vbscript", "file":
		return false
	case "http", "https":
		return u.Host != ""
	}
	return u.Host != "" || u.Opaque != "" || u.Path != ""
}

// RegisterApp registers a client application and returns it with its
// client secret, which is shown once and stored only as a hash. redirectURIs
// are separated by newlines or spaces; scopes default to "read".
func (s *Service) RegisterApp(ctx context.Context, name, redirectURIs, scopes, website string) (*models.OAuthApp, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, "", fmt.Errorf("%w: client_name can't be blank", core.ErrValidation)
	}
	if len(name) > maxAppNameLen {
		return nil, "", fmt.Errorf("%w: client_name is too long (maximum is %d characters)", core.ErrValidation, maxAppNameLen)
	}
	uris := strings.Fields(redirectURIs)
	if len(uris) == 0 {
		return nil, "", fmt.Errorf("%w: redirect_uris can't be blank", core.ErrValidation)
	}
	for _, u := range uris {
		if len(u) > 2000 || !validRedirectURI(u) {
			return nil, "", fmt.Errorf("%w: redirect URI %q must be an absolute URI", core.ErrValidation, u)
		}
	}
	list, err := ParseScopes(scopes)
	if err != nil {
		return nil, "", err
	}
	website = strings.TrimSpace(website)
	if website != "" {
		if u, err := url.Parse(website); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(website) > 2048 {
			return nil, "", fmt.Errorf("%w: website must be an http or https URL", core.ErrValidation)
		}
	}
	clientID, err := randomSecret()
	if err != nil {
		return nil, "", err
	}
	secret, err := randomSecret()
	if err != nil {
		return nil, "", err
	}
	app := &models.OAuthApp{
		CreatedAt:        s.clock.Now(),
		Name:             name,
		Website:          website,
		RedirectURIs:     strings.Join(uris, "\n"),
		Scopes:           strings.Join(dedupe(list), " "),
		ClientID:         clientID,
		ClientSecretHash: hashSecret(secret),
	}
	if err := s.store.CreateOAuthApp(ctx, app); err != nil {
		return nil, "", fmt.Errorf("register app: %w", err)
	}
	return app, secret, nil
}

func dedupe(xs []string) []string {
	seen := make(map[string]bool, len(xs))
	out := xs[:0:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// AppByClientID returns the application with this client_id.
func (s *Service) AppByClientID(ctx context.Context, clientID string) (*models.OAuthApp, error) {
	if clientID == "" {
		return nil, fmt.Errorf("%w: application", core.ErrNotFound)
	}
	app, err := s.store.OAuthAppByClientID(ctx, clientID)
	if err != nil {
		return nil, core.NotFound(err, "application")
	}
	return app, nil
}

// AppOfToken returns the application a token was issued to; core.ErrNotFound
// for tokens made on the command line.
func (s *Service) AppOfToken(ctx context.Context, tok *models.Token) (*models.OAuthApp, error) {
	if tok == nil || tok.AppID == nil {
		return nil, fmt.Errorf("%w: the token belongs to no application", core.ErrNotFound)
	}
	app, err := s.store.OAuthAppByID(ctx, *tok.AppID)
	if err != nil {
		return nil, core.NotFound(err, "application")
	}
	return app, nil
}

// AuthenticateApp checks a client's credentials; failures are an
// *OAuthError invalid_client.
func (s *Service) AuthenticateApp(ctx context.Context, clientID, clientSecret string) (*models.OAuthApp, error) {
	if clientID == "" || clientSecret == "" {
		return nil, errInvalidClient()
	}
	app, err := s.store.OAuthAppByClientID(ctx, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errInvalidClient()
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate app: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(hashSecret(clientSecret)), []byte(app.ClientSecretHash)) != 1 {
		return nil, errInvalidClient()
	}
	return app, nil
}

// ScopeGrants reports whether a granted scope covers a wanted one: equal,
// its parent (read grants read:statuses), or the legacy follow scope.
func ScopeGrants(granted, want string) bool {
	if granted == want {
		return true
	}
	parent, rest, ok := strings.Cut(want, ":")
	if parent == "admin" {
		// admin:read:accounts has parent admin:read.
		sub, _, _ := strings.Cut(rest, ":")
		parent = "admin:" + sub
		ok = strings.Count(want, ":") == 2
	}
	if ok && granted == parent {
		return true
	}
	if granted == "follow" {
		switch want {
		case "read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes":
			return true
		}
	}
	return false
}

// ScopesWithin parses requested scopes (empty means "read") and checks each
// is granted by one of the allowed ones; the failure is an *OAuthError
// invalid_scope.
func ScopesWithin(requested string, allowed []string) ([]string, error) {
	list, err := ParseScopes(requested)
	if err != nil {
		return nil, errInvalidScope()
	}
	for _, want := range list {
		ok := false
		for _, g := range allowed {
			if ScopeGrants(g, want) {
				ok = true
				break
			}
		}
		if !ok {
			return nil, errInvalidScope()
		}
	}
	return dedupe(list), nil
}

// AuthorizationRequest is a checked request to /oauth/authorize.
type AuthorizationRequest struct {
	App         *models.OAuthApp
	RedirectURI string
	Scopes      []string
}

// CheckAuthorizationRequest validates what a client asks the user to
// authorize: a known client, one of its redirect URIs (optional when it has
// only one), scopes within its own, and a supported PKCE method. Errors are
// *OAuthError; the caller must not redirect to redirectURI unless it came
// back in the result.
func (s *Service) CheckAuthorizationRequest(ctx context.Context, clientID, redirectURI, scopes, codeChallenge, method string) (*AuthorizationRequest, error) {
	app, err := s.store.OAuthAppByClientID(ctx, clientID)
	if errors.Is(err, store.ErrNotFound) || clientID == "" {
		return nil, errInvalidClient()
	}
	if err != nil {
		return nil, fmt.Errorf("authorize: %w", err)
	}
	uris := AppRedirectURIs(app)
	if redirectURI == "" && len(uris) == 1 {
		redirectURI = uris[0]
	}
	found := false
	for _, u := range uris {
		if u == redirectURI {
			found = true
			break
		}
	}
	if !found {
		return nil, errInvalidRequest("The requested redirect uri is malformed or doesn't match client redirect URI.")
	}
	list, err := ScopesWithin(scopes, AppScopes(app))
	if err != nil {
		return nil, err
	}
	if err := checkChallenge(codeChallenge, method); err != nil {
		return nil, err
	}
	return &AuthorizationRequest{App: app, RedirectURI: redirectURI, Scopes: list}, nil
}

func checkChallenge(challenge, method string) error {
	switch {
	case challenge == "" && method == "":
		return nil
	case method != PKCEMethodS256:
		return errInvalidRequest("Code challenge method must be S256.")
	case len(challenge) < 43 || len(challenge) > 128:
		return errInvalidRequest("The code challenge is malformed.")
	}
	return nil
}

// CreateAuthorizationCode issues a one-time code for an account that has
// signed in and approved the request. It returns the code, which is stored
// only as a hash.
func (s *Service) CreateAuthorizationCode(ctx context.Context, app *models.OAuthApp, account *models.Account, redirectURI, scopes, codeChallenge, method string) (string, error) {
	if app == nil || account == nil {
		return "", fmt.Errorf("%w: no application or account", core.ErrValidation)
	}
	req, err := s.CheckAuthorizationRequest(ctx, app.ClientID, redirectURI, scopes, codeChallenge, method)
	if err != nil {
		return "", err
	}
	if redirectURI == "" {
		redirectURI = req.RedirectURI
	}
	code, err := randomSecret()
	if err != nil {
		return "", err
	}
	now := s.clock.Now()
	row := &models.OAuthCode{
		CreatedAt:           now,
		CodeHash:            hashSecret(code),
		AppID:               req.App.ID,
		AccountID:           account.ID,
		RedirectURI:         redirectURI,
		Scopes:              strings.Join(req.Scopes, " "),
		CodeChallenge:       codeChallenge,
		CodeChallengeMethod: method,
		ExpiresAt:           now.Add(AuthorizationCodeLifetime),
	}
	if err := s.store.CreateOAuthCode(ctx, row); err != nil {
		return "", fmt.Errorf("create authorization code: %w", err)
	}
	return code, nil
}

// ExchangeCode trades an authorization code for an access token and returns
// the token's secret. The client authenticates with its secret, which a
// public client may leave out when the code was bound to a PKCE challenge.
// The code is spent whether or not the exchange is then retried.
func (s *Service) ExchangeCode(ctx context.Context, clientID, clientSecret, code, redirectURI, codeVerifier string) (string, *models.Token, error) {
	if code == "" {
		return "", nil, errInvalidRequest("Missing required parameter: code.")
	}
	var app *models.OAuthApp
	var err error
	if clientSecret != "" || clientID == "" {
		if app, err = s.AuthenticateApp(ctx, clientID, clientSecret); err != nil {
			return "", nil, err
		}
	} else {
		app, err = s.store.OAuthAppByClientID(ctx, clientID)
		if errors.Is(err, store.ErrNotFound) {
			return "", nil, errInvalidClient()
		}
		if err != nil {
			return "", nil, fmt.Errorf("exchange code: %w", err)
		}
	}
	secret, err := randomSecret()
	if err != nil {
		return "", nil, err
	}
	now := s.clock.Now()
	var tok *models.Token
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		row, err := tx.OAuthCodeByHash(ctx, hashSecret(code))
		if errors.Is(err, store.ErrNotFound) {
			return errInvalidGrant()
		}
		if err != nil {
			return err
		}
		if row.AppID != app.ID || row.UsedAt != nil || !now.Before(row.ExpiresAt) || row.RedirectURI != redirectURI {
			return errInvalidGrant()
		}
		if row.CodeChallenge == "" && clientSecret == "" {
			// Only a PKCE-bound code may be redeemed without a secret.
			return errInvalidClient()
		}
		if row.CodeChallenge != "" && !verifyPKCE(row.CodeChallenge, codeVerifier) {
			return errInvalidGrant()
		}
		used, err := tx.UseOAuthCode(ctx, row.ID, now)
		if err != nil {
			return err
		}
		if !used {
			return errInvalidGrant()
		}
		accountID := row.AccountID
		tok = &models.Token{CreatedAt: now, AccountID: &accountID, AppID: &app.ID, SecretHash: hashSecret(secret), Scopes: row.Scopes}
		return tx.CreateToken(ctx, tok)
	})
	if err != nil {
		var oe *OAuthError
		if errors.As(err, &oe) {
			return "", nil, err
		}
		return "", nil, fmt.Errorf("exchange code: %w", err)
	}
	return secret, tok, nil
}

// verifyPKCE checks base64url(sha256(verifier)) against the challenge in
// constant time (RFC 7636 §4.6).
func verifyPKCE(challenge, verifier string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// ClientCredentialsToken issues an application's own token (no account),
// with scopes within the app's (default "read").
func (s *Service) ClientCredentialsToken(ctx context.Context, clientID, clientSecret, scopes string) (string, *models.Token, error) {
	app, err := s.AuthenticateApp(ctx, clientID, clientSecret)
	if err != nil {
		return "", nil, err
	}
	list, err := ScopesWithin(scopes, AppScopes(app))
	if err != nil {
		return "", nil, err
	}
	secret, err := randomSecret()
	if err != nil {
		return "", nil, err
	}
	tok := &models.Token{CreatedAt: s.clock.Now(), AppID: &app.ID, SecretHash: hashSecret(secret), Scopes: strings.Join(list, " ")}
	if err := s.store.CreateToken(ctx, tok); err != nil {
		return "", nil, fmt.Errorf("client credentials token: %w", err)
	}
	return secret, tok, nil
}

// RevokeToken revokes a token the client holds (RFC 7009). Unknown tokens,
// and tokens of other clients, are left alone without an error, as the RFC
// asks; a wrong client secret is an invalid_client error. A client may omit
// its secret: knowing the token is proof enough to give it up.
func (s *Service) RevokeToken(ctx context.Context, clientID, clientSecret, tokenSecret string) error {
	var app *models.OAuthApp
	var err error
	if clientSecret != "" {
		app, err = s.AuthenticateApp(ctx, clientID, clientSecret)
	} else {
		app, err = s.store.OAuthAppByClientID(ctx, clientID)
		if errors.Is(err, store.ErrNotFound) || clientID == "" {
			err = errInvalidClient()
		}
	}
	if err != nil {
		return err
	}
	if tokenSecret == "" {
		return nil
	}
	tok, err := s.store.TokenBySecretHash(ctx, hashSecret(tokenSecret))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if tok.AppID == nil || *tok.AppID != app.ID || tok.RevokedAt != nil {
		return nil
	}
	if err := s.store.RevokeToken(ctx, tok.ID, s.clock.Now()); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// AuthorizedApps lists the applications an account has granted access to
// and not revoked.
func (s *Service) AuthorizedApps(ctx context.Context, account *models.Account) ([]models.OAuthApp, error) {
	apps, err := s.store.AuthorizedApps(ctx, account.ID)
	if err != nil {
		return nil, fmt.Errorf("authorized apps: %w", err)
	}
	return apps, nil
}

// RevokeAppAuthorization withdraws an application's access to an account:
// every token it holds and every code not yet exchanged.
func (s *Service) RevokeAppAuthorization(ctx context.Context, account *models.Account, appID int64) error {
	n, err := s.store.RevokeAppTokens(ctx, account.ID, appID, s.clock.Now())
	if err != nil {
		return fmt.Errorf("revoke app authorization: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("%w: the application has no access to this account", core.ErrNotFound)
	}
	return nil
}

// tokenTouchInterval bounds how often a token's last use is written.
const tokenTouchInterval = time.Hour

// TouchToken records that a token was just used, at most once an hour, for
// the "last used" column of the authorized applications page.
func (s *Service) TouchToken(ctx context.Context, tok *models.Token) error {
	now := s.clock.Now()
	if tok.LastUsedAt != nil && now.Sub(*tok.LastUsedAt) < tokenTouchInterval {
		return nil
	}
	if err := s.store.TouchToken(ctx, tok.ID, now, now.Add(-tokenTouchInterval)); err != nil {
		return fmt.Errorf("touch token: %w", err)
	}
	return nil
}
