package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// csrfCookie carries the double-submit token of visitors (sign-in and
// sign-up forms). Signed-in browsers use their session's synchronizer token
// instead.
const csrfCookie = "plaza_csrf"

// csrfField is the form field every POST must carry.
const csrfField = "authenticity_token"

var (
	errBadCSRF     = errors.New("bad csrf token")
	errRateLimited = errors.New("rate limited")
)

// csrf makes the request's token available to templates and checks it on
// every POST, after capping the body size so parsing the form is bounded.
func (h *Handler) csrf(c *gin.Context) {
	if c.Request.Method == http.MethodPost {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, h.cfg.MaxUploadBytes+1<<20)
		if !sameToken(expectedCSRF(c), c.PostForm(csrfField)) {
			h.renderError(c, errBadCSRF)
			c.Abort()
			return
		}
	}
	h.ensureCSRF(c)
	c.Next()
}

// sameToken compares a form's CSRF token with the expected one in constant
// time; an empty expected token matches nothing.
func sameToken(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// expectedCSRF is the session's synchronizer token, or for visitors the
// double-submit cookie.
func expectedCSRF(c *gin.Context) string {
	if ws := webSession(c); ws != nil {
		return ws.CSRFToken
	}
	if v, err := c.Cookie(csrfCookie); err == nil && len(v) == 43 {
		return v
	}
	return ""
}

// ensureCSRF sets the request's form token, issuing a cookie to visitors
// who have none.
func (h *Handler) ensureCSRF(c *gin.Context) {
	want := expectedCSRF(c)
	if want == "" {
		var raw [32]byte
		_, _ = rand.Read(raw[:])
		want = base64.RawURLEncoding.EncodeToString(raw[:])
		http.SetCookie(c.Writer, &http.Cookie{
			Name: csrfCookie, Value: want, Path: "/", HttpOnly: true,
			Secure: h.svc.Config().Protocol == "https", SameSite: http.SameSiteLaxMode,
		})
	}
	c.Set(ctxCSRF, want)
}

// csrfToken returns the token forms of this request must carry.
func csrfToken(c *gin.Context) string { return c.GetString(ctxCSRF) }
