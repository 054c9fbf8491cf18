package models

import "time"

// WebSession is a signed-in browser of the web UI. The cookie carries a
// random secret; only its SHA-256 is stored, so a database leak does not
// hand out sessions. CSRFToken is the synchronizer token every form of the
// session must echo.
type WebSession struct {
	ID         int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt  time.Time `gorm:"not null"`
	AccountID  int64     `gorm:"not null;index"`
	Account    *Account  `gorm:"foreignKey:AccountID;constraint:OnDelete:CASCADE"`
	SecretHash string    `gorm:"size:64;not null;uniqueIndex"`
	CSRFToken  string    `gorm:"size:64;not null"`
	UserAgent  string    `gorm:"size:512;not null;default:''"`
	LastSeenAt time.Time `gorm:"not null"`
	ExpiresAt  time.Time `gorm:"not null;index"`
}
