package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
)

// Email links, the second sign-in step, two-factor settings and invites.
// Every POST here passes the CSRF middleware of the group it is mounted in.

// mountSignIn adds the routes of this file (called from Mount).
func (h *Handler) mountSignIn(g, u, a *gin.RouterGroup) {
	g.POST("/auth/sign_in/code", h.signInCode)
	g.GET("/auth/confirm", h.confirmAccount)
	g.GET("/auth/confirmation/new", h.resendForm)
	g.POST("/auth/confirmation", h.resendConfirmation)
	g.GET("/auth/password/new", h.resetRequestForm)
	g.POST("/auth/password", h.requestReset)
	g.GET("/auth/password/edit", h.resetForm)
	g.POST("/auth/password/edit", h.resetPassword)
	g.GET("/auth/confirm_email", h.confirmEmailChange)
	u.GET("/settings/security", h.securitySettings)
	u.POST("/settings/two_factor/begin", h.beginTwoFactor)
	u.POST("/settings/two_factor/enable", h.enableTwoFactor)
	u.POST("/settings/two_factor/disable", h.disableTwoFactor)
	u.POST("/settings/email", h.changeEmail)
	a.GET("/invites", h.adminInvites)
	a.POST("/invites", h.createInvite)
	a.POST("/users/:id/approve", h.approveUser)
}

// authNotice is a page that says one thing and offers one link.
type authNotice struct {
	page
	Heading, Message, Link, LinkText string
}

func (h *Handler) notice(c *gin.Context, status int, title, msg, link, linkText string) {
	h.render(c, status, "auth_notice.html", authNotice{page: h.basePage(c, title), Heading: title, Message: msg, Link: link, LinkText: linkText})
}

// signInRefusal renders the sign-in form for an account whose password was
// right but that may not sign in yet; false when err is not such a refusal.
func (h *Handler) signInRefusal(c *gin.Context, f authForm, err error) bool {
	switch {
	case errors.Is(err, accounts.ErrUnconfirmed):
		f.Error = "Confirm your email address first: follow the link we sent you."
		f.Resend = true
	case errors.Is(err, accounts.ErrPending):
		f.Error = "Your account waits for an admin's approval; you will get an email when it is approved."
	default:
		return false
	}
	h.render(c, http.StatusForbidden, "signin.html", f)
	return true
}

// codeForm is the second sign-in step.
type codeForm struct {
	page
	Step, Next string
}

// askForCode starts the second step when acct has TOTP on; it reports
// whether it did (and rendered the code form).
func (h *Handler) askForCode(c *gin.Context, acct *models.Account, next string) bool {
	on, err := h.svc.Accounts().TwoFactorEnabled(c.Request.Context(), acct)
	if err != nil {
		h.renderError(c, err)
		return true
	}
	if !on {
		return false
	}
	step, err := h.svc.Accounts().BeginSecondStep(c.Request.Context(), acct)
	if err != nil {
		h.renderError(c, err)
		return true
	}
	h.render(c, http.StatusOK, "signin_code.html", codeForm{page: h.basePage(c, "Two-factor sign-in"), Step: step, Next: next})
	return true
}

func (h *Handler) signInCode(c *gin.Context) {
	f := codeForm{page: h.basePage(c, "Two-factor sign-in"), Step: c.PostForm("step"), Next: nextPath(c.PostForm("next"))}
	show := func(status int, msg string) {
		f.Error = strings.TrimPrefix(msg, "unauthorized: ")
		h.render(c, status, "signin_code.html", f)
	}
	if h.limited(c, h.cfg.SignIn, show) {
		return
	}
	acct, err := h.svc.Accounts().FinishSecondStep(c.Request.Context(), f.Step, c.PostForm("code"))
	if err != nil {
		h.refuseForm(c, err, show)
		return
	}
	if !h.startSession(c, acct) {
		return
	}
	c.Redirect(http.StatusSeeOther, f.Next)
}

func (h *Handler) confirmAccount(c *gin.Context) {
	if _, err := h.svc.Accounts().Confirm(c.Request.Context(), c.Query("token")); err != nil {
		h.notice(c, http.StatusNotFound, "Link expired", "This confirmation link is not valid any more.", "/auth/confirmation/new", "Send a new link")
		return
	}
	h.notice(c, http.StatusOK, "Account confirmed", "Your email address is confirmed.", "/auth/sign_in", "Sign in")
}

type emailForm struct {
	page
	Action, Heading, Button string
}

func (h *Handler) resendForm(c *gin.Context) {
	h.render(c, http.StatusOK, "auth_email.html", emailForm{page: h.basePage(c, "Confirmation link"),
		Action: "/auth/confirmation", Heading: "Send the confirmation link again", Button: "Send"})
}

func (h *Handler) resendConfirmation(c *gin.Context) {
	h.mailLink(c, h.svc.Accounts().ResendConfirmation, "If an unconfirmed account uses this address, a new link is on its way.")
}

// mailLink answers an email form's POST: rate limited like sign-up, send
// mails the form's address a link, and the notice says so whether or not
// an account uses the address.
func (h *Handler) mailLink(c *gin.Context, send func(ctx context.Context, email string) error, message string) {
	if !h.allow(c, h.cfg.SignUp) {
		h.renderError(c, errRateLimited)
		return
	}
	if err := send(c.Request.Context(), c.PostForm("email")); err != nil {
		h.renderError(c, err)
		return
	}
	h.notice(c, http.StatusOK, "Check your email", message, "/auth/sign_in", "Sign in")
}

func (h *Handler) resetRequestForm(c *gin.Context) {
	h.render(c, http.StatusOK, "auth_email.html", emailForm{page: h.basePage(c, "Forgot your password?"),
		Action: "/auth/password", Heading: "Forgot your password?", Button: "Send a reset link"})
}

func (h *Handler) requestReset(c *gin.Context) {
	h.mailLink(c, h.svc.Accounts().RequestPasswordReset, "If an account uses this address, a link to choose a new password is on its way. It works for one hour.")
}

type resetForm struct {
	page
	Token string
}

func (h *Handler) resetForm(c *gin.Context) {
	tok := c.Query("token")
	if !h.svc.Accounts().ResetPasswordLinkValid(c.Request.Context(), tok) {
		h.notice(c, http.StatusNotFound, "Link expired", "This password reset link is not valid any more.", "/auth/password/new", "Ask for a new link")
		return
	}
	h.render(c, http.StatusOK, "password_edit.html", resetForm{page: h.basePage(c, "Choose a new password"), Token: tok})
}

func (h *Handler) resetPassword(c *gin.Context) {
	f := resetForm{page: h.basePage(c, "Choose a new password"), Token: c.PostForm("token")}
	if c.PostForm("password") != c.PostForm("password_confirmation") {
		f.Error = "The two passwords differ."
		h.render(c, http.StatusUnprocessableEntity, "password_edit.html", f)
		return
	}
	err := h.svc.Accounts().ResetPassword(c.Request.Context(), f.Token, c.PostForm("password"))
	if errors.Is(err, core.ErrNotFound) {
		h.notice(c, http.StatusNotFound, "Link expired", "This password reset link is not valid any more.", "/auth/password/new", "Ask for a new link")
		return
	}
	if err != nil {
		h.refuseForm(c, err, func(status int, msg string) {
			f.Error = msg
			h.render(c, status, "password_edit.html", f)
		})
		return
	}
	h.notice(c, http.StatusOK, "Password changed", "Your new password is set; every browser and app signed in to your account was signed out.", "/auth/sign_in", "Sign in")
}

func (h *Handler) confirmEmailChange(c *gin.Context) {
	if err := h.svc.Accounts().ConfirmEmailChange(c.Request.Context(), c.Query("token")); err != nil {
		status, _, msg := errorStatus(err)
		h.notice(c, status, "Address not changed", msg, "/settings/security", "Security settings")
		return
	}
	h.notice(c, http.StatusOK, "Address changed", "Your new email address is in use.", "/settings/security", "Security settings")
}

// securityPage is the two-factor and email settings page.
type securityPage struct {
	page
	Section                 string
	Email, UnconfirmedEmail string
	MailEnabled, TOTPOn     bool
	Setup                   *accounts.TOTPSetup
	RecoveryCodes           []string
}

func (h *Handler) securityPageFor(c *gin.Context) (securityPage, error) {
	ctx, me := c.Request.Context(), viewer(c)
	p := h.navPage(c, "Security", "settings")
	u, err := h.svc.Accounts().User(ctx, me)
	if err != nil {
		return securityPage{}, err
	}
	sp := securityPage{page: p, Section: "security", Email: u.Email, UnconfirmedEmail: u.UnconfirmedEmail,
		MailEnabled: h.svc.Accounts().MailEnabled(), TOTPOn: u.TOTPEnabledAt != nil}
	if !sp.TOTPOn {
		sp.Setup, _ = h.svc.Accounts().PendingTOTP(ctx, me)
	}
	return sp, nil
}

func (h *Handler) renderSecurity(c *gin.Context, status int, edit func(*securityPage)) {
	sp, err := h.securityPageFor(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	if edit != nil {
		edit(&sp)
	}
	h.render(c, status, "settings_security.html", sp)
}

func (h *Handler) securitySettings(c *gin.Context) {
	h.renderSecurity(c, http.StatusOK, func(sp *securityPage) { sp.Notice = securityNotice(c.Query("notice")) })
}

func securityNotice(n string) string {
	switch n {
	case "email":
		return "We sent a link to your new address; it takes effect once you follow it."
	case "totp_off":
		return "Two-factor sign-in is off."
	}
	return ""
}

// formError renders err on the security page, or the error page for a
// server fault.
func (h *Handler) securityError(c *gin.Context, err error) {
	status, _, msg := errorStatus(err)
	if status >= 500 {
		h.renderError(c, err)
		return
	}
	h.renderSecurity(c, status, func(sp *securityPage) { sp.Error = msg })
}

func (h *Handler) beginTwoFactor(c *gin.Context) {
	if _, err := h.svc.Accounts().BeginTOTP(c.Request.Context(), viewer(c)); err != nil {
		h.securityError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/settings/security")
}

func (h *Handler) enableTwoFactor(c *gin.Context) {
	codes, err := h.svc.Accounts().EnableTOTP(c.Request.Context(), viewer(c), c.PostForm("code"))
	if err != nil {
		h.securityError(c, err)
		return
	}
	// The codes are shown on this answer only; they are stored hashed.
	h.renderSecurity(c, http.StatusOK, func(sp *securityPage) { sp.RecoveryCodes = codes })
}

func (h *Handler) disableTwoFactor(c *gin.Context) {
	if err := h.svc.Accounts().DisableTOTP(c.Request.Context(), viewer(c), c.PostForm("password"), c.PostForm("code")); err != nil {
		h.securityError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/settings/security?notice=totp_off")
}

func (h *Handler) changeEmail(c *gin.Context) {
	if err := h.svc.Accounts().RequestEmailChange(c.Request.Context(), viewer(c), c.PostForm("password"), c.PostForm("email")); err != nil {
		h.securityError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/settings/security?notice=email")
}

// invitesPage lists the admin's invite links.
type invitesPage struct {
	page
	Section string
	Invites []inviteItem
	Pending []models.User
}

type inviteItem struct {
	Link, Uses, Expires string
}

func (h *Handler) adminInvites(c *gin.Context) {
	h.renderInvites(c, http.StatusOK, "")
}

func (h *Handler) renderInvites(c *gin.Context, status int, errMsg string) {
	ctx := c.Request.Context()
	invs, err := h.svc.Accounts().Invites(ctx)
	if err != nil {
		h.renderError(c, err)
		return
	}
	pending, err := h.svc.Accounts().PendingUsers(ctx)
	if err != nil {
		h.renderError(c, err)
		return
	}
	p := h.basePage(c, "Invites and sign-up requests")
	p.Nav, p.Error = "admin", errMsg
	ip := invitesPage{page: p, Section: "invites", Pending: pending}
	for _, inv := range invs {
		it := inviteItem{Link: h.svc.Accounts().InviteLink(&inv), Uses: strconv.Itoa(inv.Uses), Expires: "never"}
		if inv.MaxUses > 0 {
			it.Uses += " of " + strconv.Itoa(inv.MaxUses)
		}
		if inv.ExpiresAt != nil {
			it.Expires = inv.ExpiresAt.UTC().Format(time.RFC1123)
		}
		ip.Invites = append(ip.Invites, it)
	}
	h.render(c, status, "admin_invites.html", ip)
}

func (h *Handler) createInvite(c *gin.Context) {
	maxUses, _ := strconv.Atoi(c.PostForm("max_uses"))
	days, _ := strconv.Atoi(c.PostForm("expires_in_days"))
	if _, err := h.svc.Accounts().CreateInvite(c.Request.Context(), viewer(c), maxUses, time.Duration(days)*24*time.Hour); err != nil {
		h.refuseForm(c, err, func(status int, msg string) {
			h.renderInvites(c, status, msg)
		})
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/invites")
}

func (h *Handler) approveUser(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.renderError(c, core.ErrNotFound)
		return
	}
	h.redirectOr(c, h.svc.Accounts().Approve(c.Request.Context(), viewer(c), id), "/admin/invites")
}
