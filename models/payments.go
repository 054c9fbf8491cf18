package models

import "time"

// PaymentState is where a payment stands; it is derived from the payment's
// event log (PAYMENTS.md, "Ledger").
type PaymentState string

// Payment states.
const (
	PaymentOffered           PaymentState = "offered"
	PaymentAccepted          PaymentState = "accepted"
	PaymentRejected          PaymentState = "rejected"
	PaymentCheckoutOpen      PaymentState = "checkout_open"
	PaymentSucceeded         PaymentState = "succeeded"
	PaymentRefunded          PaymentState = "refunded"
	PaymentPartiallyRefunded PaymentState = "partially_refunded"
	PaymentDisputed          PaymentState = "disputed"
	PaymentFailed            PaymentState = "failed"
	PaymentExpired           PaymentState = "expired"
)

// NotifyPayment is the notification of a payment received, sent, refunded...
const NotifyPayment NotificationType = "payment"

// Payment is one payment as this instance knows it. On the payer's instance
// it is the Offer it sent; on the payee's, the Agreement it made for a
// received Offer (one per Offer id). A payment between two local accounts
// is one row.
type Payment struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`

	PayerID int64 `gorm:"not null;index"`
	PayeeID int64 `gorm:"not null;index"`

	// OfferURI is the id of the Offer activity; unique, so a replayed
	// Offer never makes a second Agreement.
	OfferURI     string `gorm:"size:2048;not null;uniqueIndex"`
	AgreementURI string `gorm:"size:2048;not null;default:'';index"`
	ProposalURI  string `gorm:"size:2048;not null;default:''"`
	// PayURL is the pay link on the payee's host.
	PayURL string `gorm:"size:2048;not null;default:''"`
	// PayToken is the unguessable part of a local pay link.
	PayToken string `gorm:"size:64;not null;default:''"`
	// ReceiptToken is the unguessable part of the public receipt link the
	// payer's note carries, so the payee (on any server) can open it.
	ReceiptToken string `gorm:"size:64;not null;default:''"`
	// ReturnURL is the payer's status page, where Stripe sends the payer back.
	ReturnURL  string `gorm:"size:2048;not null;default:''"`
	ContextURI string `gorm:"size:2048;not null;default:''"` // the post being tipped

	// RequestID is the PaymentRequest this payment pays (0: none); NoteURI
	// the chat message it was sent with, whose card shows it.
	RequestID int64  `gorm:"not null;default:0;index"`
	NoteURI   string `gorm:"size:2048;not null;default:'';index"`
	// Guest is a payment made on the public pay page by someone with no
	// Plaza account: no receipt activity goes to the payer.
	Guest bool `gorm:"not null;default:false"`

	// Amount is in minor units of Currency (ISO 4217, upper case).
	Amount   int64  `gorm:"not null"`
	Currency string `gorm:"size:3;not null"`
	Note     string `gorm:"type:text;not null;default:''"`

	ExpiresAt time.Time `gorm:"not null"`

	// State caches the state derived from the event log.
	State          PaymentState `gorm:"size:32;not null;index"`
	Reason         string       `gorm:"type:text;not null;default:''"`
	AmountRefunded int64        `gorm:"not null;default:0"`

	StripeAccountID   string `gorm:"size:255;not null;default:''"`
	CheckoutSessionID string `gorm:"size:255;not null;default:''"`
	// CheckoutURL is the open session's page, reused when the payer comes
	// back to the pay link.
	CheckoutURL     string `gorm:"size:2048;not null;default:''"`
	PaymentIntentID string `gorm:"size:255;not null;default:'';index"`

	// ReceiptUpdatedAt is the `updated` of the newest receipt applied
	// (payer side) or sent (payee side).
	ReceiptUpdatedAt *time.Time
}

// PaymentEvent is one entry of a payment's log. Cause is the activity id or
// Stripe event id that caused it; one entry per (payment, cause).
type PaymentEvent struct {
	ID        int64        `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time    `gorm:"not null"`
	PaymentID int64        `gorm:"not null;uniqueIndex:idx_payment_events_cause,priority:1"`
	State     PaymentState `gorm:"size:32;not null"`
	Cause     string       `gorm:"size:2048;not null;uniqueIndex:idx_payment_events_cause,priority:2"`
	// Amount is the refunded amount for refund events, else the payment's.
	Amount int64 `gorm:"not null;default:0"`
	// OccurredAt is when the cause happened (Stripe's created, a receipt's
	// updated), which orders events that arrive out of order.
	OccurredAt time.Time `gorm:"not null"`
	Detail     string    `gorm:"type:text;not null;default:''"`
}

// RefundState is where one requested refund stands.
type RefundState string

// Refund states.
const (
	RefundPending   RefundState = "pending"
	RefundSucceeded RefundState = "succeeded"
	RefundFailed    RefundState = "failed"
)

// PaymentRefund is one refund a payee asked for. It is written, its amount
// reserved, under a lock on the payment before the provider is called, so
// concurrent requests can never refund more than was paid; its id is the
// idempotency key of the one provider call it makes.
type PaymentRefund struct {
	ID        int64       `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time   `gorm:"not null"`
	UpdatedAt time.Time   `gorm:"not null"`
	PaymentID int64       `gorm:"not null;index"`
	Amount    int64       `gorm:"not null"`
	State     RefundState `gorm:"size:16;not null"`
	// ProviderRefundID is Stripe's refund id, once the call succeeded.
	ProviderRefundID string `gorm:"size:255;not null;default:''"`
}

// StripeAccount is a local account's connected Stripe account.
type StripeAccount struct {
	AccountID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt        time.Time `gorm:"not null"`
	UpdatedAt        time.Time `gorm:"not null"`
	StripeAccountID  string    `gorm:"size:255;not null;uniqueIndex"`
	ChargesEnabled   bool      `gorm:"not null;default:false"`
	DetailsSubmitted bool      `gorm:"not null;default:false"`
}

// WebhookEvent records a processed Stripe event id, so a retried or
// replayed event has one effect.
type WebhookEvent struct {
	EventID    string    `gorm:"primaryKey;size:255"`
	Type       string    `gorm:"size:128;not null"`
	ReceivedAt time.Time `gorm:"not null"`
}

// ProviderEvent is a verified webhook event reduced to what the ledger
// needs; the payments adapter makes it from Stripe's event.
type ProviderEvent struct {
	ID      string
	Type    string
	Created time.Time
	// State is the payment state the event means ("" when none).
	State PaymentState
	// PaymentRef is the payment id set as client_reference_id/metadata.
	PaymentRef      string
	StripeAccountID string
	SessionID       string
	PaymentIntentID string
	Amount          int64
	AmountRefunded  int64
	// ChargesEnabled and DetailsSubmitted come with account.updated.
	ChargesEnabled   bool
	DetailsSubmitted bool
	// Raw is the verified event's data.object, for the Billing events the
	// supporters area decodes (payments.DecodeBillingEvent).
	Raw []byte
	// Billing is the Stripe Billing event decoded by the adapter (nil for
	// other events).
	Billing *BillingEvent
}

// APPayment is a decoded payment activity (Offer, Accept/Reject of an
// Offer, Create/Update of a Receipt), in neutral form.
type APPayment struct {
	ActivityID   string
	Type         string // Offer, Accept, Reject, Create, Update
	Actor        string
	To           []string
	OfferID      string // Offer: its id; Accept/Reject: the Offer answered
	ProposalID   string
	IntentID     string
	AgreementID  string
	AgreementURL string // Accept: the pay link
	ReturnURL    string // Offer: the payer's status page
	Context      string // Offer: the post tipped
	Message      string // Offer: the chat message it was sent with
	Content      string
	Amount       string // exact decimal as on the wire
	Currency     string
	EndTime      time.Time
	Reason       string // Reject
	// Receipt fields.
	ReceiptID      string
	Status         string
	AmountRefunded string
	Published      time.Time
	Updated        time.Time
	// Request is set for Create/Update of a request Proposal.
	Request *APRequest
}

// PaymentOut is the payment part of an Outgoing activity.
type PaymentOut struct {
	// Request, when set, makes this a Create/Update of a request Proposal
	// (Payment is then nil).
	Request *RequestOut
	Payment *Payment
	Payer   *Account
	Payee   *Account
	// Amount and AmountRefunded are the decimal strings of the wire.
	Amount         string
	AmountRefunded string
	IntentURI      string
	Reason         string // Reject
	ReceiptURI     string
	Updated        time.Time
}

// CheckoutRequest asks the payment processor for a hosted payment page.
type CheckoutRequest struct {
	PaymentID       int64
	StripeAccountID string // the payee's connected account (direct charge)
	Amount          int64
	Currency        string
	Description     string
	SuccessURL      string
	CancelURL       string
	ExpiresAt       time.Time
}

// CheckoutSession is the hosted payment page made for a CheckoutRequest.
type CheckoutSession struct {
	ID  string
	URL string
}

// RefundRequest asks for (part of) a payment back to the payer.
type RefundRequest struct {
	// RefundID is the PaymentRefund this call makes: its idempotency key.
	RefundID        int64
	PaymentID       int64
	StripeAccountID string
	PaymentIntentID string
	Amount          int64
}
