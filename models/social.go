package models

import "time"

// Visibility says who may see a status, with Mastodon's names.
type Visibility string

// Visibilities, from widest to narrowest.
const (
	VisibilityPublic   Visibility = "public"   // to as:Public
	VisibilityUnlisted Visibility = "unlisted" // cc as:Public
	VisibilityPrivate  Visibility = "private"  // followers only
	VisibilityDirect   Visibility = "direct"   // mentioned accounts only
)

// Status is a post, local or remote. A boost is a Status too, with
// ReblogOfID set and no content of its own (as in Mastodon).
type Status struct {
	// The timeline indexes end in id, so every timeline pages by id.
	ID        int64     `gorm:"primaryKey;autoIncrement:false;index:idx_statuses_account_id_id,priority:2;index:idx_statuses_public_tl,priority:3;index:idx_statuses_visibility_id,priority:2"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`

	// URI is the ActivityPub id (of the Note, or of the Announce for a
	// boost); URL the page people open.
	URI string `gorm:"size:2048;not null;uniqueIndex"`
	URL string `gorm:"size:2048;not null;default:''"`

	AccountID int64    `gorm:"not null;index:idx_statuses_account_id_id,priority:1"`
	Account   *Account `gorm:"foreignKey:AccountID;constraint:OnDelete:CASCADE"`
	Local     bool     `gorm:"not null;index:idx_statuses_public_tl,priority:2"`

	InReplyToID        *int64 `gorm:"index"`
	InReplyToURI       string `gorm:"size:2048;not null;default:''"`
	InReplyToAccountID *int64
	ReblogOfID         *int64 `gorm:"index"`
	// ContextURI groups a thread (ActivityPub context/conversation).
	ContextURI string `gorm:"size:2048;not null;default:'';index"`

	// Content is HTML: rendered from Text for local posts, sanitised for
	// remote ones.
	Content     string     `gorm:"type:text;not null;default:''"`
	Text        string     `gorm:"type:text;not null;default:''"`
	SpoilerText string     `gorm:"type:text;not null;default:''"`
	Sensitive   bool       `gorm:"not null;default:false"`
	Language    string     `gorm:"size:16;not null;default:''"`
	Visibility  Visibility `gorm:"size:16;not null;index:idx_statuses_public_tl,priority:1;index:idx_statuses_visibility_id,priority:1"`
	EditedAt    *time.Time

	RepliesCount    int64 `gorm:"not null;default:0"`
	ReblogsCount    int64 `gorm:"not null;default:0"`
	FavouritesCount int64 `gorm:"not null;default:0"`
}

// StatusEdit is one earlier version of an edited status (its history).
type StatusEdit struct {
	ID          int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt   time.Time `gorm:"not null"`
	StatusID    int64     `gorm:"not null;index"`
	Content     string    `gorm:"type:text;not null"`
	SpoilerText string    `gorm:"type:text;not null;default:''"`
	Sensitive   bool      `gorm:"not null;default:false"`
}

// Mention links a status to an account it addresses by name.
type Mention struct {
	ID        int64 `gorm:"primaryKey;autoIncrement:false"`
	StatusID  int64 `gorm:"not null;uniqueIndex:idx_mentions_status_account;index:idx_mentions_account_status,priority:2"`
	AccountID int64 `gorm:"not null;uniqueIndex:idx_mentions_status_account;index:idx_mentions_account_status,priority:1"`
	Silent    bool  `gorm:"not null;default:false"` // addressed but not named in the text
}

// Tag is a hashtag, stored lower-case without '#'.
type Tag struct {
	ID   int64  `gorm:"primaryKey;autoIncrement:false"`
	Name string `gorm:"size:255;not null;uniqueIndex"`
}

// StatusTag links a status to a hashtag.
type StatusTag struct {
	StatusID int64 `gorm:"primaryKey;autoIncrement:false;index:idx_status_tags_tag_status,priority:2"`
	TagID    int64 `gorm:"primaryKey;autoIncrement:false;index:idx_status_tags_tag_status,priority:1"`
}

// MediaAttachment is an image or other file on a status.
type MediaAttachment struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	AccountID int64     `gorm:"not null;index"`
	StatusID  *int64    `gorm:"index"`
	Type      string    `gorm:"size:16;not null"` // image, gifv, video, audio, unknown
	MimeType  string    `gorm:"size:128;not null;default:''"`
	RemoteURL string    `gorm:"size:2048;not null;default:''"`
	URL       string    `gorm:"size:2048;not null;default:''"` // served by this instance
	// File and PreviewFile are paths under storage.path for local uploads.
	File        string  `gorm:"size:1024;not null;default:''"`
	PreviewFile string  `gorm:"size:1024;not null;default:''"`
	PreviewURL  string  `gorm:"size:2048;not null;default:''"`
	Description string  `gorm:"type:text;not null;default:''"` // alt text
	Blurhash    string  `gorm:"size:255;not null;default:''"`
	Width       int     `gorm:"not null;default:0"`
	Height      int     `gorm:"not null;default:0"`
	FocusX      float64 `gorm:"not null;default:0"`
	FocusY      float64 `gorm:"not null;default:0"`
	// Processing is "" once the file is ready to serve, "processing" while
	// a video or audio upload waits for ffmpeg, "failed" when it could not
	// be used. ProcessingAt is when a server took it on (a lease: another
	// takes it over when it is old).
	Processing   string `gorm:"size:16;not null;default:'';index"`
	ProcessingAt *time.Time
	Duration     float64 `gorm:"not null;default:0"`          // seconds, of video and audio
	FrameRate    string  `gorm:"size:32;not null;default:''"` // ffprobe's "30/1"
}

// Processing states of a media attachment.
const (
	MediaProcessing       = "processing"
	MediaProcessingFailed = "failed"
)

// Follow is a follow relationship; not Accepted yet means a follow request.
type Follow struct {
	ID              int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt       time.Time `gorm:"not null"`
	UpdatedAt       time.Time `gorm:"not null"`
	AccountID       int64     `gorm:"not null;uniqueIndex:idx_follows_pair"`
	TargetAccountID int64     `gorm:"not null;uniqueIndex:idx_follows_pair;index:idx_follows_target,priority:1"`
	Accepted        bool      `gorm:"not null;default:false;index:idx_follows_target,priority:2"`
	URI             string    `gorm:"size:2048;not null;uniqueIndex"` // the Follow activity id
}

// Favourite is a like.
type Favourite struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	AccountID int64     `gorm:"not null;uniqueIndex:idx_favourites_pair"`
	StatusID  int64     `gorm:"not null;uniqueIndex:idx_favourites_pair;index"`
	URI       string    `gorm:"size:2048;not null;uniqueIndex"` // the Like activity id
}

// Block stops all interaction between two accounts.
type Block struct {
	ID              int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt       time.Time `gorm:"not null"`
	AccountID       int64     `gorm:"not null;uniqueIndex:idx_blocks_pair"`
	TargetAccountID int64     `gorm:"not null;uniqueIndex:idx_blocks_pair;index"`
	URI             string    `gorm:"size:2048;not null;uniqueIndex"`
}

// NotificationType is what a notification is about (Mastodon's names).
type NotificationType string

// Notification types.
const (
	NotifyMention       NotificationType = "mention"
	NotifyFollow        NotificationType = "follow"
	NotifyFollowRequest NotificationType = "follow_request"
	NotifyFavourite     NotificationType = "favourite"
	NotifyReblog        NotificationType = "reblog"
	NotifyStatus        NotificationType = "status"
	NotifyUpdate        NotificationType = "update"
	NotifyReply         NotificationType = "reply" // stored as mention for Mastodon clients; kept for the web UI
)

// Notification tells a local account that something happened.
type Notification struct {
	ID            int64            `gorm:"primaryKey;autoIncrement:false;index:idx_notifications_account_id,priority:2"`
	CreatedAt     time.Time        `gorm:"not null"`
	AccountID     int64            `gorm:"not null;index:idx_notifications_account_id,priority:1"`
	FromAccountID int64            `gorm:"not null"`
	Type          NotificationType `gorm:"size:32;not null"`
	StatusID      *int64           `gorm:"index"`
	// PaymentID and RequestID name the payment or money request a payment
	// notification is about (0: none); SubjectState is the state it had
	// then ("succeeded", "refunded", "declined"…), so the sentence stays
	// true when the payment moves on.
	PaymentID    int64  `gorm:"not null;default:0"`
	RequestID    int64  `gorm:"not null;default:0"`
	SubjectState string `gorm:"not null;default:''"`
}

// Conversation is a direct-message thread.
type Conversation struct {
	ID         int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt  time.Time `gorm:"not null"`
	ContextURI string    `gorm:"size:2048;not null;default:'';index"`
	// Name is a chat's Plaza-only name (docs/CHATS.md); empty for none.
	Name string `gorm:"size:255;not null;default:''"`
}

// AccountConversation is one participant's view of a conversation: what
// Mastodon's /api/v1/conversations lists.
type AccountConversation struct {
	AccountID      int64 `gorm:"primaryKey;autoIncrement:false;index:idx_account_conversations_last,priority:1"`
	ConversationID int64 `gorm:"primaryKey;autoIncrement:false"`
	LastStatusID   int64 `gorm:"not null;index:idx_account_conversations_last,priority:2"`
	Unread         bool  `gorm:"not null;default:true"`
	Hidden         bool  `gorm:"not null;default:false"`
	// LastReadID is the last message read; later ones are unread.
	LastReadID int64 `gorm:"not null;default:0"`
	// RequestFromID is the stranger whose message request holds this
	// conversation out of the list; 0 when it is not a request.
	RequestFromID int64 `gorm:"not null;default:0"`
}
