package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// DefaultBodyLimit is the largest request body a route takes when it takes
// no upload: client API JSON and forms, OAuth, web forms (1 MiB).
const DefaultBodyLimit = 1 << 20

// uploadOverhead is room for the multipart envelope and the text fields
// (status, alt text, profile fields) sent beside uploaded files.
const uploadOverhead = 64 << 10

// BodyLimits are the configured sizes the body limits derive from.
type BodyLimits struct {
	// Upload is the largest uploaded file (storage.max_upload_bytes).
	Upload int64
	// Inbox is the largest activity POSTed to an inbox
	// (federation.inbox_max_body_bytes).
	Inbox int64
}

// forRoute is the body limit of the request's route and whether its body
// is read up front. Upload routes stream their body to the multipart
// parser (files may spill to disk), which sees the limit as an
// *http.MaxBytesError; every other body is small and read here, so no
// handler can mistake a cut-off body for a short one.
func (l BodyLimits) forRoute(c *gin.Context) (limit int64, stream bool) {
	if files := uploadFiles(c.Request.Method, c.FullPath()); files > 0 {
		return int64(files)*l.Upload + uploadOverhead, true
	}
	if isInbox(c) && l.Inbox > 0 {
		return l.Inbox, false
	}
	return DefaultBodyLimit, false
}

// uploadFiles is how many files a route's form (gin's pattern, "" when none
// matched) may carry.
func uploadFiles(method, route string) int {
	switch method + " " + route {
	case "POST /api/v1/media", "POST /api/v2/media":
		return 1
	case "POST /statuses": // the web's compose form: up to four images
		return 4
	case "PATCH /api/v1/accounts/update_credentials", "POST /settings/profile": // avatar and header
		return 2
	}
	return 0
}

// limitBodies bounds every request body: a declared Content-Length over
// the route's limit is refused before anything is read, a body without one
// is cut at the limit, and both are answered 413. A body must also be one
// of the types Plaza's handlers parse (JSON, form, multipart form), or it
// is answered 415.
func limitBodies(l BodyLimits) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := c.Request
		if r.Body == nil || r.Body == http.NoBody {
			c.Next()
			return
		}
		limit, stream := l.forRoute(c)
		if r.ContentLength > limit {
			refuseBody(c, http.StatusRequestEntityTooLarge, tooLargeMessage(limit))
			return
		}
		r.Body = http.MaxBytesReader(c.Writer, r.Body, limit)
		if !stream && !readBody(c, limit) {
			return
		}
		// An inbox's activity types are federation's to check.
		if r.ContentLength != 0 && !isInbox(c) && !parsedContentType(r.Header.Get("Content-Type")) {
			refuseBody(c, http.StatusUnsupportedMediaType, "Unsupported Content-Type: send JSON, a form or a multipart form")
			return
		}
		c.Next()
	}
}

// readBody reads the (limited) body into memory and puts it back for the
// handler, with its real length; on failure it answers and reports false.
func readBody(c *gin.Context, limit int64) bool {
	body, err := io.ReadAll(c.Request.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		refuseBody(c, http.StatusRequestEntityTooLarge, tooLargeMessage(limit))
		return false
	case err != nil:
		refuseBody(c, http.StatusBadRequest, "The request body could not be read")
		return false
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	c.Request.ContentLength = int64(len(body))
	return true
}

// parsedContentType reports whether a body of this type is one Plaza's
// handlers read.
func parsedContentType(header string) bool {
	ct, _, err := mime.ParseMediaType(header)
	if err != nil {
		return false
	}
	switch ct {
	case "application/json", "application/x-www-form-urlencoded", "multipart/form-data":
		return true
	}
	return false
}

func tooLargeMessage(limit int64) string {
	return fmt.Sprintf("Request entity too large: the body may have at most %d bytes", limit)
}

// refuseBody answers a refused body: a short page for browsers (the web
// UI's forms), {"error": "…"} for everyone else.
func refuseBody(c *gin.Context, status int, msg string) {
	if strings.Contains(c.GetHeader("Accept"), "text/html") {
		c.Header("Content-Type", "text/html; charset=utf-8")
		c.AbortWithStatus(status)
		_, _ = fmt.Fprintf(c.Writer, "<!doctype html>\n<title>%s</title>\n<p>%s. Go back and try again.</p>\n",
			http.StatusText(status), msg)
		return
	}
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}
