package main

import (
	"context"
	"encoding/json"
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

// TestPublicMediaStream: public:local:media (and ?only_media=true) carries
// only public posts with attachments.
func TestPublicMediaStream(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	token := userToken(t, a, "alice")
	for _, path := range []string{"/api/v1/streaming/public/local/media", "/api/v1/streaming/public?only_media=true"} {
		streamCtx, stop := context.WithCancel(ctx)
		stream := apiStream(streamCtx, t, a, path, token)
		a.post(t, alice, "no picture", models.VisibilityPublic, nil)
		status, m, out := uploadAV(t, a, token, "/api/v2/media", testPNG(t))
		if status != http.StatusOK {
			t.Fatalf("upload: %d %s", status, out)
		}
		code, body := apiJSON(t, a, token, "POST", "/api/v1/statuses", map[string]any{"status": "a picture", "media_ids": []string{m.ID}})
		var posted struct {
			ID string `json:"id"`
		}
		if _ = json.Unmarshal(body, &posted); code != http.StatusOK {
			t.Fatalf("post: %d %s", code, body)
		}
		select {
		case id := <-stream:
			if id != posted.ID {
				t.Fatalf("%s: the first update is %s, want the post with a picture %s", path, id, posted.ID)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("%s: the post with a picture never came", path)
		}
		stop()
	}
}
