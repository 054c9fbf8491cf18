package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-fed/httpsig"

	"plaza/federation"
	"plaza/models"
)

// signRequest signs req the way a remote server would, with the Date set to
// date. The test signs by hand (rather than through federation.Transport) so
// it can forge and tamper.
func signRequest(t *testing.T, req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, date time.Time) {
	t.Helper()
	req.Header.Set("Date", date.UTC().Format(http.TimeFormat))
	req.Header.Set("Host", req.URL.Host)
	headers := []string{httpsig.RequestTarget, "host", "date"}
	if body != nil {
		headers = append(headers, "digest")
	}
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.SignRequest(key, keyID, req, body); err != nil {
		t.Fatal(err)
	}
}

func privateKey(t *testing.T, a *models.Account) *rsa.PrivateKey {
	t.Helper()
	k, err := federation.ParsePrivateKeyPEM(a.PrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func followActivity(id, actor, object string) []byte {
	b, _ := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       id, "type": "Follow", "actor": actor, "object": object,
	})
	return b
}

type inboxPost struct {
	body     []byte // what is signed
	sent     []byte // what is sent; body when nil
	keyID    string
	key      *rsa.PrivateKey // nil: unsigned
	date     time.Time
	inboxURL string
}

func (p inboxPost) do(t *testing.T) (int, string) {
	t.Helper()
	sent := p.sent
	if sent == nil {
		sent = p.body
	}
	req, err := http.NewRequest(http.MethodPost, p.inboxURL, bytes.NewReader(sent))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/activity+json")
	if p.key != nil {
		signRequest(t, req, p.body, p.keyID, p.key, p.date)
	} else {
		req.Header.Set("Date", p.date.UTC().Format(http.TimeFormat))
	}
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestTwoInstancesDiscoverAndDeliver is the foundation's story: alice on A
// finds bob on B by WebFinger, fetches his actor with a signed GET that B
// verifies, and delivers a signed activity to his inbox. Forged or broken
// deliveries are refused and leave nothing behind.
func TestTwoInstancesDiscoverAndDeliver(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	carol := a.createUser(t, "carol")
	b.createUser(t, "bob")

	// A resolves @bob@B: WebFinger, then a signed actor fetch.
	bob, err := a.resolver.ResolveHandle(ctx, "@bob@"+b.host)
	if err != nil {
		t.Fatalf("resolve @bob@%s: %v", b.host, err)
	}
	if bob.Domain != b.host || bob.InboxURI != b.url("/users/bob/inbox") || bob.IsLocal() {
		t.Fatalf("resolved bob = domain %q inbox %q", bob.Domain, bob.InboxURI)
	}
	if _, err := federation.ParsePublicKeyPEM(bob.PublicKeyPEM); err != nil {
		t.Fatalf("bob's cached key does not parse: %v", err)
	}
	if cached, err := a.store.AccountByURI(ctx, b.url("/users/bob")); err != nil || cached.ID != bob.ID {
		t.Fatalf("bob not cached on A: %v", err)
	}

	// B checks signatures on actor fetches: a forged one is refused.
	forger, _ := rsa.GenerateKey(rand.Reader, 2048)
	req, _ := http.NewRequest(http.MethodGet, b.url("/users/bob"), nil)
	req.Header.Set("Accept", "application/activity+json")
	signRequest(t, req, nil, alice.PublicKeyID, forger, time.Now())
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged signed GET of bob's actor: status %d, want 401", res.StatusCode)
	}

	inbox := b.url("/users/bob/inbox")
	follow := followActivity(alice.URI+"#follows/1", alice.URI, bob.URI)
	now := time.Now()
	aliceKey := privateKey(t, alice)
	refused := map[string]inboxPost{
		"tampered body": {body: follow, sent: followActivity(alice.URI+"#follows/1", alice.URI, b.url("/users/someone-else")), keyID: alice.PublicKeyID, key: aliceKey, date: now},
		"wrong key":     {body: follow, keyID: alice.PublicKeyID, key: forger, date: now},
		"stale date":    {body: follow, keyID: alice.PublicKeyID, key: aliceKey, date: now.Add(-2 * time.Hour)},
		"unsigned":      {body: follow, date: now},
		"key owner is not the actor": {body: followActivity(carol.URI+"#follows/1", carol.URI, bob.URI),
			keyID: alice.PublicKeyID, key: aliceKey, date: now},
	}
	for name, p := range refused {
		t.Run(name, func(t *testing.T) {
			p.inboxURL = inbox
			status, body := p.do(t)
			if status != http.StatusUnauthorized {
				t.Fatalf("status %d (%s), want 401", status, body)
			}
			var e struct{ Error string }
			if json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
				t.Fatalf("body %q is not a JSON error", body)
			}
			if n, _ := b.store.CountInboxActivities(ctx, ""); n != 0 {
				t.Fatalf("B stored %d activities after a refused delivery", n)
			}
		})
	}

	// The real delivery, through A's own signed transport.
	signer, err := accountSignerFor(alice)
	if err != nil {
		t.Fatal(err)
	}
	transport := federation.NewTransport(federation.Config{AllowPrivateAddresses: true})
	if err := transport.Post(ctx, inbox, signer, follow); err != nil {
		t.Fatalf("signed POST to bob's inbox: %v", err)
	}
	if n, _ := b.store.CountInboxActivities(ctx, alice.URI); n != 1 {
		t.Fatalf("B stored %d activities from alice, want 1", n)
	}
	// Replay: accepted, still one.
	if err := transport.Post(ctx, inbox, signer, follow); err != nil {
		t.Fatalf("replayed POST: %v", err)
	}
	if err := transport.Post(ctx, b.url("/inbox"), signer, follow); err != nil {
		t.Fatalf("replayed POST to the shared inbox: %v", err)
	}
	if n, _ := b.store.CountInboxActivities(ctx, ""); n != 1 {
		t.Fatalf("B stored %d activities after replays, want 1", n)
	}
	// B cached alice with her key while verifying.
	if got, err := b.store.AccountByPublicKeyID(ctx, alice.PublicKeyID); err != nil || got.Domain != a.host {
		t.Fatalf("alice's key not cached on B: %v", err)
	}
}

func accountSignerFor(a *models.Account) (federation.Signer, error) {
	k, err := federation.ParsePrivateKeyPEM(a.PrivateKeyPEM)
	return federation.Signer{KeyID: a.PublicKeyID, PrivateKey: k}, err
}

// TestBadInputGetsClearErrors: malformed or oversized bodies, unknown users
// and bad resources get a 4xx with a JSON error, and store nothing.
func TestBadInputGetsClearErrors(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	b.createUser(t, "bob")
	key := privateKey(t, alice)

	post := func(url string, body []byte) (int, string) {
		return inboxPost{body: body, keyID: alice.PublicKeyID, key: key, date: time.Now(), inboxURL: url}.do(t)
	}
	cases := []struct {
		name   string
		status int
		do     func() (int, string)
	}{
		{"malformed JSON", http.StatusBadRequest, func() (int, string) { return post(b.url("/users/bob/inbox"), []byte(`{"id": "x", "type":`)) }},
		{"activity without actor", http.StatusBadRequest, func() (int, string) {
			return post(b.url("/inbox"), []byte(`{"id":"`+alice.URI+`#x","type":"Like"}`))
		}},
		{"oversized body", http.StatusRequestEntityTooLarge, func() (int, string) {
			big := followActivity(alice.URI+"#big", alice.URI, strings.Repeat("x", 2<<20))
			return post(b.url("/users/bob/inbox"), big)
		}},
		{"unknown user inbox", http.StatusNotFound, func() (int, string) {
			return post(b.url("/users/nobody/inbox"), followActivity(alice.URI+"#f", alice.URI, b.url("/users/nobody")))
		}},
		{"unknown actor", http.StatusNotFound, func() (int, string) { return get(t, b.url("/users/nobody"), "application/activity+json") }},
		{"webfinger without resource", http.StatusBadRequest, func() (int, string) { return get(t, b.url("/.well-known/webfinger"), "") }},
		{"webfinger bad resource", http.StatusBadRequest, func() (int, string) {
			return get(t, b.url("/.well-known/webfinger?resource=mailto:bob"), "")
		}},
		{"webfinger unknown user", http.StatusNotFound, func() (int, string) {
			return get(t, b.url("/.well-known/webfinger?resource=acct:nobody@"+b.host), "")
		}},
		{"webfinger other host", http.StatusNotFound, func() (int, string) {
			return get(t, b.url("/.well-known/webfinger?resource=acct:bob@elsewhere.example"), "")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := tc.do()
			if status != tc.status {
				t.Fatalf("status %d (%s), want %d", status, body, tc.status)
			}
			var e struct{ Error string }
			if json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
				t.Fatalf("body %q is not a JSON error", body)
			}
		})
	}
	if n, _ := b.store.CountInboxActivities(ctx, ""); n != 0 {
		t.Fatalf("B stored %d activities from bad input", n)
	}
}

func get(t *testing.T, url, accept string) (int, string) {
	t.Helper()
	res, body := getFull(t, url, accept)
	return res.StatusCode, string(body)
}
