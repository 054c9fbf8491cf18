package store

import (
	"context"

	"plaza/models"
)

// SaveAccountProfile writes the editable profile columns of an account:
// display name, note, fields, avatar, header, locked and discoverable.
func (s *Store) SaveAccountProfile(ctx context.Context, a *models.Account) error {
	err := s.conn(ctx).Model(&models.Account{}).Where("id = ?", a.ID).Updates(map[string]any{
		"display_name": a.DisplayName,
		"note":         a.Note,
		"fields_json":  a.FieldsJSON,
		"avatar_url":   a.AvatarURL,
		"header_url":   a.HeaderURL,
		"locked":       a.Locked,
		"discoverable": a.Discoverable,
		"updated_at":   a.UpdatedAt,
	}).Error
	return translate(err, "save account profile")
}

// AccountStatusFilter narrows an account's statuses as the client API's
// profile tabs do.
type AccountStatusFilter struct {
	ExcludeReplies bool   // keep replies to the account itself (threads)
	ExcludeReblogs bool   // no boosts
	OnlyMedia      bool   // only statuses with attachments
	Tagged         string // only statuses with this hashtag (lower case)
}

// AccountStatusesFiltered is AccountStatuses with the filter applied in the
// same query.
func (s *Store) AccountStatusesFiltered(ctx context.Context, viewerID, accountID int64, p Page, f AccountStatusFilter) ([]*models.Status, error) {
	q := s.accountStatusesQuery(ctx, viewerID, accountID)
	if f.ExcludeReplies {
		q = q.Where("((statuses.in_reply_to_id IS NULL AND statuses.in_reply_to_uri = '') OR statuses.in_reply_to_account_id = statuses.account_id)")
	}
	if f.ExcludeReblogs {
		q = q.Where("statuses.reblog_of_id IS NULL")
	}
	if f.OnlyMedia {
		q = q.Where("EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = statuses.id)")
	}
	if f.Tagged != "" {
		q = q.Where("EXISTS (SELECT 1 FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE st.status_id = statuses.id AND t.name = ?)", f.Tagged)
	}
	return statusPage(q, p, "account statuses filtered")
}
