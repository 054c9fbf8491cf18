package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/moderation"
)

// ctxAdmin marks a request whose viewer is known to be an admin.
const ctxAdmin = "web.admin"

// requireAdmin lets only admins through; it runs after requireUser, so
// visitors have been sent to the sign-in page already.
func (h *Handler) requireAdmin(c *gin.Context) {
	ok, err := h.svc.Moderation().IsAdmin(c.Request.Context(), viewer(c))
	if err == nil && !ok {
		err = core.ErrForbidden
	}
	if err != nil {
		h.renderError(c, err)
		c.Abort()
		return
	}
	c.Set(ctxAdmin, true)
	c.Next()
}

// isAdmin reports whether the viewer is an admin, for the menu.
func (h *Handler) isAdmin(c *gin.Context) bool {
	if c.GetBool(ctxAdmin) {
		return true
	}
	me := viewer(c)
	if me == nil {
		return false
	}
	ok, err := h.svc.Moderation().IsAdmin(c.Request.Context(), me)
	if err != nil {
		h.log.WarnContext(c.Request.Context(), "admin check failed", "error", err.Error())
		return false
	}
	c.Set(ctxAdmin, ok)
	return ok
}

func (h *Handler) adminPage(c *gin.Context, title string) page {
	p := h.navPage(c, title, "admin")
	return p
}

// adminUserItem is a local user as the users page lists it.
type adminUserItem struct {
	accountItem
	Email       string
	Admin       bool
	Self        bool
	SuspendedAt *time.Time
}

func (h *Handler) adminUsers(c *gin.Context) {
	me, pp := viewer(c), pageParams(c)
	users, err := h.svc.Moderation().AdminUsers(c.Request.Context(), me, pp)
	if err != nil {
		h.renderError(c, err)
		return
	}
	items := make([]adminUserItem, len(users))
	ids := make([]int64, len(users))
	for i, u := range users {
		items[i] = adminUserItem{accountItem: h.accountItem(u.Account), Email: u.Email, Admin: u.Admin,
			Self: u.Account.ID == me.ID, SuspendedAt: u.Account.SuspendedAt}
		ids[i] = u.Account.ID
	}
	h.render(c, http.StatusOK, "admin_users.html", struct {
		page
		Section string
		Users   []adminUserItem
		Pager   pager
	}{h.adminPage(c, "Users"), "users", items, pagerFor("/admin/users", ids, pp)})
}

// suspendUser suspends (suspend true) or reinstates a local user.
func (h *Handler) suspendUser(suspend bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		switch {
		case err != nil:
			err = core.ErrNotFound
		case suspend:
			err = h.svc.Moderation().SuspendUser(c.Request.Context(), viewer(c), id)
		default:
			err = h.svc.Moderation().UnsuspendUser(c.Request.Context(), viewer(c), id)
		}
		if err != nil {
			h.renderError(c, err)
			return
		}
		notice := "unsuspended"
		if suspend {
			notice = "suspended"
		}
		redirectBack(c, "/admin/users", notice)
	}
}

// adminDomainsPage is the domain blocks page with its form.
type adminDomainsPage struct {
	page
	Section        string
	Blocks         []models.DomainBlock
	Domain, Reason string
}

func (h *Handler) domainsPage(c *gin.Context) (adminDomainsPage, error) {
	blocks, err := h.svc.Moderation().DomainBlocks(c.Request.Context(), viewer(c))
	return adminDomainsPage{page: h.adminPage(c, "Blocked domains"), Section: "domains", Blocks: blocks}, err
}

func (h *Handler) adminDomains(c *gin.Context) {
	showPage(h, c, "admin_domains.html", http.StatusOK, h.domainsPage, nil)
}

// showPage renders the page load builds, with status, after fill (when
// given) has changed it: an admin page, or one re-shown with a form's
// values and error; a page that cannot be loaded is the error page.
func showPage[P any](h *Handler, c *gin.Context, name string, status int, load func(*gin.Context) (P, error), fill func(*P)) {
	p, err := load(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	if fill != nil {
		fill(&p)
	}
	h.render(c, status, name, p)
}

// blockDomain adds a domain block; a mistake re-renders the form with what
// was typed.
func (h *Handler) blockDomain(c *gin.Context) {
	domain, reason := c.PostForm("domain"), c.PostForm("reason")
	var err error
	if sev := c.PostForm("severity"); sev != "" {
		// The form's options (severity, media, reports, public reason).
		_, err = h.svc.Moderation().SaveDomainBlock(c.Request.Context(), viewer(c), moderation.DomainBlockInput{Domain: domain, Severity: sev,
			RejectMedia: c.PostForm("reject_media") == "1", RejectReports: c.PostForm("reject_reports") == "1",
			PrivateComment: reason, PublicComment: c.PostForm("public_comment"), Obfuscate: c.PostForm("obfuscate") == "1"})
	} else {
		_, err = h.svc.Moderation().BlockDomain(c.Request.Context(), viewer(c), domain, reason)
	}
	if err != nil {
		h.refuseForm(c, err, func(status int, msg string) {
			showPage(h, c, "admin_domains.html", status, h.domainsPage, func(p *adminDomainsPage) {
				p.Domain, p.Reason, p.Error = domain, reason, msg
			})
		}, http.StatusForbidden)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/domains?notice=blocked")
}

func (h *Handler) unblockDomain(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err == nil {
		err = h.svc.Moderation().UnblockDomain(c.Request.Context(), viewer(c), id)
	} else {
		err = core.ErrNotFound
	}
	h.redirectOr(c, err, "/admin/domains?notice=unblocked")
}

// adminSettingsPage is the instance settings form.
type adminSettingsPage struct {
	page
	Section string
	moderation.InstanceSettings
}

func (h *Handler) adminSettings(c *gin.Context) {
	set, err := h.svc.Moderation().InstanceSettings(c.Request.Context())
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, http.StatusOK, "admin_settings.html", adminSettingsPage{h.adminPage(c, "Instance settings"), "settings", set})
}

func (h *Handler) saveAdminSettings(c *gin.Context) {
	set := moderation.InstanceSettings{Name: c.PostForm("name"), Description: c.PostForm("description"),
		RegistrationsMode: c.PostForm("registrations_mode"), Rules: []string{c.PostForm("rules")},
		ContactEmail: c.PostForm("contact_email")}
	if set.RegistrationsMode == "" {
		// The yes/no checkbox of earlier forms.
		set.RegistrationsMode = moderation.RegistrationsClosed
		if c.PostForm("open_registrations") == "1" {
			set.RegistrationsMode = moderation.RegistrationsOpen
		}
	}
	set.OpenRegistrations = set.RegistrationsMode == moderation.RegistrationsOpen
	err := h.svc.Moderation().SaveSettings(c.Request.Context(), viewer(c), set)
	if err != nil {
		h.refuseForm(c, err, func(status int, msg string) {
			p := adminSettingsPage{h.adminPage(c, "Instance settings"), "settings", set}
			p.Error = msg
			h.render(c, status, "admin_settings.html", p)
		}, http.StatusForbidden)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/settings?notice=saved")
}
