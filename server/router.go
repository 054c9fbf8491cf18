// Package server builds Plaza's HTTP engine: shared middleware (request id,
// access log, panic recovery, request body limits) and the mounting of the
// ActivityPub, client API and web handlers.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Mounter adds one area's routes to the engine.
type Mounter interface {
	Mount(r *gin.Engine)
}

// BrowserPages is an area that shows browsers a page in the site's layout
// for an address no route answers (the web UI); API clients and other
// servers keep the JSON error.
type BrowserPages interface {
	NotFoundPage(c *gin.Context)
}

// Observer is an area that also watches every request (metrics): its
// middleware runs first, so requests refused by the limits count too.
type Observer interface {
	Middleware() gin.HandlerFunc
}

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to, "" outside one.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// NewRouter returns the gin engine with shared middleware, the rate limits
// (ratelimit.go; nil trusts no proxy and limits nothing), the request body
// limits (limits.go) and every area mounted.
func NewRouter(log *slog.Logger, limits *RateLimits, bodies BodyLimits, areas ...Mounter) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = false
	r.Use(requestID(), accessLog(log), recovery(log))
	for _, a := range areas {
		if o, ok := a.(Observer); ok {
			r.Use(o.Middleware())
		}
	}
	limits.install(r)
	r.Use(limitBodies(bodies)) // after the rate limits: a refused client costs no body read
	var pages BrowserPages
	for _, a := range areas {
		if p, ok := a.(BrowserPages); ok {
			pages = p
		}
	}
	r.NoRoute(func(c *gin.Context) {
		if pages != nil && wantsPage(c.Request) {
			pages.NotFoundPage(c)
			return
		}
		c.JSON(http.StatusNotFound, gin.H{"error": "Record not found"})
	})
	r.NoMethod(func(c *gin.Context) { c.JSON(http.StatusMethodNotAllowed, gin.H{"error": "Method not allowed"}) })
	for _, a := range areas {
		a.Mount(r)
	}
	return r
}

func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Header("X-Request-Id", id)
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), requestIDKey{}, id))
		c.Next()
	}
}

// accessLog logs one line per request; never the query string, which may
// carry tokens.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		log.LogAttrs(c.Request.Context(), slog.LevelInfo, "http request",
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", c.Writer.Status()),
			slog.Duration("duration", time.Since(start)),
		)
	}
}

func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if p := recover(); p != nil {
				log.ErrorContext(c.Request.Context(), "panic in handler", slog.Any("panic", p))
				if !c.Writer.Written() {
					c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "Internal server error"})
				} else {
					c.Abort()
				}
			}
		}()
		c.Next()
	}
}

// wantsPage: a browser asking for a page (GET with HTML accepted), not a
// client of the API or of ActivityPub.
func wantsPage(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	for _, prefix := range []string{"/api/", "/oauth/", "/.well-known/", "/nodeinfo/", "/users/", "/inbox", "/actor"} {
		if strings.HasPrefix(r.URL.Path, prefix) {
			return false
		}
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}
