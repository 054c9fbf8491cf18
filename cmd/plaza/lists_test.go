package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"plaza/models"
)

// TestListsThroughTheClientAPI: a real client library manages lists over
// HTTP; only followed accounts may join; the list timeline follows its
// replies policy; an exclusive list takes its members off the home
// timeline; unfollowing someone takes them off the lists.
func TestListsThroughTheClientAPI(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	bob, carol, dave := a.createUser(t, "bob"), a.createUser(t, "carol"), a.createUser(t, "dave")
	for _, target := range []*models.Account{bob, carol} {
		if _, err := a.svc.Social().Follow(ctx, alice, target); err != nil {
			t.Fatal(err)
		}
	}
	token := mustToken(t, a, "alice")
	client := mastodon.NewClient(&mastodon.Config{Server: a.url(""), AccessToken: token})
	id := func(acct *models.Account) mastodon.ID { return mastodon.ID(strconv.FormatInt(acct.ID, 10)) }

	list, err := client.CreateList(ctx, "Friends")
	if err != nil || list.Title != "Friends" || list.ID == "" {
		t.Fatalf("create list: %+v, %v", list, err)
	}
	if err := client.AddToList(ctx, list.ID, id(dave)); apiStatus(err) != http.StatusUnprocessableEntity {
		t.Fatalf("adding an account alice does not follow: %v, want 422", err)
	}
	flood := make([]mastodon.ID, 1001)
	for i := range flood {
		flood[i] = id(bob)
	}
	if err := client.AddToList(ctx, list.ID, flood...); apiStatus(err) != http.StatusUnprocessableEntity {
		t.Fatalf("adding 1,001 accounts at once: %v, want 422", err)
	}
	if err := client.AddToList(ctx, list.ID, id(bob)); err != nil {
		t.Fatal(err)
	}
	if err := client.AddToList(ctx, list.ID, id(bob)); err != nil {
		t.Fatalf("adding a member twice: %v", err)
	}
	if members, err := client.GetListAccounts(ctx, list.ID); err != nil || len(members) != 1 || members[0].Username != "bob" {
		t.Fatalf("members: %+v, %v", members, err)
	}
	if lists, err := client.GetAccountLists(ctx, id(bob)); err != nil || len(lists) != 1 || lists[0].ID != list.ID {
		t.Fatalf("bob's lists: %+v, %v", lists, err)
	}

	plain := a.post(t, bob, "bob plain", models.VisibilityPublic, nil)
	thread := a.post(t, bob, "bob thread", models.VisibilityPublic, &plain.ID)
	toCarol := a.post(t, bob, "bob to carol", models.VisibilityPublic, &a.post(t, carol, "carol plain", models.VisibilityPublic, nil).ID)
	toAlice := a.post(t, bob, "bob to alice", models.VisibilityPublic, &a.post(t, alice, "alice plain", models.VisibilityPublic, nil).ID)
	a.post(t, bob, "bob to dave", models.VisibilityPublic, &a.post(t, dave, "dave plain", models.VisibilityPublic, nil).ID)
	a.post(t, bob, "bob whispers", models.VisibilityDirect, nil)

	timeline := func() []string {
		t.Helper()
		sts, err := client.GetTimelineList(ctx, list.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, st := range sts {
			out = append(out, htmlUnescape(stripTags(st.Content)))
		}
		return out
	}
	want := func(policy string, texts ...*models.Status) {
		t.Helper()
		var wantTexts []string
		for _, st := range texts {
			wantTexts = append(wantTexts, st.Text)
		}
		if got := timeline(); !slices.Equal(got, wantTexts) {
			t.Errorf("replies_policy %s: list timeline %q, want %q", policy, got, wantTexts)
		}
	}
	want("list (the default)", thread, plain)
	setList := func(form url.Values) (int, string) {
		t.Helper()
		status, body := apiForm(t, a, token, http.MethodPut, "/api/v1/lists/"+string(list.ID), form)
		return status, string(body)
	}
	if status, body := setList(url.Values{"replies_policy": {"followed"}}); status != 200 || !strings.Contains(body, `"replies_policy":"followed"`) {
		t.Fatalf("set replies_policy: %d %s", status, body)
	}
	want("followed", toAlice, toCarol, thread, plain)
	setList(url.Values{"replies_policy": {"none"}})
	want("none", thread, plain)
	for _, bad := range []url.Values{{"replies_policy": {"everyone"}}, {"title": {"  "}}} {
		if status, body := setList(bad); status != http.StatusUnprocessableEntity || !strings.Contains(body, `"error"`) {
			t.Errorf("PUT %v: %d %s, want 422", bad, status, body)
		}
	}

	homeHasBob := func() bool {
		t.Helper()
		sts, err := client.GetTimelineHome(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(sts, func(st *mastodon.Status) bool { return st.Account.Username == "bob" })
	}
	if !homeHasBob() {
		t.Fatal("bob's posts are not on alice's home timeline")
	}
	if status, body := setList(url.Values{"exclusive": {"true"}}); status != 200 || !strings.Contains(body, `"exclusive":true`) {
		t.Fatalf("set exclusive: %d %s", status, body)
	}
	if homeHasBob() {
		t.Error("an exclusive list's member is still on the home timeline")
	}
	if len(timeline()) == 0 {
		t.Error("the exclusive list's own timeline is empty")
	}

	// Someone else's list does not exist for carol.
	carolToken := mustToken(t, a, "carol")
	carolClient := mastodon.NewClient(&mastodon.Config{Server: a.url(""), AccessToken: carolToken})
	if _, err := carolClient.GetList(ctx, list.ID); apiStatus(err) != http.StatusNotFound {
		t.Errorf("carol reads alice's list: %v, want 404", err)
	}
	var entity map[string]any
	if err := json.Unmarshal([]byte(apiGet(t, a, token, "/api/v1/lists/"+string(list.ID))), &entity); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"id", "title", "replies_policy", "exclusive"} {
		if _, ok := entity[field]; !ok {
			t.Errorf("List entity has no %s: %v", field, entity)
		}
	}

	if _, err := client.AccountUnfollow(ctx, id(bob)); err != nil {
		t.Fatal(err)
	}
	if members, err := client.GetListAccounts(ctx, list.ID); err != nil || len(members) != 0 {
		t.Errorf("after unfollowing bob the list holds %+v, %v", members, err)
	}
	if err := client.DeleteList(ctx, list.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetList(ctx, list.ID); apiStatus(err) != http.StatusNotFound {
		t.Errorf("deleted list: %v, want 404", err)
	}
}

// stripTags drops the markup of a rendered status.
func stripTags(html string) string {
	var b strings.Builder
	in := false
	for _, r := range html {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}
