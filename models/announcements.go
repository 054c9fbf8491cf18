package models

import "time"

// Announcement is an admin's notice to every local user (Mastodon's
// announcements), shown by apps above the home timeline while it runs.
type Announcement struct {
	ID        int64      `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time  `gorm:"not null"`
	UpdatedAt time.Time  `gorm:"not null"`
	Text      string     `gorm:"type:text;not null"` // as the admin wrote it
	Content   string     `gorm:"type:text;not null"` // rendered HTML
	StartsAt  *time.Time // nil: from when it is made
	EndsAt    *time.Time // nil: until removed
}

// AnnouncementRead records that an account dismissed an announcement.
type AnnouncementRead struct {
	AnnouncementID int64     `gorm:"primaryKey;autoIncrement:false"`
	AccountID      int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt      time.Time `gorm:"not null"`
}

// AnnouncementReaction is one account's reaction to an announcement: a
// Unicode emoji or the shortcode of a local custom emoji.
type AnnouncementReaction struct {
	AnnouncementID int64     `gorm:"primaryKey;autoIncrement:false"`
	AccountID      int64     `gorm:"primaryKey;autoIncrement:false"`
	Name           string    `gorm:"primaryKey;size:64"`
	CreatedAt      time.Time `gorm:"not null"`
}
