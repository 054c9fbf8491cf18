package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"plaza/models"
)

// MessageRequestBetween returns the request of from to account.
func (s *Store) MessageRequestBetween(ctx context.Context, accountID, fromID int64) (*models.MessageRequest, error) {
	var r models.MessageRequest
	err := s.conn(ctx).Where("account_id = ? AND from_account_id = ?", accountID, fromID).Take(&r).Error
	return &r, translate(err, "message request")
}

// HoldMessage records a held message in the request of from to account,
// opening it (pending) when it is new or was dismissed.
func (s *Store) HoldMessage(ctx context.Context, accountID, fromID, statusID int64, at time.Time) error {
	r := models.MessageRequest{ID: s.NewID(), CreatedAt: at, UpdatedAt: at, AccountID: accountID, FromAccountID: fromID,
		State: models.RequestPending, LastStatusID: statusID, MessagesCount: 1}
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "account_id"}, {Name: "from_account_id"}},
		DoUpdates: clause.Assignments(map[string]any{
			"state":          models.RequestPending,
			"updated_at":     at,
			"last_status_id": statusID,
			"messages_count": gorm.Expr("CASE WHEN message_requests.state = ? THEN message_requests.messages_count + 1 ELSE 1 END", models.RequestPending),
		}),
	}).Create(&r).Error
	return translate(err, "hold message")
}

// PendingRequests pages an account's pending message requests by id.
func (s *Store) PendingRequests(ctx context.Context, accountID int64, p Page) ([]models.MessageRequest, error) {
	q, rev := paged(s.conn(ctx).Where("account_id = ? AND state = ?", accountID, models.RequestPending), "id", p)
	var list []models.MessageRequest
	if err := q.Find(&list).Error; err != nil {
		return nil, translate(err, "message requests")
	}
	if rev {
		reverse(list)
	}
	return list, nil
}

// PendingRequest returns one of an account's pending requests.
func (s *Store) PendingRequest(ctx context.Context, accountID, id int64) (*models.MessageRequest, error) {
	var r models.MessageRequest
	err := s.conn(ctx).Where("id = ? AND account_id = ? AND state = ?", id, accountID, models.RequestPending).Take(&r).Error
	return &r, translate(err, "message request")
}

// CountPendingRequests counts an account's pending requests.
func (s *Store) CountPendingRequests(ctx context.Context, accountID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.MessageRequest{}).Where("account_id = ? AND state = ?", accountID, models.RequestPending).Count(&n).Error
	return n, translate(err, "count message requests")
}

// CloseRequest answers a request: accepted moves its conversations into
// the account's list, dismissed hides them.
func (s *Store) CloseRequest(ctx context.Context, r *models.MessageRequest, state models.MessageRequestState, at time.Time) error {
	err := s.conn(ctx).Model(&models.MessageRequest{}).Where("id = ?", r.ID).Updates(map[string]any{"state": state, "updated_at": at}).Error
	if err != nil {
		return translate(err, "close message request")
	}
	var convIDs []int64
	q := func() *gorm.DB {
		return s.conn(ctx).Model(&models.AccountConversation{}).Where("account_id = ? AND request_from_id = ?", r.AccountID, r.FromAccountID)
	}
	if err := q().Pluck("conversation_id", &convIDs).Error; err != nil {
		return translate(err, "close message request")
	}
	if state == models.RequestAccepted {
		err = q().Update("request_from_id", 0).Error
	} else {
		err = q().Update("hidden", true).Error
	}
	if err != nil {
		return translate(err, "close message request")
	}
	for _, id := range convIDs {
		if err := s.Emit(ctx, Event{Kind: EventConversation, ID: id, AccountID: r.AccountID}); err != nil {
			return err
		}
	}
	return nil
}

// IsStranger reports whether a direct message from sender to recipient
// waits in the recipient's Requests: recipient is local, does not follow
// sender, has not accepted a request from them and shares no accepted chat
// with them. Payments asks it for money requests too.
func (s *Store) IsStranger(ctx context.Context, recipient, sender *models.Account) (bool, error) {
	if recipient.ID == sender.ID || !recipient.IsLocal() {
		return false, nil
	}
	if following, err := s.IsFollowing(ctx, recipient.ID, sender.ID); err != nil || following {
		return false, err
	}
	r, err := s.MessageRequestBetween(ctx, recipient.ID, sender.ID)
	switch {
	case err == nil && r.State == models.RequestAccepted:
		return false, nil
	case err != nil && !errors.Is(err, ErrNotFound):
		return false, err
	}
	shares, err := s.sharesChat(ctx, recipient.ID, sender.ID)
	return !shares, err
}
