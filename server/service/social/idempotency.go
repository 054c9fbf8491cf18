package social

import (
	"context"
	"errors"
	"fmt"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// IdempotencyWindow is how long an Idempotency-Key keeps returning the
// status it made.
const IdempotencyWindow = time.Hour

// errKeyTaken stops a status's transaction when another request holds its
// Idempotency-Key.
var errKeyTaken = errors.New("idempotency key taken")

// CreateStatusIdempotent is CreateStatus for a request that may be retried:
// with a non-empty key, a repeat of the same (account, key) within
// IdempotencyWindow returns the status the first request made instead of
// posting again, as Mastodon does.
//
// The key is claimed by its unique (account_id, key) row, inserted in the
// status's own transaction before the status: of several requests racing
// with one key, exactly one inserts it and posts; the others wait on that
// row (PostgreSQL) or the write lock (SQLite), roll back, and return the
// winner's status.
func (s *Service) CreateStatusIdempotent(ctx context.Context, author *models.Account, key string, in CreateStatusInput) (*models.Status, error) {
	if key == "" {
		return s.CreateStatus(ctx, author, in)
	}
	if len(key) > 255 {
		return nil, fmt.Errorf("%w: Idempotency-Key is longer than 255 characters", core.ErrValidation)
	}
	// Two rounds: a key whose status was deleted since is dropped and the
	// post made anew.
	for range 2 {
		if st, err := s.idempotentStatus(ctx, author, key); err == nil {
			return st, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		st, err := s.createStatus(ctx, author, in, s.claimIdempotencyKey(ctx, author, key))
		if !errors.Is(err, errKeyTaken) {
			return st, err
		}
		if st, err := s.idempotentStatus(ctx, author, key); err == nil {
			return st, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err := s.store.DeleteOrphanIdempotencyKey(ctx, author.ID, key); err != nil {
			return nil, fmt.Errorf("create status: drop stale idempotency key: %w", err)
		}
	}
	return nil, fmt.Errorf("create status: idempotency key %q stays taken", key)
}

// claimIdempotencyKey returns the claim createStatus runs in its
// transaction: record that key makes statusID, or errKeyTaken when a live
// record of the key exists.
func (s *Service) claimIdempotencyKey(ctx context.Context, author *models.Account, key string) func(tx *store.Store, statusID int64) error {
	return func(tx *store.Store, statusID int64) error {
		now := s.clock.Now()
		err := tx.CreateIdempotencyKey(ctx, &models.IdempotencyKey{AccountID: author.ID, Key: key, StatusID: statusID, CreatedAt: now}, now.Add(-IdempotencyWindow))
		if errors.Is(err, store.ErrConflict) {
			return errKeyTaken
		}
		if err != nil {
			return fmt.Errorf("claim idempotency key: %w", err)
		}
		return nil
	}
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
