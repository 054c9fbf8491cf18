package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/moderation"
	"plaza/server/service/reports"
)

// The report form (from the Report button of posts and profiles) and the
// admin pages of reports and the audit log.

type reportPage struct {
	page
	Target   accountItem
	StatusID int64
	Comment  string
}

func (h *Handler) reportPageFor(c *gin.Context, accountID, statusID int64) (reportPage, error) {
	a, err := h.svc.Core().Store().AccountByID(c.Request.Context(), accountID)
	if err != nil || a.SuspendedAt != nil {
		return reportPage{}, core.NotFound(errors.Join(err, core.ErrNotFound), "account")
	}
	return reportPage{page: h.basePage(c, "Report"), Target: h.accountItem(a), StatusID: statusID}, nil
}

func (h *Handler) reportForm(c *gin.Context) {
	accountID, _ := strconv.ParseInt(c.Query("account"), 10, 64)
	statusID, _ := strconv.ParseInt(c.Query("status"), 10, 64)
	p, err := h.reportPageFor(c, accountID, statusID)
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, http.StatusOK, "report.html", p)
}

func (h *Handler) fileReport(c *gin.Context) {
	accountID, _ := strconv.ParseInt(c.PostForm("account_id"), 10, 64)
	statusID, _ := strconv.ParseInt(c.PostForm("status_id"), 10, 64)
	in := reports.Input{AccountID: accountID, Comment: c.PostForm("comment"), Category: c.PostForm("category"), Forward: c.PostForm("forward") == "1"}
	if statusID != 0 {
		in.StatusIDs = []int64{statusID}
	}
	_, err := h.svc.Reports().File(c.Request.Context(), viewer(c), in)
	if err != nil {
		h.refuseForm(c, err, func(status int, msg string) {
			p, perr := h.reportPageFor(c, accountID, statusID)
			if perr != nil {
				h.renderError(c, perr)
				return
			}
			p.Comment, p.Error = in.Comment, msg
			h.render(c, status, "report.html", p)
		}, http.StatusNotFound)
		return
	}
	c.Redirect(http.StatusSeeOther, "/home?notice=reported")
}

type adminReportItem struct {
	ID                              int64
	Target, Reporter                accountItem
	TargetSuspended, TargetSilenced bool
	Category, Comment               string
	Created                         time.Time
	Forwarded, Resolved, Mine       bool
	Assigned                        string
	Statuses                        int
}

type adminReportsPage struct {
	page
	Section  string
	Resolved bool
	Reports  []adminReportItem
}

func (h *Handler) adminReports(c *gin.Context) {
	ctx, me := c.Request.Context(), viewer(c)
	resolved := c.Query("resolved") == "1"
	list, err := h.svc.Reports().List(ctx, me, reports.Filter{Resolved: &resolved}, core.Page{Limit: 100})
	if err != nil {
		h.renderError(c, err)
		return
	}
	st := h.svc.Core().Store()
	p := adminReportsPage{page: h.adminPage(c, "Reports"), Section: "reports", Resolved: resolved}
	for i := range list {
		r := &list[i]
		target, err := st.AccountByID(ctx, r.TargetAccountID)
		if err != nil {
			h.renderError(c, err)
			return
		}
		reporter, err := st.AccountByID(ctx, r.AccountID)
		if err != nil {
			h.renderError(c, err)
			return
		}
		it := adminReportItem{ID: r.ID, Target: h.accountItem(target), Reporter: h.accountItem(reporter), TargetSuspended: target.SuspendedAt != nil,
			TargetSilenced: target.SilencedAt != nil, Category: r.Category, Comment: r.Comment, Created: r.CreatedAt,
			Forwarded: r.Forwarded, Resolved: r.Resolved(), Statuses: len(reports.StatusIDs(r))}
		if r.AssignedAccountID != nil {
			it.Mine = *r.AssignedAccountID == me.ID
			if a, err := st.AccountByID(ctx, *r.AssignedAccountID); err == nil {
				it.Assigned = a.Username
			}
		}
		p.Reports = append(p.Reports, it)
	}
	h.render(c, http.StatusOK, "admin_reports.html", p)
}

func (h *Handler) changeReport(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	change := reports.Change(c.Param("change"))
	switch {
	case err != nil:
		err = core.ErrNotFound
	case change != reports.AssignToSelf && change != reports.Unassign && change != reports.Resolve && change != reports.Reopen:
		err = core.ErrNotFound
	default:
		_, err = h.svc.Reports().Update(c.Request.Context(), viewer(c), id, change)
	}
	h.redirectOr(c, err, "/admin/reports?notice="+string(change))
}

func (h *Handler) adminAccountAction(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.renderError(c, core.ErrNotFound)
		return
	}
	reportID, _ := strconv.ParseInt(c.PostForm("report_id"), 10, 64)
	a := reports.Action{Type: c.PostForm("type"), Text: c.PostForm("text"), ReportID: reportID}
	h.redirectOr(c, h.svc.Reports().TakeAction(c.Request.Context(), viewer(c), id, a), "/admin/reports?notice=acted")
}

type adminAuditPage struct {
	page
	Section string
	Entries []auditItem
}

type auditItem struct {
	models.ModerationAction
	By string
}

func (h *Handler) adminAudit(c *gin.Context) {
	list, err := h.svc.Moderation().AuditLog(c.Request.Context(), viewer(c), core.Page{Limit: 200})
	if err != nil {
		h.renderError(c, err)
		return
	}
	p := adminAuditPage{page: h.adminPage(c, "Audit log"), Section: "audit"}
	for _, e := range list {
		p.Entries = append(p.Entries, auditItem{ModerationAction: e.ModerationAction, By: e.By})
	}
	h.render(c, http.StatusOK, "admin_audit.html", p)
}

// aboutServers is the public list of moderated servers with their public
// reasons (what /api/v1/instance/domain_blocks answers).
func (h *Handler) aboutServers(c *gin.Context) {
	list, err := h.svc.Moderation().PublicDomainBlocks(c.Request.Context())
	if err != nil {
		h.renderError(c, err)
		return
	}
	p := h.navPage(c, "Moderated servers", "about")
	h.render(c, http.StatusOK, "about_servers.html", struct {
		page
		Blocks []moderation.PublicDomainBlock
	}{p, list})
}
