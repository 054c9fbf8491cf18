package models

import "time"

// NotificationPolicyValue is what happens to a notification one rule of a
// policy covers (Mastodon 4.3's names).
type NotificationPolicyValue string

// The policy values.
const (
	PolicyAccept NotificationPolicyValue = "accept"
	PolicyFilter NotificationPolicyValue = "filter"
	PolicyDrop   NotificationPolicyValue = "drop"
)

// NotificationPolicy is how an account treats notifications from people
// it does not know; an account without a row has the defaults.
type NotificationPolicy struct {
	AccountID          int64                   `gorm:"primaryKey;autoIncrement:false"`
	UpdatedAt          time.Time               `gorm:"not null"`
	ForNotFollowing    NotificationPolicyValue `gorm:"not null"`
	ForNotFollowers    NotificationPolicyValue `gorm:"not null"`
	ForNewAccounts     NotificationPolicyValue `gorm:"not null"`
	ForPrivateMentions NotificationPolicyValue `gorm:"not null"`
	ForLimitedAccounts NotificationPolicyValue `gorm:"not null"`
}

// NotificationRequest is one sender whose notifications an account's
// policy filtered; they wait as HeldNotifications until it is accepted.
type NotificationRequest struct {
	ID            int64     `gorm:"primaryKey;autoIncrement:false;index:idx_notification_requests_account,priority:2"`
	CreatedAt     time.Time `gorm:"not null"`
	UpdatedAt     time.Time `gorm:"not null"`
	AccountID     int64     `gorm:"not null;uniqueIndex:idx_notification_requests_pair,priority:1;index:idx_notification_requests_account,priority:1"`
	FromAccountID int64     `gorm:"not null;uniqueIndex:idx_notification_requests_pair,priority:2"`
}

// HeldNotification is a filtered notification: a Notification that has
// not been delivered, waiting for its request to be accepted.
type HeldNotification struct {
	ID            int64            `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt     time.Time        `gorm:"not null"`
	AccountID     int64            `gorm:"not null;index:idx_held_notifications_pair,priority:1"`
	FromAccountID int64            `gorm:"not null;index:idx_held_notifications_pair,priority:2"`
	Type          NotificationType `gorm:"size:32;not null"`
	StatusID      *int64
}

// NotificationPermission lets one sender's notifications past an
// account's policy (made by accepting their request).
type NotificationPermission struct {
	AccountID     int64     `gorm:"primaryKey;autoIncrement:false"`
	FromAccountID int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt     time.Time `gorm:"not null"`
}

// ConversationMute silences the notifications of one thread (statuses of
// one ContextURI) for an account.
type ConversationMute struct {
	ID         int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt  time.Time `gorm:"not null"`
	AccountID  int64     `gorm:"not null;uniqueIndex:idx_conversation_mutes_pair,priority:1"`
	ContextURI string    `gorm:"size:2048;not null;uniqueIndex:idx_conversation_mutes_pair,priority:2"`
}
