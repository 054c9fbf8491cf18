package mastoapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/reports"
)

// Reports (POST /api/v1/reports), the admin API of reports and accounts,
// and the public list of domain blocks.
func (h *Handler) mountReports(r *gin.Engine) {
	r.POST("/api/v1/reports", h.user("write:reports"), h.createReport)
	r.GET("/api/v1/instance/domain_blocks", h.instanceDomainBlocks)

	a := r.Group("/api/v1/admin")
	a.GET("/reports", h.user("admin:read:reports"), h.adminReports)
	a.GET("/reports/:id", h.user("admin:read:reports"), h.adminReport)
	for _, change := range []reports.Change{reports.AssignToSelf, reports.Unassign, reports.Resolve, reports.Reopen} {
		a.POST("/reports/:id/"+string(change), h.user("admin:write:reports"), h.adminReportChange(change))
	}
	a.GET("/accounts", h.user("admin:read:accounts"), h.adminAccounts)
	a.GET("/accounts/:id", h.user("admin:read:accounts"), h.adminAccount)
	a.POST("/accounts/:id/action", h.user("admin:write:accounts"), h.adminAccountAction)
	for _, undo := range []string{"unsuspend", "unsilence", "unsensitive"} {
		a.POST("/accounts/:id/"+undo, h.user("admin:write:accounts"), h.adminAccountUndo(undo))
	}
}

// Report is Mastodon's Report entity (what the reporter sees).
type Report struct {
	reportFields
	StatusIDs     []string `json:"status_ids"`
	RuleIDs       []string `json:"rule_ids"`
	TargetAccount Account  `json:"target_account"`
}

// reportFields are what the reporter's Report and the admin's view share.
type reportFields struct {
	ID            string  `json:"id"`
	ActionTaken   bool    `json:"action_taken"`
	ActionTakenAt *string `json:"action_taken_at"`
	Category      string  `json:"category"`
	Comment       string  `json:"comment"`
	Forwarded     bool    `json:"forwarded"`
	CreatedAt     string  `json:"created_at"`
}

func renderReportFields(r *models.Report) reportFields {
	f := reportFields{ID: idString(r.ID), ActionTaken: r.Resolved(), Category: r.Category, Comment: r.Comment,
		Forwarded: r.Forwarded, CreatedAt: timestamp(r.CreatedAt)}
	if r.ActionTakenAt != nil {
		at := timestamp(*r.ActionTakenAt)
		f.ActionTakenAt = &at
	}
	return f
}

// AdminAccount is Mastodon's Admin::Account entity.
type AdminAccount struct {
	ID         string         `json:"id"`
	Username   string         `json:"username"`
	Domain     *string        `json:"domain"`
	CreatedAt  string         `json:"created_at"`
	Email      string         `json:"email"`
	IP         *string        `json:"ip"`
	IPs        []any          `json:"ips"`
	Locale     string         `json:"locale"`
	InviteReq  *string        `json:"invite_request"`
	Role       map[string]any `json:"role"`
	Confirmed  bool           `json:"confirmed"`
	Approved   bool           `json:"approved"`
	Disabled   bool           `json:"disabled"`
	Silenced   bool           `json:"silenced"`
	Suspended  bool           `json:"suspended"`
	Sensitized bool           `json:"sensitized"`
	Account    Account        `json:"account"`
}

// AdminReport is Mastodon's Admin::Report entity.
type AdminReport struct {
	reportFields
	UpdatedAt            string        `json:"updated_at"`
	Account              AdminAccount  `json:"account"`
	TargetAccount        AdminAccount  `json:"target_account"`
	AssignedAccount      *AdminAccount `json:"assigned_account"`
	ActionTakenByAccount *AdminAccount `json:"action_taken_by_account"`
	Statuses             []Status      `json:"statuses"`
	Rules                []any         `json:"rules"`
}

func idStrings(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = idString(id)
	}
	return out
}

func (h *Handler) createReport(c *gin.Context) {
	p, ok := requestParams(c)
	if !ok {
		return
	}
	accountID, err := strconv.ParseInt(p.str("account_id"), 10, 64)
	if err != nil {
		unprocessable(c, "account_id is required")
		return
	}
	statusIDs, err := p.ids("status_ids")
	if err != nil {
		unprocessable(c, err.Error())
		return
	}
	ctx, me := c.Request.Context(), currentAccount(c)
	r, err := h.svc.Reports().File(ctx, me, reports.Input{AccountID: accountID, StatusIDs: statusIDs, RuleIDs: p.strs("rule_ids"),
		Comment: p.str("comment"), Category: p.str("category"), Forward: p.boolean("forward")})
	if err != nil {
		writeError(c, err)
		return
	}
	target, err := h.svc.Core().Store().AccountByID(ctx, r.TargetAccountID)
	if err != nil {
		writeError(c, err)
		return
	}
	acct, err := h.renderAccount(ctx, target)
	if err != nil {
		writeError(c, err)
		return
	}
	out := Report{reportFields: renderReportFields(r),
		StatusIDs: idStrings(reports.StatusIDs(r)), RuleIDs: reports.RuleIDs(r), TargetAccount: acct}
	c.JSON(http.StatusOK, out)
}

func (h *Handler) instanceDomainBlocks(c *gin.Context) {
	list, err := h.svc.Moderation().PublicDomainBlocks(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]gin.H, 0, len(list))
	for _, b := range list {
		out = append(out, gin.H{"domain": b.Domain, "digest": b.Digest, "severity": b.Severity, "comment": b.Comment})
	}
	c.JSON(http.StatusOK, out)
}

// renderAdminAccount converts an account as admins see it.
func (h *Handler) renderAdminAccount(ctx context.Context, info reports.AccountInfo) (AdminAccount, error) {
	a := info.Account
	acct, err := h.renderAccount(ctx, a)
	if err != nil {
		return AdminAccount{}, err
	}
	var domain *string
	if !a.IsLocal() {
		d := a.Domain
		domain = &d
	}
	role := map[string]any{"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": false}
	if info.Admin {
		role = map[string]any{"id": "3", "name": "Admin", "permissions": "1", "color": "", "highlighted": true}
	}
	return AdminAccount{ID: idString(a.ID), Username: a.Username, Domain: domain, CreatedAt: timestamp(a.CreatedAt), Email: info.Email,
		IPs: []any{}, Locale: "", Role: role, Confirmed: info.HasUser, Approved: info.HasUser, Disabled: false,
		Silenced: a.SilencedAt != nil, Suspended: a.SuspendedAt != nil, Sensitized: a.SensitizedAt != nil, Account: acct}, nil
}

func (h *Handler) adminAccountByID(ctx context.Context, admin *models.Account, id int64) (AdminAccount, error) {
	info, err := h.svc.Reports().AccountInfo(ctx, admin, id)
	if err != nil {
		return AdminAccount{}, err
	}
	return h.renderAdminAccount(ctx, info)
}

// renderAdminReport converts a report with its accounts and statuses.
func (h *Handler) renderAdminReport(ctx context.Context, admin *models.Account, r *models.Report) (AdminReport, error) {
	out := AdminReport{reportFields: renderReportFields(r), UpdatedAt: timestamp(r.UpdatedAt), Statuses: []Status{}, Rules: []any{}}
	var err error
	if out.Account, err = h.adminAccountByID(ctx, admin, r.AccountID); err != nil {
		return out, err
	}
	if out.TargetAccount, err = h.adminAccountByID(ctx, admin, r.TargetAccountID); err != nil {
		return out, err
	}
	for _, pair := range []struct {
		id  *int64
		dst **AdminAccount
	}{{r.AssignedAccountID, &out.AssignedAccount}, {r.ActionTakenByAccountID, &out.ActionTakenByAccount}} {
		if pair.id == nil {
			continue
		}
		a, err := h.adminAccountByID(ctx, admin, *pair.id)
		if err != nil {
			return out, err
		}
		*pair.dst = &a
	}
	var statuses []*models.Status
	for _, id := range reports.StatusIDs(r) {
		if st, err := h.svc.Core().Store().StatusWithAccount(ctx, id); err == nil {
			statuses = append(statuses, st)
		}
	}
	if len(statuses) > 0 {
		// Admins see reported posts whoever may see them.
		if out.Statuses, err = h.renderStatuses(ctx, nil, statuses); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (h *Handler) adminReports(c *gin.Context) {
	ctx, me := c.Request.Context(), currentAccount(c)
	var f reports.Filter
	if v, ok := c.GetQuery("resolved"); ok {
		b := v == "true" || v == "1"
		f.Resolved = &b
	}
	f.AccountID, _ = strconv.ParseInt(c.Query("account_id"), 10, 64)
	f.TargetAccountID, _ = strconv.ParseInt(c.Query("target_account_id"), 10, 64)
	page := pageFromQuery(c)
	list, err := h.svc.Reports().List(ctx, me, f, page)
	if err != nil {
		writeError(c, err)
		return
	}
	writePage(c, h, list, func(r *models.Report) int64 { return r.ID }, func(r *models.Report) (AdminReport, error) {
		return h.renderAdminReport(ctx, me, r)
	})
}

func (h *Handler) adminReport(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	me := currentAccount(c)
	r, err := h.svc.Reports().Get(c.Request.Context(), me, id)
	h.writeAdminReport(c, me, r, err)
}

func (h *Handler) adminReportChange(change reports.Change) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := idParam(c, "id")
		if !ok {
			return
		}
		me := currentAccount(c)
		r, err := h.svc.Reports().Update(c.Request.Context(), me, id, change)
		h.writeAdminReport(c, me, r, err)
	}
}

// writeAdminReport answers with r as the admin sees it, or with err.
func (h *Handler) writeAdminReport(c *gin.Context, admin *models.Account, r *models.Report, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderAdminReport(c.Request.Context(), admin, r)
	reply(c, out, err)
}

func (h *Handler) adminAccounts(c *gin.Context) {
	ctx, me := c.Request.Context(), currentAccount(c)
	list, err := h.svc.Reports().Accounts(ctx, me, pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	writePage(c, h, list, func(info *reports.AccountInfo) int64 { return info.Account.ID }, func(info *reports.AccountInfo) (AdminAccount, error) {
		return h.renderAdminAccount(ctx, *info)
	})
}

func (h *Handler) adminAccount(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	out, err := h.adminAccountByID(c.Request.Context(), currentAccount(c), id)
	reply(c, out, err)
}

func (h *Handler) adminAccountAction(c *gin.Context) {
	id, p, ok := idAndParams(c)
	if !ok {
		return
	}
	var reportID int64
	if v := p.str("report_id"); v != "" {
		var err error
		if reportID, err = strconv.ParseInt(v, 10, 64); err != nil {
			unprocessable(c, "report_id is not an id")
			return
		}
	}
	err := h.svc.Reports().TakeAction(c.Request.Context(), currentAccount(c), id, reports.Action{Type: p.str("type"), Text: p.str("text"), ReportID: reportID})
	reply(c, gin.H{}, err)
}

func (h *Handler) adminAccountUndo(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := idParam(c, "id")
		if !ok {
			return
		}
		ctx, me := c.Request.Context(), currentAccount(c)
		if err := h.svc.Reports().Undo(ctx, me, id, kind); err != nil {
			writeError(c, err)
			return
		}
		out, err := h.adminAccountByID(ctx, me, id)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}
