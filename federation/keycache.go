package federation

import (
	"container/list"
	"crypto/rsa"
	"sync"
	"time"

	"plaza/models"
)

// keyCache remembers remote keys that verified a signature, so the inbox
// needs no query to find the key of a server that keeps posting. It is
// bounded (least recently used out first) and entries expire, so a key the
// store forgot or an actor refreshed elsewhere (another process) is looked
// up again after at most the TTL. A signature that fails with a cached key
// is retried once with a refetched key, as with a stored one (rotation).
type keyCache struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // of *keyEntry, most recently used in front
	byID  map[string]*list.Element
}

type keyEntry struct {
	keyID   string
	owner   models.Account // a copy: callers may not change the cached one
	key     *rsa.PublicKey
	expires time.Time
}

func newKeyCache(max int, ttl time.Duration, now func() time.Time) *keyCache {
	return &keyCache{max: max, ttl: ttl, now: now, order: list.New(), byID: map[string]*list.Element{}}
}

// get returns the cached owner and key of keyID.
func (c *keyCache) get(keyID string) (*models.Account, *rsa.PublicKey, bool) {
	if c == nil || c.max <= 0 {
		return nil, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[keyID]
	if !ok {
		return nil, nil, false
	}
	e := el.Value.(*keyEntry)
	if !c.now().Before(e.expires) {
		c.order.Remove(el)
		delete(c.byID, keyID)
		return nil, nil, false
	}
	c.order.MoveToFront(el)
	owner := e.owner
	return &owner, e.key, true
}

// put remembers a key that has just verified a signature.
func (c *keyCache) put(keyID string, owner *models.Account, key *rsa.PublicKey) {
	if c == nil || c.max <= 0 || owner == nil || key == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &keyEntry{keyID: keyID, owner: *owner, key: key, expires: c.now().Add(c.ttl)}
	if el, ok := c.byID[keyID]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.byID[keyID] = c.order.PushFront(e)
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.byID, old.Value.(*keyEntry).keyID)
	}
}

// forget drops keyID (its signature failed: the next look-up refetches).
func (c *keyCache) forget(keyID string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byID[keyID]; ok {
		c.order.Remove(el)
		delete(c.byID, keyID)
	}
}

// len is how many keys are cached.
func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
