package web

import (
	"context"
	"strings"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
	"plaza/server/service/social"
)

// The chat pages read and write messages through these few functions, so
// they follow the messaging area's API in one place.

// chatMessages returns a chat's messages, oldest first.
func (h *Handler) chatMessages(ctx context.Context, me *models.Account, cv messaging.ConversationView) ([]*models.Status, error) {
	if cv.LastStatus == nil {
		return nil, nil
	}
	ancestors, descendants, err := h.svc.Social().Thread(ctx, me, cv.LastStatus.ID)
	if err != nil {
		return nil, err
	}
	return append(append(append([]*models.Status{}, ancestors...), cv.LastStatus), descendants...), nil
}

// chatMessagesAfter returns a chat's messages with ids above after, oldest
// first: what a reconnecting page missed.
func (h *Handler) chatMessagesAfter(ctx context.Context, me *models.Account, cv messaging.ConversationView, after int64) ([]*models.Status, error) {
	all, err := h.chatMessages(ctx, me, cv)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, st := range all {
		if st.ID > after {
			out = append(out, st)
		}
	}
	return out, nil
}

// sendMessage posts text (and media) to a chat, answering replyTo or the
// last message.
func (h *Handler) sendMessage(ctx context.Context, me *models.Account, cv messaging.ConversationView, text string, replyTo *int64, mediaIDs []int64) (*models.Status, error) {
	if replyTo == nil && cv.LastStatus != nil {
		id := cv.LastStatus.ID
		replyTo = &id
	}
	var to []string
	for _, a := range cv.Accounts {
		if !strings.Contains(text, "@"+h.handleOf(a)) {
			to = append(to, "@"+h.handleOf(a))
		}
	}
	if len(to) > 0 {
		text = strings.Join(to, " ") + " " + text
	}
	return h.svc.Social().CreateStatus(ctx, me, social.CreateStatusInput{Text: text, Visibility: models.VisibilityDirect, InReplyToID: replyTo, MediaIDs: mediaIDs})
}

// startChat starts a chat of me with members (already resolved), with a
// first message; it returns the chat's id.
func (h *Handler) startChat(ctx context.Context, me *models.Account, members []*models.Account, name, text string) (int64, error) {
	cv := messaging.ConversationView{Accounts: members}
	st, err := h.sendMessage(ctx, me, cv, text, nil, nil)
	if err != nil {
		return 0, err
	}
	list, err := h.svc.Messaging().Conversations(ctx, me, core.Page{Limit: 5})
	if err != nil {
		return 0, err
	}
	for _, c := range list {
		if c.LastStatus != nil && c.LastStatus.ID == st.ID {
			return c.AccountConversation.ConversationID, nil
		}
	}
	return 0, nil
}
