package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// readyTimeout bounds the database check of /readyz: a load balancer wants
// a quick no rather than a hanging probe.
const readyTimeout = 2 * time.Second

// Health serves the load balancer's probes, without authentication and
// outside the rate limits (which count /api/ and inbox requests only):
//
//	GET /livez   200 while the process answers HTTP
//	GET /readyz  200 when Ready returns within readyTimeout, else
//	             503 {"error": "..."}
type Health struct {
	// Ready checks the database (a cheap query).
	Ready func(ctx context.Context) error
	// Log records why a check failed; the answer does not say, as the
	// probes are public.
	Log *slog.Logger
}

// Mount adds /livez and /readyz.
func (h Health) Mount(r *gin.Engine) {
	r.GET("/livez", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
		defer cancel()
		if err := h.Ready(ctx); err != nil {
			h.Log.WarnContext(c.Request.Context(), "readyz: database not answering", slog.String("error", err.Error()))
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": "Database not answering"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
}
