package web

import (
	"context"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
)

// The chat pages read and write messages through these few functions, the
// messaging area's chat API.

// chatMessages returns a page of a chat's messages, oldest first: the
// newest ones, or those before beforeID when it is set.
func (h *Handler) chatMessages(ctx context.Context, me *models.Account, chatID, beforeID int64) ([]*models.Status, error) {
	views, err := h.svc.Messaging().Messages(ctx, me, chatID, core.Page{MaxID: beforeID, Limit: core.MaxPageLimit})
	if err != nil {
		return nil, err
	}
	out := make([]*models.Status, len(views))
	for i, v := range views {
		out[len(views)-1-i] = v.Status
	}
	return out, nil
}

// chatMessagesAfter returns a chat's messages with ids above after, oldest
// first: what a reconnecting page missed.
func (h *Handler) chatMessagesAfter(ctx context.Context, me *models.Account, chatID, after int64) ([]*models.Status, error) {
	views, err := h.svc.Messaging().MessagesAfter(ctx, me, chatID, after, core.MaxPageLimit)
	if err != nil {
		return nil, err
	}
	out := make([]*models.Status, len(views))
	for i, v := range views {
		out[i] = v.Status
	}
	return out, nil
}

// sendMessage posts text (and media) to a chat, answering replyTo if set.
func (h *Handler) sendMessage(ctx context.Context, me *models.Account, cv messaging.ConversationView, text string, replyTo *int64, mediaIDs []int64) (*models.Status, error) {
	return h.svc.Messaging().SendMessage(ctx, me, cv.AccountConversation.ConversationID, messaging.MessageInput{Text: text, MediaIDs: mediaIDs, InReplyToID: replyTo})
}

// startChat starts a chat of me with members (already resolved), with a
// first message; it returns the chat's id.
func (h *Handler) startChat(ctx context.Context, me *models.Account, members []*models.Account, name, text string) (int64, error) {
	ids := make([]int64, len(members))
	for i, a := range members {
		ids[i] = a.ID
	}
	cv, err := h.svc.Messaging().StartChat(ctx, me, messaging.StartChatInput{MemberIDs: ids, Name: name, Text: text})
	if err != nil {
		return 0, err
	}
	return cv.AccountConversation.ConversationID, nil
}
