package models

import "time"

// RepliesPolicy says which replies a list timeline shows (Mastodon's
// replies_policy): replies to anyone the owner follows, to members of the
// list, or none. Replies to oneself (threads) always show.
type RepliesPolicy string

// Replies policies.
const (
	RepliesFollowed RepliesPolicy = "followed"
	RepliesList     RepliesPolicy = "list"
	RepliesNone     RepliesPolicy = "none"
)

// List is a named set of accounts one local account follows, with its own
// timeline. Posts of an exclusive list's members leave the home timeline.
type List struct {
	ID            int64         `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt     time.Time     `gorm:"not null"`
	AccountID     int64         `gorm:"not null;index"`
	Title         string        `gorm:"size:255;not null"`
	RepliesPolicy RepliesPolicy `gorm:"size:16;not null;default:'list'"`
	Exclusive     bool          `gorm:"not null;default:false"`
}

// ListAccount is one member of a list. OwnerID repeats the list's owner
// so that the home timeline's exclusive-list check, "which of my lists hold
// her" and removal from all of an owner's lists on unfollow are one index
// lookup each.
type ListAccount struct {
	ListID    int64     `gorm:"primaryKey;autoIncrement:false"`
	AccountID int64     `gorm:"primaryKey;autoIncrement:false;index:idx_list_accounts_owner_account,priority:2"`
	OwnerID   int64     `gorm:"not null;index:idx_list_accounts_owner_account,priority:1"`
	Exclusive bool      `gorm:"not null;default:false"` // the list's, copied so home needs no join
	CreatedAt time.Time `gorm:"not null"`
}
