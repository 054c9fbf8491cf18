package messaging

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// ConversationView is one of an account's chats (direct-message
// conversations): its row, the last status, the other participants and,
// for chats with members, the members and unread count.
type ConversationView struct {
	AccountConversation models.AccountConversation
	Conversation        *models.Conversation // Name is the chat's name, "" for none
	LastStatus          *models.Status
	// Accounts are the other current members (the other participants of
	// the last status for a conversation from before chats).
	Accounts []*models.Account
	// Members are everyone who is or was in the chat, in joining order;
	// LeftAt tells who left.
	Members []models.ChatMember
	// UnreadCount counts others' messages after the read marker.
	UnreadCount int64
}

// Conversations lists acct's chats, the most recently active first (paged
// by last status id); message requests are not in it (Requests).
func (s *Service) Conversations(ctx context.Context, acct *models.Account, p core.Page) ([]ConversationView, error) {
	acs, err := s.store.AccountConversationsOf(ctx, acct.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	return s.views(ctx, acct, acs)
}

// views completes a page of acct's conversation rows in a fixed number of
// queries.
func (s *Service) views(ctx context.Context, acct *models.Account, acs []models.AccountConversation) ([]ConversationView, error) {
	ids := make([]int64, len(acs))
	convIDs := make([]int64, len(acs))
	for i, ac := range acs {
		ids[i], convIDs[i] = ac.LastStatusID, ac.ConversationID
	}
	statuses, err := s.store.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	mentions, err := s.store.MentionedIDsOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	var accountIDs []int64
	for _, id := range ids {
		accountIDs = append(accountIDs, mentions[id]...)
	}
	accts, err := s.store.AccountsByIDs(ctx, accountIDs)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	convs, err := s.store.ConversationsByIDs(ctx, convIDs)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	members, err := s.store.ChatMembersOf(ctx, convIDs)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	unread, err := s.store.UnreadCounts(ctx, acct.ID, convIDs)
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	out := make([]ConversationView, 0, len(acs))
	for _, ac := range acs {
		st := statuses[ac.LastStatusID]
		if st == nil {
			continue
		}
		v := ConversationView{AccountConversation: ac, Conversation: convs[ac.ConversationID], LastStatus: st,
			Members: members[ac.ConversationID], UnreadCount: unread[ac.ConversationID]}
		if v.Conversation == nil {
			v.Conversation = &models.Conversation{ID: ac.ConversationID}
		}
		if len(v.Members) > 0 {
			v.Accounts = otherMembers(v.Members, acct.ID)
		} else {
			v.Accounts = statusParticipants(st, mentions[st.ID], accts, acct.ID)
		}
		out = append(out, v)
	}
	return out, nil
}

// otherMembers returns the accounts of a chat's current members but me.
func otherMembers(members []models.ChatMember, me int64) []*models.Account {
	var out []*models.Account
	for _, m := range members {
		if m.Active() && m.AccountID != me && m.Account != nil {
			out = append(out, m.Account)
		}
	}
	return out
}

// statusParticipants returns the author and addressees of st but me.
func statusParticipants(st *models.Status, mentioned []int64, accts map[int64]*models.Account, me int64) []*models.Account {
	var out []*models.Account
	seen := map[int64]bool{me: true}
	if st.Account != nil && !seen[st.AccountID] {
		seen[st.AccountID] = true
		out = append(out, st.Account)
	}
	for _, id := range mentioned {
		if a := accts[id]; a != nil && !seen[id] {
			seen[id] = true
			out = append(out, a)
		}
	}
	return out
}

// MarkConversationRead marks one of acct's conversations read: the read
// marker moves to its last message (the web chat and the client API share it).
func (s *Service) MarkConversationRead(ctx context.Context, acct *models.Account, conversationID int64) error {
	return s.setConversation(ctx, acct, conversationID, false, false)
}

// HideConversation removes a conversation from acct's list until a new
// message arrives in it.
func (s *Service) HideConversation(ctx context.Context, acct *models.Account, conversationID int64) error {
	return s.setConversation(ctx, acct, conversationID, false, true)
}

func (s *Service) setConversation(ctx context.Context, acct *models.Account, conversationID int64, unread, hidden bool) error {
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateAccountConversation(ctx, acct.ID, conversationID, unread, hidden); err != nil {
			return err
		}
		return tx.Emit(ctx, store.Event{Kind: store.EventConversation, ID: conversationID, AccountID: acct.ID})
	})
	if err != nil {
		return core.NotFound(err, "conversation")
	}
	return nil
}

// ConversationByID returns one of acct's conversations as the list shows
// it; core.ErrNotFound when acct takes no part in it, it is hidden or it
// is held as a message request.
func (s *Service) ConversationByID(ctx context.Context, acct *models.Account, id int64) (ConversationView, error) {
	ac, err := s.store.AccountConversation(ctx, acct.ID, id)
	if err != nil {
		return ConversationView{}, core.NotFound(err, "conversation")
	}
	if ac.Hidden || ac.RequestFromID != 0 {
		return ConversationView{}, fmt.Errorf("%w: conversation", core.ErrNotFound)
	}
	list, err := s.views(ctx, acct, []models.AccountConversation{*ac})
	if err != nil {
		return ConversationView{}, err
	}
	if len(list) == 0 {
		return ConversationView{}, fmt.Errorf("%w: conversation", core.ErrNotFound)
	}
	return list[0], nil
}
