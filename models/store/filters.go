package store

import (
	"context"
	"time"

	"plaza/models"
)

// CreateFilter inserts a filter.
func (s *Store) CreateFilter(ctx context.Context, f *models.Filter) error {
	if f.ID == 0 {
		f.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(f).Error, "create filter")
}

// SaveFilter writes a filter's title, context, action and expiry.
func (s *Store) SaveFilter(ctx context.Context, f *models.Filter) error {
	err := s.conn(ctx).Model(f).Select("updated_at", "title", "context", "action", "expires_at").Updates(f).Error
	return translate(err, "save filter")
}

// FilterByID returns one of an account's filters; ErrNotFound for anyone
// else's.
func (s *Store) FilterByID(ctx context.Context, accountID, id int64) (*models.Filter, error) {
	var f models.Filter
	err := s.conn(ctx).Where("id = ? AND account_id = ?", id, accountID).Take(&f).Error
	return &f, translate(err, "filter")
}

// FiltersOf returns an account's filters, oldest first; with active set,
// only those not expired at now.
func (s *Store) FiltersOf(ctx context.Context, accountID int64, active bool, now time.Time) ([]models.Filter, error) {
	q := s.conn(ctx).Where("account_id = ?", accountID)
	if active {
		q = q.Where("expires_at IS NULL OR expires_at > ?", now)
	}
	var out []models.Filter
	return out, translate(q.Order("id").Find(&out).Error, "filters")
}

// CountFilters counts an account's filters.
func (s *Store) CountFilters(ctx context.Context, accountID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Filter{}).Where("account_id = ?", accountID).Count(&n).Error
	return n, translate(err, "count filters")
}

// DeleteFilter removes a filter with its keywords and statuses.
func (s *Store) DeleteFilter(ctx context.Context, id int64) error {
	return s.atomically(ctx, func(tx *Store) error {
		db := tx.conn(ctx)
		if err := db.Where("filter_id = ?", id).Delete(&models.FilterKeyword{}).Error; err != nil {
			return translate(err, "delete filter keywords")
		}
		if err := db.Where("filter_id = ?", id).Delete(&models.FilterStatus{}).Error; err != nil {
			return translate(err, "delete filter statuses")
		}
		return translate(db.Where("id = ?", id).Delete(&models.Filter{}).Error, "delete filter")
	})
}

// FilterKeywordsOf returns the keywords of the filters, oldest first.
func (s *Store) FilterKeywordsOf(ctx context.Context, filterIDs []int64) ([]models.FilterKeyword, error) {
	var out []models.FilterKeyword
	if len(filterIDs) == 0 {
		return out, nil
	}
	err := s.conn(ctx).Where("filter_id IN ?", filterIDs).Order("id").Find(&out).Error
	return out, translate(err, "filter keywords")
}

// FilterStatusesOf returns the statuses of the filters, oldest first.
func (s *Store) FilterStatusesOf(ctx context.Context, filterIDs []int64) ([]models.FilterStatus, error) {
	var out []models.FilterStatus
	if len(filterIDs) == 0 {
		return out, nil
	}
	err := s.conn(ctx).Where("filter_id IN ?", filterIDs).Order("id").Find(&out).Error
	return out, translate(err, "filter statuses")
}

// CreateFilterKeyword adds a keyword; ErrConflict when the filter has it.
func (s *Store) CreateFilterKeyword(ctx context.Context, k *models.FilterKeyword) error {
	if k.ID == 0 {
		k.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(k).Error, "create filter keyword")
}

// SaveFilterKeyword writes a keyword's text and whole_word; ErrConflict
// when the filter has that text already.
func (s *Store) SaveFilterKeyword(ctx context.Context, k *models.FilterKeyword) error {
	err := s.conn(ctx).Model(k).Select("updated_at", "keyword", "whole_word").Updates(k).Error
	return translate(err, "save filter keyword")
}

// FilterKeywordByID returns a keyword of one of the account's filters.
func (s *Store) FilterKeywordByID(ctx context.Context, accountID, id int64) (*models.FilterKeyword, error) {
	var k models.FilterKeyword
	err := s.conn(ctx).Joins("JOIN filters ON filters.id = filter_keywords.filter_id").
		Where("filter_keywords.id = ? AND filters.account_id = ?", id, accountID).Take(&k).Error
	return &k, translate(err, "filter keyword")
}

// DeleteFilterKeyword removes a keyword of a filter.
func (s *Store) DeleteFilterKeyword(ctx context.Context, filterID, id int64) error {
	return translate(s.conn(ctx).Where("id = ? AND filter_id = ?", id, filterID).Delete(&models.FilterKeyword{}).Error, "delete filter keyword")
}

// CountFilterKeywords counts a filter's keywords.
func (s *Store) CountFilterKeywords(ctx context.Context, filterID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.FilterKeyword{}).Where("filter_id = ?", filterID).Count(&n).Error
	return n, translate(err, "count filter keywords")
}

// CreateFilterStatus adds a status to a filter; ErrConflict when it has it.
func (s *Store) CreateFilterStatus(ctx context.Context, fs *models.FilterStatus) error {
	if fs.ID == 0 {
		fs.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(fs).Error, "create filter status")
}

// FilterStatusByID returns a status entry of one of the account's filters.
func (s *Store) FilterStatusByID(ctx context.Context, accountID, id int64) (*models.FilterStatus, error) {
	var fs models.FilterStatus
	err := s.conn(ctx).Joins("JOIN filters ON filters.id = filter_statuses.filter_id").
		Where("filter_statuses.id = ? AND filters.account_id = ?", id, accountID).Take(&fs).Error
	return &fs, translate(err, "filter status")
}

// DeleteFilterStatus removes a status entry of a filter.
func (s *Store) DeleteFilterStatus(ctx context.Context, id int64) error {
	return translate(s.conn(ctx).Where("id = ?", id).Delete(&models.FilterStatus{}).Error, "delete filter status")
}

// CountFilterStatuses counts a filter's statuses.
func (s *Store) CountFilterStatuses(ctx context.Context, filterID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.FilterStatus{}).Where("filter_id = ?", filterID).Count(&n).Error
	return n, translate(err, "count filter statuses")
}

// LockAccountFilters serialises changes to one account's filters (its
// account row, on PostgreSQL; SQLite's write transaction already does), so
// the limits on filters, keywords and statuses hold under concurrent writes.
func (s *Store) LockAccountFilters(ctx context.Context, accountID int64) error {
	if s.driver != DriverPostgres {
		return nil
	}
	return translate(s.conn(ctx).Exec("SELECT id FROM accounts WHERE id = ? FOR UPDATE", accountID).Error, "lock account filters")
}
