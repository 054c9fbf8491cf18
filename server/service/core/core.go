// Package core holds the rules every area of the business layer shares:
// errors, ports, the clock, URLs, pages, events, who may see a status, how
// statuses and accounts become views, text and handles. It imports no area.
package core

import (
	"errors"
	"log/slog"
	"plaza/models/store"
	"time"
)

// Errors every transport maps to a status in one place.
var (
	ErrNotFound     = errors.New("not found")
	ErrValidation   = errors.New("validation failed")
	ErrConflict     = errors.New("conflict")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
)

// Clock tells the time; tests pass a fixed one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current UTC time.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// Config is what the business layer needs to know about the instance.
type Config struct {
	Host                string // public authority, may carry a port
	Protocol            string // https or http
	InstanceName        string
	InstanceDescription string
	ContactEmail        string
	OpenRegistrations   bool
	// The instance's longer texts, plain text, until an admin saves their
	// own (instance.extended_description, privacy_policy, terms_of_service).
	ExtendedDescription, PrivacyPolicy, TermsOfService string
	Version                                            string
	// SuspensionGrace is how long a suspended account can be unsuspended
	// with everything it had (moderation.suspension_grace); 0: 30 days.
	SuspensionGrace time.Duration
}

// NotFound turns the store's not-found into the service's.
func NotFound(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return errors.Join(ErrNotFound, errors.New(what+" not found"))
	}
	return err
}

// Base holds what every area shares: the instance settings, the store, the
// ports and the rules written once (visibility, views, text, handles).
type Base struct {
	cfg   Config
	store *store.Store
	pub   Publisher
	fetch Fetcher
	clock Clock
	log   *slog.Logger
	urls  URLs
	gate  NotifyGate
}

// Deps are the collaborators of the business layer. Store is required;
// Publisher and Fetcher may be nil for tools that never federate (the CLI),
// in which case nothing is sent and nothing remote is looked up.
type Deps struct {
	Store     *store.Store
	Publisher Publisher
	Fetcher   Fetcher
	Clock     Clock
	Log       *slog.Logger
}

// New builds the shared base of the areas.
func New(cfg Config, deps Deps) *Base {
	if deps.Clock == nil {
		deps.Clock = SystemClock{}
	}
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	return &Base{cfg: cfg, store: deps.Store, pub: deps.Publisher, fetch: deps.Fetcher, clock: deps.Clock, log: deps.Log,
		urls: URLs{Protocol: cfg.Protocol, Host: cfg.Host}}
}

// Config returns the instance settings.
func (s *Base) Config() Config { return s.cfg }

// URLs returns the URL layout of this instance.
func (s *Base) URLs() URLs { return s.urls }

// Store returns the database.
func (s *Base) Store() *store.Store { return s.store }

// Publisher returns the outbound federation port; nil: nothing is sent.
func (s *Base) Publisher() Publisher { return s.pub }

// Fetcher returns the remote lookup port; nil: nothing remote is looked up.
func (s *Base) Fetcher() Fetcher { return s.fetch }

// Clock returns the clock.
func (s *Base) Clock() Clock { return s.clock }

// Log returns the logger.
func (s *Base) Log() *slog.Logger { return s.log }

// MastodonAPIVersion is the Mastodon release whose client API Plaza
// follows: /api/v1/instance and NodeInfo's metadata.upstream report it.
const MastodonAPIVersion = "4.3.0"
