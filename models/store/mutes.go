package store

import (
	"context"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// SaveMute creates accountID's mute of targetID, or updates its
// notifications flag when it exists; m.ID is set on return.
func (s *Store) SaveMute(ctx context.Context, m *models.Mute) error {
	if m.ID == 0 {
		m.ID = s.NewID()
	}
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "account_id"}, {Name: "target_account_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"notifications"}),
	}).Create(m).Error
	if err != nil {
		return translate(err, "save mute")
	}
	saved, err := s.MuteBy(ctx, m.AccountID, m.TargetAccountID)
	if err != nil {
		return err
	}
	*m = *saved
	return nil
}

// MuteBy returns accountID's mute of targetID.
func (s *Store) MuteBy(ctx context.Context, accountID, targetID int64) (*models.Mute, error) {
	var m models.Mute
	err := s.conn(ctx).Where("account_id = ? AND target_account_id = ?", accountID, targetID).Take(&m).Error
	return &m, translate(err, "mute")
}

// DeleteMute removes accountID's mute of targetID, if any.
func (s *Store) DeleteMute(ctx context.Context, accountID, targetID int64) error {
	err := s.conn(ctx).Where("account_id = ? AND target_account_id = ?", accountID, targetID).Delete(&models.Mute{}).Error
	return translate(err, "delete mute")
}

// MuteEntry is a mute with the muted account.
type MuteEntry struct {
	Mute    models.Mute
	Account *models.Account
}

// MuteList lists the accounts accountID mutes, newest mute first, paged by
// mute id.
func (s *Store) MuteList(ctx context.Context, accountID int64, p Page) ([]MuteEntry, error) {
	q, rev := paged(s.conn(ctx).Where("account_id = ?", accountID), "id", p)
	var ms []models.Mute
	if err := q.Find(&ms).Error; err != nil {
		return nil, translate(err, "mute list")
	}
	if rev {
		reverse(ms)
	}
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.TargetAccountID)
	}
	accts, err := s.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]MuteEntry, 0, len(ms))
	for _, m := range ms {
		if a := accts[m.TargetAccountID]; a != nil {
			out = append(out, MuteEntry{Mute: m, Account: a})
		}
	}
	return out, nil
}

// BlockEntry is a block with the blocked account.
type BlockEntry struct {
	Block   models.Block
	Account *models.Account
}

// BlockList lists the accounts accountID blocks, newest block first, paged
// by block id.
func (s *Store) BlockList(ctx context.Context, accountID int64, p Page) ([]BlockEntry, error) {
	q, rev := paged(s.conn(ctx).Where("account_id = ?", accountID), "id", p)
	var bs []models.Block
	if err := q.Find(&bs).Error; err != nil {
		return nil, translate(err, "block list")
	}
	if rev {
		reverse(bs)
	}
	ids := make([]int64, 0, len(bs))
	for _, b := range bs {
		ids = append(ids, b.TargetAccountID)
	}
	accts, err := s.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]BlockEntry, 0, len(bs))
	for _, b := range bs {
		if a := accts[b.TargetAccountID]; a != nil {
			out = append(out, BlockEntry{Block: b, Account: a})
		}
	}
	return out, nil
}
