package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// ScheduleLimits caps what one account may have waiting, as Mastodon does:
// in all, and on any one (UTC) day.
type ScheduleLimits struct {
	Total, PerDay int64
}

// ErrLimit is returned when a per-account limit would be passed.
var ErrLimit = errLimit{}

type errLimit struct{}

func (errLimit) Error() string { return "limit reached" }

// CreateScheduledStatus inserts a scheduled post unless the account would
// pass its limits. The account's row is locked first (PostgreSQL), so two
// requests at once cannot both slip under a limit.
func (s *Store) CreateScheduledStatus(ctx context.Context, ss *models.ScheduledStatus, lim ScheduleLimits) error {
	if ss.ID == 0 {
		ss.ID = s.NewID()
	}
	return s.atomically(ctx, func(tx *Store) error {
		if err := tx.lockAccountRow(ctx, ss.AccountID); err != nil {
			return err
		}
		if err := tx.checkScheduleLimits(ctx, ss, lim); err != nil {
			return err
		}
		return translate(tx.conn(ctx).Create(ss).Error, "create scheduled status")
	})
}

// RescheduleStatus moves a scheduled post to a new time, within the limits.
func (s *Store) RescheduleStatus(ctx context.Context, ss *models.ScheduledStatus, at time.Time, params string, lim ScheduleLimits) error {
	return s.atomically(ctx, func(tx *Store) error {
		if err := tx.lockAccountRow(ctx, ss.AccountID); err != nil {
			return err
		}
		moved := *ss
		moved.ScheduledAt = at
		if err := tx.checkScheduleLimits(ctx, &moved, lim); err != nil {
			return err
		}
		res := tx.conn(ctx).Model(&models.ScheduledStatus{}).Where("id = ?", ss.ID).
			Updates(map[string]any{"scheduled_at": at, "params": params})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return translate(res.Error, "reschedule status")
	})
}

// lockAccountRow serialises an account's limited writes on PostgreSQL;
// SQLite's single writer already does.
func (s *Store) lockAccountRow(ctx context.Context, accountID int64) error {
	if s.driver != DriverPostgres {
		return nil
	}
	var a models.Account
	err := s.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Select("id").Where("id = ?", accountID).Take(&a).Error
	return translate(err, "lock account")
}

// checkScheduleLimits counts the account's other waiting posts, in all and
// on ss's day.
func (s *Store) checkScheduleLimits(ctx context.Context, ss *models.ScheduledStatus, lim ScheduleLimits) error {
	db := s.conn(ctx).Model(&models.ScheduledStatus{}).Where("account_id = ? AND id <> ?", ss.AccountID, ss.ID)
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return translate(err, "count scheduled statuses")
	}
	if lim.Total > 0 && total >= lim.Total {
		return ErrLimit
	}
	day := ss.ScheduledAt.UTC().Truncate(24 * time.Hour)
	var onDay int64
	err := s.conn(ctx).Model(&models.ScheduledStatus{}).
		Where("account_id = ? AND id <> ? AND scheduled_at >= ? AND scheduled_at < ?", ss.AccountID, ss.ID, day, day.Add(24*time.Hour)).
		Count(&onDay).Error
	if err != nil {
		return translate(err, "count scheduled statuses")
	}
	if lim.PerDay > 0 && onDay >= lim.PerDay {
		return ErrLimit
	}
	return nil
}

// ScheduledStatusesOf returns a page of an account's scheduled posts,
// newest first by id.
func (s *Store) ScheduledStatusesOf(ctx context.Context, accountID int64, p Page) ([]models.ScheduledStatus, error) {
	q, rev := paged(s.conn(ctx).Where("account_id = ?", accountID), "id", p)
	var out []models.ScheduledStatus
	if err := q.Find(&out).Error; err != nil {
		return nil, translate(err, "scheduled statuses")
	}
	if rev {
		reverse(out)
	}
	return out, nil
}

// ScheduledStatusOf returns one of an account's scheduled posts;
// ErrNotFound for anyone else's.
func (s *Store) ScheduledStatusOf(ctx context.Context, accountID, id int64) (*models.ScheduledStatus, error) {
	var ss models.ScheduledStatus
	err := s.conn(ctx).Where("id = ? AND account_id = ?", id, accountID).Take(&ss).Error
	return &ss, translate(err, "scheduled status")
}

// DeleteScheduledStatus removes a scheduled post and reports whether this
// call removed it: of several workers publishing one post, only the one
// that removes its row may go on.
func (s *Store) DeleteScheduledStatus(ctx context.Context, id int64) (bool, error) {
	res := s.conn(ctx).Where("id = ?", id).Delete(&models.ScheduledStatus{})
	return res.RowsAffected == 1, translate(res.Error, "delete scheduled status")
}

// DueScheduledStatuses returns up to limit posts due at now, oldest first.
func (s *Store) DueScheduledStatuses(ctx context.Context, now time.Time, limit int) ([]models.ScheduledStatus, error) {
	var out []models.ScheduledStatus
	err := s.conn(ctx).Where("scheduled_at <= ?", now).Order("scheduled_at, id").Limit(limit).Find(&out).Error
	return out, translate(err, "due scheduled statuses")
}
