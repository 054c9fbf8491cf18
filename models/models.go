// Package models holds Plaza's gorm table structs and enums. It has no logic
// and imports nothing of the project, so every layer can share it.
package models

import "time"

// ActorType is the ActivityStreams type of an account's actor.
type ActorType string

// Actor types Plaza stores.
const (
	ActorPerson      ActorType = "Person"
	ActorService     ActorType = "Service"
	ActorApplication ActorType = "Application"
	ActorGroup       ActorType = "Group"
)

// Account is an actor, local or remote. Local accounts have Domain == "" and
// a private key; remote accounts are a cache of what their server published.
type Account struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`

	// Username is the preferredUsername as published; UsernameLower holds the
	// case-folded form that uniqueness is checked on.
	Username      string    `gorm:"size:255;not null"`
	UsernameLower string    `gorm:"size:255;not null;uniqueIndex:idx_accounts_username_domain"`
	Domain        string    `gorm:"size:255;not null;default:'';uniqueIndex:idx_accounts_username_domain"`
	ActorType     ActorType `gorm:"size:32;not null"`

	DisplayName string `gorm:"size:255;not null;default:''"`
	Note        string `gorm:"type:text;not null;default:''"` // HTML, sanitised
	AvatarURL   string `gorm:"size:2048;not null;default:''"`
	HeaderURL   string `gorm:"size:2048;not null;default:''"`

	// FieldsJSON holds the profile's []AccountField.
	FieldsJSON string `gorm:"type:text;not null;default:'[]'"`

	Locked       bool `gorm:"not null;default:false"`
	Discoverable bool `gorm:"not null;default:true"`

	// URI is the ActivityPub id; URL is the human profile page.
	URI          string `gorm:"size:2048;not null;uniqueIndex"`
	URL          string `gorm:"size:2048;not null;default:''"`
	InboxURI     string `gorm:"size:2048;not null;default:''"`
	SharedInbox  string `gorm:"size:2048;not null;default:''"`
	OutboxURI    string `gorm:"size:2048;not null;default:''"`
	FollowersURI string `gorm:"size:2048;not null;default:''"`
	FollowingURI string `gorm:"size:2048;not null;default:''"`
	FeaturedURI  string `gorm:"size:2048;not null;default:''"`
	// FeaturedTagsURI is the actor's featuredTags collection (Mastodon's
	// toot:featuredTags): the hashtags it shows on its profile.
	FeaturedTagsURI string `gorm:"size:2048;not null;default:''"`

	// PaymentsURI is the payee endpoint a remote actor advertises (FEP-0ea0
	// link); empty when the actor's software does not take payments.
	PaymentsURI string `gorm:"size:2048;not null;default:''"`

	PublicKeyID  string `gorm:"size:2048;not null;index"`
	PublicKeyPEM string `gorm:"type:text;not null"`
	// PrivateKeyPEM is set for local accounts only.
	PrivateKeyPEM string `gorm:"type:text;not null;default:''"`

	// FetchedAt is when a remote actor was last fetched; zero for local ones.
	FetchedAt   time.Time
	SuspendedAt *time.Time
	// SilencedAt: an admin limited the account (off public timelines);
	// SensitizedAt: its media is always marked sensitive.
	SilencedAt   *time.Time
	SensitizedAt *time.Time
}

// IsLocal reports whether the account lives on this instance.
func (a *Account) IsLocal() bool { return a.Domain == "" }

// User holds the sign-in credentials of a local account.
type User struct {
	ID           int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt    time.Time `gorm:"not null"`
	UpdatedAt    time.Time `gorm:"not null"`
	AccountID    int64     `gorm:"not null;uniqueIndex"`
	Account      *Account  `gorm:"foreignKey:AccountID;constraint:OnDelete:CASCADE"`
	Email        string    `gorm:"size:255;not null"`
	EmailLower   string    `gorm:"size:255;not null;uniqueIndex"`
	PasswordHash string    `gorm:"size:255;not null"`
	Admin        bool      `gorm:"not null;default:false"`
	// Sign-up and sign-in state: an account signs in only when confirmed
	// and not waiting for approval; UnconfirmedEmail is a new address until
	// its link is followed; the TOTP secret is in force once TOTPEnabledAt
	// is set (a secret without it is one being set up).
	ConfirmedAt      *time.Time
	ApprovalPending  bool       `gorm:"not null;default:false"`
	UnconfirmedEmail string     `gorm:"not null;default:''"`
	TOTPSecret       string     `gorm:"column:totp_secret;not null;default:''"`
	TOTPEnabledAt    *time.Time `gorm:"column:totp_enabled_at"`
	// Posting preferences (Mastodon's source[privacy], [sensitive],
	// [language]): what a new post gets when the client says nothing.
	// DefaultPrivacy "" is public; DefaultLanguage "" is none.
	DefaultPrivacy   string `gorm:"size:16;not null;default:''"`
	DefaultSensitive bool   `gorm:"not null;default:false"`
	DefaultLanguage  string `gorm:"size:8;not null;default:''"`
}

// Token is a bearer token for the client API. Only a hash of the secret is
// stored, so a database leak does not leak usable tokens. AccountID is nil
// for an application's own token (client_credentials grant); AppID is nil
// for tokens made with `plaza user token`.
type Token struct {
	ID         int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt  time.Time `gorm:"not null"`
	AccountID  *int64    `gorm:"index"`
	Account    *Account  `gorm:"foreignKey:AccountID;constraint:OnDelete:CASCADE"`
	AppID      *int64    `gorm:"index"`
	App        *OAuthApp `gorm:"foreignKey:AppID;constraint:OnDelete:CASCADE"`
	LastUsedAt *time.Time
	SecretHash string `gorm:"size:64;not null;uniqueIndex"`
	Scopes     string `gorm:"size:1024;not null"` // space-separated
	RevokedAt  *time.Time
}

// InboxActivity records each activity received on an inbox once, by its id,
// so a replayed delivery is recognised and ignored.
type InboxActivity struct {
	ID          int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt   time.Time `gorm:"not null"`
	ActivityURI string    `gorm:"size:2048;not null;uniqueIndex"`
	Type        string    `gorm:"size:64;not null"`
	ActorURI    string    `gorm:"size:2048;not null;index"`
	// RecipientID is the local account whose inbox got it; nil for the
	// shared inbox.
	RecipientID *int64
	Raw         string `gorm:"type:text;not null"`
}
