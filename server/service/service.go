// Package service wires Plaza's business layer: it builds the shared core
// and each area and hands them to the transports (the client API, the web UI
// and the inbox), which are thin adapters over the areas. It imports no HTTP
// framework, no Stripe and no signature code; what the areas need from the
// outside they declare as small interfaces.
package service

import (
	"context"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/accounts"
	"plaza/server/service/announcements"
	"plaza/server/service/backfill"
	"plaza/server/service/core"
	"plaza/server/service/discovery"
	"plaza/server/service/emoji"
	"plaza/server/service/filters"
	"plaza/server/service/inbound"
	"plaza/server/service/lists"
	"plaza/server/service/media"
	"plaza/server/service/messaging"
	"plaza/server/service/moderation"
	"plaza/server/service/notifications"
	"plaza/server/service/payments"
	"plaza/server/service/payviews"
	"plaza/server/service/pins"
	"plaza/server/service/polls"
	"plaza/server/service/portability"
	"plaza/server/service/push"
	"plaza/server/service/quotes"
	"plaza/server/service/relations"
	"plaza/server/service/remotemedia"
	"plaza/server/service/reports"
	"plaza/server/service/requests"
	"plaza/server/service/scheduled"
	"plaza/server/service/shop"
	"plaza/server/service/social"
	"plaza/server/service/supporters"
	"plaza/server/service/tags"
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
	lists      *lists.Service
	moderation *moderation.Service
	payments   *payments.Service
	payviews   *payviews.Service
	requests   *requests.Service
	shop       *shop.Service
	messaging  *messaging.Service
	media      *media.Service
	remote     *remotemedia.Service
	backfill   *backfill.Service
	accounts   *accounts.Service
	scheduled  *scheduled.Service
	push       *push.Service
	discovery  *discovery.Service
	announce   *announcements.Service
	filters    *filters.Service
	portable   *portability.Service
	polls      *polls.Service
	emoji      *emoji.Service
	pins       *pins.Service
	quotes     *quotes.Service
	relations  *relations.Service
	notifs     *notifications.Service
	reports    *reports.Service
	supporters *supporters.Service
	tags       *tags.Service
}

// New builds the business layer.
func New(cfg core.Config, deps Deps) *Service {
	c := core.New(cfg, deps)
	s := &Service{core: c}
	s.accounts = accounts.New(c, s.registrationsOpen)
	s.accounts.SetApprovalRequired(s.approvalRequired)
	s.media = media.New(c)
	s.remote = remotemedia.New(c)
	s.messaging = messaging.New(c, func() messaging.Social { return s.social })
	s.social = social.New(c, s.messaging)
	s.lists = lists.New(c)
	s.payments = payments.New(c, s.accounts, s.social)
	s.backfill = backfill.New(c, s.social)
	s.payments.SetChats(payChats{s})
	s.requests = requests.New(c, s.payments, payChats{s})
	s.payments.SetRequests(s.requests)
	s.payviews = payviews.New(c, s.payments)
	s.shop = shop.New(c, s.accounts, s.payments, s.social)
	s.payments.SetPaymentHook(s.shop.OnPayment)
	s.supporters = supporters.New(c, s.payments)
	s.moderation = moderation.New(c)
	s.inbound = inbound.New(c, s.social, s.payments)
	s.scheduled = scheduled.New(c, s.social)
	s.push = push.New(c)
	s.discovery = discovery.New(c)
	s.tags = tags.New(c, s.discovery)
	s.social.SetTagHome(s.tags.ReachesHome)
	s.social.SetListStreams(s.lists.StreamLists)
	s.announce = announcements.New(c)
	s.filters = filters.New(c)
	s.portable = portability.New(c, s.social)
	s.polls = polls.New(c)
	s.pins = pins.New(c, s.social)
	s.quotes = quotes.New(c, s.social)
	s.inbound.SetQuotes(s.quotes)
	s.relations = relations.New(c, s.social)
	s.emoji = emoji.New(c)
	s.social.SetRemoteHook(s.storeRemoteExtras)
	s.notifs = notifications.New(c, s.social)
	c.SetNotifyGate(s.notifs.Gate)
	s.inbound.SetPolls(s.polls)
	s.inbound.SetSupporters(s.supporters)
	s.inbound.SetShop(s.shop)
	s.reports = reports.New(c, s.accounts, s.moderation, s.social)
	s.moderation.SetPurger(s.reports.Purge)
	s.inbound.SetModeration(s.moderation, s.reports)
	s.reports.SetNotifier(reportMail{s})
	return s
}

// registrationsOpen tells the accounts area whether visitors may sign up
// (mode open, or approval: then they wait, see approvalRequired).
func (s *Service) registrationsOpen(ctx context.Context) bool {
	in, err := s.moderation.InstanceSettings(ctx)
	return err == nil && in.RegistrationsMode != moderation.RegistrationsClosed
}

// approvalRequired tells the accounts area whether new sign-ups wait for
// an admin (the "approval" registrations mode).
func (s *Service) approvalRequired(ctx context.Context) bool {
	in, err := s.moderation.InstanceSettings(ctx)
	return err == nil && in.ApprovalRequired()
}

// Accounts returns the area of users, sign-up, tokens, OAuth and sessions.
func (s *Service) Accounts() *accounts.Service { return s.accounts }

// Core returns the rules every area shares (visibility, views, URLs, events).
func (s *Service) Core() *core.Base { return s.core }

// Config returns the instance settings the service was built with.
func (s *Service) Config() core.Config { return s.core.Config() }

// Media returns the area of uploads.
func (s *Service) Media() *media.Service { return s.media }

// RemoteMedia returns the cache of remote avatars, headers and attachments.
func (s *Service) RemoteMedia() *remotemedia.Service { return s.remote }

// Backfill returns the area that fetches a remote profile's recent posts.
func (s *Service) Backfill() *backfill.Service { return s.backfill }

// Messaging returns the area of direct conversations.
func (s *Service) Messaging() *messaging.Service { return s.messaging }

// Payments returns the area of money: ledger, offers, checkout, refunds, webhooks.
func (s *Service) Payments() *payments.Service { return s.payments }

// Requests returns the area of money asked for in chats: requests,
// splits, reminders and their activities.
func (s *Service) Requests() *requests.Service { return s.requests }

// PayViews returns how payments and requests look to the people in them:
// chat cards, history, public pay pages.
func (s *Service) PayViews() *payviews.Service { return s.payviews }

// Shop returns the area of listings and their orders.
func (s *Service) Shop() *shop.Service { return s.shop }

// Supporters returns the area of monthly supporter subscriptions.
func (s *Service) Supporters() *supporters.Service { return s.supporters }

// Moderation returns the area of admin decisions: suspensions, domain blocks, instance settings.
func (s *Service) Moderation() *moderation.Service { return s.moderation }

// Announcements returns the admin announcements area.
func (s *Service) Announcements() *announcements.Service { return s.announce }

// Filters returns the content filters area.
func (s *Service) Filters() *filters.Service { return s.filters }

// Discovery returns the trends and suggestions area.
func (s *Service) Discovery() *discovery.Service { return s.discovery }

// Push returns the Web Push area.
func (s *Service) Push() *push.Service { return s.push }

// Scheduled returns the scheduled-statuses area.
func (s *Service) Scheduled() *scheduled.Service { return s.scheduled }

// Portability returns the area of CSV export and import of follows,
// blocks and mutes.
func (s *Service) Portability() *portability.Service { return s.portable }

// Polls returns the area of polls: votes, results, ends, Questions.
func (s *Service) Polls() *polls.Service { return s.polls }

// Emoji returns the area of custom emoji: this instance's and remote ones.
func (s *Service) Emoji() *emoji.Service { return s.emoji }

// storeRemoteExtras runs in the transaction of each remote status stored:
// a Question's poll, the post it quotes, and the custom emoji its tags name.
func (s *Service) storeRemoteExtras(ctx context.Context, tx *store.Store, st *models.Status, obj *models.APObject) error {
	if err := s.polls.StoreRemote(ctx, tx, st, obj); err != nil {
		return err
	}
	if err := s.quotes.StoreRemote(ctx, tx, st, obj); err != nil {
		return err
	}
	return s.emoji.StoreRemote(ctx, tx, st.Account.Domain, obj.Tags)
}

// Pins returns the area of pinned statuses.
func (s *Service) Pins() *pins.Service { return s.pins }

// Quotes returns the area of quote posts and quote policies.
func (s *Service) Quotes() *quotes.Service { return s.quotes }

// Relations returns the area of domain blocks, notes, endorsements,
// removed followers, familiar followers and the directory.
func (s *Service) Relations() *relations.Service { return s.relations }

// Notifications returns the area of grouped notifications, the
// notification policy and its requests, and thread mutes.
func (s *Service) Notifications() *notifications.Service { return s.notifs }

// Reports returns the area of reports and the account actions taken on them.
func (s *Service) Reports() *reports.Service { return s.reports }

// Tags returns the area of followed and featured hashtags.
func (s *Service) Tags() *tags.Service { return s.tags }

// Social returns the area of statuses, interactions, follows, timelines, notifications and search.
func (s *Service) Social() *social.Service { return s.social }

// Lists returns the area of a user's lists of accounts and their timelines.
func (s *Service) Lists() *lists.Service { return s.lists }

// ReceiveActivity applies an activity received in an inbox (it implements
// federation.InboxHandler): the inbound side says what it means.
func (s *Service) ReceiveActivity(ctx context.Context, in *models.InboxActivity, act *models.APActivity, signer *models.Account) error {
	return s.inbound.ReceiveActivity(ctx, in, act, signer)
}

// reportMail tells the admins of a new report by email (the accounts
// area's mailer), naming the reported account by its handle.
type reportMail struct{ s *Service }

func (m reportMail) ReportFiled(ctx context.Context, r *models.Report) {
	target := core.IDString(r.TargetAccountID)
	if a, err := m.s.core.Store().AccountByID(ctx, r.TargetAccountID); err == nil {
		target = core.Handle(a)
	}
	m.s.accounts.ReportFiled(ctx, target, r.Comment)
}
