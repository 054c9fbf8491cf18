// Package lists holds a user's lists of accounts (Mastodon's lists): the
// lists, their members (accounts the owner follows) and each list's
// timeline.
package lists

import (
	"plaza/models/store"
	"plaza/server/service/core"
)

// Service is the lists area of the business layer.
type Service struct {
	store *store.Store
	clock core.Clock
}

// New builds the lists area on the shared core.
func New(c *core.Base) *Service {
	return &Service{store: c.Store(), clock: c.Clock()}
}
