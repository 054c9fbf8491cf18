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
//
// meta is what the message says of its chat: a received Plaza Note's name
// is taken, and its event applied (a member who left).
func (s *Service) TouchConversation(ctx context.Context, tx *store.Store, st *models.Status, author *models.Account, others []*models.Account, meta ChatMeta) ([]int64, error) {
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
	event := meta.Event
	if !knownEvents[event] {
		event = ""
	}
	if err := tx.FileChatMessage(ctx, &models.ConversationMessage{ConversationID: conv.ID, StatusID: st.ID, AccountID: author.ID, Event: event}); err != nil {
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
	if meta.Name != nil {
		if err := s.takeName(ctx, tx, conv, *meta.Name); err != nil {
			return nil, err
		}
	}
	if event == ChatEventLeft {
		if err := s.leave(ctx, tx, conv.ID, author); err != nil {
			return nil, err
		}
	}
	return held, nil
}

// leave marks acct gone from a chat, hides it from acct's list, and wakes
// the local members' views.
func (s *Service) leave(ctx context.Context, tx *store.Store, conversationID int64, acct *models.Account) error {
	if err := tx.LeaveChat(ctx, conversationID, acct.ID, s.core.Clock().Now()); err != nil {
		return err
	}
	if acct.IsLocal() {
		if err := tx.UpdateAccountConversation(ctx, acct.ID, conversationID, false, true); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	members, err := tx.ChatMembers(ctx, conversationID)
	if err != nil {
		return err
	}
	return s.emitMembers(ctx, tx, conversationID, append(members, models.ChatMember{ConversationID: conversationID, AccountID: acct.ID, Account: acct}))
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

// takeName applies the chat name a received Plaza Note carries (its
// author is a current member: only their messages are filed).
func (s *Service) takeName(ctx context.Context, tx *store.Store, conv *models.Conversation, name string) error {
	name, err := chatName(core.StripHTML(name))
	if err != nil || conv.Name == name {
		return nil // a name too long is ignored, not the message
	}
	if err := tx.RenameConversation(ctx, conv.ID, name); err != nil {
		return err
	}
	members, err := tx.ChatMembers(ctx, conv.ID)
	if err != nil {
		return err
	}
	return s.emitMembers(ctx, tx, conv.ID, members)
}
