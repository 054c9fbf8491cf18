package store

import (
	"context"

	"plaza/models"
)

// StatusByID returns one status with its author loaded.
func (s *Store) StatusByID(ctx context.Context, id int64) (*models.Status, error) {
	var st models.Status
	err := s.conn(ctx).Preload("Account").Where("id = ?", id).Take(&st).Error
	return &st, translate(err, "status by id")
}

// MentionedAccounts returns the accounts a status mentions (silent
// mentions included: they are addressed too), oldest mention first.
func (s *Store) MentionedAccounts(ctx context.Context, statusID int64) ([]*models.Account, error) {
	var accs []*models.Account
	err := s.conn(ctx).
		Joins("JOIN mentions ON mentions.account_id = accounts.id").
		Where("mentions.status_id = ?", statusID).
		Order("mentions.id").
		Find(&accs).Error
	return accs, translate(err, "mentioned accounts")
}

// StatusTags returns the hashtags of a status, by name.
func (s *Store) StatusTags(ctx context.Context, statusID int64) ([]models.Tag, error) {
	var tags []models.Tag
	err := s.conn(ctx).
		Joins("JOIN status_tags ON status_tags.tag_id = tags.id").
		Where("status_tags.status_id = ?", statusID).
		Order("tags.name").
		Find(&tags).Error
	return tags, translate(err, "status tags")
}

// StatusAttachments returns the media of a status in the order they were
// added.
func (s *Store) StatusAttachments(ctx context.Context, statusID int64) ([]models.MediaAttachment, error) {
	var media []models.MediaAttachment
	err := s.conn(ctx).Where("status_id = ?", statusID).Order("id").Find(&media).Error
	return media, translate(err, "status attachments")
}

// FollowerInboxes returns the distinct inboxes of an account's accepted
// remote followers: the shared inbox when a follower's server has one, so
// one POST reaches every follower there.
func (s *Store) FollowerInboxes(ctx context.Context, accountID int64) ([]string, error) {
	var inboxes []string
	err := s.conn(ctx).
		Table("follows").
		Joins("JOIN accounts ON accounts.id = follows.account_id").
		Where("follows.target_account_id = ? AND follows.accepted = ? AND accounts.domain <> ''", accountID, true).
		Where("accounts.suspended_at IS NULL").
		Distinct().
		Pluck("CASE WHEN accounts.shared_inbox <> '' THEN accounts.shared_inbox ELSE accounts.inbox_uri END", &inboxes).Error
	return inboxes, translate(err, "follower inboxes")
}
