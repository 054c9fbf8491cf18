package store

import (
	"context"
	"time"

	"plaza/models"
)

// MediaByID returns one media attachment.
func (s *Store) MediaByID(ctx context.Context, id int64) (*models.MediaAttachment, error) {
	var m models.MediaAttachment
	err := s.conn(ctx).Where("id = ?", id).Take(&m).Error
	return &m, translate(err, "media by id")
}

// UpdateMediaMeta writes the alt text and focal point of a media attachment.
func (s *Store) UpdateMediaMeta(ctx context.Context, m *models.MediaAttachment) error {
	err := s.conn(ctx).Model(&models.MediaAttachment{}).Where("id = ?", m.ID).Updates(map[string]any{
		"description": m.Description, "focus_x": m.FocusX, "focus_y": m.FocusY,
	}).Error
	return translate(err, "update media")
}

// MediaOwnedBy returns those of ids that belong to accountID, in one query.
func (s *Store) MediaOwnedBy(ctx context.Context, accountID int64, ids []int64) ([]models.MediaAttachment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []models.MediaAttachment
	err := s.conn(ctx).Where("id IN ? AND account_id = ?", ids, accountID).Order("id").Find(&out).Error
	return out, translate(err, "media owned by")
}

// PrunableMedia returns, created before cutoff, the uploads of local
// accounts never attached to a status (orphans) and the attachments of
// remote accounts that have a file stored here (cached copies).
func (s *Store) PrunableMedia(ctx context.Context, cutoff time.Time) (orphans, cached []models.MediaAttachment, err error) {
	db := s.conn(ctx)
	err = db.Where("status_id IS NULL AND created_at < ? AND account_id IN (SELECT id FROM accounts WHERE domain = '')", cutoff).
		Order("id").Find(&orphans).Error
	if err != nil {
		return nil, nil, translate(err, "prunable media")
	}
	err = db.Where("(file <> '' OR preview_file <> '') AND created_at < ? AND account_id IN (SELECT id FROM accounts WHERE domain <> '')", cutoff).
		Order("id").Find(&cached).Error
	return orphans, cached, translate(err, "prunable media")
}

// DeleteOrphanMedia deletes an upload unless a status took it since it was
// listed; it reports whether the row went.
func (s *Store) DeleteOrphanMedia(ctx context.Context, id int64) (bool, error) {
	res := s.conn(ctx).Where("id = ? AND status_id IS NULL", id).Delete(&models.MediaAttachment{})
	return res.RowsAffected == 1, translate(res.Error, "delete orphan media")
}

// ForgetMediaFiles clears the stored copy of a remote attachment; clients
// are then sent its remote URL.
func (s *Store) ForgetMediaFiles(ctx context.Context, id int64) error {
	err := s.conn(ctx).Model(&models.MediaAttachment{}).Where("id = ?", id).
		Updates(map[string]any{"file": "", "preview_file": "", "url": "", "preview_url": ""}).Error
	return translate(err, "forget media files")
}

// MediaFileReferenced reports whether any attachment names file as its
// file or preview.
func (s *Store) MediaFileReferenced(ctx context.Context, file string) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.MediaAttachment{}).Where("file = ? OR preview_file = ?", file, file).Count(&n).Error
	return n > 0, translate(err, "media file referenced")
}

// MediaWaiting returns up to limit uploads waiting for processing that no
// server holds (never taken, or taken before staleBefore), oldest first.
func (s *Store) MediaWaiting(ctx context.Context, staleBefore time.Time, limit int) ([]models.MediaAttachment, error) {
	var out []models.MediaAttachment
	err := s.conn(ctx).Where("processing = ? AND (processing_at IS NULL OR processing_at < ?)", models.MediaProcessing, staleBefore).
		Order("id").Limit(limit).Find(&out).Error
	return out, translate(err, "media waiting")
}

// ClaimMediaProcessing takes an upload waiting for processing for this
// server at now, unless another holds it (since staleBefore); false when
// it is not there to take.
func (s *Store) ClaimMediaProcessing(ctx context.Context, id int64, now, staleBefore time.Time) (bool, error) {
	res := s.conn(ctx).Model(&models.MediaAttachment{}).
		Where("id = ? AND processing = ? AND (processing_at IS NULL OR processing_at < ?)", id, models.MediaProcessing, staleBefore).
		Update("processing_at", now)
	return res.RowsAffected == 1, translate(res.Error, "claim media processing")
}

// FinishMediaProcessing stores what processing made of an upload: its
// files, type and metadata, or only the failed state.
func (s *Store) FinishMediaProcessing(ctx context.Context, m *models.MediaAttachment) error {
	err := s.conn(ctx).Model(&models.MediaAttachment{}).Where("id = ?", m.ID).Select(
		"processing", "processing_at", "type", "mime_type", "file", "url", "preview_file", "preview_url",
		"blurhash", "width", "height", "duration", "frame_rate").Updates(m).Error
	return translate(err, "finish media processing")
}
