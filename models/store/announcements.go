package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// CreateAnnouncement inserts an announcement.
func (s *Store) CreateAnnouncement(ctx context.Context, a *models.Announcement) error {
	if a.ID == 0 {
		a.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(a).Error, "create announcement")
}

// Announcements returns every announcement, newest first.
func (s *Store) Announcements(ctx context.Context) ([]models.Announcement, error) {
	var out []models.Announcement
	err := s.conn(ctx).Order("id DESC").Find(&out).Error
	return out, translate(err, "announcements")
}

// ActiveAnnouncements returns the announcements running at now, newest
// first, with whether accountID dismissed each.
func (s *Store) ActiveAnnouncements(ctx context.Context, accountID int64, now time.Time) ([]models.Announcement, map[int64]bool, error) {
	var list []models.Announcement
	err := s.conn(ctx).Where("(starts_at IS NULL OR starts_at <= ?) AND (ends_at IS NULL OR ends_at > ?)", now, now).
		Order("id DESC").Find(&list).Error
	if err != nil {
		return nil, nil, translate(err, "announcements")
	}
	read := map[int64]bool{}
	if len(list) == 0 {
		return list, read, nil
	}
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	var done []int64
	err = s.conn(ctx).Model(&models.AnnouncementRead{}).Where("account_id = ? AND announcement_id IN ?", accountID, ids).
		Pluck("announcement_id", &done).Error
	for _, id := range done {
		read[id] = true
	}
	return list, read, translate(err, "announcement reads")
}

// AnnouncementByID returns one announcement.
func (s *Store) AnnouncementByID(ctx context.Context, id int64) (*models.Announcement, error) {
	var a models.Announcement
	err := s.conn(ctx).Where("id = ?", id).Take(&a).Error
	return &a, translate(err, "announcement")
}

// DismissAnnouncement marks an announcement read for an account; doing it
// twice is no error.
func (s *Store) DismissAnnouncement(ctx context.Context, announcementID, accountID int64, at time.Time) error {
	err := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&models.AnnouncementRead{AnnouncementID: announcementID, AccountID: accountID, CreatedAt: at}).Error
	return translate(err, "dismiss announcement")
}

// ReactionCount is how many accounts reacted to an announcement with name,
// and whether the viewer is one of them.
type ReactionCount struct {
	AnnouncementID int64
	Name           string
	Count          int64
	Me             bool
}

// AnnouncementReactions counts the reactions to each announcement, in one
// query, most used first.
func (s *Store) AnnouncementReactions(ctx context.Context, viewerID int64, ids []int64) ([]ReactionCount, error) {
	var out []ReactionCount
	if len(ids) == 0 {
		return out, nil
	}
	err := s.conn(ctx).Model(&models.AnnouncementReaction{}).
		Select("announcement_id, name, COUNT(*) AS count, MAX(CASE WHEN account_id = ? THEN 1 ELSE 0 END) = 1 AS me", viewerID).
		Where("announcement_id IN ?", ids).Group("announcement_id, name").Order("count DESC, name").Scan(&out).Error
	return out, translate(err, "announcement reactions")
}

// ReactToAnnouncement adds an account's reaction; twice is no error.
func (s *Store) ReactToAnnouncement(ctx context.Context, r *models.AnnouncementReaction) error {
	return translate(s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(r).Error, "react to announcement")
}

// UnreactToAnnouncement takes an account's reaction back; none is no error.
func (s *Store) UnreactToAnnouncement(ctx context.Context, announcementID, accountID int64, name string) error {
	err := s.conn(ctx).Where("announcement_id = ? AND account_id = ? AND name = ?", announcementID, accountID, name).
		Delete(&models.AnnouncementReaction{}).Error
	return translate(err, "unreact to announcement")
}

// DeleteAnnouncement removes an announcement and its reads.
func (s *Store) DeleteAnnouncement(ctx context.Context, id int64) error {
	return s.atomically(ctx, func(tx *Store) error {
		if err := tx.conn(ctx).Where("announcement_id = ?", id).Delete(&models.AnnouncementRead{}).Error; err != nil {
			return translate(err, "delete announcement")
		}
		if err := tx.conn(ctx).Where("announcement_id = ?", id).Delete(&models.AnnouncementReaction{}).Error; err != nil {
			return translate(err, "delete announcement")
		}
		res := tx.conn(ctx).Where("id = ?", id).Delete(&models.Announcement{})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return translate(res.Error, "delete announcement")
	})
}
