package store

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// IDGenerator makes 64-bit ids that sort by creation time, in the manner of
// Mastodon's Snowflake ids: the upper 48 bits are milliseconds since the Unix
// epoch, the lower 16 a sequence that starts at a random value per process, so
// several processes sharing one database are unlikely to collide and ids from
// one process never repeat.
type IDGenerator struct {
	mu     sync.Mutex
	lastMS int64
	seq    uint16
}

// NewIDGenerator returns a generator seeded with a random sequence.
func NewIDGenerator() *IDGenerator {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return &IDGenerator{seq: binary.BigEndian.Uint16(b[:])}
}

// Next returns the next id.
func (g *IDGenerator) Next() int64 {
	return g.At(time.Now())
}

// At returns an id for the instant t (later than any id already returned).
func (g *IDGenerator) At(t time.Time) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := t.UnixMilli()
	if ms < g.lastMS {
		ms = g.lastMS // never go back in time, even if the clock does
	}
	g.seq++
	if ms == g.lastMS && g.seq == 0 {
		// 65536 ids in one millisecond: borrow the next millisecond.
		ms++
	}
	g.lastMS = ms
	return ms<<16 | int64(g.seq)
}

// IDTime returns the creation time encoded in an id.
func IDTime(id int64) time.Time { return time.UnixMilli(id >> 16).UTC() }
