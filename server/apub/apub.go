// Package apub serves Plaza's ActivityPub side: WebFinger, host-meta,
// NodeInfo, actors, inboxes and collections. Handlers parse, call the
// service or the federation layer once, and render.
package apub

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/federation"
	"plaza/server/service"
)

// Config holds the ActivityPub endpoints' own settings.
type Config struct {
	InboxMaxBodyBytes int64  // inbox POST limit
	Version           string // software version in NodeInfo
	PaymentsEnabled   bool   // Stripe is configured on this instance
}

// Handler serves the ActivityPub endpoints.
type Handler struct {
	cfg   Config
	svc   *service.Service
	inbox *federation.Inbox
	// profilePage renders a user's HTML profile for browsers hitting an
	// actor URL.
	profilePage gin.HandlerFunc
}

// New builds the handler; profilePage answers browsers on actor URLs.
func New(cfg Config, svc *service.Service, inbox *federation.Inbox, profilePage gin.HandlerFunc) *Handler {
	if cfg.InboxMaxBodyBytes <= 0 {
		cfg.InboxMaxBodyBytes = 1 << 20
	}
	return &Handler{cfg: cfg, svc: svc, inbox: inbox, profilePage: profilePage}
}

// Mount adds the routes.
func (h *Handler) Mount(r *gin.Engine) {
	r.GET("/.well-known/webfinger", h.webfinger)
	r.GET("/.well-known/host-meta", h.hostMeta)
	r.GET("/.well-known/nodeinfo", h.nodeinfoIndex)
	r.GET("/nodeinfo/:version", h.nodeinfo)

	r.GET("/actor", h.instanceActor)
	r.POST("/actor/inbox", h.sharedInboxPost)
	r.POST("/inbox", h.sharedInboxPost)

	r.GET("/users/:username", h.actor)
	r.POST("/users/:username/inbox", h.userInboxPost)
	r.GET("/users/:username/outbox", h.emptyCollection)
	r.GET("/users/:username/followers", h.emptyCollection)
	r.GET("/users/:username/following", h.emptyCollection)
	r.GET("/users/:username/collections/featured", h.emptyCollection)
}

// ActivityContentType is the media type of every ActivityPub response.
const ActivityContentType = "application/activity+json; charset=utf-8"

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

// writeError maps service and federation errors to a status and a
// Mastodon-style {"error": "..."} body, in one place.
func writeError(c *gin.Context, err error) {
	status := http.StatusInternalServerError
	msg := "Internal server error"
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		status, msg = http.StatusRequestEntityTooLarge, "Request body too large"
	case errors.Is(err, federation.ErrUnauthorized), errors.Is(err, service.ErrUnauthorized):
		status, msg = http.StatusUnauthorized, err.Error()
	case errors.Is(err, federation.ErrBadRequest), errors.Is(err, service.ErrValidation):
		status, msg = http.StatusBadRequest, err.Error()
	case errors.Is(err, service.ErrNotFound):
		status, msg = http.StatusNotFound, "Record not found"
	case errors.Is(err, service.ErrForbidden):
		status, msg = http.StatusForbidden, err.Error()
	case errors.Is(err, service.ErrConflict):
		status, msg = http.StatusConflict, err.Error()
	}
	if status == http.StatusInternalServerError {
		_ = c.Error(err)
	}
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}
