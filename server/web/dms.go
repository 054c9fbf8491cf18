package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
)

// conversationItem is one line of the direct-message list.
type conversationItem struct {
	ID     int64
	With   []accountItem
	Last   statusItem
	Unread bool
}

// conversations lists the viewer's direct-message conversations.
func (h *Handler) conversations(c *gin.Context) {
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
	byID := map[int64]statusItem{}
	for _, it := range items {
		byID[it.ID] = it
	}
	list := make([]conversationItem, 0, len(convs))
	for _, cv := range convs {
		if cv.LastStatus == nil {
			continue
		}
		ci := conversationItem{ID: cv.AccountConversation.ConversationID, Last: byID[cv.LastStatus.ID], Unread: cv.AccountConversation.Unread}
		for _, a := range cv.Accounts {
			ci.With = append(ci.With, h.accountItem(a))
		}
		list = append(list, ci)
	}
	p := h.basePage(c, "Direct messages")
	p.Nav = "dms"
	h.render(c, http.StatusOK, "conversations.html", struct {
		page
		Conversations []conversationItem
	}{p, list})
}

// conversation shows one conversation as the thread of its last message,
// oldest first, with a reply box; opening it marks it read.
func (h *Handler) conversation(c *gin.Context) {
	ctx, me := c.Request.Context(), viewer(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.renderError(c, core.ErrNotFound)
		return
	}
	cv, err := h.svc.Messaging().ConversationByID(ctx, me, id)
	if err == nil && cv.LastStatus == nil {
		err = core.ErrNotFound
	}
	if err != nil {
		h.renderError(c, err)
		return
	}
	ancestors, descendants, err := h.svc.Social().Thread(ctx, me, cv.LastStatus.ID)
	if err != nil {
		h.renderError(c, err)
		return
	}
	all := append(append(append([]*models.Status{}, ancestors...), cv.LastStatus), descendants...)
	items, err := h.statusItems(ctx, me, all)
	if err != nil {
		h.renderError(c, err)
		return
	}
	if cv.AccountConversation.Unread {
		if err := h.svc.Messaging().MarkConversationRead(ctx, me, id); err != nil {
			h.renderError(c, err)
			return
		}
	}
	var with []accountItem
	for _, a := range cv.Accounts {
		with = append(with, h.accountItem(a))
	}
	lastItem := items[len(items)-1]
	compose := h.newComposeForm(c, &lastItem)
	compose.Visibility, compose.Direct = models.VisibilityDirect, true
	compose.Text = ""
	for _, a := range with {
		compose.Text += "@" + a.Handle + " "
	}
	p := h.basePage(c, "Conversation")
	p.Nav = "dms"
	h.render(c, http.StatusOK, "conversation.html", struct {
		page
		With     []accountItem
		Statuses []statusItem
		Compose  *composeForm
	}{p, with, items, compose})
}
