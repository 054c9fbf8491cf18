package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/server/service/reports"
)

// listCall makes a client API request answered by a JSON array and
// returns the status, the items and the Link header.
func listCall(t *testing.T, in *instance, method, path, token string) (int, []map[string]any, string) {
	t.Helper()
	req, err := http.NewRequest(method, in.url(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var list []map[string]any
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatalf("%s %s: %s", method, path, raw)
		}
	}
	return res.StatusCode, list, res.Header.Get("Link")
}

// apiStream opens a client API streaming endpoint with a token and
// returns the ids of the statuses of its "update" events, in order.
func apiStream(ctx context.Context, t *testing.T, in *instance, path, token string) <-chan string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, in.url(path), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := (&http.Client{}).Do(req)
	if err != nil {
		t.Fatalf("open stream: %v", err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stream %s: %d", path, res.StatusCode)
	}
	out := make(chan string, 64)
	go func() {
		defer res.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "update":
				var st struct {
					ID string `json:"id"`
				}
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &st)
				out <- st.ID
			case line == "":
				event = ""
			}
		}
	}()
	return out
}

// TestFollowedTagsThroughTheClientAPI: following a hashtag brings a
// stranger's public posts with it into home and the user stream; unlisted,
// private, silenced, blocked and muted authors' posts with it do not;
// unfollowing stops new ones. The Tag entity says "following"; the list is
// paged with Link headers; the scopes are read:follows and write:follows.
func TestFollowedTagsThroughTheClientAPI(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	alice := mustToken(t, a, "alice")
	tok, ids := map[string]string{}, map[string]string{}
	for _, n := range []string{"bob", "carol", "dave", "erin"} {
		ids[n] = strconv.FormatInt(a.createUser(t, n).ID, 10)
		tok[n] = mustToken(t, a, n)
	}
	postAs := func(who, text, vis string) string {
		t.Helper()
		code, got, raw := apiCall(t, a, "POST", "/api/v1/statuses", tok[who], url.Values{"status": {text}, "visibility": {vis}})
		if code != http.StatusOK {
			t.Fatalf("post as %s: %d %s", who, code, raw)
		}
		return got["id"].(string)
	}
	home := func() map[string]bool {
		t.Helper()
		_, list, _ := listCall(t, a, "GET", "/api/v1/timelines/home?limit=40", alice)
		out := map[string]bool{}
		for _, st := range list {
			out[st["id"].(string)] = true
		}
		return out
	}
	// Nobody used #Plaza yet: no Tag entity.
	if code, _, raw := apiCall(t, a, "GET", "/api/v1/tags/plaza", alice, nil); code != http.StatusNotFound {
		t.Fatalf("unknown tag: %d %s, want 404", code, raw)
	}
	readOnly, err := a.svc.Accounts().CreateToken(ctx, "alice", "read:follows")
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := apiCall(t, a, "POST", "/api/v1/tags/plaza/follow", readOnly, nil); code != http.StatusForbidden {
		t.Fatalf("follow with read:follows only: %d, want 403", code)
	}
	if code, _, _ := apiCall(t, a, "POST", "/api/v1/tags/plaza/follow", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("anonymous follow: %d, want 401", code)
	}
	code, got, raw := apiCall(t, a, "POST", "/api/v1/tags/Plaza/follow", alice, nil)
	if code != http.StatusOK || got["name"] != "plaza" || got["following"] != true || got["url"] != a.url("/tags/plaza") {
		t.Fatalf("follow #Plaza: %d %s", code, raw)
	}
	if hist, _ := got["history"].([]any); len(hist) != 7 {
		t.Fatalf("tag history: %s", raw)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/tags/plaza/follow", alice, nil); code != http.StatusOK {
		t.Fatalf("follow again: %d %s", code, raw)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/tags/no%20tag/follow", alice, nil); code != http.StatusNotFound {
		t.Fatalf("follow a name that is no hashtag: %d %s, want 404", code, raw)
	}

	// erin is silenced, carol is blocked by alice, dave is muted by alice.
	if err := a.svc.Reports().TakeAction(ctx, a.createAdmin(t, "root"), mustID(t, ids["erin"]), reports.Action{Type: "silence"}); err != nil {
		t.Fatal(err)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/accounts/"+ids["carol"]+"/block", alice, nil); code != http.StatusOK {
		t.Fatalf("block: %d %s", code, raw)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/accounts/"+ids["dave"]+"/mute", alice, nil); code != http.StatusOK {
		t.Fatalf("mute: %d %s", code, raw)
	}

	streamCtx, stop := context.WithCancel(ctx)
	defer stop()
	stream := apiStream(streamCtx, t, a, "/api/v1/streaming/user", alice)

	hidden := map[string]string{
		"unlisted":  postAs("bob", "quietly about #plaza", "unlisted"),
		"private":   postAs("bob", "followers only about #plaza", "private"),
		"untagged":  postAs("bob", "nothing tagged", "public"),
		"silenced":  postAs("erin", "silenced on #plaza", "public"),
		"blocked":   postAs("carol", "blocked on #plaza", "public"),
		"muted":     postAs("dave", "muted on #plaza", "public"),
		"other tag": postAs("bob", "about #elsewhere", "public"),
	}
	shown := postAs("bob", "a stranger on #PLAZA", "public")
	select {
	case id := <-stream:
		// Every hidden post was made before; the first update must be shown.
		if id != shown {
			t.Fatalf("the user stream's first update is %s, want the public #plaza post %s (hidden: %v)", id, shown, hidden)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the public #plaza post never reached the user stream")
	}
	h := home()
	if !h[shown] {
		t.Fatal("the public #plaza post is not in home")
	}
	for what, id := range hidden {
		if h[id] {
			t.Errorf("a %s post is in home", what)
		}
	}
	if code, got, raw := apiCall(t, a, "GET", "/api/v1/tags/plaza", alice, nil); code != http.StatusOK || got["following"] != true {
		t.Fatalf("the Tag entity: %d %s", code, raw)
	}
	if code, got, raw := apiCall(t, a, "GET", "/api/v1/tags/plaza", "", nil); code != http.StatusOK || got["following"] != nil {
		t.Fatalf("the Tag entity for nobody: %d %s", code, raw)
	}

	// The list, newest follow first, paged.
	for _, n := range []string{"one", "two"} {
		if code, _, raw := apiCall(t, a, "POST", "/api/v1/tags/"+n+"/follow", alice, nil); code != http.StatusOK {
			t.Fatalf("follow #%s: %d %s", n, code, raw)
		}
	}
	code, list, link := listCall(t, a, "GET", "/api/v1/followed_tags?limit=2", readOnly)
	if code != http.StatusOK || len(list) != 2 || list[0]["name"] != "two" || list[1]["name"] != "one" || list[0]["following"] != true ||
		!strings.Contains(link, `rel="next"`) {
		t.Fatalf("followed tags: %d %v %q", code, list, link)
	}
	next := link[strings.Index(link, "<")+1 : strings.Index(link, ">")]
	nextURL, _ := url.Parse(next)
	_, rest, _ := listCall(t, a, "GET", nextURL.RequestURI(), alice)
	if len(rest) != 1 || rest[0]["name"] != "plaza" {
		t.Fatalf("followed tags, next page: %v", rest)
	}

	// Unfollowing: new posts with the tag stay out; those in home stay.
	code, got, raw = apiCall(t, a, "POST", "/api/v1/tags/plaza/unfollow", alice, nil)
	if code != http.StatusOK || got["following"] != false {
		t.Fatalf("unfollow: %d %s", code, raw)
	}
	later := postAs("bob", "later on #plaza", "public")
	if h := home(); h[later] {
		t.Fatal("a #plaza post made after unfollowing is in home")
	}
}

// TestFeaturedTagsThroughTheClientAPI: featuring hashtags, each once and
// ten at most, with the counts of one's public and unlisted posts under
// each; suggestions from one's own recent posts; the list on the profile
// and as the actor's featuredTags collection of Hashtags; delete.
func TestFeaturedTagsThroughTheClientAPI(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	aliceAcct := a.createUser(t, "alice")
	a.createUser(t, "bob")
	alice, bob := mustToken(t, a, "alice"), mustToken(t, a, "bob")
	for _, p := range []struct{ text, vis string }{
		{"first #Cats post", "public"}, {"second #cats post", "unlisted"}, {"a private #cats post", "private"},
		{"a #dogs post", "public"}, {"#birds are loud", "public"}, {"#birds again", "public"},
	} {
		if code, _, raw := apiCall(t, a, "POST", "/api/v1/statuses", alice, url.Values{"status": {p.text}, "visibility": {p.vis}}); code != http.StatusOK {
			t.Fatalf("post: %d %s", code, raw)
		}
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/statuses", bob, url.Values{"status": {"bob on #cats"}}); code != http.StatusOK {
		t.Fatalf("bob's post: %d %s", code, raw)
	}
	today := time.Now().UTC().Format("2006-01-02")

	code, cats, raw := apiCall(t, a, "POST", "/api/v1/featured_tags", alice, url.Values{"name": {"#Cats"}})
	if code != http.StatusOK || cats["name"] != "cats" || cats["statuses_count"] != "2" || cats["last_status_at"] != today ||
		cats["url"] != a.url("/tags/cats") {
		t.Fatalf("feature #cats: %d %s", code, raw)
	}
	if code, got, raw := apiCall(t, a, "POST", "/api/v1/featured_tags", alice, url.Values{"name": {"cats"}}); code != http.StatusUnprocessableEntity || got["error"] == nil {
		t.Fatalf("feature #cats twice: %d %s, want 422", code, raw)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/featured_tags", alice, url.Values{"name": {"not a tag"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("feature a name that is no hashtag: %d %s, want 422", code, raw)
	}
	code, fresh, raw := apiCall(t, a, "POST", "/api/v1/featured_tags", alice, url.Values{"name": {"unused"}})
	if code != http.StatusOK || fresh["statuses_count"] != "0" || fresh["last_status_at"] != nil {
		t.Fatalf("feature an unused tag: %d %s", code, raw)
	}
	readOnly, err := a.svc.Accounts().CreateToken(context.Background(), "alice", "read:accounts")
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := apiCall(t, a, "POST", "/api/v1/featured_tags", readOnly, url.Values{"name": {"dogs"}}); code != http.StatusForbidden {
		t.Fatalf("feature with read:accounts only: %d, want 403", code)
	}

	// Suggestions: alice's own tags not featured yet, most used first.
	code, sugg, _ := listCall(t, a, "GET", "/api/v1/featured_tags/suggestions", readOnly)
	if code != http.StatusOK || len(sugg) != 2 || sugg[0]["name"] != "birds" || sugg[1]["name"] != "dogs" {
		t.Fatalf("suggestions: %d %v", code, sugg)
	}

	code, mine, _ := listCall(t, a, "GET", "/api/v1/featured_tags", readOnly)
	if code != http.StatusOK || len(mine) != 2 || mine[0]["name"] != "cats" || mine[1]["name"] != "unused" {
		t.Fatalf("own featured tags: %d %v", code, mine)
	}
	path := "/api/v1/accounts/" + strconv.FormatInt(aliceAcct.ID, 10) + "/featured_tags"
	if code, list, _ := listCall(t, a, "GET", path, ""); code != http.StatusOK || len(list) != 2 || list[0]["statuses_count"] != "2" {
		t.Fatalf("alice's featured tags for nobody: %d %v", code, list)
	}

	// The actor names the collection; it holds Hashtags.
	_, actorDoc := get(t, a.url("/users/alice"), "application/activity+json")
	var actor map[string]any
	_ = json.Unmarshal([]byte(actorDoc), &actor)
	if actor["featuredTags"] != a.url("/users/alice/collections/tags") || !strings.Contains(actorDoc, "toot:featuredTags") {
		t.Fatalf("actor's featuredTags: %s", actorDoc)
	}
	code, body := get(t, a.url("/users/alice/collections/tags"), "application/activity+json")
	var coll struct {
		Type       string           `json:"type"`
		TotalItems int              `json:"totalItems"`
		Items      []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &coll); err != nil || code != http.StatusOK || coll.Type != "Collection" || coll.TotalItems != 2 ||
		coll.Items[0]["type"] != "Hashtag" || coll.Items[0]["name"] != "#cats" || coll.Items[0]["href"] != a.url("/tags/cats") {
		t.Fatalf("featuredTags collection: %d %s", code, body)
	}

	// Delete: someone else's is not found; one's own goes.
	if code, _, _ := apiCall(t, a, "DELETE", "/api/v1/featured_tags/"+cats["id"].(string), bob, nil); code != http.StatusNotFound {
		t.Fatalf("bob deletes alice's featured tag: %d, want 404", code)
	}
	if code, _, raw := apiCall(t, a, "DELETE", "/api/v1/featured_tags/"+cats["id"].(string), alice, nil); code != http.StatusOK {
		t.Fatalf("delete: %d %s", code, raw)
	}
	if _, list, _ := listCall(t, a, "GET", "/api/v1/featured_tags", alice); len(list) != 1 || list[0]["name"] != "unused" {
		t.Fatalf("after delete: %v", list)
	}

	// Ten at most.
	for i := range 10 {
		code, _, raw := apiCall(t, a, "POST", "/api/v1/featured_tags", alice, url.Values{"name": {"tag" + strconv.Itoa(i)}})
		if want := http.StatusOK; i == 9 {
			if code != http.StatusUnprocessableEntity {
				t.Fatalf("an eleventh featured tag: %d %s, want 422", code, raw)
			}
		} else if code != want {
			t.Fatalf("featured tag %d: %d %s", i, code, raw)
		}
	}
}

// TestFeaturedTagsBetweenTwoInstances: a remote actor's featuredTags
// collection is read when its profile's featured tags are asked for, and
// a followed hashtag brings in remote public posts that arrive.
func TestFeaturedTagsBetweenTwoInstances(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	aliceAcct, carol := a.createUser(t, "alice"), a.createUser(t, "carol")
	bobAcct := b.createUser(t, "bob")
	bob, alice := mustToken(t, b, "bob"), mustToken(t, a, "alice")
	for _, n := range []string{"Cats", "dogs"} {
		if code, _, raw := apiCall(t, b, "POST", "/api/v1/featured_tags", bob, url.Values{"name": {n}}); code != http.StatusOK {
			t.Fatalf("feature on B: %d %s", code, raw)
		}
	}
	bobOnA := a.resolve(t, "bob@"+b.host)
	if bobOnA.FeaturedTagsURI != b.url("/users/bob/collections/tags") {
		t.Fatalf("bob's featuredTags on A: %q", bobOnA.FeaturedTagsURI)
	}
	code, list, _ := listCall(t, a, "GET", "/api/v1/accounts/"+strconv.FormatInt(bobOnA.ID, 10)+"/featured_tags", alice)
	if code != http.StatusOK || len(list) != 2 || list[0]["name"] != "cats" || list[1]["name"] != "dogs" {
		t.Fatalf("bob's featured tags on A: %d %v", code, list)
	}

	// carol follows bob, so his posts arrive on A; alice only follows #cats.
	if _, err := a.svc.Social().Follow(ctx, carol, bobOnA); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob accepts carol", func() bool {
		rel, err := a.svc.Social().Relationship(ctx, carol, bobOnA)
		return err == nil && rel.Following
	})
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/tags/cats/follow", alice, nil); code != http.StatusOK {
		t.Fatalf("follow #cats: %d %s", code, raw)
	}
	quiet := b.post(t, bobAcct, "unlisted #cats", "unlisted", nil)
	loud := b.post(t, bobAcct, "public #cats from B", "public", nil)
	eventually(t, "bob's public #cats post reaches A", func() bool { return storedOn(a, loud.URI) && storedOn(a, quiet.URI) })
	if !homeHas(t, a, aliceAcct, loud.URI) {
		t.Fatal("bob's public #cats post is not in alice's home")
	}
	if homeHas(t, a, aliceAcct, quiet.URI) {
		t.Fatal("bob's unlisted #cats post is in alice's home")
	}
}
