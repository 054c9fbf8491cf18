package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
	"plaza/server/service/social"
)

// chatPage is the data of a conversation page.
type chatPage struct {
	page
	Chat     chatItem
	Messages []messageItem
	// LastID is the newest message shown: where the live stream starts.
	LastID   int64
	ReplyTo  *messageItem
	Text     string
	MaxChars int
	// Older links to the page before; Live is false on such a page.
	Older string
	Live  bool
	// MemberError and NameError are shown beside the members panel's
	// fields.
	MemberError, NameError string
	// Members are the chat's current members, me included; Others
	// without me.
	Members, Others []accountItem
	Me              int64
	// Currencies are offered by the money forms; none when payments are
	// off.
	Currencies []string
}

// loadChat reads the :id chat of the viewer; false when it rendered an
// error.
func (h *Handler) loadChat(c *gin.Context) (messaging.ConversationView, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.renderError(c, core.ErrNotFound)
		return messaging.ConversationView{}, false
	}
	cv, err := h.svc.Messaging().ConversationByID(c.Request.Context(), viewer(c), id)
	if err == nil && cv.LastStatus == nil {
		err = core.ErrNotFound
	}
	if err != nil {
		h.renderError(c, err)
		return cv, false
	}
	return cv, true
}

// chat shows one chat as message bubbles with a composer; opening it
// marks it read (the client API's read state too).
func (h *Handler) chat(c *gin.Context) {
	cv, ok := h.loadChat(c)
	if !ok {
		return
	}
	h.renderChat(c, cv, http.StatusOK, "", "")
}

// renderChat renders a chat page, with the composer's text and error when
// a message was refused.
func (h *Handler) renderChat(c *gin.Context, cv messaging.ConversationView, status int, text, errMsg string) {
	h.renderChatWith(c, cv, status, func(cp *chatPage) { cp.Text, cp.Error = text, errMsg })
}

// renderChatWith renders a chat page, letting set fill in a form's values
// and errors.
func (h *Handler) renderChatWith(c *gin.Context, cv messaging.ConversationView, status int, set func(*chatPage)) {
	ctx, me := c.Request.Context(), viewer(c)
	before, _ := strconv.ParseInt(c.Query("max_id"), 10, 64)
	list, err := h.chatMessages(ctx, me, cv.AccountConversation.ConversationID, before)
	if err != nil {
		h.renderError(c, err)
		return
	}
	chat := h.chatItemOf(cv, nil, me)
	msgs, err := h.messageItems(ctx, me, list, chat.Group, nil)
	if err != nil {
		h.renderError(c, err)
		return
	}
	if cv.AccountConversation.Unread {
		if err := h.svc.Messaging().MarkConversationRead(ctx, me, chat.ID); err != nil {
			h.renderError(c, err)
			return
		}
	}
	p := h.navPage(c, chat.Title, "chats")
	cp := chatPage{page: p, Chat: chat, Messages: msgs, MaxChars: social.MaxStatusChars, Me: me.ID}
	for _, m := range cv.Members {
		if m.Active() {
			cp.Members = append(cp.Members, h.accountItem(m.Account))
			if m.AccountID != me.ID {
				cp.Others = append(cp.Others, h.accountItem(m.Account))
			}
		}
	}
	if n := len(msgs); n > 0 {
		cp.LastID = msgs[n-1].ID
		if n >= core.MaxPageLimit {
			cp.Older = chatPath(chat.ID) + "?max_id=" + strconv.FormatInt(msgs[0].ID, 10)
		}
	}
	// A page of older messages is not live: the stream would append new
	// ones after them.
	cp.Live = before == 0
	if id, err := strconv.ParseInt(c.Query("reply_to"), 10, 64); err == nil {
		for i := range msgs {
			if msgs[i].ID == id {
				cp.ReplyTo = &msgs[i]
			}
		}
	}
	if h.svc.Payments().PaymentsEnabled() {
		cp.Currencies = h.svc.Payments().PaymentCurrencies()
	}
	set(&cp)
	h.render(c, status, "chat.html", cp)
}

// sendChatMessage posts the composer: text, an optional image and the
// message it answers. Browsers without JavaScript are sent back to the
// chat (post, redirect, get); the page's script asks for the new bubble
// as JSON instead and keeps the composer.
func (h *Handler) sendChatMessage(c *gin.Context) {
	cv, ok := h.loadChat(c)
	if !ok {
		return
	}
	ctx, me := c.Request.Context(), viewer(c)
	text := strings.TrimSpace(c.PostForm("status"))
	var replyTo *int64
	if id, err := strconv.ParseInt(c.PostForm("in_reply_to_id"), 10, 64); err == nil {
		replyTo = &id
	}
	var mediaIDs []int64
	fh, err := formFile(c, "media")
	if err == nil && fh != nil {
		file, ferr := fh.Open()
		if ferr != nil {
			h.renderError(c, ferr)
			return
		}
		m, uerr := h.svc.Media().UploadMedia(ctx, h.attachmentConfig(), me, file, fh.Filename, c.PostForm("alt"), "")
		_ = file.Close()
		err = uerr
		if m != nil {
			mediaIDs = []int64{m.ID}
		}
	}
	if err == nil && text == "" && len(mediaIDs) == 0 {
		err = fmt.Errorf("%w: write a message first", core.ErrValidation)
	}
	var st *models.Status
	if err == nil {
		st, err = h.sendMessage(ctx, me, cv, text, replyTo, mediaIDs)
	}
	wantsJSON := c.GetHeader("X-Plaza-Fetch") == "1"
	if err != nil {
		h.refuseForm(c, err, func(status int, msg string) {
			if wantsJSON {
				c.JSON(status, gin.H{"error": msg})
				return
			}
			h.renderChat(c, cv, status, c.PostForm("status"), msg)
		}, http.StatusNotFound)
		return
	}
	if wantsJSON {
		items, err := h.messageItems(ctx, me, []*models.Status{st}, len(cv.Accounts) > 1, nil)
		var frag string
		if err == nil {
			frag, err = h.renderMessage(items[0], csrfToken(c), cv.AccountConversation.ConversationID)
		}
		if err != nil {
			h.renderError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"id": strconv.FormatInt(st.ID, 10), "html": frag})
		return
	}
	c.Redirect(http.StatusSeeOther, chatPath(cv.AccountConversation.ConversationID)+"#m-"+strconv.FormatInt(st.ID, 10))
}

// markChatRead moves the viewer's read marker to the chat's last message;
// the page's script calls it when a message arrives while it is open.
func (h *Handler) markChatRead(c *gin.Context) {
	cv, ok := h.loadChat(c)
	if !ok {
		return
	}
	if err := h.svc.Messaging().MarkConversationRead(c.Request.Context(), viewer(c), cv.AccountConversation.ConversationID); err != nil {
		h.renderError(c, err)
		return
	}
	if c.GetHeader("X-Plaza-Fetch") == "1" {
		c.Status(http.StatusNoContent)
		return
	}
	c.Redirect(http.StatusSeeOther, chatPath(cv.AccountConversation.ConversationID))
}

// renderMessage renders one bubble as the page shows it, for the script
// and the live stream.
func (h *Handler) renderMessage(m messageItem, csrf string, chatID int64) (string, error) {
	var b bytes.Buffer
	if err := h.pages.ExecuteTemplate(&b, "message", map[string]any{"M": m, "CSRF": csrf, "Chat": chatID}); err != nil {
		return "", fmt.Errorf("render message: %w", err)
	}
	return b.String(), nil
}
