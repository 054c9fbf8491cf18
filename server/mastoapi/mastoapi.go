// Package mastoapi is Plaza's Mastodon-compatible client API, its OAuth 2
// server and its streaming API. Handlers authenticate, check scopes, parse,
// call the service once and render Mastodon JSON entities (converted in
// entities.go, the one place that knows their shape).
package mastoapi

import (
	"html/template"
	"log/slog"

	"github.com/gin-gonic/gin"

	"plaza/server/ratelimit"
	"plaza/server/service"
	"plaza/server/service/media"
)

// Config holds the client API's own settings.
type Config struct {
	// MediaPath is the directory uploaded files are stored in
	// (storage.path); they are served under /media/.
	MediaPath string
	// MaxUploadBytes limits one media upload.
	MaxUploadBytes int64
	// AV are ffmpeg and ffprobe for video and audio uploads (empty: images
	// only).
	AV      media.AVTools
	Version string
	// SignIn limits attempts at the OAuth sign-in form per client address;
	// the web UI's sign-in form shares it. Nil: Mastodon's default, for
	// this handler alone.
	SignIn *ratelimit.Limiter
}

// Handler serves the client API.
type Handler struct {
	cfg   Config
	svc   *service.Service
	log   *slog.Logger
	pages *template.Template // the OAuth sign-in and consent page
}

// New builds the client API; pages holds the parsed templates of the web UI
// (the OAuth page shares its layout).
func New(cfg Config, svc *service.Service, pages *template.Template, log *slog.Logger) *Handler {
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 16 << 20
	}
	if cfg.SignIn == nil {
		cfg.SignIn = ratelimit.New(ratelimit.SignInDefault())
	}
	return &Handler{cfg: cfg, svc: svc, log: log, pages: pages}
}

// Mount adds every route of the client API. Each area's routes are listed in
// its own file (mountOAuth, mountAccounts, ...).
func (h *Handler) Mount(r *gin.Engine) {
	for _, mount := range h.areas() {
		mount(r)
	}
}
