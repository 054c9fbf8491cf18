package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/lists"
)

// TestListStream: /api/v1/streaming/list?list=ID carries what the list's
// timeline shows: members' posts, not others', not the replies its policy
// leaves out, not direct ones; someone else's list cannot be streamed.
func TestListStream(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	bob := a.createUser(t, "bob")
	carol := a.createUser(t, "carol")
	dave := a.createUser(t, "dave")
	for _, f := range []*models.Account{bob, carol} {
		if _, err := a.svc.Social().Follow(ctx, alice, f); err != nil {
			t.Fatal(err)
		}
	}
	none, title := models.RepliesNone, "Close friends"
	l, err := a.svc.Lists().CreateList(ctx, alice, lists.ListInput{Title: &title, RepliesPolicy: &none})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Lists().AddToList(ctx, alice, l.ID, []int64{bob.ID, carol.ID}); err != nil {
		t.Fatal(err)
	}
	token := userToken(t, a, "alice")
	listID := core.IDString(l.ID)

	daveToken := userToken(t, a, "dave")
	if code, body := apiJSON(t, a, daveToken, "GET", "/api/v1/streaming/list?list="+listID, nil); code != http.StatusUnauthorized {
		t.Fatalf("dave streams alice's list: %d %s", code, body)
	}
	if code, _ := apiJSON(t, a, token, "GET", "/api/v1/streaming/list?list=nope", nil); code != http.StatusUnauthorized {
		t.Fatalf("a bad list id: %d", code)
	}

	streamCtx, stop := context.WithCancel(ctx)
	defer stop()
	stream := apiStream(streamCtx, t, a, "/api/v1/streaming/list?list="+listID, token)
	daves := a.post(t, dave, "not on the list", models.VisibilityPublic, nil)
	a.post(t, bob, "@dave a reply the list leaves out", models.VisibilityPublic, &daves.ID)
	a.post(t, carol, "@alice a direct one", models.VisibilityDirect, nil)
	shown := a.post(t, bob, "on the list", models.VisibilityPublic, nil)
	select {
	case id := <-stream:
		if id != core.IDString(shown.ID) {
			t.Fatalf("the list stream's first update is %s, want bob's post %d", id, shown.ID)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("bob's post never reached the list stream")
	}
}
