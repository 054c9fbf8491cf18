package store

import (
	"context"
	"time"

	"plaza/models"
)

// CreatePin pins a status; ErrConflict when it is pinned already.
func (s *Store) CreatePin(ctx context.Context, p *models.StatusPin) error {
	if p.ID == 0 {
		p.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(p).Error, "create pin")
}

// DeletePin unpins a status (nothing when it was not pinned).
func (s *Store) DeletePin(ctx context.Context, accountID, statusID int64) error {
	return translate(s.conn(ctx).Where("account_id = ? AND status_id = ?", accountID, statusID).Delete(&models.StatusPin{}).Error, "delete pin")
}

// CountPins counts an account's pins.
func (s *Store) CountPins(ctx context.Context, accountID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.StatusPin{}).Where("account_id = ?", accountID).Count(&n).Error
	return n, translate(err, "count pins")
}

// PinnedStatusIDs returns an account's pinned statuses, newest pin first.
func (s *Store) PinnedStatusIDs(ctx context.Context, accountID int64, limit int) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.StatusPin{}).Where("account_id = ?", accountID).Order("id DESC").Limit(limit).Pluck("status_id", &ids).Error
	return ids, translate(err, "pinned statuses")
}

// PinnedAmong reports which of the statuses their author pinned.
func (s *Store) PinnedAmong(ctx context.Context, statusIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var ids []int64
	if err := s.conn(ctx).Model(&models.StatusPin{}).Where("status_id IN ?", statusIDs).Pluck("status_id", &ids).Error; err != nil {
		return nil, translate(err, "pinned among")
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// LockAccountPins serialises pinning by one account (its account row,
// on PostgreSQL; SQLite's write transaction already does), so the limit
// holds under concurrent pins.
func (s *Store) LockAccountPins(ctx context.Context, accountID int64) error {
	if s.driver != DriverPostgres {
		return nil
	}
	return translate(s.conn(ctx).Exec("SELECT id FROM accounts WHERE id = ? FOR UPDATE", accountID).Error, "lock account pins")
}

// ReplacePins makes statusIDs the pins of a (remote) account, as its
// featured collection lists them; the first is the newest pin.
func (s *Store) ReplacePins(ctx context.Context, accountID int64, statusIDs []int64) error {
	return s.atomically(ctx, func(tx *Store) error {
		if err := tx.conn(ctx).Where("account_id = ?", accountID).Delete(&models.StatusPin{}).Error; err != nil {
			return translate(err, "replace pins")
		}
		// Ids ascend with time; the newest pin gets the largest.
		for i := len(statusIDs) - 1; i >= 0; i-- {
			if err := tx.CreatePin(ctx, &models.StatusPin{ID: tx.NewID(), CreatedAt: time.Now().UTC(), AccountID: accountID, StatusID: statusIDs[i]}); err != nil {
				return err
			}
		}
		return nil
	})
}
