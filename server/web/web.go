// Package web serves the instance's own HTML pages. Handlers parse, call the
// service once, and render a template from templates/. Forms work without
// JavaScript; static/plaza.js only adds comfort.
package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/ratelimit"
	"plaza/server/service"
	"plaza/server/service/core"
	"plaza/server/service/media"
)

// Config holds the web UI's own settings.
type Config struct {
	// MediaDir is where uploads are stored (storage.path), MaxUploadBytes
	// the largest upload accepted.
	MediaDir       string
	MaxUploadBytes int64
	// AV are ffmpeg and ffprobe for video and audio attachments (empty:
	// images only).
	AV media.AVTools
	// SignIn limits sign-in attempts per client address; it is shared with
	// the OAuth sign-in form so both draw on one count. SignUp limits
	// sign-ups per address. Nil: Mastodon's defaults, for this handler
	// alone.
	SignIn, SignUp *ratelimit.Limiter
}

// Handler renders the web UI.
type Handler struct {
	cfg    Config
	svc    *service.Service
	pages  *template.Template
	static fs.FS
	log    *slog.Logger
}

// New parses the templates once at start.
func New(cfg Config, svc *service.Service, templates, static fs.FS, log *slog.Logger) (*Handler, error) {
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 10 << 20
	}
	if cfg.SignIn == nil {
		cfg.SignIn = ratelimit.New(ratelimit.SignInDefault())
	}
	if cfg.SignUp == nil {
		cfg.SignUp = ratelimit.New(ratelimit.SignUpDefault())
	}
	pages, err := ParseTemplates(templates)
	if err != nil {
		return nil, err
	}
	return &Handler{cfg: cfg, svc: svc, pages: pages, static: static, log: log}, nil
}

// ParseTemplates parses the page templates with the helpers they call; the
// layout reads its data through methods (Viewer, CSRFToken, NavSection,
// NoticeMessage), so other packages' pages can share it.
func ParseTemplates(templates fs.FS) (*template.Template, error) {
	pages, err := template.New("").Funcs(funcs).ParseFS(templates, "*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse templates: %w", err)
	}
	return pages, nil
}

// Templates returns the parsed page templates, which the OAuth pages of the
// client API share.
func (h *Handler) Templates() *template.Template { return h.pages }

// Mount adds the page routes.
func (h *Handler) Mount(r *gin.Engine) {
	r.StaticFS("/static", http.FS(h.static))
	g := r.Group("", h.session, h.csrf)
	g.GET("/", h.landing)
	g.GET("/about", h.about)
	g.GET("/about/servers", h.aboutServers) // reports.go
	g.GET("/auth/sign_up", h.signUpForm)
	g.POST("/auth/sign_up", h.signUp)
	g.GET("/auth/sign_in", h.signInForm)
	g.POST("/auth/sign_in", h.signIn)
	g.POST("/auth/sign_out", h.signOut)

	g.GET("/public", h.publicTimeline(false))
	g.GET("/public/local", h.publicTimeline(true))
	g.GET("/tags/:tag", h.tagTimeline)
	g.GET("/search", h.search)

	u := g.Group("", h.requireUser)
	u.GET("/home", h.homeTimeline)
	u.GET("/compose", h.composeForm)
	u.POST("/statuses", h.compose)
	u.POST("/statuses/:id/favourite", h.statusAction(actionFavourite))
	u.POST("/statuses/:id/unfavourite", h.statusAction(actionUnfavourite))
	u.POST("/statuses/:id/reblog", h.statusAction(actionBoost))
	u.POST("/statuses/:id/unreblog", h.statusAction(actionUnboost))
	u.POST("/statuses/:id/bookmark", h.statusAction(actionBookmark))
	u.POST("/statuses/:id/unbookmark", h.statusAction(actionUnbookmark))
	u.POST("/statuses/:id/delete", h.deleteStatus)
	u.POST("/accounts/:id/:action", h.accountAction)
	u.GET("/follow_requests", h.followRequests)
	u.POST("/follow_requests/:id/:decision", h.answerFollowRequest)
	u.GET("/conversations", conversationsMoved)
	u.GET("/conversations/:id", conversationsMoved)
	u.GET("/chats", h.chats)
	u.GET("/chats/new", h.newChat)
	u.POST("/chats", h.startChatForm)
	u.GET("/chats/events", h.chatListEvents)
	u.GET("/chats/requests", h.chatRequests)
	u.GET("/chats/requests/:id", h.chatRequest)
	u.POST("/chats/requests/:id/:answer", h.answerChatRequest)
	u.GET("/chats/:id", h.chat)
	u.POST("/chats/:id/members", h.addChatMember)
	u.POST("/chats/:id/name", h.renameChat)
	u.POST("/chats/:id/leave", h.leaveChat)
	u.GET("/chats/:id/events", h.chatEvents)
	u.POST("/chats/:id/messages", h.sendChatMessage)
	u.POST("/chats/:id/read", h.markChatRead)
	u.GET("/report", h.reportForm) // reports.go
	u.POST("/report", h.fileReport)
	u.GET("/notifications", h.notifications)
	u.GET("/bookmarks", h.bookmarks)
	u.GET("/settings/profile", h.profileSettingsForm)
	u.POST("/settings/profile", h.saveProfileSettings)
	u.GET("/settings/password", h.passwordForm)
	u.POST("/settings/password", h.changePassword)
	u.GET("/settings/applications", h.applications)
	u.POST("/settings/applications/:id/revoke", h.revokeApplication)
	u.GET("/settings/import_export", h.importExportForm)
	u.GET("/settings/export/:kind", h.exportList)
	u.POST("/settings/import", h.importList)

	a := u.Group("/admin", h.requireAdmin)
	a.GET("/users", h.adminUsers)
	a.POST("/users/:id/suspend", h.suspendUser(true))
	a.POST("/users/:id/unsuspend", h.suspendUser(false))
	a.GET("/domains", h.adminDomains)
	a.POST("/domains", h.blockDomain)
	a.POST("/domains/:id/delete", h.unblockDomain)
	a.GET("/reports", h.adminReports) // reports.go
	a.POST("/reports/:id/:change", h.changeReport)
	a.POST("/accounts/:id/action", h.adminAccountAction)
	a.GET("/audit", h.adminAudit)
	a.GET("/settings", h.adminSettings)
	a.GET("/emoji", h.adminEmoji) // admin_emoji.go
	a.POST("/emoji", h.addEmoji)
	a.POST("/emoji/:shortcode/delete", h.removeEmoji)
	h.mountSignIn(g, u, a) // email links, two-factor, invites (signin_mail.go)
	a.POST("/settings", h.saveAdminSettings)

	// Mastodon-style addresses: /@alice, /@bob@example.org and /@alice/123.
	g.GET("/:handle", h.byHandle(h.renderProfile))
	g.GET("/:handle/:id", h.byHandle(h.thread))
}

// page is the data every template gets.
type page struct {
	Title        string
	InstanceName string
	Host         string
	// Alternate is the ActivityPub id of what the page shows, if any.
	Alternate string
	// Me is the signed-in account, nil for visitors; CSRF the token every
	// form of the page carries.
	Me   *models.Account
	CSRF string
	// Admin is set when Me is an admin, for the menu's Admin link.
	Admin bool
	// Nav names the current section, for aria-current in the menu.
	Nav    string
	Back   string // this page, where forms return
	Notice string
	Error  string
}

// Viewer returns the signed-in account; the layout reads it through
// viewerOf, since other packages' pages share the layout.
func (p page) Viewer() *models.Account { return p.Me }

// CSRFToken returns the page's form token.
func (p page) CSRFToken() string { return p.CSRF }

// IsAdmin reports whether the viewer is an admin.
func (p page) IsAdmin() bool { return p.Admin }

// NavSection returns the current section.
func (p page) NavSection() string { return p.Nav }

// NoticeMessage is the confirmation the layout shows above the page.
func (p page) NoticeMessage() string { return p.Notice }

// navPage is basePage with the navigation entry nav marked as current.
func (h *Handler) navPage(c *gin.Context, title, nav string) page {
	p := h.basePage(c, title)
	p.Nav = nav
	return p
}

func (h *Handler) basePage(c *gin.Context, title string) page {
	name, _, _ := h.svc.Moderation().InstanceInfo(c.Request.Context())
	return page{Title: title, InstanceName: name, Host: h.svc.Config().Host, Me: viewer(c), CSRF: csrfToken(c), Admin: h.isAdmin(c),
		Back: c.Request.URL.RequestURI(), Notice: noticeText(c.Query("notice"))}
}

// contentSecurityPolicy forbids inline scripts and styles, plugins, framing
// and posting forms elsewhere; images and video only from this origin
// (remote ones through the remote media cache).
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

func (h *Handler) render(c *gin.Context, status int, name string, data any) {
	var b bytes.Buffer
	if err := h.pages.ExecuteTemplate(&b, name, data); err != nil {
		h.log.ErrorContext(c.Request.Context(), "render page", slog.String("template", name), slog.Any("error", err))
		c.String(http.StatusInternalServerError, "Internal server error")
		return
	}
	c.Header("Content-Security-Policy", contentSecurityPolicy)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "same-origin")
	if viewer(c) != nil {
		c.Header("Cache-Control", "private, no-store")
	}
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
}

// NotFoundPage answers a browser that asked for an address nothing serves
// with the not-found page in the layout (server.BrowserPages).
func (h *Handler) NotFoundPage(c *gin.Context) {
	// No route ran the session middleware: load it, so the page keeps the
	// signed-in navigation.
	if c.GetHeader("Authorization") == "" {
		h.loadSession(c)
		if ws := webSession(c); ws != nil {
			c.Set(ctxCSRF, ws.CSRFToken) // the sign-out form's
		}
	}
	h.renderError(c, fmt.Errorf("%w: page", core.ErrNotFound))
}

// errorStatus maps the service's errors onto an HTTP status and a message
// safe to show.
func errorStatus(err error) (int, string, string) {
	switch {
	case errors.Is(err, core.ErrNotFound):
		return http.StatusNotFound, "Not found", "There is nothing at this address: the link may be mistyped, or what it showed was deleted. Search for it, or go back to your home timeline."
	case errors.Is(err, core.ErrUnauthorized):
		return http.StatusUnauthorized, "Sign in required", "Please sign in first."
	case errors.Is(err, core.ErrForbidden):
		return http.StatusForbidden, "Not allowed", userMessage(err)
	case errors.Is(err, core.ErrValidation), errors.Is(err, core.ErrConflict):
		return http.StatusUnprocessableEntity, "That did not work", userMessage(err)
	case errors.Is(err, errBadCSRF):
		return http.StatusForbidden, "Form expired", "The form was too old or came from elsewhere. Go back, reload the page and try again."
	case errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, "Too many attempts", "Please wait a few minutes before trying again."
	}
	return http.StatusInternalServerError, "Something went wrong", "Please try again later."
}

// userMessage is the user-facing part of a service error: the text after
// the sentinel's own ("validation failed: name is too long").
func userMessage(err error) string {
	msg := err.Error()
	for _, sentinel := range []error{core.ErrValidation, core.ErrConflict, core.ErrForbidden, core.ErrNotFound, core.ErrUnauthorized} {
		if i := strings.LastIndex(msg, sentinel.Error()+": "); i >= 0 {
			m := msg[i+len(sentinel.Error())+2:]
			if m != "" {
				return strings.ToUpper(m[:1]) + m[1:]
			}
		}
	}
	return "Please check what you entered."
}

func (h *Handler) renderError(c *gin.Context, err error) {
	status, title, msg := errorStatus(err)
	if status >= 500 {
		_ = c.Error(err)
		h.log.ErrorContext(c.Request.Context(), "web page failed", slog.String("path", c.Request.URL.Path), slog.Any("error", err))
	}
	if status == http.StatusUnauthorized && c.Request.Method == http.MethodGet {
		c.Redirect(http.StatusSeeOther, "/auth/sign_in?next="+urlQueryEscape(c.Request.URL.RequestURI()))
		return
	}
	p := h.basePage(c, title)
	p.Notice = ""
	h.render(c, status, "error.html", struct {
		page
		Message string
	}{p, msg})
	c.Abort()
}

// redirectBack sends the browser to the local page it came from (the form's
// "back" field), or fallback.
func redirectBack(c *gin.Context, fallback, notice string) {
	to := c.PostForm("back")
	if !localPath(to) {
		to = fallback
	}
	// The page goes back without the notice of an earlier action, and with
	// this one's (before any #fragment).
	if u, err := url.Parse(to); err == nil {
		q := u.Query()
		q.Del("notice")
		if notice != "" {
			q.Set("notice", notice)
		}
		u.RawQuery = q.Encode()
		to = u.String()
	}
	c.Redirect(http.StatusSeeOther, to)
}

// localPath accepts only paths on this site, so a form cannot redirect
// elsewhere. Browsers drop tabs and newlines from a Location and read a
// backslash as a slash, and some proxies decode %2F, so "/%09/host",
// "/\\host" or "/%2F/host" would all become "//host", another site: the path
// is judged after decoding, and a control character, space, backslash or
// encoded slash anywhere in it refuses it.
func localPath(p string) bool {
	if !strings.HasPrefix(p, "/") || hasUnsafeURLByte(p) {
		return false
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	rawPath := u.EscapedPath()
	lower := strings.ToLower(rawPath)
	if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") {
		return false
	}
	decoded, err := url.PathUnescape(rawPath)
	return err == nil && !hasUnsafeURLByte(decoded) && !strings.HasPrefix(decoded, "//")
}

// hasUnsafeURLByte reports a control character, space or backslash.
func hasUnsafeURLByte(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b == 0x7f || b == '\\' {
			return true
		}
	}
	return false
}

// notices are the short confirmations shown after a redirect; only known
// keys are shown, so a link cannot put words on the page.
var notices = map[string]string{
	"posted":    "Your post is published.",
	"deleted":   "The post is deleted.",
	"saved":     "Saved.",
	"password":  "Your password is changed.",
	"revoked":   "The application's access is revoked.",
	"welcome":   "Welcome! Your account is ready.",
	"signedin":  "You are signed in.",
	"followed":  "Follow sent.",
	"following": "You follow them now: their new posts will be in your home timeline.",
	"requested": "Follow request sent: this account approves its followers, and you will be notified when it does.",
	"done":      "Done.",
	"refunded":  "The refund is on its way to the payer's card.",
	// chats
	"added":    "Added to the chat.",
	"left":     "You left the chat.",
	"declined": "The request is declined.",
	// admin pages
	"suspended":      "The account is suspended.",
	"unsuspended":    "The account is no longer suspended.",
	"blocked":        "The domain is blocked.",
	"unblocked":      "The domain is no longer blocked.",
	"reported":       "Thank you: your report was sent to the moderators.",
	"assign_to_self": "The report is assigned to you.",
	"unassign":       "The report is no longer assigned.",
	"resolve":        "The report is resolved.",
	"reopen":         "The report is open again.",
	"acted":          "Done: the action is taken and the report resolved.",
}

func noticeText(key string) string { return notices[key] }

// refuseForm answers a form that failed with err: a server fault (or a
// status listed in errorPage) is the error page; anything else shows the
// form again through show, at err's status and with its message.
func (h *Handler) refuseForm(c *gin.Context, err error, show func(status int, msg string), errorPage ...int) {
	status, _, msg := errorStatus(err)
	if status >= 500 || slices.Contains(errorPage, status) {
		h.renderError(c, err)
		return
	}
	show(status, msg)
}

// redirectOr ends a form action: on to url when err is nil, else the
// error page.
func (h *Handler) redirectOr(c *gin.Context, err error, url string) {
	if err != nil {
		h.renderError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, url)
}
