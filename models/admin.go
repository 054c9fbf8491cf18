package models

import "time"

// DomainBlock cuts federation with a remote server: what it sends is
// dropped and nothing is delivered to it. Domain is the lower-case host
// (with its port, if the block names one); a block also covers subdomains.
type DomainBlock struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	Domain    string    `gorm:"size:255;not null;uniqueIndex"`
	Reason    string    `gorm:"type:text;not null;default:''"` // the private comment
	// Severity is suspend (default), silence (limit) or noop; RejectMedia
	// and RejectReports apply at any severity.
	Severity      string `gorm:"type:text;not null;default:'suspend'"`
	RejectMedia   bool   `gorm:"not null;default:false"`
	RejectReports bool   `gorm:"not null;default:false"`
	PublicComment string `gorm:"type:text;not null;default:''"`
	Obfuscate     bool   `gorm:"not null;default:false"`
}

// InstanceSetting is one setting an admin changed in the web UI; it takes
// precedence over the configuration file's value.
type InstanceSetting struct {
	Key       string    `gorm:"primaryKey;size:64"`
	Value     string    `gorm:"type:text;not null;default:''"`
	UpdatedAt time.Time `gorm:"not null"`
}
