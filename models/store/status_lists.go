package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"plaza/models"
)

// Lists of statuses and accounts the client API pages through besides the
// timelines: favourites, who favourited or boosted, filtered public and tag
// timelines; and the small tables behind posting and notifications that
// go with them (idempotency keys, dismissing notifications).

// FavouritesOf lists an account's likes, newest first, paged by favourite
// id; likes of statuses the account may no longer see are left out.
func (s *Store) FavouritesOf(ctx context.Context, accountID int64, p Page) ([]models.Favourite, error) {
	q := s.conn(ctx).Model(&models.Favourite{}).Select("favourites.*").
		Joins("JOIN statuses ON statuses.id = favourites.status_id").
		Where("favourites.account_id = ?", accountID)
	cond, args := visibleTo(accountID)
	q = notBlocked(q.Where(cond, args...), accountID)
	q, rev := paged(q, "favourites.id", p)
	var list []models.Favourite
	if err := q.Find(&list).Error; err != nil {
		return nil, translate(err, "favourites")
	}
	if rev {
		reverse(list)
	}
	return list, nil
}

// AccountEntry is an account in a list paged by the id of the row that put
// it there (a favourite, a boost).
type AccountEntry struct {
	ID      int64
	Account *models.Account
}

// accountPage pages rows of (entry id, account) with the accounts loaded,
// leaving out suspended accounts and, for a viewer, blocked ones.
func (s *Store) accountPage(ctx context.Context, q *gorm.DB, col string, viewerID int64, p Page, what string) ([]AccountEntry, error) {
	q = q.Where("accounts.suspended_at IS NULL")
	if viewerID != 0 {
		q = q.Where(`accounts.id NOT IN (SELECT target_account_id FROM blocks WHERE account_id = ?
			UNION SELECT account_id FROM blocks WHERE target_account_id = ?)`, viewerID, viewerID)
	}
	q, rev := paged(q, col, p)
	var rows []struct {
		EntryID int64
		models.Account
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, translate(err, what)
	}
	out := make([]AccountEntry, 0, len(rows))
	for i := range rows {
		a := rows[i].Account
		out = append(out, AccountEntry{ID: rows[i].EntryID, Account: &a})
	}
	if rev {
		reverse(out)
	}
	return out, nil
}

// FavouritersOf lists the accounts that liked a status, newest like first,
// paged by favourite id.
func (s *Store) FavouritersOf(ctx context.Context, statusID, viewerID int64, p Page) ([]AccountEntry, error) {
	q := s.conn(ctx).Table("favourites").Select("favourites.id AS entry_id, accounts.*").
		Joins("JOIN accounts ON accounts.id = favourites.account_id").
		Where("favourites.status_id = ?", statusID)
	return s.accountPage(ctx, q, "favourites.id", viewerID, p, "favouriters")
}

// BoostersOf lists the accounts that boosted a status, newest boost first,
// paged by the boost's status id.
func (s *Store) BoostersOf(ctx context.Context, statusID, viewerID int64, p Page) ([]AccountEntry, error) {
	q := s.conn(ctx).Table("statuses").Select("statuses.id AS entry_id, accounts.*").
		Joins("JOIN accounts ON accounts.id = statuses.account_id").
		Where("statuses.reblog_of_id = ?", statusID)
	return s.accountPage(ctx, q, "statuses.id", viewerID, p, "boosters")
}

// TimelineFilter narrows the public timeline: to local or remote statuses,
// to a hashtag, to statuses with media.
type TimelineFilter struct {
	ViewerID      int64 // 0: anonymous; otherwise blocked accounts are left out
	Local, Remote bool  // both or neither: every status
	Tag           string
	// AnyTags widen Tag (a status with any of them), AllTags narrow it (it
	// must have each too), NoneTags leave out statuses with any of them:
	// Mastodon's any[], all[] and none[]. Lower-case names.
	AnyTags, AllTags, NoneTags []string
	OnlyMedia                  bool
}

// FilteredPublicTimeline returns public statuses (no boosts) that match f,
// newest first.
func (s *Store) FilteredPublicTimeline(ctx context.Context, f TimelineFilter, p Page) ([]*models.Status, error) {
	q := s.conn(ctx).Model(&models.Status{}).Where("statuses.visibility = ? AND statuses.reblog_of_id IS NULL", models.VisibilityPublic)
	switch {
	case f.Local && !f.Remote:
		q = q.Where("statuses.local = ?", true)
	case f.Remote && !f.Local:
		q = q.Where("statuses.local = ?", false)
	}
	const withTag = "SELECT 1 FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE st.status_id = statuses.id AND t.name IN ?"
	if f.Tag != "" {
		q = q.Where("statuses.id IN (SELECT st.status_id FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name IN ?)", append([]string{f.Tag}, f.AnyTags...))
	}
	for _, name := range f.AllTags {
		q = q.Where("EXISTS ("+withTag+")", []string{name})
	}
	if len(f.NoneTags) > 0 {
		q = q.Where("NOT EXISTS ("+withTag+")", f.NoneTags)
	}
	if f.OnlyMedia {
		q = q.Where("EXISTS (SELECT 1 FROM media_attachments ma WHERE ma.status_id = statuses.id)")
	}
	if f.ViewerID != 0 {
		q = notDomainBlocked(notBlocked(q, f.ViewerID), f.ViewerID)
	}
	return statusPage(q, p, "public timeline")
}

// IdempotentStatusID returns the status an account's idempotency key made
// at or after since; ErrNotFound when there is none.
func (s *Store) IdempotentStatusID(ctx context.Context, accountID int64, key string, since time.Time) (int64, error) {
	var k models.IdempotencyKey
	err := s.conn(ctx).Where(`account_id = ? AND "key" = ? AND created_at >= ?`, accountID, key, since).Take(&k).Error
	return k.StatusID, translate(err, "idempotency key")
}

// CreateIdempotencyKey records the status a key makes; the table's primary
// key (account_id, key) makes it a claim that one request wins. A key older
// than expiredBefore is replaced; a live one is ErrConflict (on PostgreSQL
// after waiting for a concurrent claimer's transaction to end).
func (s *Store) CreateIdempotencyKey(ctx context.Context, k *models.IdempotencyKey, expiredBefore time.Time) error {
	res := s.conn(ctx).Exec(`INSERT INTO idempotency_keys (account_id, "key", status_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, "key") DO UPDATE SET status_id = excluded.status_id, created_at = excluded.created_at
		WHERE idempotency_keys.created_at < ?`, k.AccountID, k.Key, k.StatusID, k.CreatedAt, expiredBefore)
	if res.Error != nil {
		return translate(res.Error, "create idempotency key")
	}
	if res.RowsAffected == 0 {
		return translate(gorm.ErrDuplicatedKey, "create idempotency key")
	}
	return nil
}

// DeleteOrphanIdempotencyKey removes an account's key when the status it
// made no longer exists, so the key can be claimed again.
func (s *Store) DeleteOrphanIdempotencyKey(ctx context.Context, accountID int64, key string) error {
	err := s.conn(ctx).Exec(`DELETE FROM idempotency_keys WHERE account_id = ? AND "key" = ?
		AND NOT EXISTS (SELECT 1 FROM statuses WHERE statuses.id = idempotency_keys.status_id)`, accountID, key).Error
	return translate(err, "delete orphan idempotency key")
}

// DeleteAccountNotification removes one of an account's notifications;
// ErrNotFound when the account has no such notification.
func (s *Store) DeleteAccountNotification(ctx context.Context, accountID, id int64) error {
	return s.deleteOwned(ctx, &models.Notification{}, accountID, id, "notification")
}

// DeleteAllNotificationsOf removes every notification of an account.
func (s *Store) DeleteAllNotificationsOf(ctx context.Context, accountID int64) error {
	return translate(s.conn(ctx).Where("account_id = ?", accountID).Delete(&models.Notification{}).Error, "clear notifications")
}

// NotificationFilter narrows an account's notifications.
type NotificationFilter struct {
	Types, ExcludeTypes []string
	FromAccountID       int64 // 0: from anyone
}

// FilteredNotifications lists an account's notifications that match f,
// newest first.
func (s *Store) FilteredNotifications(ctx context.Context, accountID int64, f NotificationFilter, p Page) ([]models.Notification, error) {
	q := s.conn(ctx).Where("account_id = ?", accountID)
	if len(f.Types) > 0 {
		q = q.Where("type IN ?", f.Types)
	}
	if len(f.ExcludeTypes) > 0 {
		q = q.Where("type NOT IN ?", f.ExcludeTypes)
	}
	if f.FromAccountID != 0 {
		q = q.Where("from_account_id = ?", f.FromAccountID)
	}
	q, rev := paged(q, "id", p)
	var ns []models.Notification
	if err := q.Find(&ns).Error; err != nil {
		return nil, translate(err, "notifications")
	}
	if rev {
		reverse(ns)
	}
	return ns, nil
}
