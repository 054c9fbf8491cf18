package federation

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"plaza/models"
)

// TestInboxCachesVerifiedKeys: once a key has verified a signature, the
// next requests signed with it need neither a key query nor a fetch; when
// the actor rotates its key, the first request signed with the new one
// fails against the cached key, refetches once and passes, and the new key
// is cached in turn.
func TestInboxCachesVerifiedKeys(t *testing.T) {
	remote := newFakeRemote(t)
	oldKey := newTestKey(t, remote.url("/users/alice#main-key"))
	alice := remote.addActor(t, "alice", oldKey)
	r := newRig(t, testCfg())
	ctx := context.Background()
	var keyQueries atomic.Int64
	stop := r.st.ObserveQueries(func(_ context.Context, sql string) {
		if strings.Contains(sql, "public_key_id") {
			keyQueries.Add(1)
		}
	})
	defer stop()
	n := 0
	receive := func(k *testKey) error {
		n++
		body := follow(alice.URI, remote.url("/follows/")+string(rune('a'+n)))
		return r.inbox.Receive(ctx, inboxRequest(t, body, k, time.Now()), body, nil)
	}
	if err := receive(&oldKey); err != nil {
		t.Fatal(err)
	}
	fetches, queries := remote.count("/users/alice"), keyQueries.Load()
	for range 3 {
		if err := receive(&oldKey); err != nil {
			t.Fatal(err)
		}
	}
	if got := keyQueries.Load() - queries; got != 0 {
		t.Errorf("%d key queries for requests signed with a cached key, want 0", got)
	}
	if got := remote.count("/users/alice") - fetches; got != 0 {
		t.Errorf("%d fetches for a cached key, want 0", got)
	}

	newKey := newTestKey(t, oldKey.signer.KeyID)
	remote.addActor(t, "alice", newKey)
	fetches = remote.count("/users/alice")
	if err := receive(&newKey); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if got := remote.count("/users/alice") - fetches; got != 1 {
		t.Errorf("rotation: %d fetches, want 1", got)
	}
	fetches, queries = remote.count("/users/alice"), keyQueries.Load()
	if err := receive(&newKey); err != nil {
		t.Fatal(err)
	}
	if remote.count("/users/alice") != fetches || keyQueries.Load() != queries {
		t.Error("the rotated key was not cached")
	}
	if err := receive(&oldKey); err == nil {
		t.Fatal("the old key still verifies after rotation")
	}
}

// TestKeyCacheIsBounded: the cache holds at most its size, dropping the
// least recently used key, and forgets keys after the TTL.
func TestKeyCacheIsBounded(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	c := newKeyCache(2, time.Minute, func() time.Time { return now })
	k := newTestKey(t, "https://x.test/a#k")
	pub, err := ParsePublicKeyPEM(k.pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	owner := &models.Account{URI: "https://x.test/a"}
	c.put("a", owner, pub)
	c.put("b", owner, pub)
	if _, _, ok := c.get("a"); !ok { // a is now the most recent
		t.Fatal("a not cached")
	}
	c.put("c", owner, pub)
	if c.len() != 2 {
		t.Fatalf("%d keys cached, want at most 2", c.len())
	}
	if _, _, ok := c.get("b"); ok {
		t.Error("the least recently used key survived")
	}
	if _, _, ok := c.get("a"); !ok {
		t.Error("a recently used key was dropped")
	}
	got, _, _ := c.get("c")
	got.URI = "changed"
	if again, _, _ := c.get("c"); again.URI != owner.URI {
		t.Error("a caller changed the cached account")
	}
	now = now.Add(time.Minute)
	if _, _, ok := c.get("a"); ok {
		t.Error("an expired key was served")
	}
	if c.len() != 1 {
		t.Errorf("%d keys after expiry, want 1", c.len())
	}
}
