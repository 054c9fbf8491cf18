package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
)

// requestItem is one message request in the Requests list.
type requestItem struct {
	ID       int64
	From     accountItem
	Preview  string
	Last     models.MessageRequest
	Messages int64
}

// chatRequests lists the direct messages from people the viewer does not
// follow, which wait here until accepted.
func (h *Handler) chatRequests(c *gin.Context) {
	ctx, me := c.Request.Context(), viewer(c)
	list, err := h.svc.Messaging().Requests(ctx, me, pageParams(c))
	if err != nil {
		h.renderError(c, err)
		return
	}
	items := make([]requestItem, 0, len(list))
	for _, r := range list {
		it := requestItem{ID: r.Request.ID, From: h.accountItem(r.Account), Last: r.Request, Messages: r.Request.MessagesCount}
		if r.LastStatus != nil {
			it.Preview = truncate(plainText(r.LastStatus.Content), 120)
		}
		items = append(items, it)
	}
	p := h.navPage(c, "Message requests", "chats")
	h.render(c, http.StatusOK, "chat_requests.html", struct {
		page
		Requests []requestItem
	}{p, items})
}

// loadRequest reads the :id message request of the viewer.
func (h *Handler) loadRequest(c *gin.Context) (messaging.RequestView, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.renderError(c, core.ErrNotFound)
		return messaging.RequestView{}, false
	}
	r, err := h.svc.Messaging().RequestByID(c.Request.Context(), viewer(c), id)
	if err != nil {
		h.renderError(c, err)
		return r, false
	}
	return r, true
}

// chatRequest shows a request's messages, read-only, with Accept and
// Decline; reading it tells the sender nothing.
func (h *Handler) chatRequest(c *gin.Context) {
	r, ok := h.loadRequest(c)
	if !ok {
		return
	}
	ctx, me := c.Request.Context(), viewer(c)
	var msgs []messageItem
	if r.ConversationID != 0 {
		list, err := h.chatMessages(ctx, me, r.ConversationID, 0)
		if err == nil {
			msgs, err = h.messageItems(ctx, me, list, false, nil)
		}
		if err != nil {
			h.renderError(c, err)
			return
		}
	}
	from := h.accountItem(r.Account)
	p := h.navPage(c, "Message request from "+from.Name, "chats")
	h.render(c, http.StatusOK, "chat_request.html", struct {
		page
		ID       int64
		From     accountItem
		Messages []messageItem
	}{p, r.Request.ID, from, msgs})
}

// answerChatRequest accepts a request (its chat moves to the list) or
// declines it, optionally blocking the sender.
func (h *Handler) answerChatRequest(c *gin.Context) {
	r, ok := h.loadRequest(c)
	if !ok {
		return
	}
	ctx, me := c.Request.Context(), viewer(c)
	switch c.Param("answer") {
	case "accept":
		if err := h.svc.Messaging().AcceptRequest(ctx, me, r.Request.ID); err != nil {
			h.renderError(c, err)
			return
		}
		if r.ConversationID != 0 {
			c.Redirect(http.StatusSeeOther, chatPath(r.ConversationID))
			return
		}
		c.Redirect(http.StatusSeeOther, "/chats")
	case "decline":
		if err := h.svc.Messaging().DismissRequest(ctx, me, r.Request.ID, c.PostForm("block") == "1"); err != nil {
			h.renderError(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/chats/requests?notice=declined")
	default:
		h.renderError(c, core.ErrNotFound)
	}
}
