package models

import "time"

// QuotePolicy is who may quote a status and have the quote approved at
// once (Mastodon's quote_approval_policy).
type QuotePolicy string

// Quote policies.
const (
	QuotePublic    QuotePolicy = "public"
	QuoteFollowers QuotePolicy = "followers"
	QuoteNobody    QuotePolicy = "nobody"
)

// QuoteState is where a quote stands with the quoted post's author
// (Mastodon's Quote entity state).
type QuoteState string

// Quote states.
const (
	QuotePending  QuoteState = "pending"
	QuoteAccepted QuoteState = "accepted"
	QuoteRejected QuoteState = "rejected"
	QuoteRevoked  QuoteState = "revoked"
)

// NotifyQuote tells an author that a post of theirs was quoted (Mastodon
// 4.5's "quote" notification; its status is the quoting post).
const NotifyQuote NotificationType = "quote"

// StatusQuotePolicy is the quote policy an author set on one status; a
// status without a row is quoted by nobody but its author.
type StatusQuotePolicy struct {
	StatusID int64       `gorm:"primaryKey;autoIncrement:false"`
	Policy   QuotePolicy `gorm:"size:16;not null"`
}

// Quote is one post quoting another (FEP-044f). The quoting post is known
// by its URI (on the quoted author's server it may not be stored), the
// quoted one by its URI and, once stored here, its id.
type Quote struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
	// QuotingURI is the quoting Note's id; a post quotes one post.
	QuotingURI     string     `gorm:"size:2048;not null;uniqueIndex"`
	StatusID       *int64     `gorm:"index"` // the quoting status, when stored
	QuotedURI      string     `gorm:"size:2048;not null;default:''"`
	QuotedStatusID *int64     `gorm:"index"`
	State          QuoteState `gorm:"size:16;not null"`
	// RequestURI is the QuoteRequest's id; AuthorizationURI the
	// QuoteAuthorization's, set once accepted.
	RequestURI       string `gorm:"size:2048;not null;default:'';index"`
	AuthorizationURI string `gorm:"size:2048;not null;default:'';index"`
}

// DefaultQuotePolicy is the policy of a local status that was posted
// without one: anyone for public and unlisted posts, only the author for
// the others (Mastodon forces nobody on private and direct posts).
func DefaultQuotePolicy(v Visibility) QuotePolicy {
	if v == VisibilityPublic || v == VisibilityUnlisted {
		return QuotePublic
	}
	return QuoteNobody
}

// QuoteOut is a quote activity to send: a QuoteRequest (Type "QuoteRequest",
// Quoting is the local quoting status, To the quoted author) or the
// quoted author's Accept/Reject of one (To the requester; Accept carries
// the QuoteAuthorization).
type QuoteOut struct {
	Quote   *Quote
	Quoting *Status
	To      *Account
}

// APQuote is what a quote activity (QuoteRequest, or an Accept/Reject of
// one) says, read from its raw JSON.
type APQuote struct {
	ActivityID string
	Type       string
	Actor      string
	// RequestID is the QuoteRequest's id (the activity itself, or the
	// object of an Accept/Reject); Quoted its object, Quoting its
	// instrument (embedded as InstrumentObj when sent so).
	RequestID     string
	Quoted        string
	Quoting       string
	InstrumentObj *APObject
	// Result is an Accept's QuoteAuthorization id; when it came embedded,
	// ResultEmbedded is set with its fields.
	Result            string
	ResultEmbedded    bool
	ResultType        string
	ResultAttributed  string
	InteractingObject string
	InteractionTarget string
}
