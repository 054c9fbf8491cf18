package messaging

import (
	"context"
	"errors"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// TouchConversation files a direct status in the chat of its context,
// inside the transaction that stores it (local or received), and returns
// the local accounts whose copy is held as a message request: the caller
// sends them no notification.
//
// The first message of a context makes the chat, with its author and
// addressees as members. A later one is filed only when its author is a
// current member; addressees who never were members join (that is how an
// added member reaches the other instances). Every local current member
// it reaches gets the chat moved up, unread for all but the author, and an
// EventConversation (ID the conversation, AccountID the member) after commit.
func (s *Service) TouchConversation(ctx context.Context, tx *store.Store, st *models.Status, author *models.Account, others []*models.Account) ([]int64, error) {
	conv, err := tx.ConversationByContext(ctx, st.ContextURI)
	if err != nil {
		return nil, err
	}
	members, err := tx.ChatMembers(ctx, conv.ID)
	if err != nil {
		return nil, err
	}
	now := s.core.Clock().Now()
	byAccount := map[int64]models.ChatMember{}
	for _, m := range members {
		byAccount[m.AccountID] = m
	}
	if len(members) > 0 {
		if m, ok := byAccount[author.ID]; !ok || !m.Active() {
			return nil, nil // not a member: a direct status, not a chat message
		}
	}
	reached := []*models.Account{author}
	for _, a := range others {
		m, ok := byAccount[a.ID]
		switch {
		case !ok:
			if err := tx.JoinChat(ctx, conv.ID, a.ID, now); err != nil {
				return nil, err
			}
		case !m.Active():
			continue // left: nothing reaches them any more
		}
		reached = append(reached, a)
	}
	if len(members) == 0 {
		if err := tx.JoinChat(ctx, conv.ID, author.ID, now); err != nil {
			return nil, err
		}
	}
	if err := tx.FileChatMessage(ctx, &models.ConversationMessage{ConversationID: conv.ID, StatusID: st.ID, AccountID: author.ID}); err != nil {
		return nil, err
	}
	var held []int64
	for _, a := range reached {
		if !a.IsLocal() {
			continue
		}
		h, err := s.touchMember(ctx, tx, conv, st, author, a)
		if err != nil {
			return nil, err
		}
		if h {
			held = append(held, a.ID)
		}
	}
	return held, nil
}

// touchMember moves a chat up for one local member it reached; it reports
// whether the message is held as a request for them.
func (s *Service) touchMember(ctx context.Context, tx *store.Store, conv *models.Conversation, st *models.Status, author, a *models.Account) (bool, error) {
	ac := &models.AccountConversation{AccountID: a.ID, ConversationID: conv.ID, LastStatusID: st.ID}
	if a.ID == author.ID {
		ac.LastReadID = st.ID
		return false, tx.TouchAccountConversation(ctx, ac)
	}
	if blocked, err := tx.Blocks(ctx, a.ID, author.ID); err != nil || blocked {
		return false, err
	}
	ac.Unread = true
	existing, err := tx.AccountConversation(ctx, a.ID, conv.ID)
	switch {
	case err == nil:
		ac.RequestFromID = existing.RequestFromID
	case errors.Is(err, store.ErrNotFound):
		stranger, err := IsStranger(ctx, tx, a, author)
		if err != nil {
			return false, err
		}
		if stranger {
			ac.RequestFromID = author.ID
		}
	default:
		return false, err
	}
	if err := tx.TouchAccountConversation(ctx, ac); err != nil {
		return false, err
	}
	if ac.RequestFromID == 0 {
		return false, nil
	}
	return true, tx.HoldMessage(ctx, a.ID, ac.RequestFromID, st.ID, s.core.Clock().Now())
}

// IsStranger reports whether a message from sender to recipient goes to
// Requests (the rule is the store's, so payments can ask it too).
func IsStranger(ctx context.Context, tx *store.Store, recipient, sender *models.Account) (bool, error) {
	return tx.IsStranger(ctx, recipient, sender)
}

// TakeChatName applies the chat name a received Note carries (Plaza's
// plaza:chatName) when its author is a current member of the chat.
func (s *Service) TakeChatName(ctx context.Context, tx *store.Store, st *models.Status, author *models.Account, name string) error {
	name, err := chatName(core.StripHTML(name))
	if err != nil {
		return nil // a name too long is ignored, not the message
	}
	conv, err := tx.ConversationByContext(ctx, st.ContextURI)
	if err != nil || conv.Name == name {
		return err
	}
	members, err := tx.ChatMembers(ctx, conv.ID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.AccountID == author.ID && m.Active() {
			if err := tx.RenameConversation(ctx, conv.ID, name); err != nil {
				return err
			}
			return s.emitMembers(ctx, tx, conv.ID, members)
		}
	}
	return nil
}
