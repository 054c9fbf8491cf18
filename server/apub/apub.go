// Package apub serves Plaza's ActivityPub side: WebFinger, host-meta,
// NodeInfo, actors, inboxes and collections. Handlers parse, call the
// service or the federation layer once, and render.
package apub

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/federation"
	"plaza/server/service"
	"plaza/server/service/core"
)

// Config holds the ActivityPub endpoints' own settings.
type Config struct {
	InboxMaxBodyBytes int64  // inbox POST limit
	Version           string // software version in NodeInfo
	PaymentsEnabled   bool   // Stripe is configured on this instance
	// AuthorizedFetch answers unsigned GETs of actors, statuses and
	// collections with 401 (Mastodon's secure mode); the instance actor,
	// WebFinger, NodeInfo, host-meta and HTML pages stay public.
	AuthorizedFetch bool
	// Logger receives the detail of refused requests; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Pages renders what browsers get on ActivityPub URLs.
type Pages interface {
	Profile(c *gin.Context) // :username
	Status(c *gin.Context)  // :username, :id
}

// Handler serves the ActivityPub endpoints.
type Handler struct {
	cfg     Config
	svc     *service.Service
	inbox   *federation.Inbox
	encoder *federation.Encoder
	pages   Pages
}

// New builds the handler; pages answers browsers on actor and status URLs.
func New(cfg Config, svc *service.Service, inbox *federation.Inbox, encoder *federation.Encoder, pages Pages) *Handler {
	if cfg.InboxMaxBodyBytes <= 0 {
		cfg.InboxMaxBodyBytes = 1 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Handler{cfg: cfg, svc: svc, inbox: inbox, encoder: encoder, pages: pages}
}

func (h *Handler) profilePage(c *gin.Context) { h.pages.Profile(c) }
func (h *Handler) statusPage(c *gin.Context)  { h.pages.Status(c) }

// Mount adds the routes.
func (h *Handler) Mount(r *gin.Engine) {
	r.GET("/.well-known/webfinger", h.webfinger)
	r.GET("/.well-known/host-meta", h.hostMeta)
	r.GET("/.well-known/nodeinfo", h.nodeinfoIndex)
	r.GET("/nodeinfo/:version", h.nodeinfo)

	r.GET("/actor", h.instanceActor)
	r.GET("/actor/outbox", h.instanceOutbox)
	r.POST("/actor/inbox", h.sharedInboxPost)
	r.POST("/inbox", h.sharedInboxPost)

	r.GET("/users/:username", negotiate(h.profilePage, h.actor))
	r.POST("/users/:username/inbox", h.userInboxPost)
	r.GET("/users/:username/outbox", h.outbox)
	r.GET("/users/:username/followers", h.followers)
	r.GET("/users/:username/following", h.following)
	r.GET("/users/:username/collections/featured", h.featured)
	r.GET("/users/:username/collections/tags", h.featuredTags)
	r.GET("/users/:username/statuses/:id", negotiate(h.statusPage, h.status))
	r.GET("/users/:username/statuses/:id/activity", h.statusActivity)
	r.GET("/users/:username/statuses/:id/replies", h.replies)
	r.GET("/users/:username/quote_authorizations/:id", h.quoteAuthorization)
}

// ActivityContentType is the media type of every ActivityPub response.
const ActivityContentType = "application/activity+json; charset=utf-8"

// negotiate serves doc to clients that ask for ActivityStreams and page to
// everyone else (browsers).
func negotiate(page, doc gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if wantsActivityJSON(c) {
			doc(c)
		} else {
			page(c)
		}
	}
}

// wantsActivityJSON reports whether the client asked for ActivityStreams
// rather than a page.
func wantsActivityJSON(c *gin.Context) bool {
	accept := c.GetHeader("Accept")
	return strings.Contains(accept, "application/activity+json") || strings.Contains(accept, "application/ld+json")
}

func renderActivity(c *gin.Context, status int, doc any) {
	c.Header("Vary", "Accept")
	c.Render(status, jsonDoc{doc, ActivityContentType})
}

// answer renders doc, or the error that kept it from being made.
func (h *Handler) answer(c *gin.Context, doc any, err error) {
	if err != nil {
		h.writeError(c, err)
		return
	}
	renderActivity(c, http.StatusOK, doc)
}

// writeError maps service and federation errors to a status and a
// Mastodon-style {"error": "..."} body, in one place. The body is a fixed
// reason per status: the error itself may carry fetched URLs, a remote
// server's answer or a parser's message, so it goes to the log only, under
// the request's id.
func (h *Handler) writeError(c *gin.Context, err error) {
	status, msg := errorResponse(err)
	level := slog.LevelInfo // remote servers' mistakes are routine
	switch status {
	case http.StatusNotFound:
		level = slog.LevelDebug
	case http.StatusInternalServerError:
		level = slog.LevelError
		_ = c.Error(err)
	}
	h.cfg.Logger.LogAttrs(c.Request.Context(), level, "activitypub request refused",
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", status),
		slog.String("error", err.Error()),
	)
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}

// ErrorStatus is the HTTP status an inbox answers for what Receive returned
// (202 for nil).
func ErrorStatus(err error) int {
	if err == nil {
		return http.StatusAccepted
	}
	status, _ := errorResponse(err)
	return status
}

// errorResponse is the status and the client-safe message of err.
func errorResponse(err error) (int, string) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, "Request body too large"
	case errors.Is(err, federation.ErrUnauthorized), errors.Is(err, core.ErrUnauthorized):
		return http.StatusUnauthorized, "Signature verification failed"
	case errors.Is(err, federation.ErrBadRequest):
		return http.StatusBadRequest, "Malformed activity"
	case errors.Is(err, core.ErrValidation):
		return http.StatusBadRequest, "Invalid request"
	case errors.Is(err, core.ErrNotFound):
		return http.StatusNotFound, "Record not found"
	case errors.Is(err, core.ErrForbidden):
		return http.StatusForbidden, "This action is not allowed"
	case errors.Is(err, core.ErrConflict):
		return http.StatusConflict, "Conflict with the current state"
	}
	return http.StatusInternalServerError, "Internal server error"
}
