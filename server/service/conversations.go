package service

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// ConversationView is one of an account's direct-message conversations:
// its row, the last status and the other participants.
type ConversationView struct {
	AccountConversation models.AccountConversation
	LastStatus          *models.Status
	Accounts            []*models.Account
}

// Conversations lists acct's direct-message conversations, the most
// recently active first (paged by last status id).
func (s *Service) Conversations(ctx context.Context, acct *models.Account, p Page) ([]ConversationView, error) {
	acs, err := s.store.AccountConversationsOf(ctx, acct.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	ids := make([]int64, len(acs))
	for i, ac := range acs {
		ids[i] = ac.LastStatusID
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
	out := make([]ConversationView, 0, len(acs))
	for _, ac := range acs {
		st := statuses[ac.LastStatusID]
		if st == nil {
			continue
		}
		v := ConversationView{AccountConversation: ac, LastStatus: st}
		seen := map[int64]bool{acct.ID: true}
		if st.Account != nil && !seen[st.AccountID] {
			seen[st.AccountID] = true
			v.Accounts = append(v.Accounts, st.Account)
		}
		for _, id := range mentions[st.ID] {
			if a := accts[id]; a != nil && !seen[id] {
				seen[id] = true
				v.Accounts = append(v.Accounts, a)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// MarkConversationRead marks one of acct's conversations read.
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
		return tx.UpdateAccountConversation(ctx, acct.ID, conversationID, unread, hidden)
	})
	if err != nil {
		return core.NotFound(err, "conversation")
	}
	return nil
}
