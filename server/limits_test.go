package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// echoArea mounts routes that read their whole body and answer its length,
// as the real handlers do, on the paths whose limits differ.
type echoArea struct{ reached *int }

func (e echoArea) Mount(r *gin.Engine) {
	echo := func(c *gin.Context) {
		*e.reached++
		body, err := io.ReadAll(c.Request.Body)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": "handler saw the limit"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"read": len(body)})
	}
	r.POST("/api/v1/statuses", echo)
	r.POST("/api/v2/media", echo)
	r.PATCH("/api/v1/accounts/update_credentials", echo)
	r.POST("/users/:username/inbox", echo)
	r.POST("/settings/password", echo)
}

// countingReader is a body that records how much of it was read.
type countingReader struct {
	r    io.Reader
	read int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

func TestLimitBodies(t *testing.T) {
	limits := BodyLimits{Upload: 3 << 20, Inbox: 256 << 10}
	var reached int
	engine := NewRouter(slog.New(slog.DiscardHandler), nil, limits, echoArea{&reached})
	const json, form = "application/json", "application/x-www-form-urlencoded"
	cases := []struct {
		name, method, path, contentType string
		size                            int
		chunked                         bool
		want                            int
	}{
		{"json status under 1 MiB", "POST", "/api/v1/statuses", json, 1<<20 - 1, false, 200},
		{"json status of 2 MiB", "POST", "/api/v1/statuses", json, 2 << 20, false, 413},
		{"chunked json status over 1 MiB", "POST", "/api/v1/statuses", json, 1<<20 + 1, true, 413},
		{"chunked form under 1 MiB", "POST", "/api/v1/statuses", form, 512 << 10, true, 200},
		{"web form of 2 MiB", "POST", "/settings/password", form, 2 << 20, false, 413},
		{"upload of 2 MiB", "POST", "/api/v2/media", "multipart/form-data; boundary=x", 2 << 20, false, 200},
		{"upload over its limit", "POST", "/api/v2/media", "multipart/form-data; boundary=x", 4 << 20, false, 413},
		{"chunked upload over its limit", "POST", "/api/v2/media", "multipart/form-data; boundary=x", 4 << 20, true, 413},
		{"avatar and header of 5 MiB", "PATCH", "/api/v1/accounts/update_credentials", "multipart/form-data; boundary=x", 5 << 20, false, 200},
		{"inbox under its limit", "POST", "/users/alice/inbox", "application/activity+json", 200 << 10, false, 200},
		{"inbox over its limit", "POST", "/users/alice/inbox", "application/activity+json", 300 << 10, false, 413},
		{"chunked inbox over its limit", "POST", "/users/alice/inbox", "application/activity+json", 300 << 10, true, 413},
		{"unmatched route", "POST", "/nowhere", json, 2 << 20, false, 413},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reached = 0
			body := &countingReader{r: bytes.NewReader(bytes.Repeat([]byte("a"), tc.size))}
			req := httptest.NewRequest(tc.method, tc.path, body)
			req.Header.Set("Content-Type", tc.contentType)
			req.ContentLength = int64(tc.size)
			if tc.chunked {
				req.ContentLength = -1
			}
			rec := httptest.NewRecorder()
			engine.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			var out struct {
				Error string `json:"error"`
				Read  int    `json:"read"`
			}
			if err := jsonDecode(rec.Body, &out); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			switch {
			case tc.want == 200 && out.Read != tc.size:
				t.Fatalf("the handler read %d of %d bytes", out.Read, tc.size)
			case tc.want == 413 && out.Error == "":
				t.Fatalf("413 without an error message: %s", rec.Body)
			case tc.want == 413 && !tc.chunked && body.read > 0:
				t.Fatalf("a body declared too large was read (%d bytes)", body.read)
			case tc.want == 413 && tc.chunked && body.read > int64(tc.size):
				t.Fatalf("read %d bytes", body.read)
			}
			if tc.want == 413 && reached > 0 && !strings.HasPrefix(tc.contentType, "multipart/") {
				t.Fatal("a handler ran on a body over the limit")
			}
		})
	}
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

// TestLimitBodiesContentType: a body of a type no handler parses is
// refused with 415, whatever the route; an empty body of any type, and an
// activity on the inbox, are not.
func TestLimitBodiesContentType(t *testing.T) {
	var reached int
	engine := NewRouter(slog.New(slog.DiscardHandler), nil, BodyLimits{Upload: 1 << 20, Inbox: 1 << 20}, echoArea{&reached})
	cases := []struct {
		path, contentType, body string
		want                    int
	}{
		{"/api/v1/statuses", "text/xml", "<status>hi</status>", 415},
		{"/api/v1/statuses", "", "status=hi", 415},
		{"/api/v1/statuses", "text/plain", "", 200},
		{"/api/v1/statuses", "application/json; charset=utf-8", `{"status":"hi"}`, 200},
		{"/settings/password", "text/xml", "<a/>", 415},
		{"/api/v2/media", "text/xml", "<a/>", 415},
		{"/users/alice/inbox", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, "{}", 200},
	}
	for _, tc := range cases {
		req := httptest.NewRequest("POST", tc.path, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.contentType)
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, req)
		if rec.Code != tc.want || (tc.want == 415 && !strings.Contains(rec.Body.String(), `"error"`)) {
			t.Errorf("%s %q: %d %s, want %d", tc.path, tc.contentType, rec.Code, rec.Body, tc.want)
		}
	}
}

// TestLimitBodiesHTMLForBrowsers: a browser's form over the limit gets a
// short page, not JSON.
func TestLimitBodiesHTMLForBrowsers(t *testing.T) {
	var reached int
	engine := NewRouter(slog.New(slog.DiscardHandler), nil, BodyLimits{Upload: 1 << 20, Inbox: 1 << 20}, echoArea{&reached})
	req := httptest.NewRequest("POST", "/settings/password", strings.NewReader(strings.Repeat("a", 2<<20)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, req)
	if rec.Code != 413 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), "too large") {
		t.Fatalf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}
