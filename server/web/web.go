// Package web serves the instance's own HTML pages. Handlers parse, call the
// service, and render a template from templates/.
package web

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service"
)

// Handler renders the web UI.
type Handler struct {
	svc    *service.Service
	pages  *template.Template
	static fs.FS
	log    *slog.Logger
}

// New parses the templates once at start.
func New(svc *service.Service, templates, static fs.FS, log *slog.Logger) (*Handler, error) {
	pages, err := template.ParseFS(templates, "*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse templates: %w", err)
	}
	return &Handler{svc: svc, pages: pages, static: static, log: log}, nil
}

// Templates returns the parsed page templates, which the OAuth pages of the
// client API share.
func (h *Handler) Templates() *template.Template { return h.pages }

// Mount adds the page routes.
func (h *Handler) Mount(r *gin.Engine) {
	r.GET("/", h.home)
	r.StaticFS("/static", http.FS(h.static))
	// Mastodon-style addresses: /@alice and /@alice/123.
	r.GET("/:handle", h.handlePage)
	r.GET("/:handle/:id", h.handleStatusPage)
}

// page is the data every template gets.
type page struct {
	Title        string
	InstanceName string
	Host         string
	// Alternate is the ActivityPub id of what the page shows, if any.
	Alternate string
}

func (h *Handler) basePage(title string) page {
	cfg := h.svc.Config()
	return page{Title: title, InstanceName: cfg.InstanceName, Host: cfg.Host}
}

func (h *Handler) render(c *gin.Context, status int, name string, data any) {
	var b strings.Builder
	if err := h.pages.ExecuteTemplate(&b, name, data); err != nil {
		h.log.ErrorContext(c.Request.Context(), "render page", slog.String("template", name), slog.Any("error", err))
		c.String(http.StatusInternalServerError, "Internal server error")
		return
	}
	c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(status, "text/html; charset=utf-8", []byte(b.String()))
}

func (h *Handler) renderError(c *gin.Context, err error) {
	status, title, msg := http.StatusInternalServerError, "Something went wrong", "Please try again later."
	if errors.Is(err, service.ErrNotFound) {
		status, title, msg = http.StatusNotFound, "Not found", "There is nothing here."
	} else {
		_ = c.Error(err)
	}
	h.render(c, status, "error.html", struct {
		page
		Message string
	}{h.basePage(title), msg})
}

func (h *Handler) home(c *gin.Context) {
	cfg := h.svc.Config()
	h.render(c, http.StatusOK, "home.html", struct {
		page
		Description string
	}{h.basePage(cfg.InstanceName), cfg.InstanceDescription})
}

// handlePage serves /@username; other single-segment paths are not pages.
func (h *Handler) handlePage(c *gin.Context) {
	handle := c.Param("handle")
	if !strings.HasPrefix(handle, "@") {
		h.renderError(c, service.ErrNotFound)
		return
	}
	h.renderProfile(c, strings.TrimPrefix(handle, "@"))
}

// handleStatusPage serves /@username/id.
func (h *Handler) handleStatusPage(c *gin.Context) {
	if !strings.HasPrefix(c.Param("handle"), "@") {
		h.renderError(c, service.ErrNotFound)
		return
	}
	c.Params = append(c.Params, gin.Param{Key: "username", Value: strings.TrimPrefix(c.Param("handle"), "@")})
	h.Status(c)
}

// Profile renders the HTML profile of the :username route parameter; the
// ActivityPub handler calls it for browsers on actor URLs.
func (h *Handler) Profile(c *gin.Context) {
	h.renderProfile(c, c.Param("username"))
}

// Status renders a public or unlisted local status for browsers (route
// parameters :username and :id). Others are not shown: there are no
// browser sessions yet, so every visitor is anonymous.
func (h *Handler) Status(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.renderError(c, service.ErrNotFound)
		return
	}
	st, err := h.svc.StatusForViewer(c.Request.Context(), nil, id)
	if err == nil && (st.Account == nil || !st.Account.IsLocal() || st.Account.Username != strings.TrimPrefix(c.Param("username"), "@")) {
		err = service.ErrNotFound
	}
	if err != nil {
		h.renderError(c, err)
		return
	}
	p := h.basePage("Post by " + st.Account.DisplayName)
	p.Alternate = st.URI
	h.render(c, http.StatusOK, "status.html", struct {
		page
		Account   *models.Account
		Status    *models.Status
		Content   template.HTML // stored sanitised
		Published string
	}{p, st.Account, st, template.HTML(st.Content), st.CreatedAt.UTC().Format("2006-01-02 15:04 UTC")})
}

func (h *Handler) renderProfile(c *gin.Context, username string) {
	acct, err := h.svc.LocalUser(c.Request.Context(), username)
	if err != nil {
		h.renderError(c, err)
		return
	}
	p := h.basePage(acct.DisplayName + " (@" + acct.Username + ")")
	p.Alternate = acct.URI
	h.render(c, http.StatusOK, "profile.html", struct {
		page
		Account *models.Account
		// Note is stored sanitised, so it may be rendered as HTML.
		Note template.HTML
	}{p, acct, template.HTML(acct.Note)})
}
