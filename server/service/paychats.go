package service

import (
	"context"

	"plaza/models"
	"plaza/server/service/messaging"
)

// payChats is the payments area's view of chats (paysvc.Chats), over the
// messaging area: a chat's current members, and posting into it.
type payChats struct{ s *Service }

func (c payChats) ChatMembers(ctx context.Context, viewer *models.Account, conversationID int64) (string, []*models.Account, error) {
	view, err := c.s.messaging.ConversationByID(ctx, viewer, conversationID)
	if err != nil {
		return "", nil, err
	}
	members, err := c.s.messaging.Members(ctx, viewer, conversationID)
	if err != nil {
		return "", nil, err
	}
	var out []*models.Account
	for _, m := range members {
		if m.Active() && m.Account != nil && m.AccountID != viewer.ID {
			out = append(out, m.Account)
		}
	}
	contextURI := ""
	if view.Conversation != nil {
		contextURI = view.Conversation.ContextURI
	}
	return contextURI, out, nil
}

func (c payChats) PostInChat(ctx context.Context, from *models.Account, conversationID int64, text string) (*models.Status, error) {
	return c.s.messaging.SendMessage(ctx, from, conversationID, messaging.MessageInput{Text: text})
}

func (c payChats) RetractInChat(ctx context.Context, from *models.Account, statusID int64) error {
	_, err := c.s.social.DeleteStatus(ctx, from, statusID)
	return err
}

func (c payChats) ChatWith(ctx context.Context, from, other *models.Account) (int64, error) {
	return c.s.messaging.ChatWith(ctx, from, other)
}
