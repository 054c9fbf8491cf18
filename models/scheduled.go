package models

import "time"

// ScheduledStatus is a post a local account has asked to publish later
// (Mastodon's scheduled_at). Params holds the post as the client sent it,
// as JSON, so publishing later needs nothing but this row.
type ScheduledStatus struct {
	ID          int64     `gorm:"primaryKey;autoIncrement:false;index:idx_scheduled_statuses_account,priority:2"`
	AccountID   int64     `gorm:"not null;index:idx_scheduled_statuses_account,priority:1"`
	ScheduledAt time.Time `gorm:"not null;index:idx_scheduled_statuses_due"`
	Params      string    `gorm:"type:text;not null"`
	CreatedAt   time.Time `gorm:"not null"`
}
