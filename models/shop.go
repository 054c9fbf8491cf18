package models

import "time"

// ListingState is whether a listing takes orders.
type ListingState string

// Listing states.
const (
	ListingOpen   ListingState = "open"
	ListingClosed ListingState = "closed"
)

// Listing is something a local seller sells from a post (docs/SHOP.md). The
// seller's instance holds it; the post (StatusID) is how it federates.
type Listing struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`

	SellerID int64  `gorm:"not null;index"`
	StatusID int64  `gorm:"not null;default:0"`
	Title    string `gorm:"size:200;not null"`
	// Description is plain text.
	Description string `gorm:"type:text;not null;default:''"`
	// Price is in minor units of Currency (ISO 4217, upper case).
	Price    int64  `gorm:"not null"`
	Currency string `gorm:"size:3;not null"`
	// PriceDecimal is Price written out ("12.00"), for the federated
	// Proposal.
	PriceDecimal string `gorm:"size:32;not null;default:''"`
	// Stock is what is left to sell, counted with reservations taken off;
	// nil: no limit.
	Stock        *int64       `gorm:""`
	ShippingNote string       `gorm:"type:text;not null;default:''"`
	State        ListingState `gorm:"size:16;not null;index"`
}

// OrderState is where an order stands.
type OrderState string

// Order states. Pending holds its quantity reserved until paid, or until
// its payment fails or expires (then expired, stock released).
const (
	OrderPending   OrderState = "pending"
	OrderPaid      OrderState = "paid"
	OrderShipped   OrderState = "shipped"
	OrderCancelled OrderState = "cancelled"
	OrderRefunded  OrderState = "refunded"
	OrderExpired   OrderState = "expired"
)

// Order is one purchase of a listing, paid by one Payment (unique).
type Order struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null;index"`
	UpdatedAt time.Time `gorm:"not null"`

	ListingID int64 `gorm:"not null;index"`
	SellerID  int64 `gorm:"not null;index"`
	// BuyerID is the local buyer, 0 for a buyer with no account here.
	BuyerID int64 `gorm:"not null;default:0;index"`
	// BuyerHandle is the fediverse address a guest gave for messages
	// about the order ("" none); BuyerEmail likewise.
	BuyerHandle string `gorm:"size:512;not null;default:''"`
	PaymentID   int64  `gorm:"not null;uniqueIndex"`
	// Token is the unguessable part of the buyer's order page.
	Token    string `gorm:"size:64;not null;uniqueIndex"`
	Quantity int64  `gorm:"not null"`
	// UnitPrice and Total are what was agreed when ordering: a later
	// price change leaves them as they are.
	UnitPrice int64      `gorm:"not null"`
	Total     int64      `gorm:"not null"`
	Currency  string     `gorm:"size:3;not null"`
	Note      string     `gorm:"type:text;not null;default:''"`
	State     OrderState `gorm:"size:16;not null;index"`
	// Reserved says the quantity is still taken off the listing's stock.
	Reserved bool `gorm:"not null;default:false"`
	// ShippedMessage is what the seller wrote when marking it shipped.
	ShippedMessage string `gorm:"type:text;not null;default:''"`
}

// RemoteListing is a listing of a seller on another Plaza instance, read
// from the FEP-0837 Proposal its post carries (docs/SHOP.md). ProposalURI
// is also the seller's public buy page.
type RemoteListing struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`

	StatusID     int64        `gorm:"not null;uniqueIndex"`
	SellerID     int64        `gorm:"not null;index"`
	ProposalURI  string       `gorm:"size:2048;not null;uniqueIndex"`
	Title        string       `gorm:"size:200;not null"`
	PriceDecimal string       `gorm:"size:32;not null"`
	Currency     string       `gorm:"size:3;not null"`
	State        ListingState `gorm:"size:16;not null"`
}

// APListing is the listing Proposal read from a Note's attachments.
type APListing struct {
	ProposalID string
	Name       string
	Attributed string
	Provider   string
	Receiver   string
	Amount     string // exact decimal as on the wire
	Currency   string
	Status     string
}

// RemoteOrder is the mirror, on the buyer's instance, of an order a local
// user placed with a seller on another Plaza instance, kept from the
// seller's Receipts (docs/SHOP.md). The seller's instance holds the order;
// this row only shows it on the buyer's Bought page.
type RemoteOrder struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`

	// ReceiptURI is the Receipt's id: one mirror per Receipt.
	ReceiptURI      string `gorm:"size:2048;not null;uniqueIndex"`
	OrderURI        string `gorm:"size:2048;not null"`
	BuyerID         int64  `gorm:"not null;index"`
	SellerID        int64  `gorm:"not null"`
	RemoteListingID int64  `gorm:"not null"`
	Title           string `gorm:"size:200;not null"`
	Quantity        int64  `gorm:"not null"`
	// Amount is the total as the Receipt wrote it ("24.00").
	Amount   string     `gorm:"size:32;not null"`
	Currency string     `gorm:"size:3;not null"`
	State    OrderState `gorm:"size:16;not null"`
	// URL is the buyer's order page on the seller's instance.
	URL string `gorm:"size:2048;not null;default:''"`
	// ReceiptUpdated is the newest Receipt's updated applied.
	ReceiptUpdated time.Time `gorm:"not null"`
}

// OrderOut is the shop part of an Outgoing activity: Create or Update of
// the Receipt of an order, sent to a remote buyer.
type OrderOut struct {
	Order   *Order
	Seller  *Account
	Buyer   *Account
	Title   string
	Listing string // the listing Proposal's id (the buy page)
	URI     string // the order's id
	Amount  string // the total, decimal
	Page    string // the buyer's order page
}

// APOrder is a received order Receipt's own fields.
type APOrder struct {
	ActivityID string
	Type       string // Create, Update
	Actor      string
	ReceiptID  string
	OrderID    string // the Receipt's context
	ListingID  string // the Receipt's inReplyTo
	Seller     string // attributedTo
	Buyer      string // the Receipt's to
	Status     string
	Amount     string
	Currency   string
	Quantity   string
	URL        string
	Updated    time.Time
}
