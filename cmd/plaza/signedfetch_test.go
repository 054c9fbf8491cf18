package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/federation"
	"plaza/models"
	"plaza/models/store/storetest"
)

// TestInboxRefusalsDoNotEchoInternalErrors: when a delivery is refused, the
// body names the reason in a fixed phrase; what went wrong inside (the key
// URL that was fetched, the remote's answer, a parser's message) stays in
// the log.
func TestInboxRefusalsDoNotEchoInternalErrors(t *testing.T) {
	b := startInstance(t, "127.0.0.3")
	b.createUser(t, "bob")
	// The "remote" the signature points at answers its key with a 500 and a
	// page that looks like an internal error, or with something unparsable.
	keyHost := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/garbled/") {
			w.Header().Set("Content-Type", "application/activity+json")
			_, _ = w.Write([]byte(`{"id": "oops-internal-parse`))
			return
		}
		http.Error(w, "pq: password authentication failed for user internal_db", http.StatusInternalServerError)
	}))
	defer keyHost.Close()
	forger := privateKey(t, b.createUser(t, "keysource"))
	leaks := []string{keyHost.Listener.Addr().String(), "internal", "HTTP 500", "pq:", "unexpected", "invalid character", "unauthorized:", "bad request:"}

	for _, tc := range []struct {
		name, path string
		body       []byte
		status     int
		want       string
	}{
		{"key fetch fails", "/error/users/mallory", nil, http.StatusUnauthorized, "Signature verification failed"},
		{"key does not parse", "/garbled/users/mallory", nil, http.StatusUnauthorized, "Signature verification failed"},
		{"malformed activity", "/error/users/mallory", []byte(`{"id": "x", "type":`), http.StatusBadRequest, "Malformed activity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			actor := keyHost.URL + tc.path
			body := tc.body
			if body == nil {
				body = followActivity(actor+"#follows/1", actor, b.url("/users/bob"))
			}
			status, got := inboxPost{body: body, keyID: actor + "#main-key", key: forger, date: time.Now(), inboxURL: b.url("/users/bob/inbox")}.do(t)
			if status != tc.status {
				t.Fatalf("status %d (%s), want %d", status, got, tc.status)
			}
			var e struct{ Error string }
			if err := json.Unmarshal([]byte(got), &e); err != nil || e.Error != tc.want {
				t.Fatalf("body %s, want {\"error\":%q}", got, tc.want)
			}
			for _, leak := range leaks {
				if strings.Contains(got, leak) {
					t.Errorf("body %s gives away %q", got, leak)
				}
			}
		})
	}
}

// TestAuthorizedFetch: with federation.authorized_fetch on (Mastodon's
// secure mode), A answers unsigned ActivityPub GETs of actors, statuses and
// collections with 401, keeps its instance actor (and so its key),
// WebFinger, NodeInfo and HTML pages public, and serves another Plaza's
// signed fetches. B, with the default, still serves unsigned fetches.
func TestAuthorizedFetch(t *testing.T) {
	ctx := context.Background()
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), func(c *Config) { c.Federation.AuthorizedFetch = true })
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	bob := b.createUser(t, "bob")
	aPost := a.post(t, alice, "hello from a secure instance", models.VisibilityPublic, nil)
	bPost := b.post(t, bob, "hello from an open instance", models.VisibilityPublic, nil)
	const ap = "application/activity+json"

	paths := func(in *instance, user string, st *models.Status) []string {
		status := "/users/" + user + "/statuses/" + strconv.FormatInt(st.ID, 10)
		return []string{
			"/users/" + user, status, status + "/activity", status + "/replies",
			"/users/" + user + "/outbox", "/users/" + user + "/outbox?page=true",
			"/users/" + user + "/followers", "/users/" + user + "/following",
			"/users/" + user + "/collections/featured",
		}
	}
	t.Run("unsigned fetches of A are 401", func(t *testing.T) {
		for _, p := range append(paths(a, "alice", aPost), "/users/alice/proposal") {
			status, body := get(t, a.url(p), ap)
			if status != http.StatusUnauthorized {
				t.Errorf("unsigned GET %s: status %d (%.80s), want 401", p, status, body)
			}
		}
	})
	t.Run("A's instance actor, its key and discovery stay public", func(t *testing.T) {
		status, body := get(t, a.url("/actor"), ap)
		var actor struct {
			PublicKey struct{ ID, PublicKeyPem string }
		}
		if status != http.StatusOK || json.Unmarshal([]byte(body), &actor) != nil {
			t.Fatalf("GET /actor: %d %.200s", status, body)
		}
		keyDoc := strings.Split(actor.PublicKey.ID, "#")[0]
		if keyDoc != a.url("/actor") || !strings.Contains(actor.PublicKey.PublicKeyPem, "PUBLIC KEY") {
			t.Fatalf("instance key %q is not served by the public /actor", actor.PublicKey.ID)
		}
		for _, p := range []string{"/.well-known/webfinger?resource=acct:alice@" + a.host, "/.well-known/nodeinfo", "/nodeinfo/2.1", "/.well-known/host-meta"} {
			if status, body := get(t, a.url(p), ""); status != http.StatusOK {
				t.Errorf("GET %s: %d %.80s", p, status, body)
			}
		}
	})
	t.Run("HTML pages of A stay public", func(t *testing.T) {
		for _, p := range []string{"/users/alice", "/users/alice/statuses/" + strconv.FormatInt(aPost.ID, 10)} {
			if status, body := get(t, a.url(p), "text/html"); status != http.StatusOK || !strings.Contains(body, "<html") {
				t.Errorf("browser GET %s: %d %.80s", p, status, body)
			}
		}
	})
	t.Run("B's signed fetches of A are served", func(t *testing.T) {
		acct, err := b.resolver.ResolveHandle(ctx, "@alice@"+a.host)
		if err != nil || acct.URI != alice.URI {
			t.Fatalf("B resolves @alice@%s: %v", a.host, err)
		}
		obj, err := b.resolver.FetchObject(ctx, aPost.URI)
		if err != nil || obj.ID != aPost.URI {
			t.Fatalf("B fetches alice's post: %v", err)
		}
		// A fetch signed with a user's key (bob's, on B) works too.
		signer, err := accountSignerFor(bob)
		if err != nil {
			t.Fatal(err)
		}
		tr := federation.NewTransport(federation.Config{AllowPrivateAddresses: true})
		for _, p := range paths(a, "alice", aPost) {
			if _, err := tr.Get(ctx, a.url(p), signer, ""); err != nil {
				t.Errorf("signed GET %s: %v", p, err)
			}
		}
	})
	t.Run("B, with the default, serves unsigned fetches", func(t *testing.T) {
		for _, p := range paths(b, "bob", bPost) {
			if status, body := get(t, b.url(p), ap); status != http.StatusOK {
				t.Errorf("unsigned GET %s: status %d (%.80s), want 200", p, status, body)
			}
		}
	})
}
