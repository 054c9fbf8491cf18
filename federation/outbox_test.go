package federation

import (
	"context"
	"testing"
)

// TestFetchOutbox: the first page of an outbox (referenced by URL, as
// Mastodon serves it) yields only the actor's own Creates of objects on
// its host; another server's object, another actor's activity, a boost and
// a bare reference are left out, and maxItems bounds the result.
func TestFetchOutbox(t *testing.T) {
	remote := newFakeRemote(t)
	r := newRig(t, testCfg())
	actor := remote.url("/users/bob")
	create := func(id, actorID, objID, attributed string) map[string]any {
		return map[string]any{"id": id, "type": "Create", "actor": actorID,
			"to":     []string{"https://www.w3.org/ns/activitystreams#Public"},
			"object": map[string]any{"id": objID, "type": "Note", "attributedTo": attributed, "content": "<p>" + objID + "</p>"}}
	}
	page := map[string]any{"id": actor + "/outbox?page=true", "type": "OrderedCollectionPage", "orderedItems": []any{
		create(actor+"/1/activity", actor, actor+"/1", actor),
		create(actor+"/2/activity", actor, "https://elsewhere.example/notes/2", actor),
		create(actor+"/3/activity", remote.url("/users/eve"), actor+"/3", remote.url("/users/eve")),
		map[string]any{"id": actor + "/4/activity", "type": "Announce", "actor": actor, "object": "https://elsewhere.example/notes/9"},
		actor + "/5/activity",
		create(actor+"/6/activity", actor, actor+"/6", actor),
		create(actor+"/7/activity", actor, actor+"/7", actor),
	}}
	remote.set("/users/bob/outbox", map[string]any{"id": actor + "/outbox", "type": "OrderedCollection", "totalItems": 7,
		"first": page})
	ctx := context.Background()
	got, total, err := r.res.FetchOutbox(ctx, actor, actor+"/outbox", 2)
	if err != nil {
		t.Fatal(err)
	}
	if total != 7 || len(got) != 2 || got[0].ID != actor+"/1" || got[1].ID != actor+"/6" {
		ids := []string{}
		for _, o := range got {
			ids = append(ids, o.ID)
		}
		t.Fatalf("total %d, posts %v", total, ids)
	}
	if len(got[0].To) != 1 {
		t.Errorf("addressing of the activity not carried to the post: %v", got[0].To)
	}
	// The first page by reference: fetched, and only from the actor's host.
	remote.set("/users/bob/outbox", map[string]any{"id": actor + "/outbox", "type": "OrderedCollection", "first": actor + "/outbox-page"})
	remote.set("/users/bob/outbox-page", page)
	if got, _, err := r.res.FetchOutbox(ctx, actor, actor+"/outbox", 20); err != nil || len(got) != 3 {
		t.Fatalf("referenced page: %d posts, %v", len(got), err)
	}
	remote.set("/users/bob/outbox", map[string]any{"id": actor + "/outbox", "type": "OrderedCollection", "first": "http://127.0.0.1:1/page"})
	if _, _, err := r.res.FetchOutbox(ctx, actor, actor+"/outbox", 20); err == nil {
		t.Error("followed a first page on another host")
	}
	if _, _, err := r.res.FetchOutbox(ctx, actor, "https://elsewhere.example/outbox", 20); err == nil {
		t.Error("read an outbox on another host than the actor")
	}
}
