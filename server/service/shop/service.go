// Package shop holds listings sold from posts and their orders
// (docs/SHOP.md): the seller's instance is merchant of record, an order is
// paid by one payment of the ledger, and stock is counted here.
package shop

import (
	"log/slog"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/payments"
	"plaza/server/service/social"
)

// Limits of a listing and an order.
const (
	MaxTitle       = 200
	MaxDescription = 5000
	MaxImages      = 4
	MaxStock       = 1_000_000
	MaxQuantity    = 1000
	MaxNote        = 1000
)

// Service is the shop area of the business layer.
type Service struct {
	core     *core.Base
	accounts *accounts.Service
	pay      *payments.Service
	social   *social.Service
	store    *store.Store
	clock    core.Clock
	log      *slog.Logger
	urls     core.URLs
	// recognize and decode read remote orders' Receipts (SetDecoder).
	recognize func(*models.APActivity) bool
	decode    OrderDecoder
}

// New builds the shop area; it marks orders through the payments hook,
// which the root installs with pay.SetPaymentHook(shop.OnPayment).
func New(c *core.Base, accts *accounts.Service, pay *payments.Service, soc *social.Service) *Service {
	return &Service{core: c, accounts: accts, pay: pay, social: soc, store: c.Store(), clock: c.Clock(), log: c.Log(), urls: c.URLs()}
}
