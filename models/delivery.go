package models

import "time"

// Delivery is one signed POST of one activity to one inbox, waiting in the
// durable queue. It is written in the same transaction as the change that
// causes it.
type Delivery struct {
	ID          int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt   time.Time `gorm:"not null"`
	ActivityURI string    `gorm:"size:2048;not null"`
	InboxURL    string    `gorm:"size:2048;not null"`
	// Domain is the inbox's host, for per-instance back-off.
	Domain string `gorm:"size:255;not null;index"`
	// SignerAccountID is the local account whose key signs the POST.
	SignerAccountID int64  `gorm:"not null"`
	Payload         string `gorm:"type:text;not null"`

	Attempts      int       `gorm:"not null;default:0"`
	NextAttemptAt time.Time `gorm:"not null;index:idx_deliveries_due,priority:2"`
	// State is pending, delivered or failed (given up).
	State       string `gorm:"size:16;not null;index:idx_deliveries_due,priority:1"`
	LockedUntil *time.Time
	LockedBy    string `gorm:"size:64;not null;default:''"`
	LastError   string `gorm:"type:text;not null;default:''"`
	LastStatus  int    `gorm:"not null;default:0"`
	DeliveredAt *time.Time
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// InstanceHealth tracks how deliveries to one remote instance go, so the
// queue slows down for instances that keep failing.
type InstanceHealth struct {
	Domain              string `gorm:"primaryKey;size:255"`
	ConsecutiveFailures int    `gorm:"not null;default:0"`
	LastFailureAt       *time.Time
	LastSuccessAt       *time.Time
	// FailingSince is set once failures pass a threshold; cleared on success.
	FailingSince *time.Time
}
