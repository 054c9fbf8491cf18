package models

// AccountStat holds the counters of Mastodon's Account entity, kept up to
// date in the transaction of each change that moves them (store
// package), so a page of accounts reads them instead of counting.
// Statuses counts public and unlisted statuses and boosts; LastStatusID is
// the newest of those (its time is Mastodon's last_status_at), 0 for none.
type AccountStat struct {
	AccountID      int64 `gorm:"primaryKey;autoIncrement:false"`
	StatusesCount  int64 `gorm:"not null;default:0"`
	FollowersCount int64 `gorm:"not null;default:0"`
	FollowingCount int64 `gorm:"not null;default:0"`
	LastStatusID   int64 `gorm:"not null;default:0"`
}

// TableName keeps the table name plural like the others.
func (AccountStat) TableName() string { return "account_stats" }
