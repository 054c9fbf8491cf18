package models

import "time"

// Filter is one of a user's content filters (Mastodon's CustomFilter): its
// keywords and statuses mark matching statuses in the contexts it names.
type Filter struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
	AccountID int64     `gorm:"not null;index"`
	Title     string    `gorm:"type:text;not null"`
	// Context is the comma-separated contexts it applies in (home,
	// notifications, public, thread, account).
	Context string `gorm:"size:128;not null"`
	// Action is warn or hide.
	Action    string `gorm:"size:16;not null"`
	ExpiresAt *time.Time
}

// FilterKeyword is a word or phrase of a filter.
type FilterKeyword struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
	FilterID  int64     `gorm:"not null;uniqueIndex:idx_filter_keywords_pair,priority:1"`
	Keyword   string    `gorm:"size:512;not null;uniqueIndex:idx_filter_keywords_pair,priority:2"`
	WholeWord bool      `gorm:"not null"` // no gorm default: false must be written
}

// FilterStatus is one status a filter matches by id.
type FilterStatus struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	FilterID  int64     `gorm:"not null;uniqueIndex:idx_filter_statuses_pair,priority:1"`
	StatusID  int64     `gorm:"not null;uniqueIndex:idx_filter_statuses_pair,priority:2;index"`
}
