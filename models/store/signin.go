package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"plaza/models"
)

// CreateUserToken inserts a mail or second-step token (secret already hashed).
func (s *Store) CreateUserToken(ctx context.Context, t *models.UserToken) error {
	if t.ID == 0 {
		t.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(t).Error, "create user token")
}

// UseUserToken spends the live token of purpose with that hash and returns
// it. The spend is one conditional UPDATE, so two requests with the same
// link cannot both succeed; ErrNotFound when it is unknown, used or expired.
func (s *Store) UseUserToken(ctx context.Context, purpose, hash string, now time.Time) (*models.UserToken, error) {
	res := s.conn(ctx).Model(&models.UserToken{}).
		Where("secret_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?", hash, purpose, now).
		Update("used_at", now)
	if res.Error != nil {
		return nil, translate(res.Error, "use user token")
	}
	if res.RowsAffected == 0 {
		return nil, ErrNotFound
	}
	var t models.UserToken
	err := s.conn(ctx).Where("secret_hash = ?", hash).Take(&t).Error
	return &t, translate(err, "use user token")
}

// LiveUserToken returns an unused, unexpired token without spending it.
func (s *Store) LiveUserToken(ctx context.Context, purpose, hash string, now time.Time) (*models.UserToken, error) {
	var t models.UserToken
	err := s.conn(ctx).Where("secret_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?", hash, purpose, now).Take(&t).Error
	return &t, translate(err, "live user token")
}

// ExpireUserTokens spends every live token of purpose of an account (a
// new reset link voids the older ones; a new password voids them all).
func (s *Store) ExpireUserTokens(ctx context.Context, accountID int64, purpose string, now time.Time) error {
	q := s.conn(ctx).Model(&models.UserToken{}).Where("account_id = ? AND used_at IS NULL", accountID)
	if purpose != "" {
		q = q.Where("purpose = ?", purpose)
	}
	return translate(q.Update("used_at", now).Error, "expire user tokens")
}

// UpdateUserSignIn writes the given sign-in columns of a user.
func (s *Store) UpdateUserSignIn(ctx context.Context, accountID int64, cols map[string]any) error {
	res := s.conn(ctx).Model(&models.User{}).Where("account_id = ?", accountID).Updates(cols)
	if res.Error != nil {
		return translate(res.Error, "update user")
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// UpdateUserEmail sets a confirmed new address.
func (s *Store) UpdateUserEmail(ctx context.Context, accountID int64, email string, at time.Time) error {
	return s.UpdateUserSignIn(ctx, accountID, map[string]any{
		"email": email, "email_lower": strings.ToLower(email), "unconfirmed_email": "", "updated_at": at,
	})
}

// UserByEmail returns the credentials registered with an address (any case).
func (s *Store) UserByEmail(ctx context.Context, email string) (*models.User, error) {
	var u models.User
	err := s.conn(ctx).Preload("Account").Where("email_lower = ?", strings.ToLower(email)).Take(&u).Error
	return &u, translate(err, "user by email")
}

// AdminUsers returns every admin's credentials (for notices by email).
func (s *Store) AdminUsers(ctx context.Context) ([]models.User, error) {
	var out []models.User
	err := s.conn(ctx).Where("admin = ?", true).Order("id").Find(&out).Error
	return out, translate(err, "admin users")
}

// PendingUsers returns the accounts waiting for approval, oldest first.
func (s *Store) PendingUsers(ctx context.Context) ([]models.User, error) {
	var out []models.User
	err := s.conn(ctx).Preload("Account").Where("approval_pending = ?", true).Order("id").Limit(200).Find(&out).Error
	return out, translate(err, "pending users")
}

// ReplaceRecoveryCodes stores a fresh set of hashed codes, dropping the old.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, accountID int64, hashes []string) error {
	if err := s.conn(ctx).Where("account_id = ?", accountID).Delete(&models.RecoveryCode{}).Error; err != nil {
		return translate(err, "delete recovery codes")
	}
	for _, h := range hashes {
		if err := s.conn(ctx).Create(&models.RecoveryCode{ID: s.NewID(), AccountID: accountID, CodeHash: h}).Error; err != nil {
			return translate(err, "create recovery code")
		}
	}
	return nil
}

// UseRecoveryCode spends an unused code in one conditional UPDATE; false
// when there is no such unused code.
func (s *Store) UseRecoveryCode(ctx context.Context, accountID int64, hash string, now time.Time) (bool, error) {
	res := s.conn(ctx).Model(&models.RecoveryCode{}).
		Where("account_id = ? AND code_hash = ? AND used_at IS NULL", accountID, hash).Update("used_at", now)
	return res.RowsAffected == 1, translate(res.Error, "use recovery code")
}

// CreateInvite inserts an invite link.
func (s *Store) CreateInvite(ctx context.Context, inv *models.Invite) error {
	if inv.ID == 0 {
		inv.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(inv).Error, "create invite")
}

// Invites returns the invite links, newest first.
func (s *Store) Invites(ctx context.Context) ([]models.Invite, error) {
	var out []models.Invite
	err := s.conn(ctx).Order("id DESC").Limit(200).Find(&out).Error
	return out, translate(err, "invites")
}

// UseInvite counts one sign-up on a live invite in one conditional UPDATE;
// ErrNotFound when the code is unknown, expired or used up.
func (s *Store) UseInvite(ctx context.Context, code string, now time.Time) error {
	res := s.conn(ctx).Model(&models.Invite{}).
		Where("code = ? AND (expires_at IS NULL OR expires_at > ?) AND (max_uses = 0 OR uses < max_uses)", code, now).
		Update("uses", gorm.Expr("uses + 1"))
	if res.Error != nil {
		return translate(res.Error, "use invite")
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// LiveInvite reports whether an invite code may still be used.
func (s *Store) LiveInvite(ctx context.Context, code string, now time.Time) (*models.Invite, error) {
	var inv models.Invite
	err := s.conn(ctx).Where("code = ? AND (expires_at IS NULL OR expires_at > ?) AND (max_uses = 0 OR uses < max_uses)", code, now).Take(&inv).Error
	return &inv, translate(err, "live invite")
}

// RevokeTokensOf revokes every bearer token of an account.
func (s *Store) RevokeTokensOf(ctx context.Context, accountID int64, at time.Time) error {
	err := s.conn(ctx).Model(&models.Token{}).Where("account_id = ? AND revoked_at IS NULL", accountID).Update("revoked_at", at).Error
	return translate(err, "revoke tokens of account")
}

// ConfirmUser marks a user's address confirmed (keeping an earlier time).
func (s *Store) ConfirmUser(ctx context.Context, accountID int64, at time.Time) error {
	return s.UpdateUserSignIn(ctx, accountID, map[string]any{"confirmed_at": gorm.Expr("COALESCE(confirmed_at, ?)", at)})
}
