package mastoapi

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/ratelimit"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
)

// oauthMaxBodyBytes limits the body of the OAuth and small settings endpoints.
const oauthMaxBodyBytes = 64 << 10

// csrfCookie holds the double-submit token of the sign-in form.
const csrfCookie = "plaza_oauth_csrf"

// scopesSupported are the scopes Plaza issues, for the server metadata.
var scopesSupported = []string{
	"read", "write", "follow", "push",
	"read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
	"read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
	"write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites",
	"write:filters", "write:follows", "write:lists", "write:media", "write:mutes",
	"write:notifications", "write:reports", "write:statuses",
	"read:payments", "write:payments", // the payment pages (server/web)
}

func (h *Handler) mountOAuth(r *gin.Engine) {
	r.POST("/api/v1/apps", h.createApp)
	r.GET("/api/v1/apps/verify_credentials", h.app(), h.verifyApp)
	r.GET("/oauth/authorize", h.authorizeForm)
	r.POST("/oauth/authorize", h.authorize)
	r.POST("/oauth/token", h.token)
	r.POST("/oauth/revoke", h.revoke)
	r.GET("/.well-known/oauth-authorization-server", h.authServerMetadata)
}

// appEntity is Mastodon's Application entity as the owner of the app sees
// it; the secret is present only right after registration.
type appEntity struct {
	ID                    string   `json:"id"`
	Name                  string   `json:"name"`
	Website               *string  `json:"website"`
	Scopes                []string `json:"scopes"`
	RedirectURI           string   `json:"redirect_uri"`
	RedirectURIs          []string `json:"redirect_uris"`
	ClientID              string   `json:"client_id,omitempty"`
	ClientSecret          string   `json:"client_secret,omitempty"`
	ClientSecretExpiresAt *int64   `json:"client_secret_expires_at,omitempty"`
	VapidKey              string   `json:"vapid_key"`
}

func renderApp(app *models.OAuthApp) appEntity {
	e := appEntity{
		ID:           idString(app.ID),
		Name:         app.Name,
		Scopes:       accounts.AppScopes(app),
		RedirectURIs: accounts.AppRedirectURIs(app),
	}
	e.RedirectURI = strings.Join(e.RedirectURIs, "\n")
	if app.Website != "" {
		w := app.Website
		e.Website = &w
	}
	return e
}

// oauthParams reads the parameters of a POST: URL-encoded, multipart or
// JSON body (nested JSON objects flattened to "a[b]" keys, as Rails
// does), with the query string as fallback. The body is limited to
// oauthMaxBodyBytes.
func oauthParams(c *gin.Context) (url.Values, error) {
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, oauthMaxBodyBytes)
	}
	mediaType, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch mediaType {
	case "application/json":
		var body map[string]any
		dec := json.NewDecoder(c.Request.Body)
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: the request body is not valid JSON", core.ErrValidation)
		}
		v := url.Values{}
		flattenJSONParams(v, "", body)
		for k, vs := range c.Request.URL.Query() {
			if _, ok := v[k]; !ok {
				v[k] = vs
			}
		}
		return v, nil
	case "multipart/form-data":
		if err := c.Request.ParseMultipartForm(oauthMaxBodyBytes); err != nil {
			return nil, err
		}
	default:
		if err := c.Request.ParseForm(); err != nil {
			return nil, err
		}
	}
	return c.Request.Form, nil
}

func flattenJSONParams(v url.Values, prefix string, x any) {
	key := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "[" + k + "]"
	}
	switch t := x.(type) {
	case map[string]any:
		for k, sub := range t {
			flattenJSONParams(v, key(k), sub)
		}
	case []any:
		for _, item := range t {
			switch item.(type) {
			case map[string]any, []any:
				continue
			}
			flattenJSONParams(v, prefix, item)
		}
	case string:
		v.Add(prefix, t)
	case json.Number:
		v.Add(prefix, t.String())
	case bool:
		v.Add(prefix, strconv.FormatBool(t))
	}
}

// oauthParamList returns every value of a parameter sent as name or name[];
// with one value it also splits on whitespace.
func oauthParamList(v url.Values, name string) []string {
	var out []string
	for _, s := range append(append([]string{}, v[name]...), v[name+"[]"]...) {
		out = append(out, strings.Fields(s)...)
	}
	return out
}

// createApp is POST /api/v1/apps.
func (h *Handler) createApp(c *gin.Context) {
	p, err := oauthParams(c)
	if err != nil {
		writeError(c, err)
		return
	}
	app, secret, err := h.svc.Accounts().RegisterApp(c.Request.Context(), p.Get("client_name"),
		strings.Join(oauthParamList(p, "redirect_uris"), "\n"), strings.Join(oauthParamList(p, "scopes"), " "), p.Get("website"))
	if err != nil {
		writeError(c, err)
		return
	}
	e := renderApp(app)
	var never int64
	e.ClientID, e.ClientSecret, e.ClientSecretExpiresAt = app.ClientID, secret, &never
	e.VapidKey = h.vapidKey(c)
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, e)
}

// verifyApp is GET /api/v1/apps/verify_credentials.
func (h *Handler) verifyApp(c *gin.Context) {
	app, err := h.svc.Accounts().AppOfToken(c.Request.Context(), currentToken(c))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, renderApp(app))
}

// authorizePage is the data of oauth_authorize.html; its first fields are
// what layout.html needs.
type authorizePage struct {
	Title        string
	InstanceName string
	Host         string
	Alternate    string

	AppName    string
	AppWebsite string
	Scopes     []string

	// The authorization request, carried through the form.
	ClientID            string
	RedirectURI         string
	Scope               string
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
	Lang                string

	CSRF     string
	Username string
	Error    string
	// SecondStep is set once the password was right for an account with
	// two-factor sign-in: the form then asks for the code instead.
	SecondStep string
	// Code is set once authorized for an out-of-band client: the page then
	// shows it for the user to copy.
	Code string
}

func (h *Handler) newAuthorizePage(title string) authorizePage {
	cfg := h.svc.Config()
	return authorizePage{Title: title, InstanceName: cfg.InstanceName, Host: cfg.Host}
}

// renderOAuthPage writes an HTML page that must never be framed or cached.
// There is no form-action rule: the form's answer redirects to the client,
// which browsers would hold against it.
func (h *Handler) renderOAuthPage(c *gin.Context, status int, name string, data any) {
	var b strings.Builder
	if err := h.pages.ExecuteTemplate(&b, name, data); err != nil {
		h.log.ErrorContext(c.Request.Context(), "render page", slog.String("template", name), slog.Any("error", err))
		c.String(http.StatusInternalServerError, "Internal server error")
		c.Abort()
		return
	}
	c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'")
	c.Header("X-Frame-Options", "DENY")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "same-origin")
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", []byte(b.String()))
	c.Abort()
}

// authorizeError answers a request that cannot be sent back to the client:
// an error page, or JSON when the client asked for it.
func (h *Handler) authorizeError(c *gin.Context, status int, code, desc string) {
	if c.NegotiateFormat(gin.MIMEHTML, gin.MIMEJSON) == gin.MIMEJSON {
		c.Header("Cache-Control", "no-store")
		c.AbortWithStatusJSON(status, gin.H{"error": code, "error_description": desc})
		return
	}
	p := h.newAuthorizePage("Authorization failed")
	h.renderOAuthPage(c, status, "error.html", struct {
		authorizePage
		Message string
	}{p, desc})
}

func (h *Handler) authorizeServiceError(c *gin.Context, err error) {
	var oe *accounts.OAuthError
	if errors.As(err, &oe) {
		h.authorizeError(c, http.StatusBadRequest, oe.Code, oe.Description)
		return
	}
	_ = c.Error(err)
	h.authorizeError(c, http.StatusInternalServerError, "server_error", "Something went wrong. Please try again later.")
}

// csrfToken returns the request's valid CSRF cookie, or sets a new one.
func (h *Handler) csrfToken(c *gin.Context) string {
	if v, err := c.Cookie(csrfCookie); err == nil && len(v) == 43 {
		return v
	}
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	http.SetCookie(c.Writer, &http.Cookie{
		Name: csrfCookie, Value: tok, Path: "/oauth", HttpOnly: true,
		Secure: h.svc.Config().Protocol == "https", SameSite: http.SameSiteLaxMode,
	})
	return tok
}

// validCSRF compares the form's token with the cookie's in constant time.
func validCSRF(c *gin.Context) bool {
	cookie, err := c.Cookie(csrfCookie)
	form := c.PostForm("authenticity_token")
	return err == nil && cookie != "" && subtle.ConstantTimeCompare([]byte(cookie), []byte(form)) == 1
}

// authorizeParams are the request parameters carried from the sign-in
// page's query to its form.
func (p *authorizePage) fill(get func(string) string, req *accounts.AuthorizationRequest) {
	p.ClientID = get("client_id")
	p.RedirectURI = req.RedirectURI
	p.Scope = strings.Join(req.Scopes, " ")
	p.State = get("state")
	p.CodeChallenge = get("code_challenge")
	p.CodeChallengeMethod = get("code_challenge_method")
	p.Lang = get("lang")
	p.AppName = req.App.Name
	p.AppWebsite = req.App.Website
	p.Scopes = req.Scopes
}

// authorizeForm is GET /oauth/authorize: the sign-in and consent page.
func (h *Handler) authorizeForm(c *gin.Context) {
	req, err := h.svc.Accounts().CheckAuthorizationRequest(c.Request.Context(), c.Query("client_id"), c.Query("redirect_uri"),
		c.Query("scope"), c.Query("code_challenge"), c.Query("code_challenge_method"))
	if err != nil {
		h.authorizeServiceError(c, err)
		return
	}
	if c.Query("response_type") != "code" {
		h.authorizeError(c, http.StatusBadRequest, "unsupported_response_type", "The authorization server does not support this response type.")
		return
	}
	p := h.newAuthorizePage("Authorize " + req.App.Name)
	p.fill(c.Query, req)
	p.CSRF = h.csrfToken(c)
	h.renderOAuthPage(c, http.StatusOK, "oauth_authorize.html", p)
}

// authorize is POST /oauth/authorize: check the password, issue a code and
// send the browser back to the client.
func (h *Handler) authorize(c *gin.Context) {
	ctx := c.Request.Context()
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, oauthMaxBodyBytes)
	if err := c.Request.ParseForm(); err != nil {
		h.authorizeError(c, http.StatusBadRequest, accounts.OAuthInvalidRequest, "The request could not be read.")
		return
	}
	if d := h.cfg.SignIn.Allow(ratelimit.AddressKey(c.ClientIP())); !d.Allowed {
		d.SetHeaders(c.Writer.Header())
		h.authorizeError(c, http.StatusTooManyRequests, "too_many_requests", "Too many sign-in attempts. Please wait a few minutes and try again.")
		return
	}
	if !validCSRF(c) {
		h.authorizeError(c, http.StatusForbidden, "invalid_request", "The form has expired. Please go back, reload the page and try again.")
		return
	}
	req, err := h.svc.Accounts().CheckAuthorizationRequest(ctx, c.PostForm("client_id"), c.PostForm("redirect_uri"),
		c.PostForm("scope"), c.PostForm("code_challenge"), c.PostForm("code_challenge_method"))
	if err != nil {
		h.authorizeServiceError(c, err)
		return
	}
	if c.PostForm("decision") == "deny" {
		h.redirectToClient(c, req.RedirectURI, url.Values{"error": {"access_denied"}, "error_description": {"The resource owner denied the request."}}, c.PostForm("state"))
		return
	}
	retry := func(status int, msg, step string) {
		p := h.newAuthorizePage("Authorize " + req.App.Name)
		p.fill(c.PostForm, req)
		p.CSRF = h.csrfToken(c)
		p.Username = c.PostForm("username")
		p.Error, p.SecondStep = msg, step
		h.renderOAuthPage(c, status, "oauth_authorize.html", p)
	}
	var acct *models.Account
	if step := c.PostForm("second_step"); step != "" {
		// The password was right; the code is due (signin: two-factor).
		acct, err = h.svc.Accounts().FinishSecondStep(ctx, step, c.PostForm("code"))
		if errors.Is(err, core.ErrUnauthorized) {
			retry(http.StatusUnauthorized, "Wrong code.", step)
			return
		}
	} else {
		acct, err = h.svc.Accounts().CheckPassword(ctx, c.PostForm("username"), c.PostForm("password"))
		if errors.Is(err, accounts.ErrUnconfirmed) || errors.Is(err, accounts.ErrPending) {
			retry(http.StatusForbidden, strings.TrimPrefix(err.Error(), core.ErrForbidden.Error()+"\n"), "")
			return
		}
		if errors.Is(err, core.ErrUnauthorized) {
			retry(http.StatusUnauthorized, "Wrong username or password.", "")
			return
		}
		if err == nil {
			on, terr := h.svc.Accounts().TwoFactorEnabled(ctx, acct)
			if terr != nil {
				h.authorizeServiceError(c, terr)
				return
			}
			if on {
				step, serr := h.svc.Accounts().BeginSecondStep(ctx, acct)
				if serr != nil {
					h.authorizeServiceError(c, serr)
					return
				}
				retry(http.StatusOK, "", step)
				return
			}
		}
	}
	if err != nil {
		h.authorizeServiceError(c, err)
		return
	}
	code, err := h.svc.Accounts().CreateAuthorizationCode(ctx, req.App, acct, req.RedirectURI, c.PostForm("scope"),
		c.PostForm("code_challenge"), c.PostForm("code_challenge_method"))
	if err != nil {
		h.authorizeServiceError(c, err)
		return
	}
	h.log.InfoContext(ctx, "oauth app authorized", slog.String("username", acct.Username), slog.Int64("app_id", req.App.ID))
	if req.RedirectURI == accounts.OOBRedirectURI {
		p := h.newAuthorizePage("Authorization code")
		p.AppName = req.App.Name
		p.Code = code
		h.renderOAuthPage(c, http.StatusOK, "oauth_authorize.html", p)
		return
	}
	h.redirectToClient(c, req.RedirectURI, url.Values{"code": {code}}, c.PostForm("state"))
}

// redirectToClient sends the browser to a registered redirect URI with
// params added to its query.
func (h *Handler) redirectToClient(c *gin.Context, redirectURI string, params url.Values, state string) {
	if redirectURI == accounts.OOBRedirectURI {
		h.authorizeError(c, http.StatusBadRequest, params.Get("error"), params.Get("error_description"))
		return
	}
	u, err := url.Parse(redirectURI)
	if err != nil {
		h.authorizeError(c, http.StatusBadRequest, accounts.OAuthInvalidRequest, "The redirect URI is malformed.")
		return
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusFound, u.String())
	c.Abort()
}

// oauthClientCredentials reads client_id and client_secret from HTTP Basic
// authentication or the parameters.
func oauthClientCredentials(c *gin.Context, p url.Values) (id, secret string) {
	if u, pw, ok := c.Request.BasicAuth(); ok {
		id, _ = url.QueryUnescape(u)
		secret, _ = url.QueryUnescape(pw)
		return id, secret
	}
	return p.Get("client_id"), p.Get("client_secret")
}

// oauthError answers a token or revocation request with RFC 6749's error
// body.
func oauthError(c *gin.Context, err error) {
	c.Header("Cache-Control", "no-store")
	var tooBig *http.MaxBytesError
	var oe *accounts.OAuthError
	switch {
	case errors.As(err, &oe):
		status := http.StatusBadRequest
		if oe.Code == accounts.OAuthInvalidClient {
			status = http.StatusUnauthorized
		}
		c.AbortWithStatusJSON(status, gin.H{"error": oe.Code, "error_description": oe.Description})
	case errors.As(err, &tooBig):
		c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, gin.H{"error": accounts.OAuthInvalidRequest, "error_description": "The request is too large."})
	case errors.Is(err, core.ErrValidation):
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": accounts.OAuthInvalidRequest, "error_description": clientMessage(err)})
	default:
		_ = c.Error(err)
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "server_error", "error_description": "The authorization server encountered an unexpected condition."})
	}
}

// token is POST /oauth/token.
func (h *Handler) token(c *gin.Context) {
	p, err := oauthParams(c)
	if err != nil {
		oauthError(c, err)
		return
	}
	ctx := c.Request.Context()
	clientID, clientSecret := oauthClientCredentials(c, p)
	var secret string
	var tok *models.Token
	switch p.Get("grant_type") {
	case "authorization_code":
		secret, tok, err = h.svc.Accounts().ExchangeCode(ctx, clientID, clientSecret, p.Get("code"), p.Get("redirect_uri"), p.Get("code_verifier"))
	case "client_credentials":
		secret, tok, err = h.svc.Accounts().ClientCredentialsToken(ctx, clientID, clientSecret, strings.Join(oauthParamList(p, "scope"), " "))
	case "":
		err = &accounts.OAuthError{Code: accounts.OAuthInvalidRequest, Description: "Missing required parameter: grant_type."}
	default:
		err = &accounts.OAuthError{Code: accounts.OAuthUnsupportedGrantType, Description: "The authorization grant type is not supported by the authorization server."}
	}
	if err != nil {
		oauthError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Pragma", "no-cache")
	c.JSON(http.StatusOK, gin.H{
		"access_token": secret,
		"token_type":   "Bearer",
		"scope":        tok.Scopes,
		"created_at":   tok.CreatedAt.Unix(),
	})
}

// revoke is POST /oauth/revoke (RFC 7009).
func (h *Handler) revoke(c *gin.Context) {
	p, err := oauthParams(c)
	if err != nil {
		oauthError(c, err)
		return
	}
	clientID, clientSecret := oauthClientCredentials(c, p)
	if err := h.svc.Accounts().RevokeToken(c.Request.Context(), clientID, clientSecret, p.Get("token")); err != nil {
		oauthError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{})
}

// authServerMetadata is RFC 8414's document, as Mastodon 4.3 publishes it.
func (h *Handler) authServerMetadata(c *gin.Context) {
	base := h.svc.Core().URLs().Base()
	c.JSON(http.StatusOK, gin.H{
		"issuer":                                base + "/",
		"service_documentation":                 "https://docs.joinmastodon.org/",
		"authorization_endpoint":                base + "/oauth/authorize",
		"token_endpoint":                        base + "/oauth/token",
		"revocation_endpoint":                   base + "/oauth/revoke",
		"app_registration_endpoint":             base + "/api/v1/apps",
		"scopes_supported":                      scopesSupported,
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code", "client_credentials"},
		"code_challenge_methods_supported":      []string{accounts.PKCEMethodS256},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
	})
}
