// Package service wires Plaza's business layer: it builds the shared core
// and each area and hands them to the transports (the client API, the web UI
// and the inbox), which are thin adapters over the areas. It imports no HTTP
// framework, no Stripe and no signature code; what the areas need from the
// outside they declare as small interfaces.
package service

import (
	"context"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/inbound"
	"plaza/server/service/media"
	"plaza/server/service/messaging"
	"plaza/server/service/moderation"
	"plaza/server/service/payments"
	"plaza/server/service/payviews"
	"plaza/server/service/social"
	"plaza/server/service/supporters"
)

// Deps are the collaborators of the business layer. Store is required;
// Publisher and Fetcher may be nil for tools that never federate (the CLI),
// in which case nothing is sent and nothing remote is looked up.
type Deps = core.Deps

// Service holds the areas of the business layer.
type Service struct {
	core       *core.Base
	inbound    *inbound.Service
	social     *social.Service
	moderation *moderation.Service
	payments   *payments.Service
	payviews   *payviews.Service
	messaging  *messaging.Service
	media      *media.Service
	accounts   *accounts.Service
	supporters *supporters.Service
}

// New builds the business layer.
func New(cfg core.Config, deps Deps) *Service {
	c := core.New(cfg, deps)
	s := &Service{core: c}
	s.accounts = accounts.New(c, s.registrationsOpen)
	s.media = media.New(c)
	s.messaging = messaging.New(c, func() messaging.Social { return s.social })
	s.social = social.New(c, s.messaging)
	s.payments = payments.New(c, s.accounts, s.social)
	s.payments.SetChats(payChats{s})
	s.payviews = payviews.New(c, s.payments)
	s.supporters = supporters.New(c, s.payments)
	s.moderation = moderation.New(c)
	s.inbound = inbound.New(c, s.social, s.payments)
	return s
}

// registrationsOpen tells the accounts area whether visitors may sign up.
func (s *Service) registrationsOpen(ctx context.Context) bool {
	_, _, open := s.moderation.InstanceInfo(ctx)
	return open
}

// Accounts returns the area of users, sign-up, tokens, OAuth and sessions.
func (s *Service) Accounts() *accounts.Service { return s.accounts }

// Core returns the rules every area shares (visibility, views, URLs, events).
func (s *Service) Core() *core.Base { return s.core }

// Config returns the instance settings the service was built with.
func (s *Service) Config() core.Config { return s.core.Config() }

// Media returns the area of uploads.
func (s *Service) Media() *media.Service { return s.media }

// Messaging returns the area of direct conversations.
func (s *Service) Messaging() *messaging.Service { return s.messaging }

// Payments returns the area of money: ledger, offers, checkout, refunds, webhooks.
func (s *Service) Payments() *payments.Service { return s.payments }

// PayViews returns how payments and requests look to the people in them:
// chat cards, history, public pay pages.
func (s *Service) PayViews() *payviews.Service { return s.payviews }

// Supporters returns the area of monthly supporter subscriptions.
func (s *Service) Supporters() *supporters.Service { return s.supporters }

// Moderation returns the area of admin decisions: suspensions, domain blocks, instance settings.
func (s *Service) Moderation() *moderation.Service { return s.moderation }

// Social returns the area of statuses, interactions, follows, timelines, notifications and search.
func (s *Service) Social() *social.Service { return s.social }

// ReceiveActivity applies an activity received in an inbox (it implements
// federation.InboxHandler): the inbound side says what it means.
func (s *Service) ReceiveActivity(ctx context.Context, in *models.InboxActivity, act *models.APActivity, signer *models.Account) error {
	return s.inbound.ReceiveActivity(ctx, in, act, signer)
}
