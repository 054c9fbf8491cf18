package service

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// payChats is the payments area's view of chats (paysvc.Chats): who is in
// a chat, and posting a message into it. A message is a direct status
// replying to the chat's last one, so it keeps the chat's context.
type payChats struct{ s *Service }

func (c payChats) ChatMembers(ctx context.Context, viewer *models.Account, conversationID int64) (string, []*models.Account, error) {
	st := c.s.core.Store()
	ac, err := st.AccountConversation(ctx, viewer.ID, conversationID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil, fmt.Errorf("%w: chat", core.ErrNotFound)
	}
	if err != nil {
		return "", nil, err
	}
	conv, err := st.ConversationByID(ctx, conversationID)
	if err != nil {
		return "", nil, core.NotFound(err, "chat")
	}
	ids, err := st.ChatMemberIDs(ctx, conv.ContextURI, 50)
	if err != nil {
		return "", nil, err
	}
	if len(ids) == 0 { // a thread without a context: its last message
		last, err := st.StatusByID(ctx, ac.LastStatusID)
		if err != nil {
			return "", nil, core.NotFound(err, "chat")
		}
		mentions, err := st.MentionedIDsOf(ctx, []int64{last.ID})
		if err != nil {
			return "", nil, err
		}
		ids = append([]int64{last.AccountID}, mentions[last.ID]...)
	}
	accts, err := st.AccountsByIDs(ctx, ids)
	if err != nil {
		return "", nil, err
	}
	var out []*models.Account
	seen := map[int64]bool{viewer.ID: true}
	for _, id := range ids {
		if a := accts[id]; a != nil && !seen[id] {
			seen[id] = true
			out = append(out, a)
		}
	}
	return conv.ContextURI, out, nil
}

func (c payChats) PostInChat(ctx context.Context, from *models.Account, conversationID int64, text string) (*models.Status, error) {
	ac, err := c.s.core.Store().AccountConversation(ctx, from.ID, conversationID)
	if err != nil {
		return nil, core.NotFound(err, "chat")
	}
	last := ac.LastStatusID
	return c.s.social.CreateStatus(ctx, from, social.CreateStatusInput{Text: text, Visibility: models.VisibilityDirect, InReplyToID: &last})
}
