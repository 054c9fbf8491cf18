package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// addChatMember adds the account of a handle to the chat; the form comes
// back with the error beside the field if it names no one.
func (h *Handler) addChatMember(c *gin.Context) {
	cv, ok := h.loadChat(c)
	if !ok {
		return
	}
	ctx, me := c.Request.Context(), viewer(c)
	members, err := h.chatMembers(ctx, me, c.PostForm("handle"))
	if err == nil && len(members) != 1 {
		err = errOneMember
	}
	if err == nil {
		_, err = h.svc.Messaging().AddMember(ctx, me, cv.AccountConversation.ConversationID, members[0].ID, "")
	}
	h.chatFormDone(c, cv.AccountConversation.ConversationID, err, func(cp *chatPage, msg string) { cp.MemberError = msg }, "added")
}

// renameChat names the chat (an empty name removes it).
func (h *Handler) renameChat(c *gin.Context) {
	cv, ok := h.loadChat(c)
	if !ok {
		return
	}
	_, err := h.svc.Messaging().Rename(c.Request.Context(), viewer(c), cv.AccountConversation.ConversationID, strings.TrimSpace(c.PostForm("name")))
	h.chatFormDone(c, cv.AccountConversation.ConversationID, err, func(cp *chatPage, msg string) { cp.NameError = msg }, "saved")
}

// leaveChat takes the viewer out of the chat and back to the list.
func (h *Handler) leaveChat(c *gin.Context) {
	cv, ok := h.loadChat(c)
	if !ok {
		return
	}
	h.redirectOr(c, h.svc.Messaging().Leave(c.Request.Context(), viewer(c), cv.AccountConversation.ConversationID), "/chats?notice=left")
}

// chatFormDone ends a chat form: back to the chat with notice, or, on
// err, the chat again with the error beside its field (set puts it there),
// or the error page for what is not the user's to fix.
func (h *Handler) chatFormDone(c *gin.Context, convID int64, err error, set func(*chatPage, string), notice string) {
	if err == nil {
		c.Redirect(http.StatusSeeOther, chatPath(convID)+"?notice="+notice)
		return
	}
	status, _, msg := errorStatus(err)
	if status >= 500 || status == http.StatusNotFound {
		h.renderError(c, err)
		return
	}
	cv, ok := h.loadChat(c)
	if !ok {
		return
	}
	h.renderChatWith(c, cv, status, func(cp *chatPage) { set(cp, msg) })
}
