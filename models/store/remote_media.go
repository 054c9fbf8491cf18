package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// RemoteMediaByHash returns the cached copy of the remote file whose URL
// hashes to hash.
func (s *Store) RemoteMediaByHash(ctx context.Context, hash string) (*models.RemoteMedia, error) {
	var m models.RemoteMedia
	err := s.conn(ctx).Where("url_hash = ?", hash).Take(&m).Error
	return &m, translate(err, "remote media")
}

// SaveRemoteMedia records a cached file, replacing an older record of the
// same URL.
func (s *Store) SaveRemoteMedia(ctx context.Context, m *models.RemoteMedia) error {
	err := s.conn(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(m).Error
	return translate(err, "save remote media")
}

// TouchRemoteMedia moves a cached file's last access to at.
func (s *Store) TouchRemoteMedia(ctx context.Context, hash string, at time.Time) error {
	err := s.conn(ctx).Model(&models.RemoteMedia{}).Where("url_hash = ?", hash).Update("last_access_at", at).Error
	return translate(err, "touch remote media")
}

// RemoteMediaUnusedSince returns up to limit cached files last asked for
// before t, least recently used first.
func (s *Store) RemoteMediaUnusedSince(ctx context.Context, t time.Time, limit int) ([]models.RemoteMedia, error) {
	var out []models.RemoteMedia
	err := s.conn(ctx).Where("last_access_at < ?", t).Order("last_access_at").Limit(limit).Find(&out).Error
	return out, translate(err, "unused remote media")
}

// DeleteRemoteMedia forgets a cached file (its file is the caller's).
func (s *Store) DeleteRemoteMedia(ctx context.Context, hash string) error {
	err := s.conn(ctx).Where("url_hash = ?", hash).Delete(&models.RemoteMedia{}).Error
	return translate(err, "delete remote media")
}
