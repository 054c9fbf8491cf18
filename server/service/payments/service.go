// Package payments holds everything that moves or records money: the
// ledger, offers and checkout, refunds, Stripe webhooks and the payment
// activities other instances send. Money asked for in chats is the
// requests area's; payments reaches it through the Requests port. It
// imports no social area: the payer's
// note reaches the payee through the DirectNotes port.
package payments

import (
	"context"
	"fmt"
	"log/slog"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
)

// DirectNotes posts a note as a direct message of from; the social area
// implements it (the root wires it in).
type DirectNotes interface {
	SendDirect(ctx context.Context, from *models.Account, text string) error
}

// Service is the payments area of the business layer.
type Service struct {
	core     *core.Base
	accounts *accounts.Service
	notes    DirectNotes
	chats    Chats // set by SetChats; nil: no money in chats
	// requests is the requests area (SetRequests); nil: none.
	requests Requests
	fetch    core.Fetcher
	cfg      core.Config
	store    *store.Store
	clock    core.Clock
	log      *slog.Logger
	urls     core.URLs
	// pay is set by EnablePayments (payments.go); nil: no payments.
	pay *paymentSetup
	// hook is told of every payment state change (shop.go); nil: none.
	hook PaymentHook
	// billing applies the Stripe Billing webhooks (supporters area); nil: none.
	billing BillingHook
}

// New builds the payments area on the shared core; notes sends the payer's
// note as a direct message.
func New(c *core.Base, accts *accounts.Service, notes DirectNotes) *Service {
	return &Service{core: c, accounts: accts, notes: notes, fetch: c.Fetcher(), cfg: c.Config(), store: c.Store(), clock: c.Clock(), log: c.Log(), urls: c.URLs()}
}

// Chats is what the payments area needs of chats: their members and posting
// a message into one. The root wires it in (messaging and social areas).
type Chats interface {
	// ChatMembers returns the chat's context and its members other than
	// viewer; core.ErrNotFound when viewer is not in it.
	ChatMembers(ctx context.Context, viewer *models.Account, conversationID int64) (string, []*models.Account, error)
	// PostInChat posts text (which mentions every member) as a direct
	// message of from in the chat.
	PostInChat(ctx context.Context, from *models.Account, conversationID int64, text string) (*models.Status, error)
	// RetractInChat deletes a message PostInChat posted (everywhere it
	// went), when what it announced could not be recorded.
	RetractInChat(ctx context.Context, from *models.Account, statusID int64) error
	// ChatWith returns the chat of just from and other, core.ErrNotFound
	// when they have none.
	ChatWith(ctx context.Context, from, other *models.Account) (int64, error)
}

// SetChats lets payments be requested and sent in chats.
func (s *Service) SetChats(c Chats) { s.chats = c }

// BillingHook applies a verified webhook event the ledger of payments does
// not own (Stripe Billing), in the webhook's transaction after its id was
// recorded; handled false leaves the event to payments.
type BillingHook func(ctx context.Context, tx *store.Store, ev *models.ProviderEvent) (handled bool, err error)

// SetBillingHook routes Billing webhooks to h (the supporters area).
func (s *Service) SetBillingHook(h BillingHook) { s.billing = h }

// Requests is what the ledger needs of the requests area (money asked for
// in chats): the request a payment pays. The root wires it in.
type Requests interface {
	// Own is the request this instance made that a Proposal id names, nil
	// when none.
	Own(ctx context.Context, tx *store.Store, proposalID string) *models.PaymentRequest
	// Link ties a new payment to the open request it pays, under the
	// request's lock, inside the payment's transaction.
	Link(ctx context.Context, tx *store.Store, p *models.Payment, requestID int64) error
	// PaymentChanged follows a payment's new state into its request and
	// the chat's cards.
	PaymentChanged(ctx context.Context, tx *store.Store, p *models.Payment) error
	// Receive applies a request activity: a Proposal's Create or Update,
	// or a payer's Reject of one of ours.
	Receive(ctx context.Context, tx *store.Store, p *models.APPayment, signer *models.Account) error
	// Payable says why a request can no longer be paid, nil when it can.
	Payable(ctx context.Context, requestID int64) error
}

// SetRequests lets payments pay requests (the requests area).
func (s *Service) SetRequests(r Requests) { s.requests = r }

func (s *Service) ownRequest(ctx context.Context, tx *store.Store, proposalID string) *models.PaymentRequest {
	if s.requests == nil {
		return nil
	}
	return s.requests.Own(ctx, tx, proposalID)
}

func (s *Service) linkRequest(ctx context.Context, tx *store.Store, p *models.Payment, requestID int64) error {
	if s.requests == nil {
		return fmt.Errorf("%w: request", core.ErrNotFound)
	}
	return s.requests.Link(ctx, tx, p, requestID)
}

// Settings is the instance's payment settings; false when payments are
// off.
func (s *Service) Settings() (PaymentsConfig, bool) {
	if s.pay == nil {
		return PaymentsConfig{}, false
	}
	return s.pay.cfg, true
}
