package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"plaza/models"
	"plaza/models/store"
)

// IdempotencyWindow is how long an Idempotency-Key keeps returning the
// status it made.
const IdempotencyWindow = time.Hour

// CreateStatusIdempotent is CreateStatus for a request that may be retried:
// with a non-empty key, a repeat of the same (account, key) within
// IdempotencyWindow returns the status the first request made instead of
// posting again.
//
// The key is recorded after the status commits (CreateStatus runs its own
// transaction), so two requests racing with one key may both post; the
// loser of the key's insert then returns the winner's status.
func (s *Service) CreateStatusIdempotent(ctx context.Context, author *models.Account, key string, in CreateStatusInput) (*models.Status, error) {
	if key == "" {
		return s.CreateStatus(ctx, author, in)
	}
	if len(key) > 255 {
		return nil, fmt.Errorf("%w: Idempotency-Key is longer than 255 characters", ErrValidation)
	}
	if st, err := s.idempotentStatus(ctx, author, key); err == nil {
		return st, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	st, err := s.CreateStatus(ctx, author, in)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		return tx.CreateIdempotencyKey(ctx, &models.IdempotencyKey{AccountID: author.ID, Key: key, StatusID: st.ID, CreatedAt: now}, now.Add(-IdempotencyWindow))
	})
	if errors.Is(err, store.ErrConflict) {
		if winner, err := s.idempotentStatus(ctx, author, key); err == nil {
			return winner, nil
		}
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("create status: remember idempotency key: %w", err)
	}
	return st, nil
}

// idempotentStatus returns the live status a key made; store.ErrNotFound
// when there is none (never made, expired, or deleted since).
func (s *Service) idempotentStatus(ctx context.Context, author *models.Account, key string) (*models.Status, error) {
	id, err := s.store.IdempotentStatusID(ctx, author.ID, key, s.clock.Now().Add(-IdempotencyWindow))
	if err != nil {
		return nil, err
	}
	st, err := s.store.StatusWithAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	return st, nil
}
