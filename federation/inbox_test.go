package federation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// inboxRequest builds a POST to Plaza's inbox as a remote server would send
// it, signed by k at the given time.
func inboxRequest(t *testing.T, body []byte, k *testKey, at time.Time) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "http://plaza.test/users/bob/inbox", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/activity+json")
	if k != nil {
		sum := sha256Digest(body)
		req.Header.Set("Digest", sum)
		if err := signAt(req, k.signer, at); err != nil {
			t.Fatal(err)
		}
	}
	return req
}

// sha256Digest is the Digest header a sender computes for body.
func sha256Digest(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

func follow(actor, id string) []byte {
	return []byte(fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":%q,"type":"Follow","actor":%q,"object":"http://plaza.test/users/bob"}`, id, actor))
}

func TestInboxReceive(t *testing.T) {
	remote := newFakeRemote(t)
	alice := newTestKey(t, remote.url("/users/alice#main-key"))
	aliceAcc := remote.addActor(t, "alice", alice)
	carol := newTestKey(t, remote.url("/users/carol#main-key"))
	remote.addActor(t, "carol", carol)
	stranger := newTestKey(t, remote.url("/users/alice#main-key")) // alice's key id, wrong key

	r := newRig(t, testCfg())
	ctx := context.Background()
	now := time.Now()
	good := follow(aliceAcc.URI, remote.url("/follows/1"))

	for _, tc := range []struct {
		name string
		req  func() (*http.Request, []byte)
		want error
	}{
		{"valid", func() (*http.Request, []byte) { return inboxRequest(t, good, &alice, now), good }, nil},
		{"authorization header form", func() (*http.Request, []byte) {
			req := inboxRequest(t, good, &alice, now)
			req.Header.Set("Authorization", "Signature "+req.Header.Get("Signature"))
			req.Header.Del("Signature")
			return req, good
		}, nil},
		{"malformed json", func() (*http.Request, []byte) {
			b := []byte(`{"id":`)
			return inboxRequest(t, b, &alice, now), b
		}, ErrBadRequest},
		{"no actor", func() (*http.Request, []byte) {
			b := []byte(`{"id":"` + remote.url("/x") + `","type":"Follow"}`)
			return inboxRequest(t, b, &alice, now), b
		}, ErrBadRequest},
		{"relative id", func() (*http.Request, []byte) {
			b := []byte(`{"id":"/x","type":"Follow","actor":"` + aliceAcc.URI + `"}`)
			return inboxRequest(t, b, &alice, now), b
		}, ErrBadRequest},
		{"unsigned", func() (*http.Request, []byte) { return inboxRequest(t, good, nil, now), good }, ErrUnauthorized},
		{"tampered body", func() (*http.Request, []byte) {
			req := inboxRequest(t, good, &alice, now)
			return req, bytes.Replace(good, []byte("Follow"), []byte("Block"), 1)
		}, ErrUnauthorized},
		{"missing digest", func() (*http.Request, []byte) {
			req := inboxRequest(t, good, &alice, now)
			req.Header.Del("Digest")
			return req, good
		}, ErrUnauthorized},
		{"stale date", func() (*http.Request, []byte) { return inboxRequest(t, good, &alice, now.Add(-2*time.Hour)), good }, ErrUnauthorized},
		{"future date", func() (*http.Request, []byte) { return inboxRequest(t, good, &alice, now.Add(2*time.Hour)), good }, ErrUnauthorized},
		{"wrong key", func() (*http.Request, []byte) { return inboxRequest(t, good, &stranger, now), good }, ErrUnauthorized},
		{"key owner is not the actor", func() (*http.Request, []byte) { return inboxRequest(t, good, &carol, now), good }, ErrUnauthorized},
		{"actor and id on different hosts", func() (*http.Request, []byte) {
			b := follow(aliceAcc.URI, "https://elsewhere.test/follows/1")
			return inboxRequest(t, b, &alice, now), b
		}, ErrUnauthorized},
		{"digest not signed", func() (*http.Request, []byte) {
			req := inboxRequest(t, good, &alice, now)
			req.Header.Set("Signature", strings.Replace(req.Header.Get("Signature"), " digest", "", 1))
			return req, good
		}, ErrUnauthorized},
		{"unknown key host", func() (*http.Request, []byte) {
			k := newTestKey(t, "http://127.0.0.1:1/users/alice#main-key")
			return inboxRequest(t, good, &k, now), good
		}, ErrUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, body := tc.req()
			err := r.inbox.Receive(ctx, req, body, nil)
			if tc.want == nil && err != nil {
				t.Fatalf("Receive: %v", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Receive = %v, want %v", err, tc.want)
			}
		})
	}

	if len(r.received) != 2 {
		t.Fatalf("handler got %d activities, want 2", len(r.received))
	}
	got := r.received[0]
	if got.ActivityURI != remote.url("/follows/1") || got.Type != "Follow" || got.ActorURI != aliceAcc.URI || got.Raw != string(good) || got.RecipientID != nil {
		t.Errorf("activity %+v", got)
	}
	stored, err := r.st.AccountByURI(ctx, aliceAcc.URI)
	if err != nil || stored.Domain != remote.host() || strings.Contains(stored.Note, "script") {
		t.Errorf("stored actor %+v, %v", stored, err)
	}
}

// TestInboxOverHTTP posts through Transport.Post to an inbox served over
// real HTTP, the way two instances talk.
func TestInboxOverHTTP(t *testing.T) {
	remote := newFakeRemote(t)
	alice := newTestKey(t, remote.url("/users/alice#main-key"))
	aliceAcc := remote.addActor(t, "alice", alice)
	r := newRig(t, testCfg())
	var recipient int64 = 42
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		err := r.inbox.Receive(req.Context(), req, body, &recipient)
		switch {
		case errors.Is(err, ErrBadRequest):
			http.Error(w, err.Error(), http.StatusBadRequest)
		case errors.Is(err, ErrUnauthorized):
			http.Error(w, err.Error(), http.StatusUnauthorized)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	defer srv.Close()
	tr := NewTransport(testCfg())
	if err := tr.Post(context.Background(), srv.URL+"/users/bob/inbox", alice.signer, follow(aliceAcc.URI, remote.url("/follows/9"))); err != nil {
		t.Fatal(err)
	}
	if len(r.received) != 1 || *r.received[0].RecipientID != 42 {
		t.Fatalf("received %+v", r.received)
	}
	other := newTestKey(t, alice.signer.KeyID)
	err := tr.Post(context.Background(), srv.URL+"/users/bob/inbox", other.signer, follow(aliceAcc.URI, remote.url("/follows/10")))
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusUnauthorized {
		t.Fatalf("forged post: %v", err)
	}
}

// TestInboxKeyRotation: the store holds alice's old key, her server now
// publishes a new one; a request signed with the new key passes after one
// refetch.
func TestInboxKeyRotation(t *testing.T) {
	remote := newFakeRemote(t)
	oldKey := newTestKey(t, remote.url("/users/alice#main-key"))
	aliceAcc := remote.addActor(t, "alice", oldKey)
	r := newRig(t, testCfg())
	ctx := context.Background()
	if _, err := r.res.ResolveActor(ctx, aliceAcc.URI, false); err != nil {
		t.Fatal(err)
	}
	newKey := newTestKey(t, oldKey.signer.KeyID)
	remote.addActor(t, "alice", newKey)
	before := remote.count("/users/alice")

	body := follow(aliceAcc.URI, remote.url("/follows/2"))
	if err := r.inbox.Receive(ctx, inboxRequest(t, body, &newKey, time.Now()), body, nil); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if n := remote.count("/users/alice") - before; n != 1 {
		t.Errorf("actor fetched %d times, want 1", n)
	}
	stored, _ := r.st.AccountByURI(ctx, aliceAcc.URI)
	if stored.PublicKeyPEM != newKey.pubPEM {
		t.Error("new key not stored")
	}
	// The old key no longer works, and costs exactly one more refetch.
	before = remote.count("/users/alice")
	body = follow(aliceAcc.URI, remote.url("/follows/3"))
	if err := r.inbox.Receive(ctx, inboxRequest(t, body, &oldKey, time.Now()), body, nil); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("old key: %v", err)
	}
	if n := remote.count("/users/alice") - before; n != 1 {
		t.Errorf("actor fetched %d times, want 1", n)
	}
}

// TestGoToSocialStyleKey: keyId is a document of its own, pointing at its
// owner.
func TestGoToSocialStyleKey(t *testing.T) {
	remote := newFakeRemote(t)
	keyID := remote.url("/users/zork/main-key")
	k := newTestKey(t, keyID)
	actorURI := remote.url("/users/zork")
	remote.set("/users/zork", map[string]any{
		"@context":          []any{"https://w3id.org/security/v1", "https://www.w3.org/ns/activitystreams"},
		"id":                actorURI,
		"type":              "Person",
		"preferredUsername": "zork",
		"inbox":             actorURI + "/inbox",
		"outbox":            actorURI + "/outbox",
		"publicKey":         map[string]any{"id": keyID, "owner": actorURI, "publicKeyPem": k.pubPEM},
	})
	remote.set("/users/zork/main-key", map[string]any{
		"@context":     []any{"https://w3id.org/security/v1", "https://www.w3.org/ns/activitystreams"},
		"id":           keyID,
		"owner":        actorURI,
		"publicKeyPem": k.pubPEM,
	})
	r := newRig(t, testCfg())
	ctx := context.Background()
	body := follow(actorURI, remote.url("/users/zork/follows/1"))
	if err := r.inbox.Receive(ctx, inboxRequest(t, body, &k, time.Now()), body, nil); err != nil {
		t.Fatal(err)
	}
	if remote.count("/users/zork/main-key") != 1 || remote.count("/users/zork") != 1 {
		t.Errorf("fetches: key %d actor %d", remote.count("/users/zork/main-key"), remote.count("/users/zork"))
	}
	acc, pub, err := r.res.PublicKey(ctx, keyID, false)
	if err != nil || acc.URI != actorURI || pub == nil {
		t.Fatalf("cached key: %v", err)
	}

	// A key document naming an owner that does not publish that key fails.
	remote.set("/users/zork/other-key", map[string]any{"id": remote.url("/users/zork/other-key"), "owner": actorURI, "publicKeyPem": k.pubPEM})
	if _, _, err := r.res.PublicKey(ctx, remote.url("/users/zork/other-key"), false); err == nil {
		t.Fatal("key not published by its owner accepted")
	}
}

// TestPaymentActivitiesHaveATighterDateWindow: activities that move money
// are refused when signed more than a few minutes ago, while ordinary ones
// keep the wider window (PAYMENTS.md, "Idempotency and replay").
func TestPaymentActivitiesHaveATighterDateWindow(t *testing.T) {
	remote := newFakeRemote(t)
	alice := newTestKey(t, remote.url("/users/alice#main-key"))
	aliceAcc := remote.addActor(t, "alice", alice)
	r := newRig(t, testCfg())
	ctx := context.Background()
	tenMinutesAgo := time.Now().Add(-10 * time.Minute)

	offer := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"` + remote.url("/offers/1") + `","type":"Offer","actor":"` + aliceAcc.URI +
		`","object":{"id":"` + remote.url("/agreements/1") + `","type":"Agreement"}}`)
	receipt := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"` + remote.url("/receipts/1/create") + `","type":"Create","actor":"` + aliceAcc.URI +
		`","object":{"id":"` + remote.url("/receipts/1") + `","type":"Receipt"}}`)
	accept := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","id":"` + remote.url("/accepts/1") + `","type":"Accept","actor":"` + aliceAcc.URI +
		`","object":{"id":"https://plaza.test/offers/9","type":"Offer","actor":"https://plaza.test/users/bob"}}`)
	for name, body := range map[string][]byte{"Offer": offer, "Create(Receipt)": receipt, "Accept(Offer)": accept} {
		err := r.inbox.Receive(ctx, inboxRequest(t, body, &alice, tenMinutesAgo), body, nil)
		if !errors.Is(err, ErrUnauthorized) {
			t.Errorf("%s signed 10 minutes ago: %v, want ErrUnauthorized", name, err)
		}
	}
	follow := follow(aliceAcc.URI, remote.url("/follows/7"))
	if err := r.inbox.Receive(ctx, inboxRequest(t, follow, &alice, tenMinutesAgo), follow, nil); err != nil {
		t.Fatalf("Follow signed 10 minutes ago: %v", err)
	}
	if err := r.inbox.Receive(ctx, inboxRequest(t, offer, &alice, time.Now()), offer, nil); err != nil {
		t.Fatalf("fresh Offer: %v", err)
	}
	if len(r.received) != 2 {
		t.Fatalf("handler got %d activities, want 2 (the Follow and the fresh Offer)", len(r.received))
	}
}
