// Package social holds what people do with posts and with each other:
// statuses (create, edit, delete), favourites, boosts and bookmarks,
// follows, blocks and mutes, timelines and notifications, markers, search,
// and how a remote Note becomes a status (its origin checked).
package social

import (
	"log/slog"

	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
)

// Service is the social area of the business layer.
type Service struct {
	core      *core.Base
	messaging *messaging.Service
	store     *store.Store
	fetch     core.Fetcher
	clock     core.Clock
	log       *slog.Logger
	urls      core.URLs
}

// New builds the social area on the shared core; direct statuses are filed
// in their conversations through msg.
func New(c *core.Base, msg *messaging.Service) *Service {
	return &Service{core: c, messaging: msg, store: c.Store(), fetch: c.Fetcher(), clock: c.Clock(), log: c.Log(), urls: c.URLs()}
}
