// Package payviews is how payments and money requests look to the people
// in them: the cards chat messages carry and each user's history with
// its monthly totals. It reads the ledger; it never changes it (that is
// the payments area's).
package payviews

import (
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// Service is the payment views area of the business layer.
type Service struct {
	pay   *payments.Service
	core  *core.Base
	store *store.Store
	clock core.Clock
}

// New builds the area on the shared core and the ledger it shows.
func New(c *core.Base, pay *payments.Service) *Service {
	return &Service{pay: pay, core: c, store: c.Store(), clock: c.Clock()}
}
