package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"plaza/models"
)

// Page selects one page of an id-ordered list, with Mastodon's semantics:
// MaxID and SinceID bound a newest-first page; MinID asks for the page just
// after MinID (read oldest-first, returned newest-first).
type Page struct {
	MaxID, SinceID, MinID int64
	Limit                 int
}

// paged applies p to q on the id column col and returns the query and
// whether the rows must be reversed after reading.
func paged(q *gorm.DB, col string, p Page) (*gorm.DB, bool) {
	if p.Limit <= 0 {
		p.Limit = 20
	}
	if p.MaxID > 0 {
		q = q.Where(col+" < ?", p.MaxID)
	}
	if p.SinceID > 0 {
		q = q.Where(col+" > ?", p.SinceID)
	}
	if p.MinID > 0 {
		return q.Where(col+" > ?", p.MinID).Order(col + " ASC").Limit(p.Limit), true
	}
	return q.Order(col + " DESC").Limit(p.Limit), false
}

func reverse[T any](xs []T) {
	for i, j := 0, len(xs)-1; i < j; i, j = i+1, j-1 {
		xs[i], xs[j] = xs[j], xs[i]
	}
}

// CreateStatus inserts a status; its id is assigned here when zero. A taken
// URI is ErrConflict.
func (s *Store) CreateStatus(ctx context.Context, st *models.Status) error {
	if st.ID == 0 {
		st.ID = s.NewID()
	}
	err := s.atomically(ctx, func(tx *Store) error {
		if err := translate(tx.conn(ctx).Omit(clause.Associations).Create(st).Error, "create status"); err != nil {
			return err
		}
		if err := tx.indexStatusText(ctx, st); err != nil {
			return err
		}
		if !countsOnProfile(st.Visibility) {
			return nil
		}
		return tx.bumpStats(ctx, st.AccountID, statsDelta{statuses: 1, lastStatusID: st.ID})
	})
	return s.emitAfter(ctx, err, Event{Kind: EventStatus, ID: st.ID, AccountID: st.AccountID})
}

// StatusWithAccount returns one status with its Account.
func (s *Store) StatusWithAccount(ctx context.Context, id int64) (*models.Status, error) {
	var st models.Status
	err := s.conn(ctx).Preload("Account").Where("id = ?", id).Take(&st).Error
	return &st, translate(err, "status by id")
}

// StatusWithAccountByURI returns the status with this ActivityPub id.
func (s *Store) StatusWithAccountByURI(ctx context.Context, uri string) (*models.Status, error) {
	var st models.Status
	err := s.conn(ctx).Preload("Account").Where("uri = ?", uri).Take(&st).Error
	return &st, translate(err, "status by uri")
}

// StatusesByIDs returns the statuses with these ids (Account preloaded),
// keyed by id.
func (s *Store) StatusesByIDs(ctx context.Context, ids []int64) (map[int64]*models.Status, error) {
	out := make(map[int64]*models.Status, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var list []*models.Status
	if err := s.conn(ctx).Preload("Account").Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, translate(err, "statuses by ids")
	}
	for _, st := range list {
		out[st.ID] = st
	}
	return out, nil
}

// SaveStatusContent writes the editable fields of a status.
func (s *Store) SaveStatusContent(ctx context.Context, st *models.Status) error {
	err := s.conn(ctx).Model(&models.Status{}).Where("id = ?", st.ID).Updates(map[string]any{
		"content": st.Content, "text": st.Text, "spoiler_text": st.SpoilerText, "sensitive": st.Sensitive,
		"language": st.Language, "edited_at": st.EditedAt, "updated_at": st.UpdatedAt,
	}).Error
	if err == nil {
		err = s.indexStatusText(ctx, st)
	}
	return s.emitAfter(ctx, translate(err, "save status"), Event{Kind: EventStatusUpdate, ID: st.ID, AccountID: st.AccountID})
}

var statusCounters = map[string]bool{"replies_count": true, "reblogs_count": true, "favourites_count": true}

// AddStatusCount adds delta to one of a status's counters (replies_count,
// reblogs_count, favourites_count), never going below zero.
func (s *Store) AddStatusCount(ctx context.Context, statusID int64, column string, delta int64) error {
	if !statusCounters[column] {
		return fmt.Errorf("add status count: unknown counter %q", column)
	}
	expr := gorm.Expr("CASE WHEN "+column+" + ? < 0 THEN 0 ELSE "+column+" + ? END", delta, delta)
	return translate(s.conn(ctx).Model(&models.Status{}).Where("id = ?", statusID).UpdateColumn(column, expr).Error, "add status count")
}

// CreateStatusEdit stores an earlier version of a status.
func (s *Store) CreateStatusEdit(ctx context.Context, e *models.StatusEdit) error {
	if e.ID == 0 {
		e.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(e).Error, "create status edit")
}

// StatusEditsOf returns the earlier versions of a status, oldest first.
func (s *Store) StatusEditsOf(ctx context.Context, statusID int64) ([]models.StatusEdit, error) {
	var es []models.StatusEdit
	err := s.conn(ctx).Where("status_id = ?", statusID).Order("id ASC").Find(&es).Error
	return es, translate(err, "status edits")
}

// BoostBy returns the boost of statusID by accountID.
func (s *Store) BoostBy(ctx context.Context, accountID, statusID int64) (*models.Status, error) {
	var st models.Status
	err := s.conn(ctx).Where("account_id = ? AND reblog_of_id = ?", accountID, statusID).Take(&st).Error
	return &st, translate(err, "boost")
}

// BoosterIDs returns the accounts that boosted a status.
func (s *Store) BoosterIDs(ctx context.Context, statusID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.Status{}).Where("reblog_of_id = ?", statusID).Distinct().Pluck("account_id", &ids).Error
	return ids, translate(err, "boosters")
}

// CreateMention links a status to an account; a repeat is ignored.
func (s *Store) CreateMention(ctx context.Context, m *models.Mention) error {
	if m.ID == 0 {
		m.ID = s.NewID()
	}
	err := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(m).Error
	return translate(err, "create mention")
}

// MentionedIDs returns the ids of the accounts a status mentions.
func (s *Store) MentionedIDs(ctx context.Context, statusID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.Mention{}).Where("status_id = ?", statusID).Pluck("account_id", &ids).Error
	return ids, translate(err, "mentioned ids")
}

// IsMentioned reports whether a status mentions an account.
func (s *Store) IsMentioned(ctx context.Context, statusID, accountID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Mention{}).Where("status_id = ? AND account_id = ?", statusID, accountID).Count(&n).Error
	return n > 0, translate(err, "is mentioned")
}

// DeleteMentionsOf removes the mentions of a status.
func (s *Store) DeleteMentionsOf(ctx context.Context, statusID int64) error {
	return translate(s.conn(ctx).Where("status_id = ?", statusID).Delete(&models.Mention{}).Error, "delete mentions")
}

// EnsureTag returns the tag with this (lower-case) name, creating it.
func (s *Store) EnsureTag(ctx context.Context, name string) (*models.Tag, error) {
	t := &models.Tag{ID: s.NewID(), Name: name}
	if err := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoNothing: true}).Create(t).Error; err != nil {
		return nil, translate(err, "create tag")
	}
	var got models.Tag
	err := s.conn(ctx).Where("name = ?", name).Take(&got).Error
	return &got, translate(err, "tag by name")
}

// TagByName returns a tag.
func (s *Store) TagByName(ctx context.Context, name string) (*models.Tag, error) {
	var t models.Tag
	err := s.conn(ctx).Where("name = ?", name).Take(&t).Error
	return &t, translate(err, "tag by name")
}

// LinkStatusTag tags a status; a repeat is ignored.
func (s *Store) LinkStatusTag(ctx context.Context, statusID, tagID int64) error {
	err := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&models.StatusTag{StatusID: statusID, TagID: tagID}).Error
	return translate(err, "link status tag")
}

// DeleteStatusTagsOf removes the hashtags of a status.
func (s *Store) DeleteStatusTagsOf(ctx context.Context, statusID int64) error {
	return translate(s.conn(ctx).Where("status_id = ?", statusID).Delete(&models.StatusTag{}).Error, "delete status tags")
}

// CreateMediaAttachment inserts a media row.
func (s *Store) CreateMediaAttachment(ctx context.Context, m *models.MediaAttachment) error {
	if m.ID == 0 {
		m.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(m).Error, "create media attachment")
}

// AttachMedia attaches an account's unattached media to a status and
// returns how many rows it attached.
func (s *Store) AttachMedia(ctx context.Context, accountID, statusID int64, ids []int64) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res := s.conn(ctx).Model(&models.MediaAttachment{}).
		Where("id IN ? AND account_id = ? AND status_id IS NULL AND processing = ?", ids, accountID, "").Update("status_id", statusID)
	return res.RowsAffected, translate(res.Error, "attach media")
}

// DeleteStatusCascade deletes a status with its boosts and the rows that
// point at them (favourites, mentions, tags, edits, media, notifications).
// It returns the deleted boosts. Counters of other statuses are the
// caller's business.
func (s *Store) DeleteStatusCascade(ctx context.Context, statusID int64) ([]models.Status, error) {
	var boosts []models.Status
	err := s.atomically(ctx, func(tx *Store) error {
		db := tx.conn(ctx)
		if err := db.Where("reblog_of_id = ?", statusID).Find(&boosts).Error; err != nil {
			return translate(err, "find boosts")
		}
		ids := []int64{statusID}
		for _, b := range boosts {
			ids = append(ids, b.ID)
		}
		for _, m := range []any{&models.Favourite{}, &models.Mention{}, &models.StatusTag{}, &models.StatusEdit{}, &models.Notification{}, &models.MediaAttachment{}, &models.StatusPin{}} {
			if err := db.Where("status_id IN ?", ids).Delete(m).Error; err != nil {
				return translate(err, "delete status dependants")
			}
		}
		if err := tx.deletePollsOf(ctx, ids); err != nil {
			return err
		}
		if err := tx.unindexStatuses(ctx, ids); err != nil {
			return err
		}
		// RETURNING: only the rows this statement deleted move the counters,
		// whatever a concurrent delete took first.
		var gone []models.Status
		if err := db.Clauses(clause.Returning{}).Where("id IN ?", ids).Delete(&gone).Error; err != nil {
			return translate(err, "delete status")
		}
		if err := tx.statusesGone(ctx, gone); err != nil {
			return err
		}
		return tx.emitDeletes(ctx, ids)
	})
	if err != nil {
		return nil, err
	}
	return boosts, nil
}

// StatusIDsOfAccount returns every status id of an account.
func (s *Store) StatusIDsOfAccount(ctx context.Context, accountID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.Status{}).Where("account_id = ?", accountID).Order("id DESC").Pluck("id", &ids).Error
	return ids, translate(err, "status ids of account")
}

// MentionedIDsOf returns, for each of these statuses, the ids of the
// accounts it mentions.
func (s *Store) MentionedIDsOf(ctx context.Context, statusIDs []int64) (map[int64][]int64, error) {
	out := make(map[int64][]int64, len(statusIDs))
	if len(statusIDs) == 0 {
		return out, nil
	}
	var ms []models.Mention
	if err := s.conn(ctx).Where("status_id IN ?", statusIDs).Find(&ms).Error; err != nil {
		return nil, translate(err, "mentions of statuses")
	}
	for _, m := range ms {
		out[m.StatusID] = append(out[m.StatusID], m.AccountID)
	}
	return out, nil
}
