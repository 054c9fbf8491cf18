package store

import (
	"context"
	"time"

	"plaza/models"
)

func nowUTC() time.Time { return time.Now().UTC() }

// CreateFavourite inserts a like; a repeat (same pair or URI) is ErrConflict.
func (s *Store) CreateFavourite(ctx context.Context, f *models.Favourite) error {
	if f.ID == 0 {
		f.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(f).Error, "create favourite")
}

// FavouriteBy returns accountID's like of statusID.
func (s *Store) FavouriteBy(ctx context.Context, accountID, statusID int64) (*models.Favourite, error) {
	var f models.Favourite
	err := s.conn(ctx).Where("account_id = ? AND status_id = ?", accountID, statusID).Take(&f).Error
	return &f, translate(err, "favourite")
}

// FavouriteByURI returns the like made by this Like activity.
func (s *Store) FavouriteByURI(ctx context.Context, uri string) (*models.Favourite, error) {
	var f models.Favourite
	err := s.conn(ctx).Where("uri = ?", uri).Take(&f).Error
	return &f, translate(err, "favourite by uri")
}

// DeleteFavourite removes a like.
func (s *Store) DeleteFavourite(ctx context.Context, id int64) error {
	return translate(s.conn(ctx).Where("id = ?", id).Delete(&models.Favourite{}).Error, "delete favourite")
}

// CreateBlock inserts a block; a repeat is ErrConflict.
func (s *Store) CreateBlock(ctx context.Context, b *models.Block) error {
	if b.ID == 0 {
		b.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(b).Error, "create block")
}

// BlockBy returns accountID's block of targetID.
func (s *Store) BlockBy(ctx context.Context, accountID, targetID int64) (*models.Block, error) {
	var b models.Block
	err := s.conn(ctx).Where("account_id = ? AND target_account_id = ?", accountID, targetID).Take(&b).Error
	return &b, translate(err, "block")
}

// BlockByURI returns the block made by this Block activity.
func (s *Store) BlockByURI(ctx context.Context, uri string) (*models.Block, error) {
	var b models.Block
	err := s.conn(ctx).Where("uri = ?", uri).Take(&b).Error
	return &b, translate(err, "block by uri")
}

// DeleteBlock removes a block.
func (s *Store) DeleteBlock(ctx context.Context, id int64) error {
	return translate(s.conn(ctx).Where("id = ?", id).Delete(&models.Block{}).Error, "delete block")
}

// Blocks reports whether accountID blocks targetID.
func (s *Store) Blocks(ctx context.Context, accountID, targetID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Block{}).Where("account_id = ? AND target_account_id = ?", accountID, targetID).Count(&n).Error
	return n > 0, translate(err, "blocks")
}

// BlockedEitherWayAmong returns which of others block a or are blocked by
// it, in one query.
func (s *Store) BlockedEitherWayAmong(ctx context.Context, a int64, others []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(others) == 0 {
		return out, nil
	}
	var blocks []models.Block
	err := s.conn(ctx).Select("account_id, target_account_id").
		Where("(account_id = ? AND target_account_id IN ?) OR (target_account_id = ? AND account_id IN ?)", a, others, a, others).
		Find(&blocks).Error
	for _, b := range blocks {
		out[b.AccountID], out[b.TargetAccountID] = true, true
	}
	delete(out, a)
	return out, translate(err, "blocked either way among")
}

// BlockedEitherWay reports whether a blocks b or b blocks a.
func (s *Store) BlockedEitherWay(ctx context.Context, a, b int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Block{}).
		Where("(account_id = ? AND target_account_id = ?) OR (account_id = ? AND target_account_id = ?)", a, b, b, a).Count(&n).Error
	return n > 0, translate(err, "blocked either way")
}
