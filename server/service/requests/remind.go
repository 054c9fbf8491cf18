package requests

import (
	"context"
	"fmt"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// remindEvery is how often a requester may remind a payer.
const remindEvery = time.Hour

// RemindRequests posts a reminder in the chat to the payers of the given
// requests that are still open (one request, or every request of a split
// when splitID is not 0). Only the requester may, once an hour.
func (s *Service) RemindRequests(ctx context.Context, requester *models.Account, requestID, splitID int64) (*models.Status, error) {
	if !s.on() || s.chats == nil {
		return nil, fmt.Errorf("%w: request", core.ErrNotFound)
	}
	var reqs []models.PaymentRequest
	if splitID != 0 {
		list, err := s.store.PaymentRequestsOfSplit(ctx, splitID)
		if err != nil {
			return nil, err
		}
		reqs = list
	} else {
		r, err := s.store.PaymentRequestByID(ctx, requestID)
		if err != nil {
			return nil, core.NotFound(err, "request")
		}
		reqs = []models.PaymentRequest{*r}
	}
	now := s.clock.Now()
	var open []models.PaymentRequest
	for _, r := range reqs {
		if r.RequesterID != requester.ID {
			return nil, fmt.Errorf("%w: request", core.ErrNotFound)
		}
		if RequestStateAt(&r, now) != models.RequestOpen {
			continue
		}
		if r.RemindedAt != nil && now.Sub(*r.RemindedAt) < remindEvery {
			return nil, fmt.Errorf("%w: you sent a reminder less than an hour ago", ErrRateLimited)
		}
		open = append(open, r)
	}
	if len(open) == 0 {
		return nil, fmt.Errorf("%w: nothing is left to pay", core.ErrConflict)
	}
	st, err := s.store.StatusWithAccountByURI(ctx, open[0].NoteURI)
	if err != nil {
		return nil, core.NotFound(err, "request message")
	}
	convID, err := s.store.ConversationIDOf(ctx, requester.ID, st.ContextURI)
	if err != nil {
		return nil, err
	}
	if convID == 0 {
		return nil, fmt.Errorf("%w: chat", core.ErrNotFound)
	}
	ids := make([]int64, len(open))
	for i, r := range open {
		ids[i] = r.PayerID
	}
	accts, err := s.store.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	text := "Reminder:"
	for _, r := range open {
		if a := accts[r.PayerID]; a != nil {
			text += fmt.Sprintf("\n%s %s %s is still open, pay here: %s", core.Handle(a), payments.FormatAmount(r.Amount, r.Currency), r.Currency, r.PayURL)
		}
	}
	msg, err := s.chats.PostInChat(ctx, requester, convID, text)
	if err != nil {
		return nil, err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		for _, r := range open {
			lr, err := tx.PaymentRequestByIDForUpdate(ctx, r.ID)
			if err != nil {
				return err
			}
			lr.RemindedAt = &now
			if err := tx.SavePaymentRequest(ctx, lr); err != nil {
				return err
			}
		}
		return payments.EmitCard(ctx, tx, open[0].NoteURI)
	})
	return msg, err
}
