package store

import (
	"context"
	"strings"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// likePrefix escapes LIKE's wildcards in a prefix and appends '%'.
func likePrefix(prefix string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(prefix) + "%"
}

// AccountSearch is what SearchAccounts matches.
type AccountSearch struct {
	// Query is matched, case-insensitively, as a prefix of the username or
	// the display name.
	Query string
	// With HasDomain, Query matches usernames only and Domain keeps the
	// accounts whose domain starts with it (the "user@ho" form of a
	// query); an empty Domain keeps local accounts.
	Domain    string
	HasDomain bool
	// ViewerID drops accounts blocking or blocked by the viewer (0: none).
	ViewerID int64
	Limit    int
}

// SearchAccounts finds accounts by handle or display-name prefix, not
// suspended and not instance actors; exact username matches and local
// accounts come first.
func (s *Store) SearchAccounts(ctx context.Context, q AccountSearch) ([]*models.Account, error) {
	if q.Limit <= 0 {
		q.Limit = 40
	}
	query := strings.ToLower(q.Query)
	db := s.conn(ctx).Model(&models.Account{}).
		Where("accounts.suspended_at IS NULL AND accounts.actor_type <> ?", models.ActorApplication)
	if q.HasDomain {
		db = db.Where(`accounts.username_lower LIKE ? ESCAPE '\'`, likePrefix(query))
		if q.Domain != "" {
			db = db.Where(`accounts.domain LIKE ? ESCAPE '\'`, likePrefix(strings.ToLower(q.Domain)))
		} else {
			db = db.Where("accounts.domain = ''")
		}
	} else {
		db = db.Where(`(accounts.username_lower LIKE ? ESCAPE '\' OR LOWER(accounts.display_name) LIKE ? ESCAPE '\')`,
			likePrefix(query), likePrefix(query))
	}
	if q.ViewerID != 0 {
		db = db.Where("accounts.id NOT IN (SELECT target_account_id FROM blocks WHERE account_id = ? UNION SELECT account_id FROM blocks WHERE target_account_id = ?)",
			q.ViewerID, q.ViewerID)
	}
	var list []*models.Account
	exactFirst := clause.OrderBy{Expression: clause.Expr{SQL: "CASE WHEN accounts.username_lower = ? THEN 0 ELSE 1 END", Vars: []any{query}}}
	err := db.Order(exactFirst).Order("CASE WHEN accounts.domain = '' THEN 0 ELSE 1 END").
		Order("accounts.username_lower").Order("accounts.id").Limit(q.Limit).Find(&list).Error
	return list, translate(err, "search accounts")
}

// TagsByPrefix returns hashtags (stored lower case) starting with prefix,
// shortest first.
func (s *Store) TagsByPrefix(ctx context.Context, prefix string, limit int) ([]models.Tag, error) {
	if limit <= 0 {
		limit = 20
	}
	var list []models.Tag
	err := s.conn(ctx).Where(`name LIKE ? ESCAPE '\'`, likePrefix(strings.ToLower(prefix))).
		Order("LENGTH(name)").Order("name").Limit(limit).Find(&list).Error
	return list, translate(err, "tags by prefix")
}

// AccountByURL finds an account by its ActivityPub id or its profile page.
func (s *Store) AccountByURL(ctx context.Context, url string) (*models.Account, error) {
	var a models.Account
	err := s.conn(ctx).Where("uri = ? OR url = ?", url, url).Order("id").Take(&a).Error
	return &a, translate(err, "account by url")
}

// StatusWithAccountByURL finds a status (not a boost) by its ActivityPub
// id or its page.
func (s *Store) StatusWithAccountByURL(ctx context.Context, url string) (*models.Status, error) {
	var st models.Status
	err := s.conn(ctx).Preload("Account").Where("(uri = ? OR url = ?) AND reblog_of_id IS NULL", url, url).Order("id").Take(&st).Error
	return &st, translate(err, "status by url")
}
