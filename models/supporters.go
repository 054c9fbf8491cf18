package models

import "time"

// VisibilitySupporters is a post for the author's current supporters only
// (between followers-only and direct); see docs/PAYMENTS.md.
const VisibilitySupporters Visibility = "supporters"

// SupporterTier is one of a creator's (at most three) monthly tiers, with
// the Stripe Product and Price made on the creator's connected account.
type SupporterTier struct {
	ID              int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt       time.Time `gorm:"not null"`
	UpdatedAt       time.Time `gorm:"not null"`
	CreatorID       int64     `gorm:"not null;index"`
	Amount          int64     `gorm:"not null"` // minor units per month
	Currency        string    `gorm:"size:3;not null"`
	Description     string    `gorm:"size:500;not null;default:''"`
	StripeProductID string    `gorm:"size:255;not null;default:''"`
	StripePriceID   string    `gorm:"size:255;not null;default:''"`
	Active          bool      `gorm:"not null;default:true"`
}

// SubscriptionState is where a supporter subscription stands.
type SubscriptionState string

// Subscription states. Only webhooks move them.
const (
	SubscriptionPending  SubscriptionState = "pending"  // checkout opened, not paid
	SubscriptionActive   SubscriptionState = "active"   // paid for the current period
	SubscriptionPastDue  SubscriptionState = "past_due" // a renewal failed
	SubscriptionCanceled SubscriptionState = "canceled" // ended; final
)

// Subscription is a supporter's monthly subscription to a creator's tier,
// kept on the creator's instance (the ledger) and mirrored, from signed
// activities, on a remote supporter's instance.
type Subscription struct {
	ID          int64             `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt   time.Time         `gorm:"not null"`
	UpdatedAt   time.Time         `gorm:"not null"`
	TierID      int64             `gorm:"not null;default:0"`
	CreatorID   int64             `gorm:"not null;index"`
	SupporterID int64             `gorm:"not null;index"`
	Amount      int64             `gorm:"not null"`
	Currency    string            `gorm:"size:3;not null"`
	State       SubscriptionState `gorm:"size:16;not null"`
	// AgreementURI is the FEP-0837 Agreement's id (made by the creator's
	// instance); the mirror on the supporter's instance is found by it.
	AgreementURI         string `gorm:"size:2048;not null;uniqueIndex"`
	StripeSubscriptionID string `gorm:"size:255;not null;default:''"`
	StripeCustomerID     string `gorm:"size:255;not null;default:''"`
	CheckoutSessionID    string `gorm:"size:255;not null;default:''"`
	CurrentPeriodEnd     *time.Time
	// LastEventAt is the creation time of the newest subscription event
	// applied: an older one arriving late does not undo a newer one.
	LastEventAt time.Time `gorm:"not null"`
	CanceledAt  *time.Time
	Remote      bool `gorm:"not null;default:false"` // a mirror of another instance's ledger
}

// SubscriptionInvoice is one billed period of a subscription: paid (a
// Receipt) or failed (a failed renewal).
type SubscriptionInvoice struct {
	ID             int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt      time.Time `gorm:"not null"`
	SubscriptionID int64     `gorm:"not null;index"`
	InvoiceRef     string    `gorm:"size:2048;not null;uniqueIndex"` // Stripe invoice id, or the Receipt's id on a mirror
	Amount         int64     `gorm:"not null"`
	Currency       string    `gorm:"size:3;not null"`
	Paid           bool      `gorm:"not null"`
	PeriodStart    time.Time `gorm:"not null"`
	PeriodEnd      time.Time `gorm:"not null"`
}

// BillingEvent is a verified Stripe Billing webhook reduced to what the
// supporter ledger needs; payments.DecodeBillingEvent makes it.
type BillingEvent struct {
	ID              string
	Type            string
	Created         time.Time
	StripeAccountID string
	// SubscriptionRef is the Plaza subscription id carried as
	// client_reference_id or subscription metadata.
	SubscriptionRef      string
	StripeSubscriptionID string
	StripeCustomerID     string
	InvoiceID            string
	Amount               int64
	Currency             string
	PeriodStart          time.Time
	PeriodEnd            time.Time
	// Status is Stripe's subscription status (customer.subscription.*).
	Status string
}

// CheckoutSubscriptionRequest opens Checkout in subscription mode.
type CheckoutSubscriptionRequest struct {
	SubscriptionID  int64
	StripeAccountID string
	PriceID         string
	SuccessURL      string
	CancelURL       string
}

// SupporterMirror is, on a supporter's instance, a local account's
// subscription to a creator on another instance, kept from the creator's
// signed Agreement and its Updates; its paid periods are
// SubscriptionInvoice rows whose SubscriptionID is the mirror's id and
// whose InvoiceRef is the Receipt's id.
type SupporterMirror struct {
	ID               int64             `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt        time.Time         `gorm:"not null"`
	UpdatedAt        time.Time         `gorm:"not null"`
	SupporterID      int64             `gorm:"not null;index"` // the local account
	CreatorID        int64             `gorm:"not null"`       // the remote account
	AgreementURI     string            `gorm:"size:2048;not null;uniqueIndex"`
	Amount           string            `gorm:"size:32;not null"` // decimal, as on the wire
	Currency         string            `gorm:"size:3;not null"`
	State            SubscriptionState `gorm:"size:16;not null"`
	CurrentPeriodEnd *time.Time
	LastActivityAt   time.Time `gorm:"not null"` // the newest Agreement/Update applied
}

// SupporterOut is the supporter part of an Outgoing activity: Create or
// Update of a subscription's Agreement, or Create of a Receipt of one of
// its paid periods.
type SupporterOut struct {
	Subscription *Subscription
	Creator      *Account
	Supporter    *Account
	Amount       string               // decimal, major units
	Invoice      *SubscriptionInvoice // set for a Receipt
	ReceiptURI   string
}

// APSupporter is a received supporter activity's own fields.
type APSupporter struct {
	ActivityID  string
	Type        string // Create, Update
	Actor       string
	ObjectType  string // Agreement, Receipt
	AgreementID string
	ReceiptID   string
	Supporter   string // the supporter's actor URI
	Creator     string
	State       string
	Amount      string
	Currency    string
	PeriodStart time.Time
	PeriodEnd   time.Time
	Updated     time.Time
}
