package store

import (
	"context"

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
