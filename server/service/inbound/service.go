// Package inbound holds what a received activity means: the inbox records
// it once, checks that the signer may speak for it, and hands Create,
// Update, Delete, Follow, Accept, Reject, Undo, Like, Announce, Block and
// the payment activities to the areas through their exported API.
package inbound

import (
	"context"
	"log/slog"

	"plaza/models"

	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/moderation"
	"plaza/server/service/payments"
	"plaza/server/service/reports"
	"plaza/server/service/social"
)

// Service is the inbound side of federation.
type Service struct {
	core       *core.Base
	social     *social.Service
	payments   *payments.Service
	store      *store.Store
	fetch      core.Fetcher
	clock      core.Clock
	log        *slog.Logger
	polls      Polls
	supporters Supporters
	shop       Shop
	quotes     Quotes
	mod        *moderation.Service // domain policies (reject media); nil: none
	reports    *reports.Service    // Flags become reports; nil: Flags ignored
}

// Polls is what inbound needs of the polls area (wired by root): remote
// votes counted and Update(Question) counts applied.
type Polls interface {
	ReceiveVote(ctx context.Context, tx *store.Store, obj *models.APObject, signer *models.Account) (bool, error)
	ReceiveQuestionUpdate(ctx context.Context, tx *store.Store, obj *models.APObject, signer *models.Account) (bool, error)
}

// Supporters is what inbound needs of the supporters area (wired by
// root): a remote subscription's Agreement and Receipt activities.
type Supporters interface {
	ReceiveActivity(ctx context.Context, tx *store.Store, act *models.APActivity, signer *models.Account) (bool, error)
}

// Shop is what inbound needs of the shop area (wired by root): the
// Receipts of orders local users placed on other instances.
type Shop interface {
	ReceiveActivity(ctx context.Context, tx *store.Store, act *models.APActivity, signer *models.Account) (bool, error)
}

// Quotes is what inbound needs of the quotes area (wired by root):
// QuoteRequests, their answers, revoked authorizations.
type Quotes interface {
	ReceiveActivity(ctx context.Context, tx *store.Store, act *models.APActivity, signer *models.Account) (bool, error)
}

// SetQuotes hands inbound the quotes area.
func (s *Service) SetQuotes(q Quotes) { s.quotes = q }

// SetShop hands inbound the shop area.
func (s *Service) SetShop(sh Shop) { s.shop = sh }

// SetSupporters hands inbound the supporters area.
func (s *Service) SetSupporters(sp Supporters) { s.supporters = sp }

// SetPolls hands inbound the polls area.
func (s *Service) SetPolls(p Polls) { s.polls = p }

// New builds the inbound side on the shared core and the areas it calls.
func New(c *core.Base, soc *social.Service, pay *payments.Service) *Service {
	return &Service{core: c, social: soc, payments: pay, store: c.Store(), fetch: c.Fetcher(), clock: c.Clock(), log: c.Log()}
}

// SetModeration hands in the areas that apply domain policies and take
// Flags.
func (s *Service) SetModeration(mod *moderation.Service, rep *reports.Service) {
	s.mod, s.reports = mod, rep
}
