package service

import (
	"context"
	"fmt"
	"slices"

	"plaza/models"
	"plaza/models/store"
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
func (s *Service) FilteredNotifications(ctx context.Context, acct *models.Account, f NotificationFilter, p Page) ([]NotificationView, error) {
	ns, err := s.store.FilteredNotifications(ctx, acct.ID, store.NotificationFilter{
		Types: withReplies(f.Types), ExcludeTypes: withReplies(f.ExcludeTypes), FromAccountID: f.FromAccountID,
	}, p.store())
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	var accountIDs, statusIDs []int64
	for _, n := range ns {
		accountIDs = append(accountIDs, n.FromAccountID)
		if n.StatusID != nil {
			statusIDs = append(statusIDs, *n.StatusID)
		}
	}
	accts, err := s.store.AccountsByIDs(ctx, accountIDs)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	statuses, err := s.store.StatusesByIDs(ctx, statusIDs)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	out := make([]NotificationView, 0, len(ns))
	for _, n := range ns {
		v := NotificationView{Notification: n, From: accts[n.FromAccountID]}
		if v.From == nil {
			continue
		}
		if n.StatusID != nil {
			if v.Status = statuses[*n.StatusID]; v.Status == nil {
				continue
			}
		}
		out = append(out, v)
	}
	return out, nil
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
// account's is ErrNotFound.
func (s *Service) DismissNotification(ctx context.Context, acct *models.Account, id int64) error {
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		return tx.DeleteAccountNotification(ctx, acct.ID, id)
	})
	if err != nil {
		return notFound(err, "notification")
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
