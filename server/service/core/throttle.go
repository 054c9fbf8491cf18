package core

import (
	"sync"
	"time"
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
