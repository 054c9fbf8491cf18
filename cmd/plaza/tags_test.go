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
