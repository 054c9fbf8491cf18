package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"plaza/models"
)

// CreateList inserts a list.
func (s *Store) CreateList(ctx context.Context, l *models.List) error {
	if l.ID == 0 {
		l.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(l).Error, "create list")
}

// ListsOf returns an account's lists, oldest first.
func (s *Store) ListsOf(ctx context.Context, ownerID int64) ([]models.List, error) {
	var out []models.List
	err := s.conn(ctx).Where("account_id = ?", ownerID).Order("id").Find(&out).Error
	return out, translate(err, "lists")
}

// CountListsOf counts an account's lists.
func (s *Store) CountListsOf(ctx context.Context, ownerID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.List{}).Where("account_id = ?", ownerID).Count(&n).Error
	return n, translate(err, "count lists")
}

// ListOf returns one of an owner's lists; ErrNotFound for anyone else's.
func (s *Store) ListOf(ctx context.Context, ownerID, id int64) (*models.List, error) {
	var l models.List
	err := s.conn(ctx).Where("id = ? AND account_id = ?", id, ownerID).Take(&l).Error
	return &l, translate(err, "list")
}

// SaveList writes a list's title and settings (its members' copy of
// exclusive too).
func (s *Store) SaveList(ctx context.Context, l *models.List) error {
	db := s.conn(ctx)
	err := db.Model(&models.List{}).Where("id = ?", l.ID).
		Updates(map[string]any{"title": l.Title, "replies_policy": l.RepliesPolicy, "exclusive": l.Exclusive}).Error
	if err == nil {
		err = db.Model(&models.ListAccount{}).Where("list_id = ?", l.ID).Update("exclusive", l.Exclusive).Error
	}
	return translate(err, "save list")
}

// DeleteList deletes a list and its memberships.
func (s *Store) DeleteList(ctx context.Context, id int64) error {
	db := s.conn(ctx)
	err := db.Where("list_id = ?", id).Delete(&models.ListAccount{}).Error
	if err == nil {
		err = db.Where("id = ?", id).Delete(&models.List{}).Error
	}
	return translate(err, "delete list")
}

// AddListAccounts adds accounts to a list; members already there stay.
func (s *Store) AddListAccounts(ctx context.Context, l *models.List, accountIDs []int64, at time.Time) error {
	rows := make([]models.ListAccount, len(accountIDs))
	for i, id := range accountIDs {
		rows[i] = models.ListAccount{ListID: l.ID, AccountID: id, OwnerID: l.AccountID, Exclusive: l.Exclusive, CreatedAt: at}
	}
	if len(rows) == 0 {
		return nil
	}
	return translate(s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error, "add list accounts")
}

// RemoveListAccounts removes accounts from a list.
func (s *Store) RemoveListAccounts(ctx context.Context, listID int64, accountIDs []int64) error {
	if len(accountIDs) == 0 {
		return nil
	}
	return translate(s.conn(ctx).Where("list_id = ? AND account_id IN ?", listID, accountIDs).Delete(&models.ListAccount{}).Error, "remove list accounts")
}

// RemoveFromListsOf removes an account from every list of an owner (who
// stopped following it).
func (s *Store) RemoveFromListsOf(ctx context.Context, ownerID, accountID int64) error {
	return translate(s.conn(ctx).Where("owner_id = ? AND account_id = ?", ownerID, accountID).Delete(&models.ListAccount{}).Error, "remove from lists")
}

// CountListAccounts counts a list's members.
func (s *Store) CountListAccounts(ctx context.Context, listID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.ListAccount{}).Where("list_id = ?", listID).Count(&n).Error
	return n, translate(err, "count list accounts")
}

// ListAccountIDs pages a list's member ids by account id, as Mastodon
// pages them.
func (s *Store) ListAccountIDs(ctx context.Context, listID int64, p Page) ([]int64, error) {
	q, rev := paged(s.conn(ctx).Model(&models.ListAccount{}).Where("list_id = ?", listID), "account_id", p)
	var ids []int64
	if err := q.Pluck("account_id", &ids).Error; err != nil {
		return nil, translate(err, "list accounts")
	}
	if rev {
		reverse(ids)
	}
	return ids, nil
}

// ListsWithAccount returns the owner's lists that hold accountID.
func (s *Store) ListsWithAccount(ctx context.Context, ownerID, accountID int64) ([]models.List, error) {
	var out []models.List
	err := s.conn(ctx).Where("id IN (SELECT list_id FROM list_accounts WHERE owner_id = ? AND account_id = ?)", ownerID, accountID).
		Order("id").Find(&out).Error
	return out, translate(err, "lists with account")
}

// ListTimeline returns the statuses (boosts included, never direct ones)
// of a list's members, without the replies its policy leaves out and
// nothing from accounts its owner blocks or mutes. A reply to oneself (a
// thread) always shows.
func (s *Store) ListTimeline(ctx context.Context, l *models.List, p Page) ([]*models.Status, error) {
	return statusPage(s.listStatuses(ctx, l), p, "list timeline")
}

// ListShows tells whether a status is on a list's timeline (for its
// stream), by the timeline's own conditions.
func (s *Store) ListShows(ctx context.Context, l *models.List, statusID int64) (bool, error) {
	var n int64
	err := s.listStatuses(ctx, l).Where("statuses.id = ?", statusID).Count(&n).Error
	return n > 0, translate(err, "list shows")
}

func (s *Store) listStatuses(ctx context.Context, l *models.List) *gorm.DB {
	q := s.conn(ctx).Model(&models.Status{}).
		Where("EXISTS (SELECT 1 FROM list_accounts la WHERE la.list_id = ? AND la.account_id = statuses.account_id)", l.ID).
		Where("statuses.visibility <> ?", models.VisibilityDirect)
	q = supportersOnly(q, l.AccountID)
	notAReply := "(statuses.in_reply_to_account_id IS NULL OR statuses.in_reply_to_account_id = statuses.account_id"
	switch l.RepliesPolicy {
	case models.RepliesNone:
		q = q.Where(notAReply + ")")
	case models.RepliesFollowed:
		q = q.Where(notAReply+" OR statuses.in_reply_to_account_id = ? OR EXISTS (SELECT 1 FROM follows f WHERE f.account_id = ? AND f.target_account_id = statuses.in_reply_to_account_id AND f.accepted = ?))",
			l.AccountID, l.AccountID, true)
	default: // list
		q = q.Where(notAReply+" OR EXISTS (SELECT 1 FROM list_accounts lr WHERE lr.list_id = ? AND lr.account_id = statuses.in_reply_to_account_id))", l.ID)
	}
	return notMuted(notBlocked(q, l.AccountID), l.AccountID)
}

// notInExclusiveLists drops the statuses of accounts the viewer keeps in
// an exclusive list (they show on that list's timeline instead).
func notInExclusiveLists(q *gorm.DB, viewerID int64) *gorm.DB {
	return q.Where("NOT EXISTS (SELECT 1 FROM list_accounts le WHERE le.owner_id = ? AND le.account_id = statuses.account_id AND le.exclusive = ?)", viewerID, true)
}
