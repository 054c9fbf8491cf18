package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"plaza/models"
)

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// CreateUser inserts the credentials of a local account.
func (s *Store) CreateUser(ctx context.Context, u *models.User) error {
	if u.ID == 0 {
		u.ID = s.NewID()
	}
	u.EmailLower = strings.ToLower(u.Email)
	return translate(s.conn(ctx).Create(u).Error, "create user")
}

// UserByAccountID returns the credentials of a local account.
func (s *Store) UserByAccountID(ctx context.Context, accountID int64) (*models.User, error) {
	var u models.User
	err := s.conn(ctx).Where("account_id = ?", accountID).Take(&u).Error
	return &u, translate(err, "user by account")
}

// SavePostingPreferences stores a local account's posting defaults.
func (s *Store) SavePostingPreferences(ctx context.Context, accountID int64, privacy string, sensitive bool, language string) error {
	res := s.conn(ctx).Model(&models.User{}).Where("account_id = ?", accountID).
		Updates(map[string]any{"default_privacy": privacy, "default_sensitive": sensitive, "default_language": language})
	if res.Error == nil && res.RowsAffected == 0 {
		return fmt.Errorf("posting preferences: %w", ErrNotFound)
	}
	return translate(res.Error, "posting preferences")
}

// CreateToken inserts a bearer token (its secret already hashed).
func (s *Store) CreateToken(ctx context.Context, t *models.Token) error {
	if t.ID == 0 {
		t.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(t).Error, "create token")
}

// ActiveTokenBySecretHash finds a token that has not been revoked, with its
// account.
func (s *Store) ActiveTokenBySecretHash(ctx context.Context, hash string) (*models.Token, error) {
	var t models.Token
	err := s.conn(ctx).Preload("Account").Where("secret_hash = ? AND revoked_at IS NULL", hash).Take(&t).Error
	return &t, translate(err, "token by secret")
}

// RevokeToken marks a token unusable.
func (s *Store) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	err := s.conn(ctx).Model(&models.Token{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", at).Error
	return translate(err, "revoke token")
}
