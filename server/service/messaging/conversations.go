package messaging

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
func (s *Service) Conversations(ctx context.Context, acct *models.Account, p core.Page) ([]ConversationView, error) {
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

// ConversationByID returns one of acct's conversations as the list shows
// it; core.ErrNotFound when acct takes no part in it or it is hidden.
func (s *Service) ConversationByID(ctx context.Context, acct *models.Account, id int64) (ConversationView, error) {
	ac, err := s.store.AccountConversation(ctx, acct.ID, id)
	if err != nil {
		return ConversationView{}, core.NotFound(err, "conversation")
	}
	// The list pages by last status id: ask for exactly that one.
	list, err := s.Conversations(ctx, acct, core.Page{MaxID: ac.LastStatusID + 1, SinceID: ac.LastStatusID - 1, Limit: core.MaxPageLimit})
	if err != nil {
		return ConversationView{}, err
	}
	for _, v := range list {
		if v.AccountConversation.ConversationID == id {
			return v, nil
		}
	}
	return ConversationView{}, fmt.Errorf("%w: conversation", core.ErrNotFound)
}

// TouchConversation files a direct status in the conversation of its
// thread for every local participant: unread for all but its author.
func (s *Service) TouchConversation(ctx context.Context, tx *store.Store, st *models.Status, author *models.Account, others []*models.Account) error {
	conv, err := tx.ConversationByContext(ctx, st.ContextURI)
	if err != nil {
		return err
	}
	for _, a := range append([]*models.Account{author}, others...) {
		if !a.IsLocal() {
			continue
		}
		if a.ID != author.ID {
			if blocked, err := tx.Blocks(ctx, a.ID, author.ID); err != nil {
				return err
			} else if blocked {
				continue
			}
		}
		if err := tx.TouchAccountConversation(ctx, &models.AccountConversation{
			AccountID: a.ID, ConversationID: conv.ID, LastStatusID: st.ID, Unread: a.ID != author.ID,
		}); err != nil {
			return err
		}
	}
	return nil
}
