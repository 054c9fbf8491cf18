package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
)

// sessionCookie carries the browser session's secret.
const sessionCookie = "plaza_session"

// Context keys of the request's session.
const (
	ctxSession = "web.session"
	ctxCSRF    = "web.csrf"
)

// session loads the signed-in browser session, if any. A cookie naming no
// live session is cleared.
func (h *Handler) session(c *gin.Context) {
	h.loadSession(c)
	c.Next()
}

func (h *Handler) loadSession(c *gin.Context) {
	secret, err := c.Cookie(sessionCookie)
	if err != nil || secret == "" {
		return
	}
	ws, err := h.svc.Accounts().WebSession(c.Request.Context(), secret)
	if err != nil {
		if !errors.Is(err, core.ErrUnauthorized) {
			h.renderError(c, err)
			return
		}
		h.setSessionCookie(c, "", -1)
		return
	}
	c.Set(ctxSession, ws)
}

// setSessionCookie writes the session cookie: HttpOnly, SameSite=Lax, and
// Secure whenever the instance is served over https.
func (h *Handler) setSessionCookie(c *gin.Context, secret string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: h.svc.Config().Protocol == "https", SameSite: http.SameSiteLaxMode,
	})
}

// webSession returns the request's session, nil for visitors.
func webSession(c *gin.Context) *models.WebSession {
	v, ok := c.Get(ctxSession)
	if !ok {
		return nil
	}
	ws, _ := v.(*models.WebSession)
	return ws
}

// SessionUser returns the account of the request's browser session, for
// pages mounted outside this handler (the payment pages).
func (h *Handler) SessionUser(c *gin.Context) (*models.Account, bool) {
	if webSession(c) == nil {
		h.loadSession(c)
	}
	a := viewer(c)
	return a, a != nil
}

// viewer returns the signed-in account, nil for visitors.
func viewer(c *gin.Context) *models.Account {
	if ws := webSession(c); ws != nil {
		return ws.Account
	}
	return nil
}

// requireUser sends visitors to the sign-in page (GET) or refuses (POST).
func (h *Handler) requireUser(c *gin.Context) {
	if viewer(c) == nil {
		h.renderError(c, core.ErrUnauthorized)
		c.Abort()
		return
	}
	c.Next()
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// startSession signs acct in on this browser, replacing any session it had
// (so a session id fixed before sign-in is useless); false if it failed and
// the error page is rendered.
func (h *Handler) startSession(c *gin.Context, acct *models.Account) bool {
	if ws := webSession(c); ws != nil {
		_ = h.svc.Accounts().EndWebSession(c.Request.Context(), ws)
	}
	secret, _, err := h.svc.Accounts().StartWebSession(c.Request.Context(), acct, c.Request.UserAgent())
	if err != nil {
		h.renderError(c, err)
		return false
	}
	h.setSessionCookie(c, secret, int(accounts.WebSessionIdle.Seconds()))
	return true
}
