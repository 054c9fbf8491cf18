package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"plaza/models"
)

// NotificationPolicyOf returns an account's notification policy;
// ErrNotFound when it never set one.
func (s *Store) NotificationPolicyOf(ctx context.Context, accountID int64) (models.NotificationPolicy, error) {
	var p models.NotificationPolicy
	err := s.conn(ctx).Where("account_id = ?", accountID).Take(&p).Error
	return p, translate(err, "notification policy")
}

// SaveNotificationPolicy writes an account's policy, replacing the old one.
func (s *Store) SaveNotificationPolicy(ctx context.Context, p *models.NotificationPolicy) error {
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "account_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"updated_at", "for_not_following", "for_not_followers",
			"for_new_accounts", "for_private_mentions", "for_limited_accounts"}),
	}).Create(p).Error
	return translate(err, "save notification policy")
}

// NotificationPermitted reports whether accountID accepted fromID's
// notifications past its policy.
func (s *Store) NotificationPermitted(ctx context.Context, accountID, fromID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.NotificationPermission{}).Where("account_id = ? AND from_account_id = ?", accountID, fromID).Limit(1).Count(&n).Error
	return n > 0, translate(err, "notification permission")
}

// HoldNotification keeps a filtered notification back and files it under
// the request of its sender (made on the first one).
func (s *Store) HoldNotification(ctx context.Context, h *models.HeldNotification) error {
	if h.ID == 0 {
		h.ID = s.NewID()
	}
	return s.atomically(ctx, func(tx *Store) error {
		if err := tx.conn(ctx).Create(h).Error; err != nil {
			return translate(err, "hold notification")
		}
		req := models.NotificationRequest{ID: tx.NewID(), CreatedAt: h.CreatedAt, UpdatedAt: h.CreatedAt, AccountID: h.AccountID, FromAccountID: h.FromAccountID}
		err := tx.conn(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "account_id"}, {Name: "from_account_id"}},
			DoUpdates: clause.Assignments(map[string]any{"updated_at": h.CreatedAt}),
		}).Create(&req).Error
		return translate(err, "notification request")
	})
}

// NotificationRequestsOf pages an account's notification requests, newest
// first.
func (s *Store) NotificationRequestsOf(ctx context.Context, accountID int64, p Page) ([]models.NotificationRequest, error) {
	q, rev := paged(s.conn(ctx).Where("account_id = ?", accountID), "id", p)
	var list []models.NotificationRequest
	if err := q.Find(&list).Error; err != nil {
		return nil, translate(err, "notification requests")
	}
	if rev {
		reverse(list)
	}
	return list, nil
}

// NotificationRequestByID returns one of an account's requests.
func (s *Store) NotificationRequestByID(ctx context.Context, accountID, id int64) (models.NotificationRequest, error) {
	var r models.NotificationRequest
	err := s.conn(ctx).Where("account_id = ? AND id = ?", accountID, id).Take(&r).Error
	return r, translate(err, "notification request")
}

// HeldSummary is what one request holds: how many notifications and the
// status of the newest (0: none).
type HeldSummary struct {
	Count        int64
	LastStatusID int64
}

// HeldSummaries sums the held notifications of an account from each of
// fromIDs, in two queries.
func (s *Store) HeldSummaries(ctx context.Context, accountID int64, fromIDs []int64) (map[int64]HeldSummary, error) {
	out := map[int64]HeldSummary{}
	if len(fromIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		FromAccountID, N, LastID int64
	}
	err := s.conn(ctx).Model(&models.HeldNotification{}).Select("from_account_id, COUNT(*) AS n, MAX(id) AS last_id").
		Where("account_id = ? AND from_account_id IN ?", accountID, fromIDs).Group("from_account_id").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "held notifications")
	}
	lastIDs := make([]int64, 0, len(rows))
	for _, r := range rows {
		out[r.FromAccountID] = HeldSummary{Count: r.N}
		lastIDs = append(lastIDs, r.LastID)
	}
	var last []models.HeldNotification
	if err := s.conn(ctx).Where("id IN ?", lastIDs).Find(&last).Error; err != nil {
		return nil, translate(err, "held notifications")
	}
	for _, h := range last {
		if h.StatusID != nil {
			sum := out[h.FromAccountID]
			sum.LastStatusID = *h.StatusID
			out[h.FromAccountID] = sum
		}
	}
	return out, nil
}

// CountNotificationRequests counts an account's requests and the
// notifications they hold.
func (s *Store) CountNotificationRequests(ctx context.Context, accountID int64) (requests, held int64, err error) {
	if err := s.conn(ctx).Model(&models.NotificationRequest{}).Where("account_id = ?", accountID).Count(&requests).Error; err != nil {
		return 0, 0, translate(err, "count notification requests")
	}
	err = s.conn(ctx).Model(&models.HeldNotification{}).Where("account_id = ?", accountID).Count(&held).Error
	return requests, held, translate(err, "count held notifications")
}

// AcceptNotificationRequest delivers what a request holds as ordinary
// notifications (keeping their ids, so they sort where they happened),
// lets its sender through from now on and removes the request.
func (s *Store) AcceptNotificationRequest(ctx context.Context, accountID, id int64, at time.Time) error {
	return s.atomically(ctx, func(tx *Store) error {
		r, err := tx.NotificationRequestByID(ctx, accountID, id)
		if err != nil {
			return err
		}
		err = tx.conn(ctx).Exec(`INSERT INTO notifications (id, created_at, account_id, from_account_id, type, status_id)
			SELECT id, created_at, account_id, from_account_id, type, status_id FROM held_notifications
			WHERE account_id = ? AND from_account_id = ?`, accountID, r.FromAccountID).Error
		if err != nil {
			return translate(err, "release held notifications")
		}
		perm := models.NotificationPermission{AccountID: accountID, FromAccountID: r.FromAccountID, CreatedAt: at}
		if err := tx.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&perm).Error; err != nil {
			return translate(err, "notification permission")
		}
		return tx.dropNotificationRequest(ctx, r)
	})
}

// DismissNotificationRequest removes a request and what it holds.
func (s *Store) DismissNotificationRequest(ctx context.Context, accountID, id int64) error {
	return s.atomically(ctx, func(tx *Store) error {
		r, err := tx.NotificationRequestByID(ctx, accountID, id)
		if err != nil {
			return err
		}
		return tx.dropNotificationRequest(ctx, r)
	})
}

func (s *Store) dropNotificationRequest(ctx context.Context, r models.NotificationRequest) error {
	err := s.conn(ctx).Where("account_id = ? AND from_account_id = ?", r.AccountID, r.FromAccountID).Delete(&models.HeldNotification{}).Error
	if err != nil {
		return translate(err, "drop held notifications")
	}
	return translate(s.conn(ctx).Where("id = ?", r.ID).Delete(&models.NotificationRequest{}).Error, "drop notification request")
}

// MuteConversation mutes a thread for an account (again: nothing).
func (s *Store) MuteConversation(ctx context.Context, m *models.ConversationMute) error {
	if m.ID == 0 {
		m.ID = s.NewID()
	}
	return translate(s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(m).Error, "mute conversation")
}

// UnmuteConversation unmutes a thread (not muted: nothing).
func (s *Store) UnmuteConversation(ctx context.Context, accountID int64, contextURI string) error {
	return translate(s.conn(ctx).Where("account_id = ? AND context_uri = ?", accountID, contextURI).Delete(&models.ConversationMute{}).Error, "unmute conversation")
}

// MutedContexts reports which of the threads an account muted.
func (s *Store) MutedContexts(ctx context.Context, accountID int64, contextURIs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(contextURIs) == 0 {
		return out, nil
	}
	var uris []string
	err := s.conn(ctx).Model(&models.ConversationMute{}).Where("account_id = ? AND context_uri IN ?", accountID, contextURIs).Pluck("context_uri", &uris).Error
	if err != nil {
		return nil, translate(err, "muted conversations")
	}
	for _, u := range uris {
		out[u] = true
	}
	return out, nil
}

// StatusThreadMuted reports whether accountID muted the thread of a status.
func (s *Store) StatusThreadMuted(ctx context.Context, accountID, statusID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.ConversationMute{}).
		Where("account_id = ? AND context_uri <> '' AND context_uri = (SELECT context_uri FROM statuses WHERE id = ?)", accountID, statusID).
		Count(&n).Error
	return n > 0, translate(err, "thread muted")
}

// GroupQuery names the notifications of one group: one type, about one
// status (0: any), made in [Since, Until).
type GroupQuery struct {
	Types        []string
	StatusID     int64
	Since, Until time.Time
}

func (s *Store) groupScope(ctx context.Context, accountID int64, g GroupQuery) *gorm.DB {
	q := s.conn(ctx).Model(&models.Notification{}).Where("account_id = ? AND type IN ? AND created_at >= ? AND created_at < ?", accountID, g.Types, g.Since, g.Until)
	if g.StatusID != 0 {
		q = q.Where("status_id = ?", g.StatusID)
	}
	return q
}

// GroupNotifications pages the notifications of one group, newest first.
func (s *Store) GroupNotifications(ctx context.Context, accountID int64, g GroupQuery, p Page) ([]models.Notification, error) {
	q, rev := paged(s.groupScope(ctx, accountID, g), "id", p)
	var ns []models.Notification
	if err := q.Find(&ns).Error; err != nil {
		return nil, translate(err, "group notifications")
	}
	if rev {
		reverse(ns)
	}
	return ns, nil
}

// DeleteGroupNotifications removes the notifications of one group.
func (s *Store) DeleteGroupNotifications(ctx context.Context, accountID int64, g GroupQuery) error {
	return translate(s.groupScope(ctx, accountID, g).Delete(&models.Notification{}).Error, "dismiss group")
}
