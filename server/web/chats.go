package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"plaza/models"
)

// chats lists the viewer's chats, the most recently active first, with
// unread counts and the last message.
func (h *Handler) chats(c *gin.Context) {
	ctx, me := c.Request.Context(), viewer(c)
	pp := pageParams(c)
	convs, err := h.svc.Messaging().Conversations(ctx, me, pp)
	if err != nil {
		h.renderError(c, err)
		return
	}
	last := make([]*models.Status, 0, len(convs))
	for _, cv := range convs {
		if cv.LastStatus != nil {
			last = append(last, cv.LastStatus)
		}
	}
	items, err := h.statusItems(ctx, me, last)
	if err != nil {
		h.renderError(c, err)
		return
	}
	byID := make(map[int64]*statusItem, len(items))
	for i := range items {
		byID[items[i].ID] = &items[i]
	}
	list := make([]chatItem, 0, len(convs))
	ids := make([]int64, 0, len(convs))
	for _, cv := range convs {
		if cv.LastStatus == nil {
			continue
		}
		list = append(list, h.chatItemOf(cv, byID[cv.LastStatus.ID], me))
		ids = append(ids, cv.LastStatus.ID)
	}
	requests, err := h.svc.Messaging().PendingRequestsCount(ctx, me)
	if err != nil {
		h.renderError(c, err)
		return
	}
	p := h.navPage(c, "Chats", "chats")
	// The first page is live from its newest message on.
	var lastID int64
	if len(ids) > 0 {
		lastID = ids[0]
	}
	h.render(c, http.StatusOK, "chats.html", struct {
		page
		Chats    []chatItem
		Requests int64
		Pager    pager
		LastID   int64
		Live     bool
	}{p, list, requests, pagerFor("/chats", ids, pp), lastID, pp.MaxID == 0 && pp.MinID == 0})
}

// conversationsMoved keeps the old direct-message addresses working.
func conversationsMoved(c *gin.Context) {
	to := "/chats"
	if id := c.Param("id"); id != "" {
		to += "/" + id
	}
	c.Redirect(http.StatusMovedPermanently, to)
}
