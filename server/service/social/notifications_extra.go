package social

import (
	"context"
	"fmt"
	"slices"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// NotificationFilter narrows acct's notifications as Mastodon's types[],
// exclude_types[] and account_id do.
type NotificationFilter struct {
	Types, ExcludeTypes []string
	FromAccountID       int64 // 0: from anyone
}

// FilteredNotifications is Notifications with the account_id filter too,
// applied in SQL so pages stay full. Replies count as mentions, as Mastodon
// clients know them.
func (s *Service) FilteredNotifications(ctx context.Context, acct *models.Account, f NotificationFilter, p core.Page) ([]NotificationView, error) {
	return s.FilteredNotificationRows(ctx, acct, f, p.Store())
}

// FilteredNotificationRows is FilteredNotifications over a page of any
// size (the notifications area groups pages larger than a client's).
func (s *Service) FilteredNotificationRows(ctx context.Context, acct *models.Account, f NotificationFilter, p store.Page) ([]NotificationView, error) {
	ns, err := s.store.FilteredNotifications(ctx, acct.ID, store.NotificationFilter{
		Types: withReplies(f.Types), ExcludeTypes: withReplies(f.ExcludeTypes), FromAccountID: f.FromAccountID,
	}, p)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	return s.notificationViews(ctx, ns)
}

// NotificationViews loads the senders and statuses of notifications read
// elsewhere (a notification group's rows).
func (s *Service) NotificationViews(ctx context.Context, ns []models.Notification) ([]NotificationView, error) {
	return s.notificationViews(ctx, ns)
}

// withReplies adds "reply" wherever "mention" is asked for: replies are
// stored apart for the web UI but are mentions to Mastodon clients.
func withReplies(types []string) []string {
	if slices.Contains(types, string(models.NotifyMention)) && !slices.Contains(types, string(models.NotifyReply)) {
		return append(slices.Clone(types), string(models.NotifyReply))
	}
	return types
}

// DismissNotification deletes one of acct's notifications; another
// account's is core.ErrNotFound.
func (s *Service) DismissNotification(ctx context.Context, acct *models.Account, id int64) error {
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		return tx.DeleteAccountNotification(ctx, acct.ID, id)
	})
	if err != nil {
		return core.NotFound(err, "notification")
	}
	return nil
}

// ClearNotifications deletes all of acct's notifications.
func (s *Service) ClearNotifications(ctx context.Context, acct *models.Account) error {
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		return tx.DeleteAllNotificationsOf(ctx, acct.ID)
	})
	if err != nil {
		return fmt.Errorf("clear notifications: %w", err)
	}
	return nil
}
