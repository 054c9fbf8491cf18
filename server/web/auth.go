package web

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"plaza/server/service"
)

// signInWindow is the period over which failed sign-ins are counted.
const signInWindow = 5 * time.Minute

type authForm struct {
	page
	Username, Email, Next string
	OpenRegistrations     bool
}

func (h *Handler) authPage(c *gin.Context, title string) authForm {
	_, _, open := h.svc.InstanceInfo(c.Request.Context())
	return authForm{page: h.basePage(c, title), Next: nextPath(c.Query("next")), OpenRegistrations: open}
}

func nextPath(p string) string {
	if !localPath(p) || strings.HasPrefix(p, "/auth/") {
		return "/home"
	}
	return p
}

func (h *Handler) signInForm(c *gin.Context) {
	if viewer(c) != nil {
		c.Redirect(http.StatusSeeOther, "/home")
		return
	}
	h.render(c, http.StatusOK, "signin.html", h.authPage(c, "Sign in"))
}

// signIn checks the password, limited per client address, and starts a
// session.
func (h *Handler) signIn(c *gin.Context) {
	f := h.authPage(c, "Sign in")
	f.Username = strings.TrimPrefix(strings.TrimSpace(c.PostForm("username")), "@")
	f.Next = nextPath(c.PostForm("next"))
	key := c.ClientIP()
	if !h.limiter.allow(key) {
		status, _, msg := errorStatus(errRateLimited)
		f.Error = msg
		h.render(c, status, "signin.html", f)
		return
	}
	acct, err := h.svc.CheckPassword(c.Request.Context(), f.Username, c.PostForm("password"))
	if err != nil {
		h.limiter.fail(key)
		if !errors.Is(err, service.ErrUnauthorized) {
			h.renderError(c, err)
			return
		}
		f.Error = "Wrong username or password."
		h.render(c, http.StatusUnauthorized, "signin.html", f)
		return
	}
	if !h.startSession(c, acct) {
		return
	}
	c.Redirect(http.StatusSeeOther, f.Next)
}

func (h *Handler) signUpForm(c *gin.Context) {
	f := h.authPage(c, "Create an account")
	if !f.OpenRegistrations {
		h.renderError(c, errClosed)
		return
	}
	h.render(c, http.StatusOK, "signup.html", f)
}

var errClosed = errors.Join(service.ErrForbidden, errors.New("forbidden: this instance does not accept new accounts"))

// signUp creates the account and signs it in; validation errors re-render
// the form with the service's message.
func (h *Handler) signUp(c *gin.Context) {
	f := h.authPage(c, "Create an account")
	f.Username, f.Email = strings.TrimSpace(c.PostForm("username")), strings.TrimSpace(c.PostForm("email"))
	password := c.PostForm("password")
	if password != c.PostForm("password_confirmation") {
		f.Error = "The two passwords differ."
		h.render(c, http.StatusUnprocessableEntity, "signup.html", f)
		return
	}
	acct, err := h.svc.SignUp(c.Request.Context(), f.Username, f.Email, password)
	if err != nil {
		status, _, msg := errorStatus(err)
		if status >= 500 || status == http.StatusForbidden {
			h.renderError(c, err)
			return
		}
		f.Error = msg
		h.render(c, status, "signup.html", f)
		return
	}
	if !h.startSession(c, acct) {
		return
	}
	c.Redirect(http.StatusSeeOther, "/home?notice=welcome")
}

func (h *Handler) signOut(c *gin.Context) {
	if ws := webSession(c); ws != nil {
		if err := h.svc.EndWebSession(c.Request.Context(), ws); err != nil {
			h.renderError(c, err)
			return
		}
	}
	h.setSessionCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}

// limiter counts failures per key in a sliding window. It is per process,
// which is enough to slow down guessing against one server.
type limiter struct {
	max    int
	window time.Duration
	mu     sync.Mutex
	fails  map[string][]time.Time
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, fails: map[string][]time.Time{}}
}

func (l *limiter) recent(key string, now time.Time) []time.Time {
	list := l.fails[key]
	i := 0
	for i < len(list) && now.Sub(list[i]) > l.window {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = list
	}
	return list
}

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key, time.Now())) < l.max
}

func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.fails[key] = append(l.recent(key, now), now)
	if len(l.fails) > 100_000 { // bound memory under a spray of addresses
		clear(l.fails)
	}
}
