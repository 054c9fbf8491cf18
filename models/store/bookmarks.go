package store

import (
	"context"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// CreateBookmark saves a status for an account; a repeat is ignored.
func (s *Store) CreateBookmark(ctx context.Context, b *models.Bookmark) error {
	if b.ID == 0 {
		b.ID = s.NewID()
	}
	err := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(b).Error
	return translate(err, "create bookmark")
}

// DeleteBookmark removes an account's bookmark of a status; none is not an
// error.
func (s *Store) DeleteBookmark(ctx context.Context, accountID, statusID int64) error {
	err := s.conn(ctx).Where("account_id = ? AND status_id = ?", accountID, statusID).Delete(&models.Bookmark{}).Error
	return translate(err, "delete bookmark")
}

// BookmarksOf lists an account's bookmarks, newest first, paged by bookmark
// id. Bookmarks of statuses that are gone or that the account may no longer
// see are left out in SQL, so pages stay full.
func (s *Store) BookmarksOf(ctx context.Context, accountID int64, p Page) ([]models.Bookmark, error) {
	q := s.conn(ctx).Model(&models.Bookmark{}).Select("bookmarks.*").
		Joins("JOIN statuses ON statuses.id = bookmarks.status_id").
		Where("bookmarks.account_id = ?", accountID)
	cond, args := visibleTo(accountID)
	q = notBlocked(q.Where(cond, args...), accountID)
	q, rev := paged(q, "bookmarks.id", p)
	var list []models.Bookmark
	if err := q.Find(&list).Error; err != nil {
		return nil, translate(err, "bookmarks")
	}
	if rev {
		reverse(list)
	}
	return list, nil
}
