package social

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/server/service/core"
)

// NotificationView is a notification with the account that caused it and
// the status it is about (nil when none, or gone).
type NotificationView struct {
	Notification models.Notification
	From         *models.Account
	Status       *models.Status
}

// Notifications lists acct's notifications, newest first; types keeps only
// these types, excludeTypes drops those.
func (s *Service) Notifications(ctx context.Context, acct *models.Account, p core.Page, types []string, excludeTypes []string) ([]NotificationView, error) {
	ns, err := s.store.NotificationsOf(ctx, acct.ID, p.Store(), types, excludeTypes)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	return s.notificationViews(ctx, ns)
}

// notificationViews loads the accounts and statuses of notifications in two
// queries, dropping those whose account or status is gone.
func (s *Service) notificationViews(ctx context.Context, ns []models.Notification) ([]NotificationView, error) {
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
			v.Status = statuses[*n.StatusID]
			if v.Status == nil {
				continue
			}
		}
		out = append(out, v)
	}
	return out, nil
}
