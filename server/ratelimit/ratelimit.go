// Package ratelimit counts requests per key (a client address, an access
// token, a remote host) in token buckets from golang.org/x/time/rate, within
// bounded memory. It is Plaza's one limiter: the router's client API and
// inbox limits and the sign-in and sign-up forms all use it.
//
// Counts live in one process: several plaza processes sharing a database
// each allow the limit.
package ratelimit

import (
	"container/list"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rule is how many requests one key may make per Period. The bucket holds
// Limit requests and refills evenly over Period, so a burst of Limit is
// allowed and then one request every Period/Limit. Limit 0 means no limit.
type Rule struct {
	Limit  int
	Period time.Duration
}

// maxKeys bounds a limiter's memory under a spray of keys (addresses,
// forged tokens); beyond it the least recently seen key is forgotten.
const maxKeys = 100_000

// Limiter holds one bucket per key, most recently used first. A key idle
// for Period has a full bucket again, so forgetting it changes nothing:
// such keys are dropped as others arrive.
type Limiter struct {
	rule    Rule
	maxKeys int
	now     func() time.Time

	mu   sync.Mutex
	keys map[string]*list.Element // of *bucket
	lru  *list.List               // front: most recently used
}

type bucket struct {
	key  string
	lim  *rate.Limiter
	seen time.Time
}

// New returns a limiter applying rule to every key.
func New(rule Rule) *Limiter {
	return &Limiter{rule: rule, maxKeys: maxKeys, now: time.Now, keys: map[string]*list.Element{}, lru: list.New()}
}

// Decision is the outcome of one request, with what the X-RateLimit-*
// headers report.
type Decision struct {
	Allowed bool
	// Limit is the rule's limit (0: none); Remaining the requests left now.
	Limit, Remaining int
	// Reset is when the bucket is full again.
	Reset time.Time
	// RetryAfter is, for a refused request, how long until one is allowed.
	RetryAfter time.Duration
}

// Allow counts one request of key and reports whether it is within the
// rule.
func (l *Limiter) Allow(key string) Decision {
	if l == nil || l.rule.Limit <= 0 {
		return Decision{Allowed: true}
	}
	now := l.now()
	l.mu.Lock()
	b := l.bucket(key, now)
	ok := b.lim.AllowN(now, 1)
	tokens := b.lim.TokensAt(now)
	l.mu.Unlock()

	d := Decision{Allowed: ok, Limit: l.rule.Limit, Remaining: max(0, int(math.Floor(tokens)))}
	d.Reset = now.Add(l.refill(float64(l.rule.Limit) - tokens))
	if !ok {
		d.RetryAfter = l.refill(1 - tokens)
	}
	return d
}

// bucket returns key's bucket, marked as just used, creating it full if
// new and dropping idle or excess keys. l.mu is held.
func (l *Limiter) bucket(key string, now time.Time) *bucket {
	if e, ok := l.keys[key]; ok {
		b := e.Value.(*bucket)
		b.seen = now
		l.lru.MoveToFront(e)
		return b
	}
	perSecond := rate.Limit(float64(l.rule.Limit) / l.rule.Period.Seconds())
	b := &bucket{key: key, lim: rate.NewLimiter(perSecond, l.rule.Limit), seen: now}
	l.keys[key] = l.lru.PushFront(b)
	for e := l.lru.Back(); e != nil && e != l.keys[key]; e = l.lru.Back() {
		old := e.Value.(*bucket)
		if now.Sub(old.seen) < l.rule.Period && l.lru.Len() <= l.maxKeys {
			break
		}
		l.lru.Remove(e)
		delete(l.keys, old.key)
	}
	return b
}

// refill is how long the bucket takes to gain n requests.
func (l *Limiter) refill(n float64) time.Duration {
	if n <= 0 {
		return 0
	}
	return time.Duration(n * float64(l.rule.Period) / float64(l.rule.Limit))
}

// Len is the number of keys held, for tests of the memory bound.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// SetHeaders writes Mastodon's X-RateLimit-Limit, -Remaining and -Reset
// (an ISO 8601 time) and, for a refused request, Retry-After in whole
// seconds. A decision without a limit writes nothing.
func (d Decision) SetHeaders(h http.Header) {
	if d.Limit <= 0 {
		return
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(d.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(d.Remaining))
	h.Set("X-RateLimit-Reset", d.Reset.UTC().Format("2006-01-02T15:04:05.000Z"))
	if !d.Allowed {
		h.Set("Retry-After", strconv.Itoa(d.RetryAfterSeconds()))
	}
}

// RetryAfterSeconds is RetryAfter rounded up to whole seconds, at least 1.
func (d Decision) RetryAfterSeconds() int {
	return max(1, int(math.Ceil(d.RetryAfter.Seconds())))
}

// AddressKey is the key of a client address: the address itself, or for
// IPv6 its /64, which one client usually holds whole (Mastodon's
// throttleable_remote_ip does the same).
func AddressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "addr:" + ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "addr:" + p.String()
	}
	return "addr:" + a.String()
}

// SignInDefault is Mastodon's sign-in limit per address (25 attempts in 5
// minutes), for handlers built without a configured limiter.
func SignInDefault() Rule { return Rule{Limit: 25, Period: 5 * time.Minute} }

// SignUpDefault is Mastodon's sign-up limit per address (5 in 30 minutes).
func SignUpDefault() Rule { return Rule{Limit: 5, Period: 30 * time.Minute} }
