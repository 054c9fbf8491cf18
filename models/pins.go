package models

import "time"

// StatusPin is a status its author pinned to their profile (the actor's
// featured collection). A newer pin has a larger id.
type StatusPin struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	AccountID int64     `gorm:"not null;uniqueIndex:idx_status_pins_pair,priority:1"`
	StatusID  int64     `gorm:"not null;uniqueIndex:idx_status_pins_pair,priority:2;index"`
}
