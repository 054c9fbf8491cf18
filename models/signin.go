package models

import "time"

// User token purposes.
const (
	TokenConfirm     = "confirm"
	TokenReset       = "reset"
	TokenEmailChange = "email_change"
	TokenSecondStep  = "second_step" // password checked, code still due
)

// UserToken is a single-use secret sent by email (or held by a sign-in
// form between the password and the code); only its hash is stored.
type UserToken struct {
	ID         int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt  time.Time `gorm:"not null"`
	AccountID  int64     `gorm:"not null;index"`
	Purpose    string    `gorm:"not null"`
	SecretHash string    `gorm:"not null;uniqueIndex"`
	Email      string    `gorm:"not null;default:''"`
	ExpiresAt  time.Time `gorm:"not null"`
	UsedAt     *time.Time
}

// RecoveryCode is one of the ten codes that replace a TOTP code once.
type RecoveryCode struct {
	ID        int64  `gorm:"primaryKey;autoIncrement:false"`
	AccountID int64  `gorm:"not null"`
	CodeHash  string `gorm:"not null"`
	UsedAt    *time.Time
}

// Invite is an admin's sign-up link; it opens sign-up even when
// registrations are closed and skips approval. MaxUses 0 is unlimited.
type Invite struct {
	ID          int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt   time.Time `gorm:"not null"`
	CreatedByID int64     `gorm:"not null"`
	Code        string    `gorm:"not null;uniqueIndex"`
	MaxUses     int       `gorm:"not null;default:0"`
	Uses        int       `gorm:"not null;default:0"`
	ExpiresAt   *time.Time
}
