package ratelimit

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// clock is a settable time for the limiter under test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestLimiter(rule Rule) (*Limiter, *clock) {
	c := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	l := New(rule)
	l.now = c.now
	return l, c
}

func TestLimiterBurstThenRefusal(t *testing.T) {
	l, c := newTestLimiter(Rule{Limit: 3, Period: time.Minute})
	for i := range 3 {
		d := l.Allow("addr:1")
		if !d.Allowed || d.Remaining != 2-i || d.Limit != 3 {
			t.Fatalf("request %d: %+v, want allowed with %d remaining", i+1, d, 2-i)
		}
	}
	d := l.Allow("addr:1")
	if d.Allowed || d.Remaining != 0 {
		t.Fatalf("4th request: %+v, want refused", d)
	}
	// One request comes back every Period/Limit = 20s.
	if d.RetryAfterSeconds() != 20 {
		t.Errorf("Retry-After %ds, want 20", d.RetryAfterSeconds())
	}
	if want := c.t.Add(time.Minute); !d.Reset.Equal(want) {
		t.Errorf("Reset %v, want %v (bucket full again)", d.Reset, want)
	}
	h := http.Header{}
	d.SetHeaders(h)
	if h.Get("X-RateLimit-Limit") != "3" || h.Get("X-RateLimit-Remaining") != "0" ||
		h.Get("X-RateLimit-Reset") != "2026-01-02T03:05:05.000Z" || h.Get("Retry-After") != "20" {
		t.Errorf("headers %v", h)
	}
	if other := l.Allow("addr:2"); !other.Allowed {
		t.Errorf("another key is refused: %+v", other)
	}
	c.t = c.t.Add(20 * time.Second)
	if d := l.Allow("addr:1"); !d.Allowed {
		t.Errorf("after Retry-After: %+v, want allowed", d)
	}
}

func TestLimiterNoLimit(t *testing.T) {
	l, _ := newTestLimiter(Rule{})
	for range 1000 {
		if d := l.Allow("k"); !d.Allowed {
			t.Fatal("limit 0 refused a request")
		}
	}
	h := http.Header{}
	l.Allow("k").SetHeaders(h)
	if len(h) != 0 || l.Len() != 0 {
		t.Errorf("limit 0 keeps state or headers: %v, %d keys", h, l.Len())
	}
}

// Memory stays bounded: idle keys (whose buckets are full again) are
// dropped, and a spray of fresh keys never holds more than maxKeys.
func TestLimiterBoundedMemory(t *testing.T) {
	l, c := newTestLimiter(Rule{Limit: 2, Period: time.Minute})
	l.maxKeys = 50
	for i := range 500 {
		l.Allow("spray:" + strconv.Itoa(i))
		if l.Len() > 50 {
			t.Fatalf("%d keys held, bound is 50", l.Len())
		}
	}
	c.t = c.t.Add(time.Minute)
	l.Allow("late")
	if l.Len() != 1 {
		t.Errorf("after a period idle: %d keys held, want only the new one", l.Len())
	}
	// An active key survives a spray smaller than the bound and keeps its
	// count.
	l.Allow("busy")
	l.Allow("busy")
	for i := range 40 {
		l.Allow("more:" + strconv.Itoa(i))
	}
	if d := l.Allow("busy"); d.Allowed {
		t.Errorf("busy key was forgotten: %+v", d)
	}
}

func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":                   "addr:203.0.113.7",
		"::ffff:203.0.113.7":            "addr:203.0.113.7",
		"2001:db8:1:2:3:4:5:6":          "addr:2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:ffff:1": "addr:2001:db8:1:2::/64",
	} {
		if got := AddressKey(in); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", in, got, want)
		}
	}
}
