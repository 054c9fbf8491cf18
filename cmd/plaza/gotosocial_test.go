package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestGoToSocialFirstFollowIsAccepted: GoToSocial signs with the key id
// actor/main-key, and that address serves a cut-down actor (id, type,
// preferredUsername, publicKey; no inbox). The first signed Follow from a
// GoToSocial account Plaza has never seen is accepted (202) and becomes a
// follow, the key being taken from the owner's full actor document; a
// cut-down document whose owner does not publish the key is refused.
func TestGoToSocialFirstFollowIsAccepted(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	gts := startFakeServer(t, "127.0.0.4")
	zork := gts.addActor(t, "zork")
	zork.keyID = zork.uri + "/main-key"

	// The full actor publishes its key at actor/main-key, as GoToSocial's do.
	var full map[string]any
	gts.mu.Lock()
	raw := gts.docs["/users/zork"]
	gts.mu.Unlock()
	if err := json.Unmarshal(raw, &full); err != nil {
		t.Fatal(err)
	}
	pub := full["publicKey"].(map[string]any)
	pub["id"] = zork.keyID
	gts.set("/users/zork", full)
	gts.set("/users/zork/main-key", cutDownActor(t, zork.uri, zork.keyID, pub["publicKeyPem"].(string)))

	status := gts.deliver(t, a, zork, map[string]any{"id": gts.url("/users/zork/follow/1"), "type": "Follow", "object": alice.URI})
	if status != http.StatusAccepted {
		t.Fatalf("first Follow from an unknown GoToSocial account: status %d, want 202", status)
	}
	follower, err := a.store.AccountByURI(ctx, zork.uri)
	if err != nil {
		t.Fatalf("the follower was not stored: %v", err)
	}
	if follower.InboxURI != zork.uri+"/inbox" || follower.PublicKeyID != zork.keyID {
		t.Errorf("stored follower inbox %q key %q: want the full actor's", follower.InboxURI, follower.PublicKeyID)
	}
	if _, err := a.store.FollowBetween(ctx, follower.ID, alice.ID); err != nil {
		t.Fatalf("the Follow did not become a follow: %v", err)
	}

	// A second account whose full actor names another key: its cut-down
	// document alone proves nothing.
	liar := gts.addActor(t, "liar")
	liar.keyID = liar.uri + "/main-key"
	gts.set("/users/liar/main-key", cutDownActor(t, liar.uri, liar.keyID, pub["publicKeyPem"].(string)))
	status = gts.deliver(t, a, liar, map[string]any{"id": gts.url("/users/liar/follow/1"), "type": "Follow", "object": alice.URI})
	if status != http.StatusUnauthorized {
		t.Fatalf("Follow signed with a key its owner does not publish: status %d, want 401", status)
	}
}

// cutDownActor is GoToSocial's key document (AccountToASMinimal), built
// from the captured fixture with this test's addresses and key.
func cutDownActor(t *testing.T, actorURI, keyID, pem string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("../../federation/testdata/gotosocial/main_key.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if _, hasInbox := doc["inbox"]; hasInbox || !strings.HasSuffix(doc["publicKey"].(map[string]any)["id"].(string), "/main-key") {
		t.Fatal("fixture is not GoToSocial's cut-down key document")
	}
	doc["id"] = actorURI
	doc["preferredUsername"] = actorURI[strings.LastIndex(actorURI, "/")+1:]
	doc["publicKey"] = map[string]any{"id": keyID, "owner": actorURI, "publicKeyPem": pem}
	return doc
}
