package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"plaza/models"
)

// TestPinsThroughTheClientAPI: an author pins up to five of their own
// public or unlisted statuses; the pins list newest first on the profile
// (pinned=true), carry "pinned" for their author, leave with unpin or
// deletion, and are served as the actor's featured collection.
func TestPinsThroughTheClientAPI(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	aliceAcct := a.createUser(t, "alice")
	bobAcct := a.createUser(t, "bob")
	alice := mustToken(t, a, "alice")
	sid := func(st *models.Status) string { return strconv.FormatInt(st.ID, 10) }
	var posts []*models.Status
	for i := range 6 {
		vis := models.VisibilityPublic
		if i == 1 {
			vis = models.VisibilityUnlisted
		}
		posts = append(posts, a.post(t, aliceAcct, "post "+strconv.Itoa(i), vis, nil))
	}
	private := a.post(t, aliceAcct, "followers only", models.VisibilityPrivate, nil)
	bobs := a.post(t, bobAcct, "bob's", models.VisibilityPublic, nil)

	for _, st := range posts[:5] {
		code, got, raw := apiCall(t, a, "POST", "/api/v1/statuses/"+sid(st)+"/pin", alice, nil)
		if code != http.StatusOK || got["pinned"] != true {
			t.Fatalf("pin %s: %d %s", st.Text, code, raw)
		}
	}
	if code, _, _ := apiCall(t, a, "POST", "/api/v1/statuses/"+sid(posts[0])+"/pin", alice, nil); code != http.StatusOK {
		t.Fatalf("pinning a pinned status again: %d, want 200", code)
	}
	for name, st := range map[string]*models.Status{"a sixth": posts[5], "a private one": private, "someone else's": bobs} {
		if code, _, raw := apiCall(t, a, "POST", "/api/v1/statuses/"+sid(st)+"/pin", alice, nil); code != http.StatusUnprocessableEntity {
			t.Errorf("pin %s: %d %s, want 422", name, code, raw)
		}
	}
	if code, _, _ := apiCall(t, a, "POST", "/api/v1/statuses/"+sid(posts[0])+"/pin", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("anonymous pin: %d, want 401", code)
	}

	pinned := func(token string) []map[string]any {
		t.Helper()
		_, _, raw := apiCall(t, a, "GET", "/api/v1/accounts/"+strconv.FormatInt(aliceAcct.ID, 10)+"/statuses?pinned=true", token, nil)
		var list []map[string]any
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			t.Fatalf("pinned list: %s", raw)
		}
		return list
	}
	list := pinned(alice)
	if len(list) != 5 || list[0]["id"] != sid(posts[4]) || list[4]["id"] != sid(posts[0]) || list[0]["pinned"] != true {
		t.Fatalf("alice's pins: %v", list)
	}
	if anon := pinned(""); len(anon) != 5 || anon[0]["pinned"] != false {
		t.Fatalf("pins as seen by nobody: %v", anon)
	}
	// The ordinary profile timeline marks them too.
	_, _, raw := apiCall(t, a, "GET", "/api/v1/statuses/"+sid(posts[5]), alice, nil)
	var unpinned map[string]any
	_ = json.Unmarshal([]byte(raw), &unpinned)
	if unpinned["pinned"] != false {
		t.Fatalf("an unpinned status: %s", raw)
	}

	if code, got, raw := apiCall(t, a, "POST", "/api/v1/statuses/"+sid(posts[4])+"/unpin", alice, nil); code != http.StatusOK || got["pinned"] != false {
		t.Fatalf("unpin: %d %s", code, raw)
	}
	if _, err := a.svc.Social().DeleteStatus(t.Context(), aliceAcct, posts[3].ID); err != nil {
		t.Fatal(err)
	}
	if list := pinned(alice); len(list) != 3 || list[0]["id"] != sid(posts[2]) {
		t.Fatalf("after unpin and delete: %v", list)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/statuses/"+sid(posts[5])+"/pin", alice, nil); code != http.StatusOK {
		t.Fatalf("pin once below the limit: %d %s", code, raw)
	}

	// The featured collection: the pins as Notes, newest first.
	code, body := get(t, a.url("/users/alice/collections/featured"), "application/activity+json")
	var coll struct {
		Type         string           `json:"type"`
		TotalItems   int              `json:"totalItems"`
		OrderedItems []map[string]any `json:"orderedItems"`
	}
	if err := json.Unmarshal([]byte(body), &coll); err != nil || code != http.StatusOK || coll.Type != "OrderedCollection" ||
		coll.TotalItems != 4 || len(coll.OrderedItems) != 4 || coll.OrderedItems[0]["id"] != posts[5].URI || coll.OrderedItems[0]["type"] != "Note" {
		t.Fatalf("featured: %d %s", code, body)
	}
}

// TestPinsBetweenTwoInstances: A reads bob's pins from his featured
// collection on B when alice opens his pinned posts, stores the Notes it
// had not seen, and shows them newest pin first.
func TestPinsBetweenTwoInstances(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	a.createUser(t, "alice")
	bobAcct := b.createUser(t, "bob")
	bob := mustToken(t, b, "bob")
	old := b.post(t, bobAcct, "an old favourite", models.VisibilityPublic, nil)
	newer := b.post(t, bobAcct, "a newer one", models.VisibilityUnlisted, nil)
	b.post(t, bobAcct, "not pinned", models.VisibilityPublic, nil)
	for _, st := range []*models.Status{old, newer} {
		if code, _, raw := apiCall(t, b, "POST", "/api/v1/statuses/"+strconv.FormatInt(st.ID, 10)+"/pin", bob, nil); code != http.StatusOK {
			t.Fatalf("pin on B: %d %s", code, raw)
		}
	}
	bobOnA := a.resolve(t, "bob@"+b.host)
	if bobOnA.FeaturedURI == "" {
		t.Fatal("bob's actor has no featured collection")
	}
	_, _, raw := apiCall(t, a, "GET", "/api/v1/accounts/"+strconv.FormatInt(bobOnA.ID, 10)+"/statuses?pinned=true", mustToken(t, a, "alice"), nil)
	var list []map[string]any
	if err := json.Unmarshal([]byte(raw), &list); err != nil || len(list) != 2 || list[0]["uri"] != newer.URI || list[1]["uri"] != old.URI {
		t.Fatalf("bob's pins on A: %s", raw)
	}
	if !storedOn(a, old.URI) {
		t.Fatal("the pinned Note was not stored on A")
	}
}
