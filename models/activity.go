package models

import "time"

// The types below are not tables. They are the neutral form in which the
// federation layer hands decoded ActivityStreams to the business layer (and
// the business layer hands outgoing activities back), so neither imports
// the other.

// PublicAddress is the ActivityStreams public collection.
const PublicAddress = "https://www.w3.org/ns/activitystreams#Public"

// APTag is a Mention, Hashtag or Emoji tag of an object.
type APTag struct {
	Type string // Mention, Hashtag, Emoji
	Name string // "@user@host", "#tag"
	Href string
}

// APAttachment is a Document/Image attached to an object.
type APAttachment struct {
	Type      string
	MediaType string
	URL       string
	Name      string // alt text
	Blurhash  string
	Width     int
	Height    int
}

// APObject is a decoded object: a Note (or Question/Article/Page shown as
// one), a Tombstone, or a bare reference (only ID set).
type APObject struct {
	ID           string
	Type         string
	AttributedTo string
	Content      string // raw HTML as received; the service sanitises
	Summary      string
	Sensitive    bool
	Language     string
	InReplyTo    string
	Context      string // context or conversation
	URL          string
	Published    time.Time
	Updated      time.Time
	To           []string
	Cc           []string
	Tags         []APTag
	Attachments  []APAttachment
	// ChatName is Plaza's name of the chat a direct Note is in (plaza:chatName,
	// docs/CHATS.md); nil when the Note carries none (any other server).
	ChatName *string
	// ChatEvent is what a Plaza notice did to its chat (plaza:chatEvent):
	// added, left, renamed; "" for none.
	ChatEvent string
	// Name is the object's name: a vote Note's chosen option.
	Name string
	// Poll is set for a Question.
	Poll *APPoll
	// Listing is set for a Note carrying a listing Proposal.
	Listing *APListing
	// QuoteURI is the post a Note quotes (FEP-044f quote, or the older
	// quoteUrl, quoteUri, _misskey_quote); QuoteAuthorization the quoted
	// author's approval; QuotePolicy who may quote it (from
	// interactionPolicy.canQuote: public, followers, nobody; "" unsaid).
	QuoteURI           string
	QuoteLegacy        bool // only the older properties named it
	QuoteAuthorization string
	QuotePolicy        QuotePolicy
}

// APActivity is a decoded activity from an inbox.
type APActivity struct {
	ID    string
	Type  string // Create, Update, Delete, Follow, Accept, Reject, Undo, Like, Announce, Block, ...
	Actor string
	// Object is the object (embedded or a reference); for Undo, Accept and
	// Reject of an activity, Activity holds that activity instead.
	Object    *APObject
	Activity  *APActivity
	Target    string
	To        []string
	Cc        []string
	Published time.Time
	Raw       string
	// Objects lists every reference of a Flag's object (the reported
	// account, then statuses); Content is a Flag's comment, as received.
	Objects []string
	Content string
}

// Outgoing is an activity the business layer wants sent. The federation
// layer encodes it, finds the inboxes and queues deliveries.
type Outgoing struct {
	Type  string // Create, Update, Delete, Follow, Accept, Reject, Undo, Like, Announce, Block
	ID    string // the activity id (the service makes it)
	Actor *Account
	// One of the following is the object, depending on Type.
	Status    *Status // Create/Update/Delete (Tombstone)/Announce(of Status.ReblogOf)
	Follow    *Follow
	Favourite *Favourite
	Block     *Block
	Undo      *Outgoing // Undo of this earlier activity
	// Payment is set for payment activities (Offer, Accept/Reject of an
	// Offer, Create/Update of a Receipt); see models/payments.go.
	Payment *PaymentOut
	// Supporter is set for a remote supporter's subscription activities
	// (Create/Update of an Agreement, Create of a Receipt).
	Supporter *SupporterOut
	// Order is set for the Receipt of an order sent to a remote buyer
	// (Create/Update).
	Order *OrderOut
	// PollVote is a local vote on a remote poll (Create of a vote Note).
	PollVote *PollVoteOut
	// Quote is a QuoteRequest, or the Accept/Reject of one (quotes.go).
	Quote *QuoteOut
	// Accept/Reject: the Follow being answered; Follow/Block: the target.
	Target *Account
	// Recipients are accounts that must get it besides what addressing
	// implies (mentioned accounts, the followed account, ...).
	Recipients []*Account
	// Flag: the reported account is Target; Objects are the reported
	// statuses' URIs, Content the reporter's comment.
	Objects []string
	Content string
}
