// Package requests holds money asked for in chats (docs/PAYMENTS.md,
// "Requests"): a request to one member or a split between several, paid,
// declined, cancelled or reminded, and the request activities other
// instances send. A request is paid by a payment of the ledger (the
// payments area), which tells this area of the payment's state through
// the payments.Requests port.
package requests

import (
	"log/slog"

	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// Service is the requests area of the business layer.
type Service struct {
	core  *core.Base
	pay   *payments.Service
	chats payments.Chats
	cfg   core.Config
	store *store.Store
	clock core.Clock
	log   *slog.Logger
	urls  core.URLs
}

var _ payments.Requests = (*Service)(nil)

// New builds the requests area on the ledger; chats posts the requests'
// messages. The root installs it with pay.SetRequests.
func New(c *core.Base, pay *payments.Service, chats payments.Chats) *Service {
	return &Service{core: c, pay: pay, chats: chats, cfg: c.Config(), store: c.Store(), clock: c.Clock(), log: c.Log(), urls: c.URLs()}
}

// on reports whether payments are configured here (requests need them).
func (s *Service) on() bool {
	_, ok := s.pay.Settings()
	return ok
}
