package models

import "time"

// OAuthApp is a client application registered with POST /api/v1/apps.
type OAuthApp struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	Name      string    `gorm:"size:255;not null"`
	Website   string    `gorm:"size:2048;not null;default:''"`
	// RedirectURIs are newline-separated, as Mastodon stores them.
	RedirectURIs string `gorm:"type:text;not null"`
	Scopes       string `gorm:"size:1024;not null"` // space-separated
	ClientID     string `gorm:"size:64;not null;uniqueIndex"`
	// ClientSecretHash is a SHA-256 of the secret, which is shown once.
	ClientSecretHash string `gorm:"size:64;not null"`
}

// OAuthCode is a one-time authorization code of the authorization-code
// grant, with its PKCE challenge.
type OAuthCode struct {
	ID                  int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt           time.Time `gorm:"not null"`
	CodeHash            string    `gorm:"size:64;not null;uniqueIndex"`
	AppID               int64     `gorm:"not null;index"`
	AccountID           int64     `gorm:"not null"`
	RedirectURI         string    `gorm:"size:2048;not null"`
	Scopes              string    `gorm:"size:1024;not null"`
	CodeChallenge       string    `gorm:"size:128;not null;default:''"`
	CodeChallengeMethod string    `gorm:"size:16;not null;default:''"`
	ExpiresAt           time.Time `gorm:"not null"`
	UsedAt              *time.Time
}

// Bookmark is a status a user saved for later; private to that user.
type Bookmark struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false;index:idx_bookmarks_account_id,priority:2"`
	CreatedAt time.Time `gorm:"not null"`
	AccountID int64     `gorm:"not null;uniqueIndex:idx_bookmarks_pair;index:idx_bookmarks_account_id,priority:1"`
	StatusID  int64     `gorm:"not null;uniqueIndex:idx_bookmarks_pair;index"`
}

// Mute hides an account's posts (and optionally notifications) from a user
// without telling them.
type Mute struct {
	ID              int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt       time.Time `gorm:"not null"`
	AccountID       int64     `gorm:"not null;uniqueIndex:idx_mutes_pair"`
	TargetAccountID int64     `gorm:"not null;uniqueIndex:idx_mutes_pair;index"`
	Notifications   bool      `gorm:"not null"`
}

// Marker is a user's read position in a timeline (home or notifications).
type Marker struct {
	AccountID  int64     `gorm:"primaryKey;autoIncrement:false"`
	Timeline   string    `gorm:"primaryKey;size:32"`
	LastReadID int64     `gorm:"not null"`
	Version    int       `gorm:"not null"`
	UpdatedAt  time.Time `gorm:"not null"`
}

// IdempotencyKey remembers the status a POST /api/v1/statuses with an
// Idempotency-Key header made, so a retried request returns it again.
type IdempotencyKey struct {
	AccountID int64     `gorm:"primaryKey;autoIncrement:false"`
	Key       string    `gorm:"primaryKey;size:255"`
	StatusID  int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

// AccountField is one name/value pair on a profile, stored as JSON in
// Account.FieldsJSON.
type AccountField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}
