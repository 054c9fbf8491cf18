package store

import (
	"context"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// RecordInboxActivity stores a received activity once by its id. It reports
// false, without error, when the activity was already recorded (a replay).
func (s *Store) RecordInboxActivity(ctx context.Context, a *models.InboxActivity) (bool, error) {
	if a.ID == 0 {
		a.ID = s.NewID()
	}
	res := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "activity_uri"}}, DoNothing: true}).Create(a)
	if res.Error != nil {
		return false, translate(res.Error, "record inbox activity")
	}
	return res.RowsAffected == 1, nil
}

// CountInboxActivities counts recorded activities (all, or of one actor when
// actorURI is not empty).
func (s *Store) CountInboxActivities(ctx context.Context, actorURI string) (int64, error) {
	q := s.conn(ctx).Model(&models.InboxActivity{})
	if actorURI != "" {
		q = q.Where("actor_uri = ?", actorURI)
	}
	var n int64
	return n, translate(q.Count(&n).Error, "count inbox activities")
}
