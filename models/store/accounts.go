package store

import (
	"context"
	"strings"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// CreateAccount inserts a new account; its id is assigned here when zero.
// A taken username on the same domain, or a taken URI, is ErrConflict.
func (s *Store) CreateAccount(ctx context.Context, a *models.Account) error {
	if a.ID == 0 {
		a.ID = s.NewID()
	}
	a.UsernameLower = strings.ToLower(a.Username)
	return translate(s.conn(ctx).Create(a).Error, "create account")
}

// AccountByID returns one account.
func (s *Store) AccountByID(ctx context.Context, id int64) (*models.Account, error) {
	var a models.Account
	err := s.conn(ctx).Where("id = ?", id).Take(&a).Error
	return &a, translate(err, "account by id")
}

// LocalAccountByUsername finds a local account, case-insensitively.
func (s *Store) LocalAccountByUsername(ctx context.Context, username string) (*models.Account, error) {
	return s.AccountByUsernameDomain(ctx, username, "")
}

// AccountByUsernameDomain finds an account by handle parts; domain "" is local.
func (s *Store) AccountByUsernameDomain(ctx context.Context, username, domain string) (*models.Account, error) {
	var a models.Account
	err := s.conn(ctx).Where("username_lower = ? AND domain = ?", strings.ToLower(username), strings.ToLower(domain)).Take(&a).Error
	return &a, translate(err, "account by username")
}

// AccountByURI finds an account by its ActivityPub id.
func (s *Store) AccountByURI(ctx context.Context, uri string) (*models.Account, error) {
	var a models.Account
	err := s.conn(ctx).Where("uri = ?", uri).Take(&a).Error
	return &a, translate(err, "account by uri")
}

// AccountByPublicKeyID finds the account whose key has this id.
func (s *Store) AccountByPublicKeyID(ctx context.Context, keyID string) (*models.Account, error) {
	var a models.Account
	err := s.conn(ctx).Where("public_key_id = ?", keyID).Take(&a).Error
	return &a, translate(err, "account by key id")
}

// UpsertRemoteAccount stores a fetched remote actor: a new row the first
// time, the same row (same id) refreshed afterwards. a.ID is set on return.
func (s *Store) UpsertRemoteAccount(ctx context.Context, a *models.Account) error {
	return s.WithTx(ctx, func(tx *Store) error {
		var existing models.Account
		err := tx.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Where("uri = ?", a.URI).Take(&existing).Error
		if err == nil {
			a.ID = existing.ID
			a.CreatedAt = existing.CreatedAt
			a.UsernameLower = strings.ToLower(a.Username)
			return translate(tx.conn(ctx).Save(a).Error, "update remote account")
		}
		if err := translate(err, "find remote account"); !isNotFound(err) {
			return err
		}
		return tx.CreateAccount(ctx, a)
	})
}

// CountLocalAccounts counts local accounts of the given actor type.
func (s *Store) CountLocalAccounts(ctx context.Context, actorType models.ActorType) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Account{}).Where("domain = '' AND actor_type = ? AND suspended_at IS NULL", actorType).Count(&n).Error
	return n, translate(err, "count local accounts")
}
