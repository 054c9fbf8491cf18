package web

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service"
	"plaza/server/service/core"
	"plaza/server/service/payments"
	"plaza/server/service/requests"
)

// PageUser returns the signed-in local account of a request, or false.
type PageUser func(c *gin.Context) (*models.Account, bool)

// PayPages serves the payment pages (connect Stripe, pay someone, status,
// history, receipt, refund), the pay link and the Stripe webhook. Every
// page is server-rendered. A request is signed in either by the browser
// session — whose POSTs carry the session's own CSRF token, as every form
// of the web UI does — or by an OAuth bearer token holding read:payments
// to read and write:payments to pay, refund or connect Stripe.
type PayPages struct {
	svc  *service.Service
	tmpl *template.Template
	log  *slog.Logger
	user PageUser
}

// NewPayPages parses the payment templates. user finds the account of the
// browser session and loads the session into the request (nil: none); a
// client-API bearer token (Authorization: Bearer) is accepted too.
func NewPayPages(svc *service.Service, templates fs.FS, user PageUser, log *slog.Logger) (*PayPages, error) {
	// The payment pages share the site's layout (navigation, sign-out,
	// footer), so they parse with every template and its helpers.
	tmpl, err := ParseTemplates(templates)
	if err != nil {
		return nil, fmt.Errorf("web: parse payment templates: %w", err)
	}
	if user == nil {
		user = func(*gin.Context) (*models.Account, bool) { return nil, false }
	}
	return &PayPages{svc: svc, tmpl: tmpl, log: log, user: user}, nil
}

// Mount adds the routes.
func (p *PayPages) Mount(r *gin.Engine) {
	r.GET("/payments", p.history)
	r.GET("/payments/new", p.newForm)
	r.POST("/payments/new", p.create)
	r.GET("/payments/p/:id", p.status)
	r.GET("/payments/p/:id/go", p.goPay)
	r.GET("/payments/p/:id/receipt", p.receipt)
	r.GET("/payments/r/:id/:token", p.publicReceipt)
	r.POST("/payments/p/:id/refund", p.refund)
	r.GET("/payments/stripe", p.stripePage)
	r.POST("/payments/stripe/connect", p.stripeConnect)
	r.POST("/payments/stripe/check", p.stripeCheck)
	r.POST("/payments/stripe/webhook", p.webhook)
	r.GET("/payments/checkout/:id/:token", p.checkout)
	p.mountChat(r)       // pay_chat.go
	p.mountShop(r)       // shop.go
	p.mountSupporters(r) // supporters.go
}

// payPage is the data every payment template gets.
type payPage struct {
	Title        string
	InstanceName string
	Host         string
	Alternate    string
	CSRF         string
	Notice       string
	Me           *models.Account
	Admin        bool
	// Refresh, when set, is how many seconds the page waits before
	// reloading itself (a payment not yet final).
	Refresh int
}

// The layout reads these (see page).
func (d payPage) Viewer() *models.Account { return d.Me }

// CSRFToken returns the page's form token.
func (d payPage) CSRFToken() string { return d.CSRF }

// IsAdmin reports whether the viewer is an admin.
func (d payPage) IsAdmin() bool { return d.Admin }

// NavSection marks Payments as the current section.
func (d payPage) NavSection() string { return "payments" }

// NoticeMessage is the confirmation shown above the page.
func (d payPage) NoticeMessage() string { return d.Notice }

// RefreshSeconds is the layout's meta refresh (0: none).
func (d payPage) RefreshSeconds() int { return d.Refresh }

func (p *PayPages) base(c *gin.Context, title string, me *models.Account) payPage {
	ctx := c.Request.Context()
	name, _, _ := p.svc.Moderation().InstanceInfo(ctx)
	if name == "" {
		name = p.svc.Config().InstanceName
	}
	d := payPage{Title: title, InstanceName: name, Host: p.svc.Config().Host, Me: me, Notice: noticeText(c.Query("notice"))}
	if ws := webSession(c); ws != nil {
		d.CSRF = ws.CSRFToken
	}
	if me != nil && me.IsLocal() {
		d.Admin, _ = p.svc.Moderation().IsAdmin(ctx, me)
	}
	return d
}

// Messages of refused payment requests (the scope one as Mastodon words it).
const (
	msgPayScope = "This action is outside the authorized scopes"
	msgPayCSRF  = "The form has expired; reload the page and try again."
)

// signedIn returns the viewer, or answers and returns false. A request
// with an Authorization header is judged by its bearer token alone, which
// must hold read:payments (GET) or write:payments (POST); otherwise the
// browser session signs it in, and a POST must carry the session's CSRF
// token. Every payment action goes through here before anything is read
// from its form, so none can be made by a read-only token or a forged form.
func (p *PayPages) signedIn(c *gin.Context) (*models.Account, bool) {
	write := c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead
	if header := c.GetHeader("Authorization"); header != "" {
		return p.bearerUser(c, header, write)
	}
	me, ok := p.user(c)
	ws := webSession(c)
	if !ok || me == nil || ws == nil || ws.AccountID != me.ID {
		p.fail(c, fmt.Errorf("%w: sign in to use payments", core.ErrUnauthorized))
		return nil, false
	}
	if write && !sameToken(ws.CSRFToken, c.PostForm(csrfField)) {
		p.renderError(c, http.StatusForbidden, "Form expired", msgPayCSRF)
		return nil, false
	}
	return me, true
}

// bearerUser signs a request in with an OAuth bearer token.
func (p *PayPages) bearerUser(c *gin.Context, header string, write bool) (*models.Account, bool) {
	secret, ok := strings.CutPrefix(header, "Bearer ")
	var tok *models.Token
	var err error
	if ok {
		tok, err = p.svc.Accounts().Authenticate(c.Request.Context(), strings.TrimSpace(secret))
	}
	if !ok || err != nil || tok.Account == nil {
		p.renderError(c, http.StatusUnauthorized, "Sign in", "The access token is invalid")
		return nil, false
	}
	scope := payments.ScopeReadPayments
	if write {
		scope = payments.ScopeWritePayments
	}
	if !payments.TokenGrants(tok, scope) {
		p.renderError(c, http.StatusForbidden, "Not allowed", msgPayScope)
		return nil, false
	}
	return tok.Account, true
}

// ---- rendering ---------------------------------------------------------

func (p *PayPages) render(c *gin.Context, status int, name string, data any) {
	var b strings.Builder
	if err := p.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		p.log.ErrorContext(c.Request.Context(), "render page", slog.String("template", name), slog.Any("error", err))
		c.String(http.StatusInternalServerError, "Internal server error")
		return
	}
	// No form-action here: the connect and pay forms redirect to Stripe.
	c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "same-origin")
	c.Data(status, "text/html; charset=utf-8", []byte(b.String()))
}

func payWantsJSON(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), "application/json")
}

// sentJSON answers a client that asked for JSON with body; false: the
// answer is a page, for a browser.
func sentJSON(c *gin.Context, status int, body any) bool {
	if !payWantsJSON(c) {
		return false
	}
	c.JSON(status, body)
	return true
}

// eachJSON is the JSON of every item of a list.
func eachJSON[T any](items []T, one func(T) gin.H) []gin.H {
	out := make([]gin.H, 0, len(items))
	for _, it := range items {
		out = append(out, one(it))
	}
	return out
}

func (p *PayPages) renderError(c *gin.Context, status int, title, msg string) {
	if payWantsJSON(c) {
		c.AbortWithStatusJSON(status, gin.H{"error": msg})
		return
	}
	p.render(c, status, "pay_error.html", struct {
		payPage
		Message string
	}{p.base(c, title, p.viewerOrNil(c)), msg})
	c.Abort()
}

// viewerOrNil is the browser session's account, for the layout of an error
// page (nil: a visitor or a bearer token).
func (p *PayPages) viewerOrNil(c *gin.Context) *models.Account {
	if c.GetHeader("Authorization") != "" {
		return nil
	}
	if me, ok := p.user(c); ok {
		return me
	}
	return nil
}

// payErrorStatus maps service errors to a status and a message safe to
// show, in one place.
func payErrorStatus(err error) (int, string) {
	msg := err.Error()
	for _, e := range []error{core.ErrValidation, core.ErrNotFound, core.ErrConflict, core.ErrForbidden, core.ErrUnauthorized, payments.ErrExpired} {
		msg = strings.TrimPrefix(msg, e.Error()+": ")
	}
	switch {
	case errors.Is(err, core.ErrValidation):
		return http.StatusUnprocessableEntity, msg
	case errors.Is(err, core.ErrUnauthorized):
		return http.StatusUnauthorized, msg
	case errors.Is(err, core.ErrNotFound):
		return http.StatusNotFound, "There is nothing here."
	case errors.Is(err, payments.ErrExpired):
		return http.StatusGone, msg
	case errors.Is(err, core.ErrConflict):
		return http.StatusConflict, msg
	case errors.Is(err, core.ErrForbidden):
		return http.StatusForbidden, msg
	case errors.Is(err, requests.ErrRateLimited):
		return http.StatusTooManyRequests, strings.TrimPrefix(msg, requests.ErrRateLimited.Error()+": ")
	}
	return http.StatusInternalServerError, "Something went wrong. Please try again later."
}

func (p *PayPages) fail(c *gin.Context, err error) {
	status, msg := payErrorStatus(err)
	if status == http.StatusInternalServerError {
		_ = c.Error(err)
		p.log.ErrorContext(c.Request.Context(), "payment page failed", slog.Any("error", err))
	}
	p.renderError(c, status, http.StatusText(status), msg)
}

func payStateLabel(s models.PaymentState) string {
	switch s {
	case models.PaymentOffered:
		return "Waiting for the payee's server"
	case models.PaymentAccepted:
		return "Ready to pay"
	case models.PaymentCheckoutOpen:
		return "Pending"
	case models.PaymentPartiallyRefunded:
		return "Partially refunded"
	case "":
		return ""
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// pathID reads the :id route parameter; a bad one is answered as not
// found.
func (p *PayPages) pathID(c *gin.Context) (int64, bool) {
	id, ok := payParamID(c)
	if !ok {
		p.fail(c, core.ErrNotFound)
	}
	return id, ok
}

// signedInWithID is signedIn, then pathID.
func (p *PayPages) signedInWithID(c *gin.Context) (*models.Account, int64, bool) {
	me, ok := p.signedIn(c)
	if !ok {
		return nil, 0, false
	}
	id, ok := p.pathID(c)
	return me, id, ok
}

func payParamID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	return id, err == nil && id > 0
}

// ---- webhook and pay link (no session) -----------------------------------

// maxWebhookBytes bounds a Stripe webhook body (Stripe's are a few KB).
const maxWebhookBytes = 256 << 10

// webhook is POST /payments/stripe/webhook: the raw body goes to the
// service, which verifies it before anything else.
func (p *PayPages) webhook(c *gin.Context) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxWebhookBytes))
	if err != nil {
		c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, gin.H{"error": "body too large"})
		return
	}
	if err := p.svc.Payments().HandleStripeWebhook(c.Request.Context(), body, c.GetHeader("Stripe-Signature")); err != nil {
		status, _ := payErrorStatus(err)
		if status == http.StatusInternalServerError {
			_ = c.Error(err)
			p.log.ErrorContext(c.Request.Context(), "stripe webhook failed", slog.Any("error", err))
			c.AbortWithStatusJSON(status, gin.H{"error": "internal error"})
			return
		}
		p.log.InfoContext(c.Request.Context(), "stripe webhook refused", slog.String("error", err.Error()))
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "webhook refused"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"received": true})
}

// checkout is the pay link on the payee's host: it sends the browser on to
// Stripe Checkout.
func (p *PayPages) checkout(c *gin.Context) {
	id, ok := p.pathID(c)
	if !ok {
		return
	}
	url, err := p.svc.Payments().OpenCheckout(c.Request.Context(), id, c.Param("token"))
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusSeeOther, url)
}
