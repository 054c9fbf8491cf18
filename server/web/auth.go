package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/server/ratelimit"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/moderation"
)

type authForm struct {
	page
	Username, Email, Next string
	OpenRegistrations     bool
	// Resend offers a new confirmation link; Invite is the sign-up's invite
	// code; MailEnabled shows "forgot your password".
	Resend      bool
	Invite      string
	MailEnabled bool
}

func (h *Handler) authPage(c *gin.Context, title string) authForm {
	// Sign-up is offered in the open and approval modes (then it waits).
	set, _ := h.svc.Moderation().InstanceSettings(c.Request.Context())
	open := set.RegistrationsMode != moderation.RegistrationsClosed
	return authForm{page: h.basePage(c, title), Next: nextPath(c.Query("next")), OpenRegistrations: open,
		MailEnabled: h.svc.Accounts().MailEnabled()}
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

// signIn checks the password, every attempt counted per client address
// (as Mastodon does: counting only failures would let concurrent guesses
// through before the first failure is recorded), and starts a session.
func (h *Handler) signIn(c *gin.Context) {
	f := h.authPage(c, "Sign in")
	f.Username = strings.TrimPrefix(strings.TrimSpace(c.PostForm("username")), "@")
	f.Next = nextPath(c.PostForm("next"))
	if h.limited(c, h.cfg.SignIn, func(status int, msg string) {
		f.Error = msg
		h.render(c, status, "signin.html", f)
	}) {
		return
	}
	acct, err := h.svc.Accounts().CheckPassword(c.Request.Context(), f.Username, c.PostForm("password"))
	if err != nil {
		if h.signInRefusal(c, f, err) {
			return
		}
		if !errors.Is(err, core.ErrUnauthorized) {
			h.renderError(c, err)
			return
		}
		f.Error = "Wrong username or password."
		h.render(c, http.StatusUnauthorized, "signin.html", f)
		return
	}
	if h.askForCode(c, acct, f.Next) {
		return
	}
	if !h.startSession(c, acct) {
		return
	}
	c.Redirect(http.StatusSeeOther, f.Next)
}

func (h *Handler) signUpForm(c *gin.Context) {
	f := h.authPage(c, "Create an account")
	if h.svc.Accounts().InviteValid(c.Request.Context(), c.Query("invite")) {
		f.Invite = c.Query("invite")
	} else if !f.OpenRegistrations {
		h.renderError(c, errClosed)
		return
	}
	h.render(c, http.StatusOK, "signup.html", f)
}

var errClosed = errors.Join(core.ErrForbidden, errors.New("forbidden: this instance does not accept new accounts"))

// signUp creates the account and signs it in; validation errors re-render
// the form with the service's message.
func (h *Handler) signUp(c *gin.Context) {
	f := h.authPage(c, "Create an account")
	f.Username, f.Email = strings.TrimSpace(c.PostForm("username")), strings.TrimSpace(c.PostForm("email"))
	password := c.PostForm("password")
	f.Invite = c.PostForm("invite")
	show := func(status int, msg string) {
		f.Error = msg
		h.render(c, status, "signup.html", f)
	}
	if h.limited(c, h.cfg.SignUp, show) {
		return
	}
	if password != c.PostForm("password_confirmation") {
		f.Error = "The two passwords differ."
		h.render(c, http.StatusUnprocessableEntity, "signup.html", f)
		return
	}
	acct, user, err := h.svc.Accounts().Register(c.Request.Context(), accounts.RegisterInput{
		Username: f.Username, Email: f.Email, Password: password, Invite: f.Invite})
	if err != nil {
		h.refuseForm(c, err, show, http.StatusForbidden)
		return
	}
	switch {
	case user.ConfirmedAt == nil:
		h.notice(c, http.StatusOK, "Check your email", "We sent a link to "+user.Email+": follow it to confirm your account, then sign in.", "/auth/confirmation/new", "Send the link again")
		return
	case user.ApprovalPending:
		h.notice(c, http.StatusOK, "Waiting for approval", "An admin will look at your sign-up; you will be able to sign in once it is approved.", "/", "Home")
		return
	}
	if !h.startSession(c, acct) {
		return
	}
	c.Redirect(http.StatusSeeOther, "/home?notice=welcome")
}

func (h *Handler) signOut(c *gin.Context) {
	if ws := webSession(c); ws != nil {
		if err := h.svc.Accounts().EndWebSession(c.Request.Context(), ws); err != nil {
			h.renderError(c, err)
			return
		}
	}
	h.setSessionCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}

// allow counts one attempt of the client's address against l; when it is
// refused the answer carries Retry-After.
// limited counts an attempt against l; over the limit, the form shows
// the refusal and it reports true.
func (h *Handler) limited(c *gin.Context, l *ratelimit.Limiter, show func(status int, msg string)) bool {
	if h.allow(c, l) {
		return false
	}
	h.refuseForm(c, errRateLimited, show)
	return true
}

func (h *Handler) allow(c *gin.Context, l *ratelimit.Limiter) bool {
	d := l.Allow(ratelimit.AddressKey(c.ClientIP()))
	if !d.Allowed {
		d.SetHeaders(c.Writer.Header())
	}
	return d.Allowed
}
