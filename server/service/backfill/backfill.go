// Package backfill fills a remote profile seen for the first time with its
// recent public posts, read from the first page of the actor's outbox, so
// the page does not say "Nothing here yet" about an account that posts.
package backfill

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// OutboxFetcher reads the first page of a remote outbox: up to maxItems
// posts that actorURI created, and the collection's totalItems (-1 when
// unknown). federation.Resolver implements it.
type OutboxFetcher interface {
	FetchOutbox(ctx context.Context, actorURI, outboxURI string, maxItems int) ([]*models.APObject, int, error)
}

// Bounds of one backfill.
const (
	// MaxPosts is how many posts one first view takes from the outbox.
	MaxPosts = 20
	// retryAfter is how long an account is not backfilled again (an empty
	// or unreachable outbox is not asked for on every view).
	retryAfter = 6 * time.Hour
	// maxRemembered bounds the memory of accounts already backfilled.
	maxRemembered = 10000
)

// Service is the backfill area.
type Service struct {
	store  *store.Store
	clock  core.Clock
	log    *slog.Logger
	social *social.Service
	fetch  OutboxFetcher

	mu   sync.Mutex
	done map[int64]time.Time // account id → last backfill
}

// New builds the area. The core's Fetcher serves outboxes when it can
// (federation.Resolver does); otherwise backfilling does nothing.
func New(c *core.Base, s *social.Service) *Service {
	fetch, _ := c.Fetcher().(OutboxFetcher)
	return &Service{store: c.Store(), clock: c.Clock(), log: c.Log(), social: s, fetch: fetch, done: map[int64]time.Time{}}
}

// due reports whether acct should be backfilled now, and marks it.
func (s *Service) due(acct *models.Account) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	if at, ok := s.done[acct.ID]; ok && now.Sub(at) < retryAfter {
		return false
	}
	if len(s.done) >= maxRemembered {
		clear(s.done)
	}
	s.done[acct.ID] = now
	return true
}

// RecentPosts stores the public and unlisted posts of the first page of a
// remote account's outbox that are not known yet, the first time the
// account's profile is viewed (and again after a while). Each post obeys
// the origin rule of every remote object. It returns how many it stored;
// a remote failure is logged and not an error (the page shows what is
// known).
func (s *Service) RecentPosts(ctx context.Context, acct *models.Account) (int, error) {
	if s.fetch == nil || acct == nil || acct.IsLocal() || acct.OutboxURI == "" || !s.due(acct) {
		return 0, nil
	}
	objs, _, err := s.fetch.FetchOutbox(ctx, acct.URI, acct.OutboxURI, MaxPosts)
	if err != nil {
		s.log.InfoContext(ctx, "outbox not fetched", slog.String("outbox", acct.OutboxURI), slog.Any("error", err))
		return 0, nil
	}
	stored := 0
	for _, obj := range objs {
		ok, err := s.storePost(ctx, acct, obj)
		if err != nil {
			return stored, fmt.Errorf("backfill %s: %w", acct.URI, err)
		}
		if ok {
			stored++
		}
	}
	return stored, nil
}

// storePost stores one outbox post unless it is known, not the account's,
// not public or unlisted, or refused by the origin rule.
func (s *Service) storePost(ctx context.Context, acct *models.Account, obj *models.APObject) (bool, error) {
	if !social.IsNoteLike(obj.Type) || obj.AttributedTo != acct.URI {
		return false, nil
	}
	v := social.VisibilityOf(obj.To, obj.Cc, acct.FollowersURI)
	if v != models.VisibilityPublic && v != models.VisibilityUnlisted {
		return false, nil
	}
	stored := false
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := s.social.CheckOrigin(ctx, tx, obj, acct.OutboxURI); err != nil {
			if errors.Is(err, core.ErrForbidden) {
				return nil // someone else's post: left out
			}
			return err
		}
		if _, err := tx.StatusWithAccountByURI(ctx, obj.ID); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		// Old posts fetched for a profile notify nobody.
		if _, err := s.social.StoreRemoteStatus(ctx, tx, obj, acct, obj.To, obj.Cc, false); err != nil {
			return err
		}
		stored = true
		return nil
	})
	return stored, err
}
