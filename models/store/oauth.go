package store

import (
	"context"
	"time"

	"plaza/models"
)

// CreateOAuthApp inserts a registered client application.
func (s *Store) CreateOAuthApp(ctx context.Context, a *models.OAuthApp) error {
	if a.ID == 0 {
		a.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(a).Error, "create oauth app")
}

// OAuthAppByClientID finds an application by its public client_id.
func (s *Store) OAuthAppByClientID(ctx context.Context, clientID string) (*models.OAuthApp, error) {
	var a models.OAuthApp
	err := s.conn(ctx).Where("client_id = ?", clientID).Take(&a).Error
	return &a, translate(err, "oauth app by client id")
}

// OAuthAppByID finds an application by id.
func (s *Store) OAuthAppByID(ctx context.Context, id int64) (*models.OAuthApp, error) {
	var a models.OAuthApp
	err := s.conn(ctx).Where("id = ?", id).Take(&a).Error
	return &a, translate(err, "oauth app by id")
}

// CreateOAuthCode inserts an authorization code (its secret already hashed).
func (s *Store) CreateOAuthCode(ctx context.Context, c *models.OAuthCode) error {
	if c.ID == 0 {
		c.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(c).Error, "create oauth code")
}

// OAuthCodeByHash finds an authorization code by the hash of its secret,
// used or not.
func (s *Store) OAuthCodeByHash(ctx context.Context, hash string) (*models.OAuthCode, error) {
	var c models.OAuthCode
	err := s.conn(ctx).Where("code_hash = ?", hash).Take(&c).Error
	return &c, translate(err, "oauth code by hash")
}

// UseOAuthCode marks a code used. It reports false when the code was used
// already, so two concurrent exchanges cannot both succeed.
func (s *Store) UseOAuthCode(ctx context.Context, id int64, at time.Time) (bool, error) {
	res := s.conn(ctx).Model(&models.OAuthCode{}).Where("id = ? AND used_at IS NULL", id).Update("used_at", at)
	if res.Error != nil {
		return false, translate(res.Error, "use oauth code")
	}
	return res.RowsAffected == 1, nil
}

// TokenBySecretHash finds a token by the hash of its secret, revoked or not.
func (s *Store) TokenBySecretHash(ctx context.Context, hash string) (*models.Token, error) {
	var t models.Token
	err := s.conn(ctx).Where("secret_hash = ?", hash).Take(&t).Error
	return &t, translate(err, "token by secret")
}

// TouchToken records that a token was used at, unless it was recorded
// after notBefore already; this keeps writes to one per token per period.
func (s *Store) TouchToken(ctx context.Context, id int64, at, notBefore time.Time) error {
	err := s.conn(ctx).Model(&models.Token{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, notBefore).
		Update("last_used_at", at).Error
	return translate(err, "touch token")
}

// AuthorizedApps lists the applications holding an active token of an
// account, most recently authorized first.
func (s *Store) AuthorizedApps(ctx context.Context, accountID int64) ([]models.OAuthApp, error) {
	var apps []models.OAuthApp
	sub := s.conn(ctx).Model(&models.Token{}).Select("app_id").
		Where("account_id = ? AND app_id IS NOT NULL AND revoked_at IS NULL", accountID)
	err := s.conn(ctx).Where("id IN (?)", sub).Order("id DESC").Find(&apps).Error
	return apps, translate(err, "authorized apps")
}

// RevokeAppTokens revokes every active token an application holds for an
// account, and voids its unused authorization codes. It returns how many
// tokens were revoked.
func (s *Store) RevokeAppTokens(ctx context.Context, accountID, appID int64, at time.Time) (int64, error) {
	var n int64
	err := s.WithTx(ctx, func(tx *Store) error {
		res := tx.conn(ctx).Model(&models.Token{}).
			Where("account_id = ? AND app_id = ? AND revoked_at IS NULL", accountID, appID).
			Update("revoked_at", at)
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		return tx.conn(ctx).Model(&models.OAuthCode{}).
			Where("account_id = ? AND app_id = ? AND used_at IS NULL", accountID, appID).
			Update("used_at", at).Error
	})
	return n, translate(err, "revoke app tokens")
}
