package store

import (
	"context"
	"time"

	"plaza/models"
)

// CreateWebSession inserts a browser session (its secret already hashed).
func (s *Store) CreateWebSession(ctx context.Context, ws *models.WebSession) error {
	if ws.ID == 0 {
		ws.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(ws).Error, "create web session")
}

// WebSessionByHash finds an unexpired browser session by the hash of its
// secret, with its account.
func (s *Store) WebSessionByHash(ctx context.Context, hash string, now time.Time) (*models.WebSession, error) {
	var ws models.WebSession
	err := s.conn(ctx).Preload("Account").Where("secret_hash = ? AND expires_at > ?", hash, now).Take(&ws).Error
	return &ws, translate(err, "web session by hash")
}

// TouchWebSession moves a session's last use and expiry forward.
func (s *Store) TouchWebSession(ctx context.Context, id int64, seen, expires time.Time) error {
	err := s.conn(ctx).Model(&models.WebSession{}).Where("id = ?", id).
		Updates(map[string]any{"last_seen_at": seen, "expires_at": expires}).Error
	return translate(err, "touch web session")
}

// DeleteWebSession ends one browser session.
func (s *Store) DeleteWebSession(ctx context.Context, id int64) error {
	return translate(s.conn(ctx).Where("id = ?", id).Delete(&models.WebSession{}).Error, "delete web session")
}

// DeleteWebSessionsOf ends every browser session of an account but keep
// (0: none kept), e.g. after a password change.
func (s *Store) DeleteWebSessionsOf(ctx context.Context, accountID, keep int64) error {
	err := s.conn(ctx).Where("account_id = ? AND id <> ?", accountID, keep).Delete(&models.WebSession{}).Error
	return translate(err, "delete web sessions of account")
}

// DeleteExpiredWebSessions removes sessions that expired before now.
func (s *Store) DeleteExpiredWebSessions(ctx context.Context, now time.Time) error {
	return translate(s.conn(ctx).Where("expires_at <= ?", now).Delete(&models.WebSession{}).Error, "delete expired web sessions")
}

// UpdateUserPassword stores a new password hash for the user of an account.
// It lives here because the web UI's password change is its only caller.
func (s *Store) UpdateUserPassword(ctx context.Context, accountID int64, hash string, at time.Time) error {
	res := s.conn(ctx).Model(&models.User{}).Where("account_id = ?", accountID).
		Updates(map[string]any{"password_hash": hash, "updated_at": at})
	if res.Error != nil {
		return translate(res.Error, "update user password")
	}
	if res.RowsAffected == 0 {
		return translate(ErrNotFound, "update user password")
	}
	return nil
}
