// Package accounts holds who the users are and how they prove it: sign-up,
// passwords, tokens, OAuth apps and codes, web sessions, the instance actor
// and the profile.
package accounts

import (
	"context"
	"log/slog"

	"plaza/models/store"
	"plaza/server/service/core"
)

// Service is the accounts area of the business layer.
type Service struct {
	core  *core.Base
	cfg   core.Config
	store *store.Store
	clock core.Clock
	log   *slog.Logger
	urls  core.URLs
	// registrationsOpen tells whether visitors may sign up now (the admin's
	// setting, else the configuration); moderation owns that setting.
	registrationsOpen func(ctx context.Context) bool
	// mailer sends email; nil when the instance has none (SetMailer).
	mailer Mailer
	// approvalRequired tells whether sign-ups wait for an admin.
	approvalRequired func(ctx context.Context) bool
}

// New builds the accounts area on the shared core.
func New(c *core.Base, registrationsOpen func(ctx context.Context) bool) *Service {
	return &Service{core: c, cfg: c.Config(), store: c.Store(), clock: c.Clock(), log: c.Log(), urls: c.URLs(),
		registrationsOpen: registrationsOpen}
}
