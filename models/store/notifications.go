package store

import (
	"context"

	"plaza/models"
)

// CreateNotification inserts a notification.
func (s *Store) CreateNotification(ctx context.Context, n *models.Notification) error {
	if n.ID == 0 {
		n.ID = s.NewID()
	}
	return s.emitAfter(ctx, translate(s.conn(ctx).Create(n).Error, "create notification"), Event{Kind: EventNotification, ID: n.ID, AccountID: n.AccountID})
}

// DeleteNotifications removes the notifications of one kind from one
// account to another (about statusID, when not zero): what an Undo takes
// back, delivered or held by the notification policy.
func (s *Store) DeleteNotifications(ctx context.Context, accountID, fromID int64, typ models.NotificationType, statusID int64) error {
	for _, m := range []any{&models.Notification{}, &models.HeldNotification{}} {
		q := s.conn(ctx).Where("account_id = ? AND from_account_id = ? AND type = ?", accountID, fromID, typ)
		if statusID != 0 {
			q = q.Where("status_id = ?", statusID)
		}
		if err := q.Delete(m).Error; err != nil {
			return translate(err, "delete notifications")
		}
	}
	// A request left holding nothing is gone too.
	err := s.conn(ctx).Exec(`DELETE FROM notification_requests WHERE account_id = ? AND from_account_id = ?
		AND NOT EXISTS (SELECT 1 FROM held_notifications h WHERE h.account_id = ? AND h.from_account_id = ?)`, accountID, fromID, accountID, fromID).Error
	return translate(err, "delete notifications")
}

// NotificationsOf lists an account's notifications, newest first; types
// keeps only these types, exclude drops those. Notifications from accounts
// muted with their notifications are left out.
func (s *Store) NotificationsOf(ctx context.Context, accountID int64, p Page, types, exclude []string) ([]models.Notification, error) {
	q := s.conn(ctx).Where("account_id = ?", accountID).
		Where("from_account_id NOT IN (SELECT target_account_id FROM mutes WHERE account_id = ? AND notifications = ?)", accountID, true).
		Where("from_account_id NOT IN (SELECT da.id FROM accounts da JOIN account_domain_blocks adb ON adb.domain = da.domain WHERE adb.account_id = ?)", accountID)
	if len(types) > 0 {
		q = q.Where("type IN ?", types)
	}
	if len(exclude) > 0 {
		q = q.Where("type NOT IN ?", exclude)
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
