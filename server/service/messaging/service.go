// Package messaging holds direct conversations: a direct status is filed in the
// conversation of its participants, listed, read and hidden there.
package messaging

import (
	"plaza/models/store"
	"plaza/server/service/core"
)

// Service is the messaging area of the business layer.
type Service struct {
	store *store.Store
}

// New builds the messaging area on the shared core.
func New(c *core.Base) *Service {
	return &Service{store: c.Store()}
}
