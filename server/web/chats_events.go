package web

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
)

// chatListEvents streams the viewer's chat list to its open page: a chat
// that got a message, was read or renamed is sent as its rendered row
// ("chat"; the id of a new message's event is the chat's last message, so
// a reconnecting page first gets every chat active since), a chat left or
// hidden as "gone".
func (h *Handler) chatListEvents(c *gin.Context) {
	ctx, me := c.Request.Context(), viewer(c)
	after := lastEventID(c)
	events, err := h.svc.Core().Subscribe(ctx)
	if err != nil {
		h.renderError(c, err)
		return
	}
	s := startLive(c)
	cursor := after
	send := func(ctx context.Context, cv messaging.ConversationView) error {
		newer := cv.LastStatus.ID > cursor
		if newer {
			cursor = cv.LastStatus.ID
		}
		return h.sendChatRow(ctx, s, me, cv, newer)
	}
	if after != 0 {
		// Oldest first, so the page ends with the newest on top.
		missed, err := h.svc.Messaging().Conversations(ctx, me, core.Page{MinID: after, Limit: core.MaxPageLimit})
		if err != nil {
			return
		}
		for i := len(missed) - 1; i >= 0; i-- {
			if err := send(ctx, missed[i]); err != nil {
				return
			}
		}
	}
	s.run(ctx, events, func(ctx context.Context, ev core.Event) error {
		if ev.Kind != core.EventConversation || ev.AccountID != me.ID {
			return nil
		}
		cv, err := h.svc.Messaging().ConversationByID(ctx, me, ev.ID)
		if err != nil || cv.LastStatus == nil {
			return s.event("gone", "", map[string]string{"id": strconv.FormatInt(ev.ID, 10)})
		}
		return send(ctx, cv)
	})
}

// sendChatRow renders one chat list row and sends it; a row with a newer
// last message than the page has moves the stream's cursor and the row to
// the top ("moved").
func (h *Handler) sendChatRow(ctx context.Context, s *liveStream, me *models.Account, cv messaging.ConversationView, newer bool) error {
	items, err := h.statusItems(ctx, me, []*models.Status{cv.LastStatus})
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := h.pages.ExecuteTemplate(&b, "chat_row", h.chatItemOf(cv, &items[0], me)); err != nil {
		return fmt.Errorf("render chat row: %w", err)
	}
	id, moved := "", ""
	if newer {
		id, moved = strconv.FormatInt(cv.LastStatus.ID, 10), "1"
	}
	return s.event("chat", id, map[string]string{"id": strconv.FormatInt(cv.AccountConversation.ConversationID, 10), "html": b.String(), "moved": moved})
}
