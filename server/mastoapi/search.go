package mastoapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/social"
)

// mountSearch adds Mastodon's search.
func (h *Handler) mountSearch(r *gin.Engine) {
	r.GET("/api/v2/search", h.optional("read:search"), h.search)
}

// TagResult is Mastodon's Tag entity as search returns it.
type TagResult struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	History []any  `json:"history"`
}

// SearchResults is Mastodon's Search entity.
type SearchResults struct {
	Accounts []Account   `json:"accounts"`
	Statuses []Status    `json:"statuses"`
	Hashtags []TagResult `json:"hashtags"`
}

// search answers GET /api/v2/search. Looking things up on other servers
// (resolve) is for signed-in users only; anonymous requests search what is
// known here.
func (h *Handler) search(c *gin.Context) {
	viewer := currentAccount(c)
	ctx := c.Request.Context()
	var types []string
	switch t := c.Query("type"); t {
	case "accounts", "statuses", "hashtags":
		types = []string{t}
	}
	resolve := viewer != nil && accountsTruthy(c.Query("resolve"))
	limit, _ := strconv.Atoi(c.Query("limit"))
	if limit <= 0 {
		limit = social.DefaultSearchLimit
	}
	// Results are not paged in the database: a later page (offset) is cut
	// from a longer first one, so clients that page do not loop.
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(offset, 0)
	res, err := h.svc.Social().Search(ctx, viewer, c.Query("q"), types, resolve, limit+offset)
	if err != nil {
		writeError(c, err)
		return
	}
	res.Accounts = res.Accounts[min(offset, len(res.Accounts)):]
	res.Statuses = res.Statuses[min(offset, len(res.Statuses)):]
	res.Hashtags = res.Hashtags[min(offset, len(res.Hashtags)):]
	out := SearchResults{Accounts: []Account{}, Statuses: []Status{}, Hashtags: make([]TagResult, 0, len(res.Hashtags))}
	if len(res.Accounts) > 0 {
		if out.Accounts, err = h.renderAccounts(ctx, res.Accounts); err != nil {
			writeError(c, err)
			return
		}
	}
	if len(res.Statuses) > 0 {
		if out.Statuses, err = h.renderStatuses(ctx, viewer, res.Statuses); err != nil {
			writeError(c, err)
			return
		}
	}
	for _, t := range res.Hashtags {
		out.Hashtags = append(out.Hashtags, renderTagResult(h, t))
	}
	c.JSON(http.StatusOK, out)
}

func renderTagResult(h *Handler, t models.Tag) TagResult {
	return TagResult{Name: t.Name, URL: h.svc.Core().URLs().Tag(t.Name), History: []any{}}
}
