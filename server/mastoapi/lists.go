package mastoapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/filters"
	"plaza/server/service/lists"
)

// mountLists adds Mastodon's lists: CRUD, members, the list timeline and
// the lists holding an account.
func (h *Handler) mountLists(r *gin.Engine) {
	g := r.Group("/api/v1/lists")
	g.GET("", h.user("read:lists"), h.lists)
	g.POST("", h.user("write:lists"), h.createList)
	g.GET("/:id", h.user("read:lists"), h.listByID)
	g.PUT("/:id", h.user("write:lists"), h.updateList)
	g.DELETE("/:id", h.user("write:lists"), deletedByID(h.svc.Lists().DeleteList))
	g.GET("/:id/accounts", h.user("read:lists"), h.listAccounts)
	g.POST("/:id/accounts", h.user("write:lists"), h.listMembers(true))
	g.DELETE("/:id/accounts", h.user("write:lists"), h.listMembers(false))
	r.GET("/api/v1/timelines/list/:id", h.user("read:lists"), h.listTimeline)
	r.GET("/api/v1/accounts/:id/lists", h.user("read:lists"), h.accountLists)
}

// List is Mastodon's List entity.
type List struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

func renderList(l *models.List) List {
	return List{ID: idString(l.ID), Title: l.Title, RepliesPolicy: string(l.RepliesPolicy), Exclusive: l.Exclusive}
}

func writeLists(c *gin.Context, lists []models.List, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]List, len(lists))
	for i := range lists {
		out[i] = renderList(&lists[i])
	}
	c.JSON(http.StatusOK, out)
}

func (h *Handler) lists(c *gin.Context) {
	lists, err := h.svc.Lists().Lists(c.Request.Context(), currentAccount(c))
	writeLists(c, lists, err)
}

func (h *Handler) accountLists(c *gin.Context) {
	target, ok := h.targetAccount(c)
	if !ok {
		return
	}
	lists, err := h.svc.Lists().ListsWithAccount(c.Request.Context(), currentAccount(c), target.ID)
	writeLists(c, lists, err)
}

func (h *Handler) listByID(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	l, err := h.svc.Lists().List(c.Request.Context(), currentAccount(c), id)
	writeList(c, l, err)
}

func writeList(c *gin.Context, l *models.List, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, renderList(l))
}

// listInput reads title, replies_policy and exclusive, leaving out what
// the request does not name.
func listInput(c *gin.Context) (lists.ListInput, bool) {
	p, err := readParams(c)
	if err != nil {
		writeParamsError(c, err)
		return lists.ListInput{}, false
	}
	var in lists.ListInput
	if p.has("title") {
		t := p.str("title")
		in.Title = &t
	}
	if p.has("replies_policy") {
		rp := models.RepliesPolicy(p.str("replies_policy"))
		in.RepliesPolicy = &rp
	}
	if p.has("exclusive") {
		x := p.boolean("exclusive")
		in.Exclusive = &x
	}
	return in, true
}

func (h *Handler) createList(c *gin.Context) {
	in, ok := listInput(c)
	if !ok {
		return
	}
	l, err := h.svc.Lists().CreateList(c.Request.Context(), currentAccount(c), in)
	writeList(c, l, err)
}

func (h *Handler) updateList(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	in, ok := listInput(c)
	if !ok {
		return
	}
	l, err := h.svc.Lists().UpdateList(c.Request.Context(), currentAccount(c), id, in)
	writeList(c, l, err)
}

// listAccounts pages a list's members (40 by default and at most; limit=0
// returns them all, as on Mastodon).
func (h *Handler) listAccounts(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	p := pageFromQuery(c)
	if c.Query("limit") == "" {
		p.Limit = core.MaxPageLimit
	}
	all := c.Query("limit") == "0"
	accounts, err := h.svc.Lists().ListAccounts(c.Request.Context(), currentAccount(c), id, p, all)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderAccounts(c.Request.Context(), accounts)
	if err != nil {
		writeError(c, err)
		return
	}
	if !all {
		ids := make([]int64, len(accounts))
		for i, a := range accounts {
			ids[i] = a.ID
		}
		h.setLinkHeader(c, ids)
	}
	c.JSON(http.StatusOK, out)
}

// listMembers adds (or removes) the accounts named by account_ids[].
func (h *Handler) listMembers(add bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, p, ok := idAndParams(c)
		if !ok {
			return
		}
		ids, err := p.ids("account_ids")
		if err != nil {
			unprocessable(c, err.Error())
			return
		}
		ctx, acct := c.Request.Context(), currentAccount(c)
		if add {
			err = h.svc.Lists().AddToList(ctx, acct, id, ids)
		} else {
			err = h.svc.Lists().RemoveFromList(ctx, acct, id, ids)
		}
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{})
	}
}

func (h *Handler) listTimeline(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	acct := currentAccount(c)
	list, err := h.svc.Lists().ListTimeline(c.Request.Context(), acct, id, pageFromQuery(c))
	h.writeTimeline(c, acct, list, err, filters.ContextHome)
}
