// Package payments holds everything that moves or records money: the
// ledger, offers and checkout, refunds, Stripe webhooks and the payment
// activities other instances send. It imports no social area: the payer's
// note reaches the payee through the DirectNotes port.
package payments

import (
	"context"
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
	fetch    core.Fetcher
	cfg      core.Config
	store    *store.Store
	clock    core.Clock
	log      *slog.Logger
	urls     core.URLs
	// pay is set by EnablePayments (payments.go); nil: no payments.
	pay *paymentSetup
}

// New builds the payments area on the shared core; notes sends the payer's
// note as a direct message.
func New(c *core.Base, accts *accounts.Service, notes DirectNotes) *Service {
	return &Service{core: c, accounts: accts, notes: notes, fetch: c.Fetcher(), cfg: c.Config(), store: c.Store(), clock: c.Clock(), log: c.Log(), urls: c.URLs()}
}
