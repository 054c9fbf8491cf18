// Package messaging holds direct conversations: a direct status is filed in the
// conversation of its participants, listed, read and hidden there.
package messaging

import (
	"log/slog"

	"plaza/models/store"
	"plaza/server/service/core"
)

// Service is the messaging area of the business layer.
type Service struct {
	core  *core.Base
	cfg   core.Config
	store *store.Store
	pub   core.Publisher
	fetch core.Fetcher
	clock core.Clock
	log   *slog.Logger
	urls  core.URLs
}

// New builds the messaging area on the shared core.
func New(c *core.Base) *Service {
	return &Service{core: c, cfg: c.Config(), store: c.Store(), pub: c.Publisher(), fetch: c.Fetcher(), clock: c.Clock(), log: c.Log(), urls: c.URLs()}
}
