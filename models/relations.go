package models

import "time"

// AccountDomainBlock is a user's own block of a whole remote domain: its
// accounts' posts and notifications stay out of the user's timelines and
// notifications, and follows both ways end.
type AccountDomainBlock struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	AccountID int64     `gorm:"not null;uniqueIndex:idx_account_domain_blocks_pair,priority:1"`
	Domain    string    `gorm:"size:255;not null;uniqueIndex:idx_account_domain_blocks_pair,priority:2"`
}

// AccountNote is a user's private note on another account.
type AccountNote struct {
	ID              int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt       time.Time `gorm:"not null"`
	UpdatedAt       time.Time `gorm:"not null"`
	AccountID       int64     `gorm:"not null;uniqueIndex:idx_account_notes_pair,priority:1"`
	TargetAccountID int64     `gorm:"not null;uniqueIndex:idx_account_notes_pair,priority:2;index"`
	Comment         string    `gorm:"type:text;not null"`
}

// AccountEndorsement is an account a user features on their profile
// (Mastodon's account pins). A newer endorsement has a larger id.
type AccountEndorsement struct {
	ID              int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt       time.Time `gorm:"not null"`
	AccountID       int64     `gorm:"not null;uniqueIndex:idx_account_endorsements_pair,priority:1"`
	TargetAccountID int64     `gorm:"not null;uniqueIndex:idx_account_endorsements_pair,priority:2;index"`
}

// SuggestionDismissal is an account a user asked never to be suggested
// again.
type SuggestionDismissal struct {
	ID              int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt       time.Time `gorm:"not null"`
	AccountID       int64     `gorm:"not null;uniqueIndex:idx_suggestion_dismissals_pair,priority:1"`
	TargetAccountID int64     `gorm:"not null;uniqueIndex:idx_suggestion_dismissals_pair,priority:2"`
}
