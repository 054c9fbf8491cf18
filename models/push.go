package models

import "time"

// WebPushSubscription is one access token's Web Push subscription
// (Mastodon's push API): where the browser's or app's push service takes
// messages, the keys to encrypt them for it, and which notifications it
// wants. One per token; subscribing again replaces it.
type WebPushSubscription struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	TokenID   int64     `gorm:"not null;uniqueIndex"`
	AccountID int64     `gorm:"not null;index"`
	Endpoint  string    `gorm:"type:text;not null"`
	P256dh    string    `gorm:"size:255;not null"`  // the subscriber's public key, base64url
	Auth      string    `gorm:"size:255;not null"`  // the shared auth secret, base64url
	Alerts    string    `gorm:"size:1024;not null"` // the alert types wanted, space-separated
	Policy    string    `gorm:"size:16;not null"`   // all, followed, follower or none
}

// WebPushClaim records that a notification's pushes were taken by one
// process, so processes sharing a database push each notification once.
type WebPushClaim struct {
	NotificationID int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt      time.Time `gorm:"not null;index"`
}
