// Package moderation holds what the admins decide: users suspended, domains
// blocked, the instance's settings and its public facts (usage, peers).
package moderation

import (
	"log/slog"

	"plaza/models/store"
	"plaza/server/service/core"
)

// Service is the moderation and admin area of the business layer.
type Service struct {
	cfg   core.Config
	store *store.Store
	clock core.Clock
	log   *slog.Logger
	pub   core.Publisher // nil: nothing is federated (an offline tool)
	purge Purger         // nil: suspended remote content is only hidden
}

// New builds the moderation area on the shared core.
func New(c *core.Base) *Service {
	return &Service{cfg: c.Config(), store: c.Store(), clock: c.Clock(), log: c.Log(), pub: c.Publisher()}
}
