// Package service is Plaza's business layer: what creating an account,
// receiving an activity or (later) posting, following and paying mean. The
// client API, the web UI and the inbox are thin adapters over it. It imports
// no HTTP framework, no Stripe and no signature code; what it needs from the
// outside it declares as small interfaces.
package service

import (
	"errors"
	"log/slog"
	"time"

	"plaza/models/store"
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
	Version             string
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

// Service holds the dependencies of every use case.
type Service struct {
	cfg   Config
	store *store.Store
	pub   Publisher
	fetch Fetcher
	clock Clock
	log   *slog.Logger
	urls  URLs
	// pay is set by EnablePayments (payments.go); nil: no payments.
	pay *paymentSetup
}

// New builds the business layer.
func New(cfg Config, deps Deps) *Service {
	if deps.Clock == nil {
		deps.Clock = SystemClock{}
	}
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, store: deps.Store, pub: deps.Publisher, fetch: deps.Fetcher, clock: deps.Clock, log: deps.Log,
		urls: URLs{Protocol: cfg.Protocol, Host: cfg.Host}}
}

// Config returns the instance settings the service was built with.
func (s *Service) Config() Config { return s.cfg }

// URLs returns the URL layout of this instance.
func (s *Service) URLs() URLs { return s.urls }

// notFound turns the store's not-found into the service's.
func notFound(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return errors.Join(ErrNotFound, errors.New(what+" not found"))
	}
	return err
}
