// Package social holds what people do with posts and with each other:
// statuses (create, edit, delete), favourites, boosts and bookmarks,
// follows, blocks and mutes, timelines and notifications, markers, search,
// and how a remote Note becomes a status (its origin checked).
package social

import (
	"context"
	"log/slog"

	"plaza/models"
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
	// remoteHook runs on each remote status stored (the polls area's).
	remoteHook func(ctx context.Context, tx *store.Store, st *models.Status, obj *models.APObject) error
	// tagHome says whether a status reaches a viewer's home stream by a
	// hashtag it follows (the tags area's ReachesHome).
	tagHome func(ctx context.Context, viewer *models.Account, st *models.Status) (bool, error)
	// listStreams says on which of a viewer's lists a status shows (the
	// lists area's StreamLists).
	listStreams func(ctx context.Context, viewer *models.Account, st *models.Status) ([]int64, error)
}

// SetListStreams sets how a status finds the viewer's list streams it
// belongs on (wired by root: lists.StreamLists).
func (s *Service) SetListStreams(fn func(ctx context.Context, viewer *models.Account, st *models.Status) ([]int64, error)) {
	s.listStreams = fn
}

// SetTagHome sets how a status of someone not followed reaches a viewer's
// home stream by a followed hashtag (wired by root: tags.ReachesHome).
func (s *Service) SetTagHome(fn func(ctx context.Context, viewer *models.Account, st *models.Status) (bool, error)) {
	s.tagHome = fn
}

// SetRemoteHook sets what runs on each remote status stored, in its
// transaction (wired by root: the poll of a Question).
func (s *Service) SetRemoteHook(fn func(ctx context.Context, tx *store.Store, st *models.Status, obj *models.APObject) error) {
	s.remoteHook = fn
}

// New builds the social area on the shared core; direct statuses are filed
// in their conversations through msg.
func New(c *core.Base, msg *messaging.Service) *Service {
	return &Service{core: c, messaging: msg, store: c.Store(), fetch: c.Fetcher(), clock: c.Clock(), log: c.Log(), urls: c.URLs()}
}
