package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// loggingArea logs from inside a handler, as the service layer does.
type loggingArea struct{ log *slog.Logger }

func (a loggingArea) Mount(r *gin.Engine) {
	r.GET("/work", func(c *gin.Context) {
		a.log.InfoContext(c.Request.Context(), "doing the work")
		c.Status(http.StatusNoContent)
	})
}

// TestEveryLogLineOfARequestCarriesItsID: the access line and a line the
// handler logs with the request's context carry the id the response names.
func TestEveryLogLineOfARequestCarriesItsID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(WithRequestID(slog.NewJSONHandler(&buf, nil)))
	engine := NewRouter(log, nil, BodyLimits{}, loggingArea{log})
	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/work", nil))
	id := rec.Header().Get("X-Request-Id")
	if id == "" {
		t.Fatal("no X-Request-Id")
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log lines: %q", lines)
	}
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["request_id"] != id {
			t.Errorf("line %q has request_id %v, want %s", l, rec["request_id"], id)
		}
	}
	buf.Reset()
	log.Info("outside any request")
	if strings.Contains(buf.String(), "request_id") {
		t.Errorf("a line outside a request got an id: %s", buf.String())
	}
}
