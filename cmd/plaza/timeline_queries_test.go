package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/lists"
	"plaza/server/service/social"
)

// queryMark marks the contexts of the requests whose queries are counted.
type queryMark struct{}

// countQueries serves one request through the instance's handler and
// returns how many SQL statements it ran (background work excluded).
func (in *instance) countQueries(t *testing.T, token, path string) int64 {
	t.Helper()
	var n atomic.Int64
	stop := in.store.ObserveQueries(func(ctx context.Context, _ string) {
		if ctx != nil && ctx.Value(queryMark{}) != nil {
			n.Add(1)
		}
	})
	defer stop()
	req := httptest.NewRequest(http.MethodGet, "http://"+in.host+path, nil)
	req = req.WithContext(context.WithValue(req.Context(), queryMark{}, true))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	in.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
	}
	return n.Load()
}

// TestTimelinePagesRunBoundedQueries: a page of every timeline costs the
// same number of queries whether its authors wrote 100 statuses or 2,100 —
// nothing is counted or fetched per status of history (a behavioural test:
// the cost per query is in the benchmarks).
func TestTimelinePagesRunBoundedQueries(t *testing.T) {
	in := startInstance(t, "127.0.0.1")
	ctx := context.Background()
	alice, bob := in.createUser(t, "alice"), in.createUser(t, "bob")
	token, err := in.svc.Accounts().CreateToken(ctx, "bob", "read")
	if err != nil {
		t.Fatal(err)
	}
	carolURI := "https://remote.test/users/carol"
	carol := &models.Account{Username: "carol", Domain: "remote.test", ActorType: models.ActorPerson, URI: carolURI,
		InboxURI: carolURI + "/inbox", PublicKeyID: carolURI + "#main-key", PublicKeyPEM: "-"}
	if err := in.store.UpsertRemoteAccount(ctx, carol); err != nil {
		t.Fatal(err)
	}
	if _, err := in.svc.Social().Follow(ctx, bob, alice); err != nil {
		t.Fatal(err)
	}
	if err := in.store.CreateFollow(ctx, &models.Follow{AccountID: bob.ID, TargetAccountID: carol.ID, Accepted: true, URI: carolURI + "#f"}); err != nil {
		t.Fatal(err)
	}
	post := func(a *models.Account, text string, vis models.Visibility, reply *int64) *models.Status {
		t.Helper()
		st, err := in.svc.Social().CreateStatus(ctx, a, social.CreateStatusInput{Text: text, Visibility: vis, InReplyToID: reply})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	// recent is the same mix on top of either history: tags, mentions, a
	// reply, boosts, a favourite, a remote post.
	round := 0
	recent := func() {
		t.Helper()
		round++
		remote := &models.Status{ID: in.store.NewID(), AccountID: carol.ID, Visibility: models.VisibilityPublic, Content: "<p>remote #plaza</p>"}
		remote.URI = fmt.Sprintf("%s/statuses/%d", carolURI, remote.ID)
		if err := in.store.CreateStatus(ctx, remote); err != nil {
			t.Fatal(err)
		}
		if err := in.svc.Core().LinkTags(ctx, in.store, remote.ID, []string{"plaza"}); err != nil {
			t.Fatal(err)
		}
		hello := post(alice, fmt.Sprintf("hello #plaza @bob %d", round), models.VisibilityPublic, nil)
		reply := post(bob, "@alice hi", models.VisibilityPublic, &hello.ID)
		for _, b := range []struct {
			who *models.Account
			id  int64
		}{{alice, reply.ID}, {bob, remote.ID}} {
			if _, err := in.svc.Social().Boost(ctx, b.who, b.id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := in.svc.Social().Favourite(ctx, bob, hello.ID); err != nil {
			t.Fatal(err)
		}
		post(alice, "for followers", models.VisibilityPrivate, nil)
		post(alice, "quietly", models.VisibilityUnlisted, nil)
	}
	title := "friends"
	list, err := in.svc.Lists().CreateList(ctx, bob, lists.ListInput{Title: &title})
	if err != nil {
		t.Fatal(err)
	}
	if err := in.svc.Lists().AddToList(ctx, bob, list.ID, []int64{alice.ID, carol.ID}); err != nil {
		t.Fatal(err)
	}
	listPath := "/api/v1/timelines/list/" + core.IDString(list.ID) + "?limit=20"
	paths := []string{
		"/api/v1/timelines/home?limit=20",
		listPath,
		"/api/v1/timelines/public?local=true&limit=20",
		"/api/v1/timelines/public?remote=true&limit=20",
		"/api/v1/timelines/public?limit=20",
		"/api/v1/timelines/tag/plaza?limit=20",
		"/api/v1/accounts/" + core.IDString(alice.ID) + "/statuses?limit=20",
		"/api/v1/accounts/" + core.IDString(carol.ID) + "/statuses?limit=20",
	}
	measure := func() map[string]int64 {
		out := map[string]int64{}
		for _, p := range paths {
			out[p] = in.countQueries(t, token, p)
			if p != paths[0] && p != listPath { // home and lists need a user
				out["anonymous "+p] = in.countQueries(t, "", p)
			}
		}
		return out
	}
	seedHistory(t, in.store, []*models.Account{alice, bob, carol}, 100)
	recent()
	small := measure()
	seedHistory(t, in.store, []*models.Account{alice, bob, carol}, 2000)
	recent()
	large := measure()
	for p, n := range small {
		if n == 0 || large[p] != n {
			t.Errorf("%s: %d queries at 100 statuses per author, %d at 2,100", p, n, large[p])
		} else {
			t.Logf("%s: %d queries", p, n)
		}
	}
}
