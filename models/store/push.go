package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// SaveWebPushSubscription makes sub its token's one subscription,
// replacing an earlier one.
func (s *Store) SaveWebPushSubscription(ctx context.Context, sub *models.WebPushSubscription) error {
	if sub.ID == 0 {
		sub.ID = s.NewID()
	}
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "token_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"id", "created_at", "endpoint", "p256dh", "auth", "alerts", "policy"}),
	}).Create(sub).Error
	return translate(err, "save web push subscription")
}

// WebPushSubscriptionOfToken returns a token's subscription.
func (s *Store) WebPushSubscriptionOfToken(ctx context.Context, tokenID int64) (*models.WebPushSubscription, error) {
	var sub models.WebPushSubscription
	err := s.conn(ctx).Where("token_id = ?", tokenID).Take(&sub).Error
	return &sub, translate(err, "web push subscription")
}

// UpdateWebPushAlerts changes what a token's subscription wants.
func (s *Store) UpdateWebPushAlerts(ctx context.Context, tokenID int64, alerts, policy string) error {
	res := s.conn(ctx).Model(&models.WebPushSubscription{}).Where("token_id = ?", tokenID).
		Updates(map[string]any{"alerts": alerts, "policy": policy})
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return translate(res.Error, "update web push subscription")
}

// DeleteWebPushSubscription removes a subscription by id.
func (s *Store) DeleteWebPushSubscription(ctx context.Context, id int64) error {
	return translate(s.conn(ctx).Where("id = ?", id).Delete(&models.WebPushSubscription{}).Error, "delete web push subscription")
}

// DeleteWebPushSubscriptionOfToken removes a token's subscription, if any.
func (s *Store) DeleteWebPushSubscriptionOfToken(ctx context.Context, tokenID int64) error {
	return translate(s.conn(ctx).Where("token_id = ?", tokenID).Delete(&models.WebPushSubscription{}).Error, "delete web push subscription")
}

// WebPushSubscriptionsOf returns an account's subscriptions whose token is
// still valid.
func (s *Store) WebPushSubscriptionsOf(ctx context.Context, accountID int64) ([]models.WebPushSubscription, error) {
	var out []models.WebPushSubscription
	err := s.conn(ctx).Where("account_id = ? AND token_id IN (SELECT id FROM tokens WHERE revoked_at IS NULL)", accountID).
		Order("id").Find(&out).Error
	return out, translate(err, "web push subscriptions")
}

// ClaimWebPush records that this process pushes notification id and
// reports whether it was first: of processes sharing a database, each of
// which hears of every notification, exactly one claims it.
func (s *Store) ClaimWebPush(ctx context.Context, notificationID int64, at time.Time) (bool, error) {
	err := translate(s.conn(ctx).Create(&models.WebPushClaim{NotificationID: notificationID, CreatedAt: at}).Error, "claim web push")
	if errors.Is(err, ErrConflict) {
		return false, nil
	}
	return err == nil, err
}

// PruneWebPushClaims drops claims older than before.
func (s *Store) PruneWebPushClaims(ctx context.Context, before time.Time) error {
	return translate(s.conn(ctx).Where("created_at < ?", before).Delete(&models.WebPushClaim{}).Error, "prune web push claims")
}

// NotificationByID returns one notification.
func (s *Store) NotificationByID(ctx context.Context, id int64) (*models.Notification, error) {
	var n models.Notification
	err := s.conn(ctx).Where("id = ?", id).Take(&n).Error
	return &n, translate(err, "notification")
}

// SettingOrCreate returns the instance setting key, storing value first
// when there is none: of several processes starting at once, all end up
// with the one value that was stored first.
func (s *Store) SettingOrCreate(ctx context.Context, key, value string, at time.Time) (string, error) {
	err := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&models.InstanceSetting{Key: key, Value: value, UpdatedAt: at}).Error
	if err != nil {
		return "", translate(err, "create instance setting")
	}
	var st models.InstanceSetting
	if err := s.conn(ctx).Where("key = ?", key).Take(&st).Error; err != nil {
		return "", translate(err, "instance setting")
	}
	return st.Value, nil
}
