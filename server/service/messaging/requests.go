package messaging

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// RequestView is a pending message request: who sent it, how many
// messages it holds and the last one.
type RequestView struct {
	Request    models.MessageRequest
	Account    *models.Account // the sender
	LastStatus *models.Status  // nil when it is gone
	// ConversationID is the chat of the last message, to open it
	// (Messages works for a held chat).
	ConversationID int64
}

// Requests pages me's pending message requests, newest first.
func (s *Service) Requests(ctx context.Context, me *models.Account, p core.Page) ([]RequestView, error) {
	list, err := s.store.PendingRequests(ctx, me.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("message requests: %w", err)
	}
	return s.requestViews(ctx, list)
}

// RequestByID returns one of me's pending requests; core.ErrNotFound
// when there is none with this id.
func (s *Service) RequestByID(ctx context.Context, me *models.Account, id int64) (RequestView, error) {
	r, err := s.store.PendingRequest(ctx, me.ID, id)
	if err != nil {
		return RequestView{}, core.NotFound(err, "notification request")
	}
	views, err := s.requestViews(ctx, []models.MessageRequest{*r})
	if err != nil {
		return RequestView{}, err
	}
	return views[0], nil
}

// PendingRequestsCount counts me's pending requests (a badge).
func (s *Service) PendingRequestsCount(ctx context.Context, me *models.Account) (int64, error) {
	return s.store.CountPendingRequests(ctx, me.ID)
}

func (s *Service) requestViews(ctx context.Context, list []models.MessageRequest) ([]RequestView, error) {
	accountIDs := make([]int64, len(list))
	statusIDs := make([]int64, len(list))
	for i, r := range list {
		accountIDs[i], statusIDs[i] = r.FromAccountID, r.LastStatusID
	}
	accts, err := s.store.AccountsByIDs(ctx, accountIDs)
	if err != nil {
		return nil, fmt.Errorf("message requests: %w", err)
	}
	statuses, err := s.store.StatusesByIDs(ctx, statusIDs)
	if err != nil {
		return nil, fmt.Errorf("message requests: %w", err)
	}
	out := make([]RequestView, 0, len(list))
	for _, r := range list {
		v := RequestView{Request: r, Account: accts[r.FromAccountID], LastStatus: statuses[r.LastStatusID]}
		if v.Account == nil {
			continue
		}
		if v.LastStatus != nil {
			if conv, err := s.store.ConversationByContext(ctx, v.LastStatus.ContextURI); err == nil {
				v.ConversationID = conv.ID
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// AcceptRequest moves a request's chats into me's list; later messages
// from its sender are not held.
func (s *Service) AcceptRequest(ctx context.Context, me *models.Account, id int64) error {
	return s.closeRequest(ctx, me, id, models.RequestAccepted, false)
}

// DismissRequest hides a request's chats (a new message from the sender
// opens it again); with block the sender is blocked too.
func (s *Service) DismissRequest(ctx context.Context, me *models.Account, id int64, block bool) error {
	return s.closeRequest(ctx, me, id, models.RequestDismissed, block)
}

func (s *Service) closeRequest(ctx context.Context, me *models.Account, id int64, state models.MessageRequestState, block bool) error {
	var from int64
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		r, err := tx.PendingRequest(ctx, me.ID, id)
		if err != nil {
			return err
		}
		from = r.FromAccountID
		return tx.CloseRequest(ctx, r, state, s.core.Clock().Now())
	})
	if err != nil {
		return core.NotFound(err, "notification request")
	}
	if !block {
		return nil
	}
	sender, err := s.store.AccountByID(ctx, from)
	if err != nil {
		return fmt.Errorf("dismiss request: %w", err)
	}
	_, err = s.social().Block(ctx, me, sender)
	return err
}
