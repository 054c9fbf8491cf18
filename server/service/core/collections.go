package core

import (
	"context"
	"fmt"
	"sync"
	"time"

	"plaza/models"
)

// Throttle remembers when something was last done per id (a remote
// account's collection read), so it is done at most once per period; it
// forgets everything past a bound rather than grow without one.
type Throttle struct {
	mu     sync.Mutex
	every  time.Duration
	bound  int
	lastAt map[int64]time.Time
}

// NewThrottle allows one go per id per every, tracking at most bound ids.
func NewThrottle(every time.Duration, bound int) *Throttle {
	return &Throttle{every: every, bound: bound, lastAt: map[int64]time.Time{}}
}

// Due reports whether id's turn has come at now, and marks it taken.
func (t *Throttle) Due(id int64, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if at, ok := t.lastAt[id]; ok && now.Sub(at) < t.every {
		return false
	}
	if len(t.lastAt) >= t.bound {
		clear(t.lastAt)
	}
	t.lastAt[id] = now
	return true
}

// OwnCollection reads the first items (at most limit) of one of a remote
// account's collections (featured, featuredTags), at most once per t's
// period per account; the collection must be on the account's own server.
// read is false when nothing was read: no fetcher, a local account, no
// collection, or not due yet.
func (s *Base) OwnCollection(ctx context.Context, owner *models.Account, uri string, limit int, t *Throttle) (items []*models.APObject, read bool, err error) {
	cf, ok := s.Fetcher().(CollectionFetcher)
	if !ok || owner.IsLocal() || uri == "" || !t.Due(owner.ID, s.Clock().Now()) {
		return nil, false, nil
	}
	if OriginOf(uri) != OriginOf(owner.URI) {
		return nil, false, fmt.Errorf("%w: collection %s of %s on another server", ErrForbidden, uri, owner.URI)
	}
	items, err = cf.FetchCollectionItems(ctx, uri, limit)
	if err != nil {
		return nil, false, fmt.Errorf("collection %s of %s: %w", uri, owner.URI, err)
	}
	return items, true, nil
}
