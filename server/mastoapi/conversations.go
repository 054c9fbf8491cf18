package mastoapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// mountConversations adds /api/v1/conversations: the signed-in user's
// direct-message threads.
func (h *Handler) mountConversations(r *gin.Engine) {
	g := r.Group("/api/v1/conversations")
	g.GET("", h.user("read:statuses"), h.conversations)
	g.DELETE("/:id", h.user("write:conversations"), deletedByID(h.svc.Messaging().HideConversation))
	g.POST("/:id/read", h.user("write:conversations"), h.readConversation)
}

func (h *Handler) conversations(c *gin.Context) {
	ctx, acct := c.Request.Context(), currentAccount(c)
	list, err := h.svc.Messaging().Conversations(ctx, acct, pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderConversations(ctx, acct, list)
	if err != nil {
		writeError(c, err)
		return
	}
	// The list pages by last status id, not by conversation id.
	ids := make([]int64, len(list))
	for i, cv := range list {
		ids[i] = cv.AccountConversation.LastStatusID
	}
	h.setLinkHeader(c, ids)
	c.JSON(http.StatusOK, out)
}

func (h *Handler) readConversation(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	ctx, acct := c.Request.Context(), currentAccount(c)
	if err := h.svc.Messaging().MarkConversationRead(ctx, acct, id); err != nil {
		writeError(c, err)
		return
	}
	cv, err := h.svc.Messaging().ConversationByID(ctx, acct, id)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderConversation(ctx, acct, cv)
	reply(c, out, err)
}
