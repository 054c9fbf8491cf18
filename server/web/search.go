package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/server/service/social"
)

// search finds accounts and hashtags; a full handle or URL is looked up on
// its server when a user is signed in.
func (h *Handler) search(c *gin.Context) {
	ctx, me := c.Request.Context(), viewer(c)
	q := strings.TrimSpace(c.Query("q"))
	p := h.navPage(c, "Search", "search")
	data := struct {
		page
		Query    string
		Searched bool
		Accounts []accountItem
		Hashtags []string
		Statuses []statusItem
		// Missing is the full handle asked for when no account came back.
		Missing string
	}{page: p, Query: q}
	if q != "" {
		res, err := h.svc.Social().Search(ctx, me, q, nil, me != nil, social.DefaultSearchLimit)
		if err != nil {
			h.renderError(c, err)
			return
		}
		data.Searched = true
		for _, a := range res.Accounts {
			data.Accounts = append(data.Accounts, h.accountItem(a))
		}
		if user, host, ok := strings.Cut(strings.TrimPrefix(q, "@"), "@"); ok && len(data.Accounts) == 0 && user != "" && host != "" && !strings.ContainsAny(q, " /") {
			data.Missing = "@" + user + "@" + host
		}
		for _, t := range res.Hashtags {
			data.Hashtags = append(data.Hashtags, t.Name)
		}
		if data.Statuses, err = h.statusItems(ctx, me, res.Statuses); err != nil {
			h.renderError(c, err)
			return
		}
	}
	h.render(c, http.StatusOK, "search.html", data)
}
