package federation

import (
	"context"
	"errors"
	"testing"
	"time"

	"plaza/models"
)

func TestResolveHandle(t *testing.T) {
	remote := newFakeRemote(t)
	k := newTestKey(t, remote.url("/users/alice#main-key"))
	alice := remote.addActor(t, "alice", k)
	r := newRig(t, testCfg())
	ctx := context.Background()

	for _, handle := range []string{"alice@" + remote.host(), "@alice@" + remote.host(), "acct:ALICE@" + remote.host()} {
		acc, err := r.res.ResolveHandle(ctx, handle)
		if err != nil {
			t.Fatalf("%s: %v", handle, err)
		}
		if acc.URI != alice.URI || acc.Domain != remote.host() || acc.InboxURI != alice.InboxURI || acc.SharedInbox != alice.SharedInbox || acc.ID == 0 {
			t.Fatalf("%s: account %+v", handle, acc)
		}
	}
	if n := remote.count("/.well-known/webfinger"); n != 1 {
		t.Errorf("webfinger fetched %d times, want 1 (then cached)", n)
	}
	if n := remote.count("/users/alice"); n != 1 {
		t.Errorf("actor fetched %d times, want 1", n)
	}
	if remote.lastSignature == "" {
		t.Error("actor fetch was not signed")
	}

	// Stale: refetched through WebFinger and the actor document.
	acc, _ := r.st.AccountByURI(ctx, alice.URI)
	acc.FetchedAt = time.Now().Add(-48 * time.Hour)
	if err := r.st.UpsertRemoteAccount(ctx, acc); err != nil {
		t.Fatal(err)
	}
	again, err := r.res.ResolveHandle(ctx, "alice@"+remote.host())
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != acc.ID || time.Since(again.FetchedAt) > time.Minute {
		t.Errorf("refreshed account %d fetched %v", again.ID, again.FetchedAt)
	}
	if n := remote.count("/users/alice"); n != 2 {
		t.Errorf("actor fetched %d times, want 2", n)
	}

	if _, err := r.res.ResolveHandle(ctx, "nobody@"+remote.host()); err == nil {
		t.Error("unknown user resolved")
	}
	for _, bad := range []string{"alice", "@alice@", "alice@host/path", "a@b@c/d"} {
		if _, err := r.res.ResolveHandle(ctx, bad); err == nil {
			t.Errorf("%q resolved", bad)
		}
	}
}

func TestResolveActor(t *testing.T) {
	remote := newFakeRemote(t)
	k := newTestKey(t, remote.url("/users/alice#main-key"))
	alice := remote.addActor(t, "alice", k)
	r := newRig(t, testCfg())
	ctx := context.Background()

	// A local account is never fetched.
	local := &models.Account{Username: "bob", ActorType: models.ActorPerson, URI: "http://plaza.test/users/bob",
		InboxURI: "http://plaza.test/users/bob/inbox", PublicKeyID: "http://plaza.test/users/bob#main-key", PublicKeyPEM: k.pubPEM}
	if err := r.st.CreateAccount(ctx, local); err != nil {
		t.Fatal(err)
	}
	if got, err := r.res.ResolveActor(ctx, local.URI, true); err != nil || got.ID != local.ID {
		t.Fatalf("local: %v", err)
	}
	if got, _, err := r.res.PublicKey(ctx, local.PublicKeyID, true); err != nil || got.ID != local.ID {
		t.Fatalf("local key: %v", err)
	}

	// An actor whose id is on another host than the one it came from.
	remote.set("/users/mallory", map[string]any{
		"id": "https://victim.test/users/mallory", "type": "Person", "preferredUsername": "mallory",
		"inbox":     "https://victim.test/users/mallory/inbox",
		"publicKey": map[string]any{"id": "https://victim.test/users/mallory#k", "owner": "https://victim.test/users/mallory", "publicKeyPem": k.pubPEM},
	})
	if _, err := r.res.ResolveActor(ctx, remote.url("/users/mallory"), false); err == nil {
		t.Fatal("actor from a foreign host accepted")
	}

	// Refresh forces a fetch; a gone actor is an error even with a cache.
	if _, err := r.res.ResolveActor(ctx, alice.URI, false); err != nil {
		t.Fatal(err)
	}
	if _, err := r.res.ResolveActor(ctx, alice.URI, true); err != nil {
		t.Fatal(err)
	}
	if n := remote.count("/users/alice"); n != 2 {
		t.Errorf("fetched %d times, want 2", n)
	}
	if _, err := r.res.ResolveActor(ctx, remote.url("/users/ghost"), false); err == nil {
		t.Fatal("missing actor resolved")
	} else {
		var se *StatusError
		if !errors.As(err, &se) || se.Code != 404 {
			t.Errorf("missing actor: %v", err)
		}
	}
}

func TestFetchObject(t *testing.T) {
	remote := newFakeRemote(t)
	r := newRig(t, testCfg())
	ctx := context.Background()
	note := remote.url("/notes/1")
	remote.set("/notes/1", map[string]any{"id": note, "type": "Note", "attributedTo": remote.url("/users/alice"),
		"content": "<p>hi</p>", "inReplyTo": nil, "tag": map[string]any{"type": "Hashtag", "name": "#go", "href": remote.url("/tags/go")}})
	remote.set("/notes/spoof", map[string]any{"id": "https://elsewhere.example/notes/1", "type": "Note"})

	obj, err := r.res.FetchObject(ctx, note)
	if err != nil {
		t.Fatal(err)
	}
	if obj.ID != note || obj.Type != "Note" || obj.Content != "<p>hi</p>" || len(obj.Tags) != 1 {
		t.Errorf("object %+v", obj)
	}
	if remote.lastSignature == "" {
		t.Error("object fetch was not signed")
	}
	if _, err := r.res.FetchObject(ctx, remote.url("/notes/spoof")); err == nil {
		t.Error("accepted an object whose id is on another host")
	}
	var se *StatusError
	if _, err := r.res.FetchObject(ctx, remote.url("/notes/missing")); !errors.As(err, &se) || se.Code != 404 {
		t.Errorf("missing object: %v", err)
	}
}
