package models

import "time"

// CustomEmoji is an image shown for :shortcode: in posts, names and bios.
// Domain "" is this instance's own (uploaded by an admin, File under the
// media directory); otherwise it came in an Emoji tag of a remote object
// from that domain, and ImageRemoteURL is where its image is (served
// through the remote media cache). One shortcode per domain.
type CustomEmoji struct {
	ID              int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt       time.Time `gorm:"not null"`
	UpdatedAt       time.Time `gorm:"not null"`
	Shortcode       string    `gorm:"size:64;not null;uniqueIndex:idx_custom_emojis_shortcode_domain"`
	Domain          string    `gorm:"size:255;not null;default:'';uniqueIndex:idx_custom_emojis_shortcode_domain"`
	File            string    `gorm:"size:255;not null;default:''"`
	URL             string    `gorm:"size:2048;not null;default:''"` // a local emoji's served image
	ImageRemoteURL  string    `gorm:"size:2048;not null;default:''"`
	URI             string    `gorm:"size:2048;not null;default:''"` // the Emoji's ActivityPub id
	MimeType        string    `gorm:"size:64;not null;default:''"`
	Category        string    `gorm:"size:64;not null;default:''"`
	VisibleInPicker bool      `gorm:"not null;default:true"`
}
