package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"plaza/models"
)

// MarkersOf returns an account's read positions in the named timelines;
// timelines without one are absent.
func (s *Store) MarkersOf(ctx context.Context, accountID int64, timelines []string) ([]models.Marker, error) {
	var ms []models.Marker
	if len(timelines) == 0 {
		return ms, nil
	}
	err := s.conn(ctx).Where("account_id = ? AND timeline IN ?", accountID, timelines).Order("timeline").Find(&ms).Error
	return ms, translate(err, "markers")
}

// SaveMarker sets an account's read position in a timeline, starting at
// version 1 and counting up on every save.
func (s *Store) SaveMarker(ctx context.Context, accountID int64, timeline string, lastReadID int64, at time.Time) (models.Marker, error) {
	m := models.Marker{AccountID: accountID, Timeline: timeline, LastReadID: lastReadID, Version: 1, UpdatedAt: at}
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "account_id"}, {Name: "timeline"}},
		DoUpdates: clause.Set{
			{Column: clause.Column{Name: "last_read_id"}, Value: lastReadID},
			{Column: clause.Column{Name: "version"}, Value: gorm.Expr("markers.version + 1")},
			{Column: clause.Column{Name: "updated_at"}, Value: at},
		},
	}).Create(&m).Error
	if err != nil {
		return m, translate(err, "save marker")
	}
	err = s.conn(ctx).Where("account_id = ? AND timeline = ?", accountID, timeline).Take(&m).Error
	return m, translate(err, "save marker")
}
