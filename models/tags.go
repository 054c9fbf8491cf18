package models

import "time"

// TagFollow is a hashtag an account follows: public posts carrying it
// reach the account's home timeline. A newer follow has a larger id.
type TagFollow struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	AccountID int64     `gorm:"not null;uniqueIndex:idx_tag_follows_pair,priority:1"`
	TagID     int64     `gorm:"not null;uniqueIndex:idx_tag_follows_pair,priority:2;index"`
}

// FeaturedTag is a hashtag an account shows on its profile (the actor's
// featuredTags collection). A remote account's are read from its actor.
type FeaturedTag struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	AccountID int64     `gorm:"not null;uniqueIndex:idx_featured_tags_pair,priority:1"`
	TagID     int64     `gorm:"not null;uniqueIndex:idx_featured_tags_pair,priority:2"`
}
