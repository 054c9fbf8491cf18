package models

import "time"

// RemoteMedia is a remote file (an avatar, a header, an attachment) held in
// the local cache so readers' browsers load it from this instance.
type RemoteMedia struct {
	// URLHash is the hex SHA-256 of RemoteURL.
	URLHash     string    `gorm:"primaryKey;size:64"`
	RemoteURL   string    `gorm:"size:2048;not null"`
	ContentType string    `gorm:"size:128;not null"`
	Size        int64     `gorm:"not null"`
	File        string    `gorm:"size:1024;not null"` // path under storage.path
	FetchedAt   time.Time `gorm:"not null"`
	// LastAccessAt is when a reader last asked for the file; pruning
	// removes the files nobody asked for in a while.
	LastAccessAt time.Time `gorm:"not null;index"`
}

// TableName keeps the plural table name of the frozen step.
func (RemoteMedia) TableName() string { return "remote_media" }
