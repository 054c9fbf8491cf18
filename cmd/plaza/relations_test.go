package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
	"plaza/server/service/accounts"
	"plaza/server/service/relations"
)

// apiList makes a client-API request whose answer is a JSON array of
// entities, and returns the status and the decoded list.
func apiList(t *testing.T, in *instance, method, path, token string) (int, []map[string]any) {
	t.Helper()
	code, raw := apiJSON(t, in, token, method, path, nil)
	var out []map[string]any
	if code == http.StatusOK {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: not a list: %s", method, path, raw)
		}
	}
	return code, out
}

// followAll makes each pair's first account follow its second.
func followAll(t *testing.T, in *instance, pairs ...[2]*models.Account) {
	t.Helper()
	for _, f := range pairs {
		if _, err := in.svc.Social().Follow(context.Background(), f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
}

// followAccepted makes follower on in follow a remote target and waits
// for the target's server to accept.
func followAccepted(t *testing.T, in *instance, follower, target *models.Account) {
	t.Helper()
	followAll(t, in, [2]*models.Account{follower, target})
	eventually(t, follower.Username+"'s follow of "+target.Username+" accepted", func() bool {
		f, err := in.store.FollowBetween(context.Background(), follower.ID, target.ID)
		return err == nil && f.Accepted
	})
}

// ids lists the "id" of each entity.
func ids(list []map[string]any) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i], _ = e["id"].(string)
	}
	return out
}

func idOf(a *models.Account) string { return strconv.FormatInt(a.ID, 10) }

// relationshipOf is the signed-in user's relationship to target.
func relationshipOf(t *testing.T, in *instance, token string, target *models.Account) map[string]any {
	t.Helper()
	code, list := apiList(t, in, "GET", "/api/v1/accounts/relationships?id[]="+idOf(target), token)
	if code != http.StatusOK || len(list) != 1 {
		t.Fatalf("relationships: %d %v", code, list)
	}
	return list[0]
}

// followsOn reports whether follower follows (or asked to follow) target
// in in's database.
func followsOn(t *testing.T, in *instance, follower, target *models.Account) bool {
	t.Helper()
	_, err := in.store.FollowBetween(context.Background(), follower.ID, target.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// TestDomainBlocksHideADomainAndEndItsFollows: alice on A blocks B's
// domain; bob's posts leave her home and public timelines, his follow
// notification leaves her notifications, and the follows both ways end on
// both servers (a Reject for his, an Undo for hers). The list is strings,
// paged with Link headers; lifting the block brings back the posts.
func TestDomainBlocksHideADomainAndEndItsFollows(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	bob := b.createUser(t, "bob")
	token := mustToken(t, a, "alice")
	bobOnA := a.resolve(t, "bob@"+b.host)
	aliceOnB := b.resolve(t, "alice@"+a.host)

	if code, _, raw := apiCall(t, a, "POST", "/api/v1/accounts/"+idOf(bobOnA)+"/follow", token, nil); code != http.StatusOK {
		t.Fatalf("follow bob: %d %s", code, raw)
	}
	if _, err := b.svc.Social().Follow(ctx, bob, aliceOnB); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the follows both ways accepted", func() bool {
		out, err1 := a.store.FollowBetween(ctx, alice.ID, bobOnA.ID)
		in, err2 := a.store.FollowBetween(ctx, bobOnA.ID, alice.ID)
		return err1 == nil && err2 == nil && out.Accepted && in.Accepted
	})
	post := b.post(t, bob, "hello from B", models.VisibilityPublic, nil)
	eventually(t, "bob's post on alice's home", func() bool { return homeHas(t, a, alice, post.URI) })
	// carol on A, whom alice follows, boosts it: the boost stays on alice's
	// home after the follows with B end, unless the block hides it.
	carol := a.createUser(t, "carol")
	if _, err := a.svc.Social().Follow(ctx, alice, carol); err != nil {
		t.Fatal(err)
	}
	postOnA, err := a.store.StatusWithAccountByURI(ctx, post.URI)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Social().Boost(ctx, carol, postOnA.ID); err != nil {
		t.Fatal(err)
	}
	if !hasNotification(t, a, alice, models.NotifyFollow) {
		t.Fatal("no follow notification from bob before the block")
	}
	inPublic := func() bool {
		_, list := apiList(t, a, "GET", "/api/v1/timelines/public", token)
		for _, st := range list {
			if st["uri"] == post.URI {
				return true
			}
		}
		return false
	}
	if !inPublic() {
		t.Fatal("bob's post is not on A's public timeline before the block")
	}

	if code, _, raw := apiCall(t, a, "POST", "/api/v1/domain_blocks", token, url.Values{"domain": {strings.ToUpper(b.host)}}); code != http.StatusOK || raw != "{}" {
		t.Fatalf("block domain: %d %s", code, raw)
	}
	if homeHas(t, a, alice, post.URI) || inPublic() {
		t.Fatal("bob's post (or carol's boost of it) still shows to alice after she blocked his domain")
	}
	if hasNotification(t, a, alice, models.NotifyFollow) {
		t.Fatal("bob's follow notification still shows after the domain block")
	}
	rel := relationshipOf(t, a, token, bobOnA)
	if rel["domain_blocking"] != true || rel["following"] != false || rel["followed_by"] != false {
		t.Fatalf("relationship after the block: %v", rel)
	}
	eventually(t, "both follows gone on B", func() bool {
		return !followsOn(t, b, bob, aliceOnB) && !followsOn(t, b, aliceOnB, bob)
	})
	// A new interaction from the domain notifies nobody.
	if err := a.svc.Core().Notify(ctx, a.store, alice, bobOnA.ID, models.NotifyFavourite, nil); err != nil {
		t.Fatal(err)
	}
	if hasNotification(t, a, alice, models.NotifyFavourite) {
		t.Fatal("a notification from a blocked domain was made")
	}

	for _, d := range []string{"one.example", "two.example"} {
		if code, _, raw := apiCall(t, a, "POST", "/api/v1/domain_blocks", token, url.Values{"domain": {d}}); code != http.StatusOK {
			t.Fatalf("block %s: %d %s", d, code, raw)
		}
	}
	page := func(path string) ([]string, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", a.url(path), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var domains []string
		if err := json.NewDecoder(res.Body).Decode(&domains); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", path, res.StatusCode, err)
		}
		return domains, res.Header.Get("Link")
	}
	domains, link := page("/api/v1/domain_blocks?limit=2")
	if len(domains) != 2 || domains[0] != "two.example" || domains[1] != "one.example" {
		t.Fatalf("first page of domain blocks: %v", domains)
	}
	if !strings.Contains(link, `rel="next"`) || !strings.Contains(link, "max_id=") {
		t.Fatalf("Link header: %q", link)
	}
	next, err := url.Parse(strings.TrimPrefix(strings.SplitN(link, ">", 2)[0], "<"))
	if err != nil {
		t.Fatal(err)
	}
	if domains, _ = page(next.RequestURI()); len(domains) != 1 || domains[0] != b.host {
		t.Fatalf("second page of domain blocks: %v", domains)
	}

	if code, _, _ := apiCall(t, a, "POST", "/api/v1/domain_blocks", token, url.Values{"domain": {a.host}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("blocking one's own domain: %d, want 422", code)
	}
	if code, _, _ := apiCall(t, a, "GET", "/api/v1/domain_blocks", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("anonymous domain blocks: %d, want 401", code)
	}
	if code, _, raw := apiCall(t, a, "DELETE", "/api/v1/domain_blocks?domain="+url.QueryEscape(b.host), token, nil); code != http.StatusOK {
		t.Fatalf("unblock domain: %d %s", code, raw)
	}
	if !inPublic() || !homeHas(t, a, alice, post.URI) {
		t.Fatal("bob's post and carol's boost do not come back after the domain is unblocked")
	}
	if rel := relationshipOf(t, a, token, bobOnA); rel["domain_blocking"] != false {
		t.Fatalf("relationship after the unblock: %v", rel)
	}
}

// TestRemoveFromFollowersSendsAReject: alice on A removes bob on B and
// carol on A from her followers; both follows end, and B hears a
// Reject(Follow) that ends bob's follow there too.
func TestRemoveFromFollowersSendsAReject(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	carol := a.createUser(t, "carol")
	bob := b.createUser(t, "bob")
	token := mustToken(t, a, "alice")
	aliceOnB := b.resolve(t, "alice@"+a.host)
	followAccepted(t, b, bob, aliceOnB)
	followAll(t, a, [2]*models.Account{carol, alice})
	bobOnA := a.resolve(t, "bob@"+b.host)

	for _, who := range []*models.Account{bobOnA, carol} {
		code, rel, raw := apiCall(t, a, "POST", "/api/v1/accounts/"+idOf(who)+"/remove_from_followers", token, nil)
		if code != http.StatusOK || rel["followed_by"] != false {
			t.Fatalf("remove %s from followers: %d %s", who.Username, code, raw)
		}
		if followsOn(t, a, who, alice) {
			t.Fatalf("%s still follows alice on A", who.Username)
		}
	}
	eventually(t, "bob's follow of alice gone on B", func() bool { return !followsOn(t, b, bob, aliceOnB) })
	// Removing someone who does not follow is no error.
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/accounts/"+idOf(carol)+"/remove_from_followers", token, nil); code != http.StatusOK {
		t.Fatalf("removing a non-follower: %d %s", code, raw)
	}
}

// TestAccountNotesShowInRelationships: a note is private to its writer,
// at most 2000 characters, and an empty one removes it.
func TestAccountNotesShowInRelationships(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	bob := a.createUser(t, "bob")
	alice := mustToken(t, a, "alice")
	carol := func() string { a.createUser(t, "carol"); return mustToken(t, a, "carol") }()
	path := "/api/v1/accounts/" + idOf(bob) + "/note"

	code, rel, raw := apiCall(t, a, "POST", path, alice, map[string]any{"comment": "met at the market"})
	if code != http.StatusOK || rel["note"] != "met at the market" {
		t.Fatalf("note: %d %s", code, raw)
	}
	if got := relationshipOf(t, a, alice, bob)["note"]; got != "met at the market" {
		t.Fatalf("note in relationships: %v", got)
	}
	if got := relationshipOf(t, a, carol, bob)["note"]; got != "" {
		t.Fatalf("carol sees alice's note: %v", got)
	}
	if code, _, _ := apiCall(t, a, "POST", path, alice, url.Values{"comment": {strings.Repeat("é", relations.MaxNoteChars+1)}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("a too long note: %d, want 422", code)
	}
	if got := relationshipOf(t, a, alice, bob)["note"]; got != "met at the market" {
		t.Fatalf("a refused note changed the note: %v", got)
	}
	if code, rel, raw := apiCall(t, a, "POST", path, alice, url.Values{"comment": {""}}); code != http.StatusOK || rel["note"] != "" {
		t.Fatalf("clearing the note: %d %s", code, raw)
	}
	if code, _, _ := apiCall(t, a, "POST", path, "", nil); code != http.StatusUnauthorized {
		t.Fatalf("anonymous note: %d, want 401", code)
	}
}

// TestEndorsementsListFollowedAccounts: alice features accounts she
// follows (not others), newest first, on her own list and her profile's;
// unfollowing ends an endorsement.
func TestEndorsementsListFollowedAccounts(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	aliceAcct := a.createUser(t, "alice")
	bob := a.createUser(t, "bob")
	carol := a.createUser(t, "carol")
	dave := a.createUser(t, "dave")
	alice := mustToken(t, a, "alice")
	followAll(t, a, [2]*models.Account{aliceAcct, bob}, [2]*models.Account{aliceAcct, carol})
	for _, who := range []*models.Account{bob, carol} {
		code, rel, raw := apiCall(t, a, "POST", "/api/v1/accounts/"+idOf(who)+"/pin", alice, nil)
		if code != http.StatusOK || rel["endorsed"] != true {
			t.Fatalf("endorse %s: %d %s", who.Username, code, raw)
		}
	}
	if code, _, _ := apiCall(t, a, "POST", "/api/v1/accounts/"+idOf(dave)+"/pin", alice, nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("endorsing someone not followed: %d, want 422", code)
	}
	want := []string{idOf(carol), idOf(bob)}
	if _, list := apiList(t, a, "GET", "/api/v1/endorsements", alice); strings.Join(ids(list), ",") != strings.Join(want, ",") {
		t.Fatalf("alice's endorsements: %v, want %v", ids(list), want)
	}
	if _, list := apiList(t, a, "GET", "/api/v1/accounts/"+idOf(aliceAcct)+"/endorsements", ""); strings.Join(ids(list), ",") != strings.Join(want, ",") {
		t.Fatalf("alice's profile endorsements: %v, want %v", ids(list), want)
	}
	if code, rel, raw := apiCall(t, a, "POST", "/api/v1/accounts/"+idOf(carol)+"/unpin", alice, nil); code != http.StatusOK || rel["endorsed"] != false {
		t.Fatalf("unendorse carol: %d %s", code, raw)
	}
	if err := a.svc.Social().Unfollow(ctx, aliceAcct, bob); err != nil {
		t.Fatal(err)
	}
	if _, list := apiList(t, a, "GET", "/api/v1/endorsements", alice); len(list) != 0 {
		t.Fatalf("endorsements after unpin and unfollow: %v", ids(list))
	}
	if code, _, _ := apiCall(t, a, "GET", "/api/v1/endorsements", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("anonymous endorsements: %d, want 401", code)
	}
}

// TestDismissedSuggestionStaysDismissed: a dismissed suggestion is not
// suggested again, though the reason for it remains.
func TestDismissedSuggestionStaysDismissed(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	aliceAcct := a.createUser(t, "alice")
	bob := a.createUser(t, "bob")
	carol := a.createUser(t, "carol")
	dave := a.createUser(t, "dave")
	alice := mustToken(t, a, "alice")
	followAll(t, a, [2]*models.Account{aliceAcct, bob}, [2]*models.Account{bob, carol}, [2]*models.Account{bob, dave})
	suggested := func() []string {
		_, list := apiList(t, a, "GET", "/api/v1/suggestions", alice)
		return ids(list)
	}
	if got := strings.Join(suggested(), ","); !strings.Contains(got, idOf(carol)) || !strings.Contains(got, idOf(dave)) {
		t.Fatalf("suggestions before dismissing: %v", got)
	}
	if code, _, raw := apiCall(t, a, "DELETE", "/api/v1/suggestions/"+idOf(carol), alice, nil); code != http.StatusOK || raw != "{}" {
		t.Fatalf("dismiss: %d %s", code, raw)
	}
	if got := suggested(); len(got) != 1 || got[0] != idOf(dave) {
		t.Fatalf("suggestions after dismissing carol: %v", got)
	}
	if code, _, _ := apiCall(t, a, "DELETE", "/api/v1/suggestions/999999", alice, nil); code != http.StatusNotFound {
		t.Fatalf("dismissing an unknown account: %d, want 404", code)
	}
}

// TestFamiliarFollowersAreFollowedFollowers: for each asked account, the
// accounts alice follows that follow it.
func TestFamiliarFollowersAreFollowedFollowers(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	aliceAcct := a.createUser(t, "alice")
	bob := a.createUser(t, "bob")
	carol := a.createUser(t, "carol")
	dave := a.createUser(t, "dave")
	erin := a.createUser(t, "erin")
	alice := mustToken(t, a, "alice")
	followAll(t, a, [2]*models.Account{aliceAcct, bob}, [2]*models.Account{aliceAcct, carol}, [2]*models.Account{bob, dave},
		[2]*models.Account{carol, dave}, [2]*models.Account{erin, dave}, [2]*models.Account{aliceAcct, dave})
	code, list := apiList(t, a, "GET", "/api/v1/accounts/familiar_followers?id[]="+idOf(dave)+"&id[]="+idOf(erin), alice)
	if code != http.StatusOK || len(list) != 2 || list[0]["id"] != idOf(dave) || list[1]["id"] != idOf(erin) {
		t.Fatalf("familiar followers: %d %v", code, list)
	}
	var daves []string
	for _, acct := range list[0]["accounts"].([]any) {
		daves = append(daves, acct.(map[string]any)["id"].(string))
	}
	if strings.Join(daves, ",") != idOf(bob)+","+idOf(carol) {
		t.Fatalf("dave's familiar followers: %v, want bob and carol (not erin, whom alice does not follow)", daves)
	}
	if erins := list[1]["accounts"].([]any); len(erins) != 0 {
		t.Fatalf("erin's familiar followers: %v", erins)
	}
}

// TestDirectoryListsDiscoverableAccounts: only discoverable accounts; new
// order is newest first, active order is the latest poster first; local
// leaves out remote accounts; offset and limit page.
func TestDirectoryListsDiscoverableAccounts(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	bob := a.createUser(t, "bob")
	carol := a.createUser(t, "carol")
	hidden := a.createUser(t, "hidden")
	no := false
	if _, err := a.svc.Accounts().UpdateProfile(ctx, hidden, accounts.ProfileInput{Discoverable: &no}); err != nil {
		t.Fatal(err)
	}
	b.createUser(t, "remote")
	remote := a.resolve(t, "remote@"+b.host)
	a.post(t, bob, "bob was here", models.VisibilityPublic, nil)

	names := func(path string) []string {
		t.Helper()
		code, list := apiList(t, a, "GET", path, "")
		if code != http.StatusOK {
			t.Fatalf("%s: %d", path, code)
		}
		return ids(list)
	}
	if got, want := strings.Join(names("/api/v1/directory?order=new"), ","), strings.Join([]string{idOf(remote), idOf(carol), idOf(bob)}, ","); got != want {
		t.Fatalf("directory by new: %v, want %v", got, want)
	}
	if got := names("/api/v1/directory?order=active&local=true"); len(got) != 2 || got[0] != idOf(bob) || got[1] != idOf(carol) {
		t.Fatalf("local directory by activity: %v", got)
	}
	if got := names("/api/v1/directory?order=new&offset=1&limit=1"); len(got) != 1 || got[0] != idOf(carol) {
		t.Fatalf("directory page: %v", got)
	}
}

// TestDeletingTheAvatarFederatesTheProfile: DELETE /api/v1/profile/avatar
// and /header answer the CredentialAccount with the default images, and
// the follower's server hears the actor's Update.
func TestDeletingTheAvatarFederatesTheProfile(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	bob := b.createUser(t, "bob")
	token := mustToken(t, a, "alice")
	avatar, header := a.url("/media/alice-avatar.png"), a.url("/media/alice-header.png")
	if _, err := a.svc.Accounts().UpdateProfile(ctx, alice, accounts.ProfileInput{AvatarURL: &avatar, HeaderURL: &header}); err != nil {
		t.Fatal(err)
	}
	aliceOnB := b.resolve(t, "alice@"+a.host)
	if aliceOnB.AvatarURL != avatar {
		t.Fatalf("alice's avatar on B: %q", aliceOnB.AvatarURL)
	}
	followAccepted(t, b, bob, aliceOnB)

	code, got, raw := apiCall(t, a, "DELETE", "/api/v1/profile/avatar", token, nil)
	if code != http.StatusOK || got["avatar"] != a.url("/static/avatar.png") || got["header"] != header || got["source"] == nil {
		t.Fatalf("delete avatar: %d %s", code, raw)
	}
	code, got, raw = apiCall(t, a, "DELETE", "/api/v1/profile/header", token, nil)
	if code != http.StatusOK || got["header"] != a.url("/static/header.png") {
		t.Fatalf("delete header: %d %s", code, raw)
	}
	eventually(t, "alice's images gone on B", func() bool {
		acct, err := b.store.AccountByURI(ctx, aliceOnB.URI)
		return err == nil && acct.AvatarURL == "" && acct.HeaderURL == ""
	})
	if code, _, _ := apiCall(t, a, "DELETE", "/api/v1/profile/avatar", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("anonymous delete: %d, want 401", code)
	}
}

// TestInstanceActivityTextsAndLanguages: twelve weeks of activity as
// strings, this week counting what happened; the longer texts are the
// admin's, else the configuration's, else 404; the languages are ISO 639-1.
func TestInstanceActivityTextsAndLanguages(t *testing.T) {
	ctx := context.Background()
	db := storetest.Config(t)
	a := startInstanceAt(t, "127.0.0.2:0", db, func(c *Config) {
		c.Instance.PrivacyPolicy = "We keep little.\n\nWe sell nothing."
	})
	alice := a.createUser(t, "alice")
	a.createUser(t, "bob")
	mustToken(t, a, "alice")
	a.post(t, alice, "one", models.VisibilityPublic, nil)
	a.post(t, alice, "two", models.VisibilityUnlisted, nil)

	code, weeks := apiList(t, a, "GET", "/api/v1/instance/activity", "")
	if code != http.StatusOK || len(weeks) != relations.ActivityWeeks {
		t.Fatalf("activity: %d %v", code, weeks)
	}
	if w := weeks[0]; w["statuses"] != "2" || w["registrations"] != "2" || w["logins"] != "1" {
		t.Fatalf("this week: %v", w)
	}
	if w := weeks[1]; w["statuses"] != "0" || w["registrations"] != "0" {
		t.Fatalf("last week: %v", w)
	}
	start, _ := strconv.ParseInt(weeks[0]["week"].(string), 10, 64)
	prev, _ := strconv.ParseInt(weeks[1]["week"].(string), 10, 64)
	if start-prev != 7*24*3600 {
		t.Fatalf("weeks %d and %d are not a week apart", start, prev)
	}

	code, got, raw := apiCall(t, a, "GET", "/api/v1/instance/privacy_policy", "", nil)
	if code != http.StatusOK || got["content"] != "<p>We keep little.</p><p>We sell nothing.</p>" || got["updated_at"] == nil {
		t.Fatalf("privacy policy from the configuration: %d %s", code, raw)
	}
	if code, _, _ := apiCall(t, a, "GET", "/api/v1/instance/terms_of_service", "", nil); code != http.StatusNotFound {
		t.Fatalf("terms of service without any: %d, want 404", code)
	}
	// The operator saves the terms with plaza admin text.
	terms := filepath.Join(t.TempDir(), "terms.txt")
	if err := os.WriteFile(terms, []byte("Be kind & fair.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := writeConfig(t, "host: '"+a.host+"'\ndatabase:\n  driver: "+db.Driver+"\n  dsn: '"+db.DSN+"'\n")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"--config", cfgPath, "admin", "text", "terms_of_service", terms}, &out, &errOut); err != nil {
		t.Fatalf("admin text: %v (%s)", err, errOut.String())
	}
	code, got, raw = apiCall(t, a, "GET", "/api/v1/instance/terms_of_service", "", nil)
	if code != http.StatusOK || got["content"] != "<p>Be kind &amp; fair.</p>" || got["effective"] != true {
		t.Fatalf("saved terms of service: %d %s", code, raw)
	}
	if err := a.svc.Relations().SetInstanceText(ctx, relations.TextExtendedDescription, "All about us."); err != nil {
		t.Fatal(err)
	}
	if _, got, raw := apiCall(t, a, "GET", "/api/v1/instance/extended_description", "", nil); got["content"] != "<p>All about us.</p>" {
		t.Fatalf("extended description: %s", raw)
	}

	_, langs := apiList(t, a, "GET", "/api/v1/instance/languages", "")
	found := false
	for _, l := range langs {
		found = found || (l["code"] == "en" && l["name"] == "English")
	}
	if len(langs) < 180 || !found {
		t.Fatalf("languages: %d, English found %v", len(langs), found)
	}
}
