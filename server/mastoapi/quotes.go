package mastoapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/quotes"
	"plaza/server/service/social"
)

// Quote is Mastodon 4.5's Quote entity: the quoted status is there only
// once the quote is accepted and the viewer may see it.
type Quote struct {
	State        string  `json:"state"`
	QuotedStatus *Status `json:"quoted_status"`
}

// QuoteApproval is Mastodon's QuoteApproval entity (Plaza reviews no
// quote by hand, so manual is always empty).
type QuoteApproval struct {
	Automatic   []string `json:"automatic"`
	Manual      []string `json:"manual"`
	CurrentUser string   `json:"current_user"`
}

// attachQuote reads quoted_status_id and quote_approval_policy of a new
// status; when it returns false it has answered the request.
func (h *Handler) attachQuote(c *gin.Context, acct *models.Account, p *params, in *social.CreateStatusInput) bool {
	policy, err := quotes.ParsePolicy(p.str("quote_approval_policy"))
	if err != nil {
		writeError(c, err)
		return false
	}
	var quoted *int64
	if raw := p.str("quoted_status_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			writeErrorStatus(c, http.StatusNotFound, "Record not found")
			return false
		}
		quoted = &id
	}
	if err := h.svc.Quotes().Attach(c.Request.Context(), acct, in, quoted, policy); err != nil {
		writeError(c, err)
		return false
	}
	return true
}

// quoteDepthKey marks a render of quoted statuses: their own quotes are
// not expanded again.
type quoteDepthKey struct{}

// addQuotes fills in quote and quote_approval of a rendered page (a boost
// carries its original's).
func (h *Handler) addQuotes(ctx context.Context, viewer *models.Account, views []*core.StatusView, out []Status) error {
	var list []*models.Status
	for _, v := range views {
		list = append(list, v.Status)
		if v.Reblog != nil {
			list = append(list, v.Reblog.Status)
		}
	}
	qv, approvals, err := h.svc.Quotes().ViewsOf(ctx, viewer, list)
	if err != nil {
		return err
	}
	nested := ctx.Value(quoteDepthKey{}) != nil
	var quoted []*models.Status
	if !nested {
		for _, v := range qv {
			if v.Quoted != nil {
				quoted = append(quoted, v.Quoted)
			}
		}
	}
	rendered := map[int64]*Status{}
	if len(quoted) > 0 {
		list, err := h.renderStatuses(context.WithValue(ctx, quoteDepthKey{}, true), viewer, quoted)
		if err != nil {
			return err
		}
		for i := range list {
			if id, err := strconv.ParseInt(list[i].ID, 10, 64); err == nil {
				rendered[id] = &list[i]
			}
		}
	}
	fill := func(st *Status, id int64) {
		if a, ok := approvals[id]; ok {
			st.QuoteApproval = &QuoteApproval{Automatic: a.Automatic, Manual: []string{}, CurrentUser: a.CurrentUser}
		}
		if v, ok := qv[id]; ok {
			st.Quote = &Quote{State: string(v.State)}
			if v.Quoted != nil && v.State == models.QuoteAccepted {
				st.Quote.QuotedStatus = rendered[v.Quoted.ID]
			}
		}
	}
	for i, v := range views {
		fill(&out[i], v.Status.ID)
		if v.Reblog != nil && out[i].Reblog != nil {
			fill(out[i].Reblog, v.Reblog.Status.ID)
		}
	}
	return nil
}

// mountQuotes adds the quote routes of a status's author.
func (h *Handler) mountQuotes(g *gin.RouterGroup) {
	g.GET("/:id/quotes", h.user("read:statuses"), h.statusQuotes)
	g.POST("/:id/quotes/:quoting_id/revoke", h.user("write:statuses"), h.revokeQuote)
}

// statusQuotes lists the accepted quotes of one's own status.
func (h *Handler) statusQuotes(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	h.serveStatusEntries(c, func(ctx context.Context, acct *models.Account, p core.Page) ([]core.StatusEntry, error) {
		return h.svc.Quotes().QuotesOf(ctx, acct, id, p)
	})
}

// revokeQuote withdraws one's approval of a quote; it answers with the
// quoting status.
func (h *Handler) revokeQuote(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	quoting, ok := idParam(c, "quoting_id")
	if !ok {
		return
	}
	acct := currentAccount(c)
	st, err := h.svc.Quotes().Revoke(c.Request.Context(), acct, id, quoting)
	if err != nil {
		writeError(c, err)
		return
	}
	h.writeStatus(c, acct, st)
}
