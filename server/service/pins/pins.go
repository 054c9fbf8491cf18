// Package pins owns pinned statuses: an author pins up to MaxPins of their
// own public or unlisted statuses to their profile; the pins are listed on
// the profile, marked on the status and served as the actor's featured
// collection.
package pins

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// MaxPins is how many statuses one account may pin (Mastodon's limit).
const MaxPins = 5

// Service is the pins area.
type Service struct {
	core   *core.Base
	social *social.Service // stores a remote account's pinned Notes
	store  *store.Store
	clock  core.Clock
	seen   *core.Throttle
}

// New builds the pins area on the shared core and social.
func New(c *core.Base, soc *social.Service) *Service {
	return &Service{core: c, social: soc, store: c.Store(), clock: c.Clock(), seen: core.NewThrottle(refreshEvery, maxTracked)}
}

// Pin pins one of acct's own public or unlisted statuses; pinning a pinned
// status again changes nothing.
func (s *Service) Pin(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.core.StatusForViewer(ctx, acct, statusID)
	if err != nil {
		return nil, err
	}
	switch {
	case st.AccountID != acct.ID:
		return nil, fmt.Errorf("%w: only your own statuses can be pinned", core.ErrValidation)
	case st.ReblogOfID != nil:
		return nil, fmt.Errorf("%w: a boost cannot be pinned", core.ErrValidation)
	case !core.CanReachUnmentioned(st.Visibility):
		return nil, fmt.Errorf("%w: only public and unlisted statuses can be pinned", core.ErrValidation)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.LockAccountPins(ctx, acct.ID); err != nil {
			return err
		}
		pinned, err := tx.PinnedAmong(ctx, []int64{st.ID})
		if err != nil || pinned[st.ID] {
			return err
		}
		n, err := tx.CountPins(ctx, acct.ID)
		if err != nil {
			return err
		}
		if n >= MaxPins {
			return fmt.Errorf("%w: you can pin at most %d statuses", core.ErrValidation, MaxPins)
		}
		err = tx.CreatePin(ctx, &models.StatusPin{CreatedAt: s.clock.Now(), AccountID: acct.ID, StatusID: st.ID})
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("pin: %w", err)
	}
	return st, nil
}

// Unpin takes one of acct's statuses off their profile.
func (s *Service) Unpin(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.core.StatusForViewer(ctx, acct, statusID)
	if err != nil {
		return nil, err
	}
	if err := s.store.DeletePin(ctx, acct.ID, st.ID); err != nil {
		return nil, fmt.Errorf("unpin: %w", err)
	}
	return st, nil
}

// Pinned returns the pinned statuses of owner that viewer may see, newest
// pin first (at most MaxPins rows are read).
func (s *Service) Pinned(ctx context.Context, viewer, owner *models.Account) ([]*models.Status, error) {
	if !owner.IsLocal() {
		if err := s.RefreshRemote(ctx, owner); err != nil {
			// The pins known so far still show.
			s.core.Log().InfoContext(ctx, "featured collection not read", "account", owner.URI, "error", err.Error())
		}
	}
	ids, err := s.store.PinnedStatusIDs(ctx, owner.ID, MaxPins)
	if err != nil {
		return nil, fmt.Errorf("pinned: %w", err)
	}
	byID, err := s.store.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("pinned: %w", err)
	}
	out := make([]*models.Status, 0, len(ids))
	for _, id := range ids {
		st, ok := byID[id]
		if !ok {
			continue
		}
		if ok, err := s.core.CanSee(ctx, viewer, st); err != nil {
			return nil, err
		} else if ok {
			out = append(out, st)
		}
	}
	return out, nil
}

// PinnedAmong reports which of a page of statuses viewer pinned (the
// status entity's "pinned" is only ever true for one's own).
func (s *Service) PinnedAmong(ctx context.Context, viewer *models.Account, statuses []*models.Status) (map[int64]bool, error) {
	if viewer == nil {
		return map[int64]bool{}, nil
	}
	var own []int64
	for _, st := range statuses {
		if st.AccountID == viewer.ID {
			own = append(own, st.ID)
		}
	}
	return s.store.PinnedAmong(ctx, own)
}
