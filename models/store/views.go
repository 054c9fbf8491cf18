package store

import (
	"context"
	"time"

	"plaza/models"
)

// Batch queries that fill the client API's entities for a whole page at
// once: one query per kind of detail, never one per status.

// MentionsOfStatuses returns the mentioned accounts of each status.
func (s *Store) MentionsOfStatuses(ctx context.Context, statusIDs []int64) (map[int64][]*models.Account, error) {
	out := map[int64][]*models.Account{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		StatusID int64
		models.Account
	}
	err := s.conn(ctx).Table("mentions").Select("mentions.status_id, accounts.*").
		Joins("JOIN accounts ON accounts.id = mentions.account_id").
		Where("mentions.status_id IN ? AND mentions.silent = ?", statusIDs, false).Order("mentions.id").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "mentions of statuses")
	}
	for i := range rows {
		a := rows[i].Account
		out[rows[i].StatusID] = append(out[rows[i].StatusID], &a)
	}
	return out, nil
}

// TagsOfStatuses returns the hashtags of each status.
func (s *Store) TagsOfStatuses(ctx context.Context, statusIDs []int64) (map[int64][]models.Tag, error) {
	out := map[int64][]models.Tag{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		StatusID int64
		ID       int64
		Name     string
	}
	err := s.conn(ctx).Table("status_tags").Select("status_tags.status_id, tags.id, tags.name").
		Joins("JOIN tags ON tags.id = status_tags.tag_id").
		Where("status_tags.status_id IN ?", statusIDs).Order("tags.name").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "tags of statuses")
	}
	for _, r := range rows {
		out[r.StatusID] = append(out[r.StatusID], models.Tag{ID: r.ID, Name: r.Name})
	}
	return out, nil
}

// MediaOfStatuses returns the attachments of each status, in upload order.
func (s *Store) MediaOfStatuses(ctx context.Context, statusIDs []int64) (map[int64][]models.MediaAttachment, error) {
	out := map[int64][]models.MediaAttachment{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []models.MediaAttachment
	if err := s.conn(ctx).Where("status_id IN ?", statusIDs).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err, "media of statuses")
	}
	for _, m := range rows {
		out[*m.StatusID] = append(out[*m.StatusID], m)
	}
	return out, nil
}

// InteractionsOf reports which of the statuses the account has favourited,
// boosted and bookmarked.
func (s *Store) InteractionsOf(ctx context.Context, accountID int64, statusIDs []int64) (favourited, reblogged, bookmarked map[int64]bool, err error) {
	favourited, reblogged, bookmarked = map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	if len(statusIDs) == 0 {
		return
	}
	var ids []int64
	if err = s.conn(ctx).Model(&models.Favourite{}).Where("account_id = ? AND status_id IN ?", accountID, statusIDs).Pluck("status_id", &ids).Error; err != nil {
		return nil, nil, nil, translate(err, "favourited")
	}
	for _, id := range ids {
		favourited[id] = true
	}
	ids = nil
	// Answered from idx_statuses_reblog_account (reblog_of_id, account_id):
	// one probe per status, however many statuses the viewer wrote.
	if err = s.conn(ctx).Model(&models.Status{}).Where("reblog_of_id IN ? AND account_id = ?", statusIDs, accountID).Pluck("reblog_of_id", &ids).Error; err != nil {
		return nil, nil, nil, translate(err, "reblogged")
	}
	for _, id := range ids {
		reblogged[id] = true
	}
	ids = nil
	if err = s.conn(ctx).Model(&models.Bookmark{}).Where("account_id = ? AND status_id IN ?", accountID, statusIDs).Pluck("status_id", &ids).Error; err != nil {
		return nil, nil, nil, translate(err, "bookmarked")
	}
	for _, id := range ids {
		bookmarked[id] = true
	}
	return favourited, reblogged, bookmarked, nil
}

// AccountStats are the counters of Mastodon's Account entity (kept in
// account_stats: see StatsOfAccounts).
type AccountStats struct {
	Followers, Following, Statuses int64
	LastStatusAt                   *time.Time
}

// CountLocalStatuses counts the posts written on this instance (boosts
// excluded), for NodeInfo and the instance entity.
func (s *Store) CountLocalStatuses(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Status{}).Where("local = ? AND reblog_of_id IS NULL", true).Count(&n).Error
	return n, translate(err, "count local statuses")
}
