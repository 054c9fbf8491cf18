package models

import "time"

// RequestState is where a payment request stands.
type RequestState string

// Request states. A request is open until it is paid, declined by its
// payer, cancelled by its requester or past its expiry.
const (
	RequestOpen      RequestState = "open"
	RequestPaid      RequestState = "paid"
	RequestDeclined  RequestState = "declined"
	RequestCancelled RequestState = "cancelled"
	RequestExpired   RequestState = "expired"
)

// PaymentRequest is one request for money from a requester (the payee) to
// one payer (PAYMENTS.md, "Requests"). The requester's instance holds the
// authoritative row; a Plaza payer's instance holds a copy made from the
// Proposal it received. A split is one request per member, sharing SplitID.
type PaymentRequest struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null;index"`
	UpdatedAt time.Time `gorm:"not null"`

	RequesterID int64 `gorm:"not null;index"`
	PayerID     int64 `gorm:"not null;index"`
	SplitID     int64 `gorm:"not null;default:0;index"`

	// ProposalURI is the id of the request's Proposal; unique, so a
	// replayed Proposal never makes a second request.
	ProposalURI string `gorm:"size:2048;not null;uniqueIndex"`
	// NoteURI is the chat message that carries the request; ContextURI
	// the chat.
	NoteURI    string `gorm:"size:2048;not null;default:'';index"`
	ContextURI string `gorm:"size:2048;not null;default:''"`

	Amount   int64  `gorm:"not null"`
	Currency string `gorm:"size:3;not null"`
	Note     string `gorm:"type:text;not null;default:''"`

	ExpiresAt time.Time    `gorm:"not null"`
	State     RequestState `gorm:"size:16;not null;index"`
	// PaymentID is the payment that pays it (or is under way), 0: none.
	PaymentID int64 `gorm:"not null;default:0"`

	// PayToken is the unguessable part of the public pay page (requester's
	// instance only); PayURL is that page, on the requester's host.
	PayToken string `gorm:"size:64;not null;default:'';index"`
	PayURL   string `gorm:"size:2048;not null;default:''"`
	// RemindedAt is when the requester last sent a reminder.
	RemindedAt *time.Time
}

// PaymentSplit is a bill split between the members of a group chat.
type PaymentSplit struct {
	ID          int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt   time.Time `gorm:"not null"`
	RequesterID int64     `gorm:"not null;index"`
	NoteURI     string    `gorm:"size:2048;not null;default:'';index"`
	ContextURI  string    `gorm:"size:2048;not null;default:''"`
	// Total is what the requester asked of everyone together, in minor
	// units; Mode is "even" or "custom".
	Total    int64  `gorm:"not null"`
	Currency string `gorm:"size:3;not null"`
	Note     string `gorm:"type:text;not null;default:''"`
	Mode     string `gorm:"size:8;not null"`
}

// APRequest is a decoded request Proposal (Create or Update of a
// Proposal with purpose "request"), in neutral form.
type APRequest struct {
	ActivityID string
	Type       string // Create, Update
	Actor      string
	ProposalID string
	Attributed string
	Receiver   string // the Intent's receiver
	Payer      string // the one addressee
	NoteID     string // the chat message carrying it
	Context    string
	Content    string
	PayURL     string
	Amount     string
	Currency   string
	EndTime    time.Time
	Status     string // Update: open, paid, cancelled, declined, expired
}

// RequestOut is the request part of an Outgoing Create/Update(Proposal).
type RequestOut struct {
	Request   *PaymentRequest
	Requester *Account
	Payer     *Account
	Amount    string
}
