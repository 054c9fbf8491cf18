package social

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Mute hides target's statuses from acct's home timeline and, when
// notifications is true, target's notifications too. Muting again updates
// the notifications flag. Nobody is told.
func (s *Service) Mute(ctx context.Context, acct, target *models.Account, notifications bool) (*models.Mute, error) {
	if acct.ID == target.ID {
		return nil, fmt.Errorf("%w: an account cannot mute itself", core.ErrValidation)
	}
	m := &models.Mute{CreatedAt: s.clock.Now(), AccountID: acct.ID, TargetAccountID: target.ID, Notifications: notifications}
	if err := s.store.SaveMute(ctx, m); err != nil {
		return nil, fmt.Errorf("mute: %w", err)
	}
	return m, nil
}

// Unmute lifts a mute; not muting is not an error.
func (s *Service) Unmute(ctx context.Context, acct, target *models.Account) error {
	if err := s.store.DeleteMute(ctx, acct.ID, target.ID); err != nil {
		return fmt.Errorf("unmute: %w", err)
	}
	return nil
}

// Muting reports whether acct mutes target, and whether that includes
// target's notifications.
func (s *Service) Muting(ctx context.Context, acct, target *models.Account) (muting, notifications bool, err error) {
	m, err := s.store.MuteBy(ctx, acct.ID, target.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("muting: %w", err)
	}
	return true, m.Notifications, nil
}

// MuteEntry is one muted account; ID is the mute's, for paging.
type MuteEntry struct {
	core.AccountEntry
	Notifications bool
}

// Mutes lists the accounts acct mutes, newest first, paged by mute id.
func (s *Service) Mutes(ctx context.Context, acct *models.Account, p core.Page) ([]MuteEntry, error) {
	list, err := s.store.MuteList(ctx, acct.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("mutes: %w", err)
	}
	out := make([]MuteEntry, len(list))
	for i, e := range list {
		out[i] = MuteEntry{AccountEntry: core.AccountEntry{ID: e.Mute.ID, Account: e.Account}, Notifications: e.Mute.Notifications}
	}
	return out, nil
}

// Blocks lists the accounts acct blocks, newest first, paged by block id
// (the entries' ID).
func (s *Service) Blocks(ctx context.Context, acct *models.Account, p core.Page) ([]core.AccountEntry, error) {
	list, err := s.store.BlockList(ctx, acct.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("blocks: %w", err)
	}
	out := make([]core.AccountEntry, len(list))
	for i, e := range list {
		out[i] = core.AccountEntry{ID: e.Block.ID, Account: e.Account}
	}
	return out, nil
}
