// Package media holds uploads: images checked, re-encoded and thumbnailed; video and
// audio probed, stripped or converted and thumbnailed by ffmpeg (processed in the
// background for the v2 API); stored under the media directory, and their descriptions.
package media

import (
	"log/slog"

	"golang.org/x/sync/semaphore"

	"plaza/models/store"
	"plaza/server/service/core"
)

// Service is the media area of the business layer.
type Service struct {
	store *store.Store
	clock core.Clock
	log   *slog.Logger
	urls  core.URLs
	// decodes holds the memory of image decodes in flight (decodeBudget).
	decodes *semaphore.Weighted
	// wake tells RunProcessor a video or audio upload waits.
	wake chan struct{}
}

// New builds the media area on the shared core.
func New(c *core.Base) *Service {
	return &Service{store: c.Store(), clock: c.Clock(), log: c.Log(), urls: c.URLs(),
		decodes: semaphore.NewWeighted(decodeBudget), wake: make(chan struct{}, 1)}
}
