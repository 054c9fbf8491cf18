package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
)

// appRequests is testdata/app_requests.json: what each app asks for at
// start-up and on its main screens, read from its public source.
type appRequests struct {
	Apps []struct {
		App      string `json:"app"`
		Requests []struct {
			Screen string `json:"screen"`
			Path   string `json:"path"`
			Entity string `json:"entity"`
			Expect int    `json:"expect"`
			Source string `json:"source"`
		} `json:"requests"`
	} `json:"apps"`
}

// TestAppsStartUp walks every request of testdata/app_requests.json
// against a Plaza seeded so each screen has something to show (a post with
// a hashtag, media and a custom emoji, a reply that mentions her, a
// favourite, a bookmark, a pin, a list, a followed tag, a filter, a direct
// message, an announcement, a second user who follows her): no answer is a
// 404 (but those Mastodon gives too) or a 5xx, and every entity has each
// field Mastodon documents as never null.
func TestAppsStartUp(t *testing.T) {
	raw, err := os.ReadFile("testdata/app_requests.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixture appRequests
	if err := json.Unmarshal(raw, &fixture); err != nil {
		t.Fatalf("testdata/app_requests.json: %v", err)
	}
	a := startInstance(t, "127.0.0.2")
	vars := seedAppScreens(t, a)
	token := vars["token"]
	walked, empty := 0, map[string]bool{}
	for _, app := range fixture.Apps {
		for _, r := range app.Requests {
			if r.Source == "" || r.Entity == "" {
				t.Errorf("%s: %s has no source or entity in the fixture", app.App, r.Path)
			}
			path := r.Path
			for _, k := range []string{"me", "other", "status", "tag", "list"} {
				path = strings.ReplaceAll(path, "{"+k+"}", vars[k])
			}
			want := cmp.Or(r.Expect, http.StatusOK)
			status, body := sendRaw(t, a.host, "GET", path, bearer(token), nil, -1)
			walked++
			if status != want {
				t.Errorf("%s (%s, %s): GET %s: %d %s, want %d", app.App, r.Screen, r.Source, path, status, body, want)
				continue
			}
			if want != http.StatusOK {
				continue
			}
			if r.Entity == "Health" {
				if body != "OK" {
					t.Errorf("%s: GET %s says %q, want OK as Mastodon", app.App, path, body)
				}
				continue
			}
			var v any
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Errorf("%s: GET %s: not JSON: %s", app.App, path, body)
				continue
			}
			if arr, ok := v.([]any); ok {
				p, _, _ := strings.Cut(r.Path, "?")
				empty[p] = empty[p] || len(arr) == 0
			}
			for _, bad := range checkEntity(v, r.Entity, "$") {
				t.Errorf("%s (%s): GET %s: %s", app.App, r.Screen, path, bad)
			}
		}
	}
	if walked < 150 {
		t.Fatalf("walked %d requests; the fixture lost some", walked)
	}
	// An empty answer checks no entity: the seed must fill these screens.
	for _, p := range []string{"/api/v1/timelines/home", "/api/v1/notifications", "/api/v1/favourites", "/api/v1/bookmarks",
		"/api/v1/lists", "/api/v1/followed_tags", "/api/v1/conversations", "/api/v1/announcements", "/api/v1/custom_emojis",
		"/api/v2/filters", "/api/v1/filters", "/api/v1/featured_tags", "/api/v1/timelines/tag/{tag}", "/api/v1/timelines/list/{list}",
		"/api/v1/accounts/{me}/statuses", "/api/v1/accounts/{other}/followers", "/api/v1/statuses/{status}/favourited_by"} {
		if e, seen := empty[p]; !seen || e {
			t.Errorf("GET %s: empty or never asked (seen %v); the seed should give it something", p, seen)
		}
	}
	var thread struct {
		MediaAttachments []any `json:"media_attachments"`
		Emojis           []any `json:"emojis"`
		Tags             []any `json:"tags"`
	}
	var replies struct{ Descendants []any }
	_ = json.Unmarshal([]byte(apiGet(t, a, token, "/api/v1/statuses/"+vars["status"])), &thread)
	_ = json.Unmarshal([]byte(apiGet(t, a, token, "/api/v1/statuses/"+vars["status"]+"/context")), &replies)
	if len(thread.MediaAttachments) != 1 || len(thread.Emojis) != 1 || len(thread.Tags) != 1 || len(replies.Descendants) != 1 {
		t.Errorf("the seeded post has %d media, %d emojis, %d tags, %d replies; want 1 each",
			len(thread.MediaAttachments), len(thread.Emojis), len(thread.Tags), len(replies.Descendants))
	}
}

// seedAppScreens gives alice something on every screen the apps open and
// returns the fixture's placeholders with her token.
func seedAppScreens(t *testing.T, a *instance) map[string]string {
	t.Helper()
	ctx := context.Background()
	alice, bob := a.createUser(t, "alice"), a.createUser(t, "bob")
	token, err := a.svc.Accounts().CreateToken(ctx, "alice", "read write follow push")
	if err != nil {
		t.Fatal(err)
	}
	bobToken := mustToken(t, a, "bob")
	if _, err := a.svc.Emoji().Add(ctx, a.cfg.Storage.Path, "blobcat", "Blobs", bytes.NewReader(testPNG(t))); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Announcements().Create(ctx, "Maintenance tonight", nil, nil); err != nil {
		t.Fatal(err)
	}
	me, other := strconv.FormatInt(alice.ID, 10), strconv.FormatInt(bob.ID, 10)
	call := func(tok, method, path string, body any) map[string]any {
		t.Helper()
		var r io.Reader
		h := bearer(tok)
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
			h.Set("Content-Type", "application/json")
		}
		status, out := sendRaw(t, a.host, method, path, h, r, -1)
		if status != http.StatusOK && status != http.StatusAccepted {
			t.Fatalf("seed: %s %s: %d %s", method, path, status, out)
		}
		var v map[string]any
		_ = json.Unmarshal([]byte(out), &v)
		return v
	}
	id := func(v map[string]any) string { s, _ := v["id"].(string); return s }

	form, ctype := multipartForm(t, map[string]string{"description": "a dot"}, "file", testPNG(t))
	status, out := sendRaw(t, a.host, "POST", "/api/v2/media", bearer(token, "Content-Type", ctype), form, int64(form.Len()))
	if status != http.StatusOK && status != http.StatusAccepted {
		t.Fatalf("seed: upload: %d %s", status, out)
	}
	var media map[string]any
	_ = json.Unmarshal([]byte(out), &media)
	post := id(call(token, "POST", "/api/v1/statuses", map[string]any{
		"status": "hello #plaza :blobcat:", "visibility": "public", "media_ids": []string{id(media)}}))
	call(token, "POST", "/api/v1/statuses/"+post+"/pin", nil)
	call(token, "POST", "/api/v1/accounts/"+other+"/follow", nil)
	call(bobToken, "POST", "/api/v1/accounts/"+me+"/follow", nil)
	reply := id(call(bobToken, "POST", "/api/v1/statuses", map[string]any{
		"status": "@alice nice #plaza", "in_reply_to_id": post, "visibility": "public"}))
	call(bobToken, "POST", "/api/v1/statuses", map[string]any{"status": "@alice psst", "visibility": "direct"})
	call(bobToken, "POST", "/api/v1/statuses", map[string]any{"status": "bob's own #plaza news", "visibility": "public"})
	call(bobToken, "POST", "/api/v1/statuses/"+post+"/favourite", nil)
	call(bobToken, "POST", "/api/v1/statuses/"+post+"/reblog", nil)
	call(token, "POST", "/api/v1/statuses/"+reply+"/favourite", nil)
	call(token, "POST", "/api/v1/statuses/"+reply+"/bookmark", nil)
	list := id(call(token, "POST", "/api/v1/lists", map[string]any{"title": "Friends"}))
	call(token, "POST", "/api/v1/lists/"+list+"/accounts", map[string]any{"account_ids": []string{other}})
	call(token, "POST", "/api/v1/tags/plaza/follow", nil)
	call(token, "POST", "/api/v1/featured_tags", map[string]any{"name": "plaza"})
	call(bobToken, "POST", "/api/v1/featured_tags", map[string]any{"name": "plaza"})
	call(token, "POST", "/api/v2/filters", map[string]any{"title": "Spoilers", "context": []string{"home"},
		"filter_action": "warn", "keywords_attributes": []map[string]any{{"keyword": "finale", "whole_word": true}}})
	call(token, "POST", "/api/v1/filters", map[string]any{"phrase": "ending", "context": []string{"home"}})
	call(token, "POST", "/api/v1/markers", map[string]any{"home": map[string]any{"last_read_id": post}})
	return map[string]string{"token": token, "me": me, "other": other, "status": post, "tag": "plaza", "list": list}
}

// TestTrendsAndSuggestions: the hashtag most authors used this week leads
// the trends with today's uses in its history; the most favourited recent
// post leads the trending posts; suggestions are accounts alice's follows
// follow, leaving out whom she follows and whom she blocks.
func TestTrendsAndSuggestions(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice, bob, carol, dave, erin := a.createUser(t, "alice"), a.createUser(t, "bob"), a.createUser(t, "carol"), a.createUser(t, "dave"), a.createUser(t, "erin")
	for _, u := range []*models.Account{bob, carol, dave} {
		a.post(t, u, "lunch #soup", models.VisibilityPublic, nil)
	}
	for range 4 {
		a.post(t, erin, "me again #solo", models.VisibilityPublic, nil) // many posts, one author
	}
	a.post(t, bob, "quiet #hidden", models.VisibilityUnlisted, nil)
	liked := a.post(t, carol, "liked a lot", models.VisibilityPublic, nil)
	once := a.post(t, dave, "liked once", models.VisibilityPublic, nil)
	a.post(t, erin, "nobody cares", models.VisibilityPublic, nil)
	for _, u := range []*models.Account{alice, bob, dave} {
		if _, err := a.svc.Social().Favourite(ctx, u, liked.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.svc.Social().Favourite(ctx, bob, once.ID); err != nil {
		t.Fatal(err)
	}
	token := mustToken(t, a, "alice")

	var tags []struct {
		Name    string `json:"name"`
		History []struct{ Day, Uses, Accounts string }
	}
	if err := json.Unmarshal([]byte(apiGet(t, a, token, "/api/v1/trends/tags")), &tags); err != nil {
		t.Fatal(err)
	}
	today := strconv.FormatInt(time.Now().UTC().Truncate(24*time.Hour).Unix(), 10)
	if len(tags) != 2 || tags[0].Name != "soup" || tags[1].Name != "solo" || len(tags[0].History) != 7 ||
		tags[0].History[0] != (struct{ Day, Uses, Accounts string }{today, "3", "3"}) || tags[1].History[0].Uses != "4" {
		t.Fatalf("trending tags: %+v", tags)
	}

	var statuses []struct{ Content string }
	if err := json.Unmarshal([]byte(apiGet(t, a, token, "/api/v1/trends/statuses")), &statuses); err != nil {
		t.Fatal(err)
	}
	if len(statuses) != 2 || !strings.Contains(statuses[0].Content, "liked a lot") || !strings.Contains(statuses[1].Content, "liked once") {
		t.Fatalf("trending statuses: %+v", statuses)
	}

	// alice follows bob; bob follows carol, dave and erin; alice already
	// follows dave and blocks erin.
	for _, f := range [][2]*models.Account{{alice, bob}, {alice, dave}, {bob, carol}, {bob, dave}, {bob, erin}} {
		if _, err := a.svc.Social().Follow(ctx, f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.svc.Social().Block(ctx, alice, erin); err != nil {
		t.Fatal(err)
	}
	var sugg []struct {
		Source  string `json:"source"`
		Account struct{ Username string }
	}
	if err := json.Unmarshal([]byte(apiGet(t, a, token, "/api/v2/suggestions")), &sugg); err != nil {
		t.Fatal(err)
	}
	if len(sugg) != 1 || sugg[0].Account.Username != "carol" || sugg[0].Source == "" {
		t.Fatalf("suggestions: %+v", sugg)
	}
}

// TestAnnouncementsFromTheCLI: an admin announces from the CLI; apps list
// it until the user dismisses it; an ended one is not shown; removing it
// takes it away.
func TestAnnouncementsFromTheCLI(t *testing.T) {
	addr, db := freeAddr(t, "127.0.0.2"), storetest.Config(t)
	a := startInstanceAt(t, addr, db)
	a.createUser(t, "alice")
	token := mustToken(t, a, "alice")
	cfgPath := writeConfig(t, "host: '"+a.host+"'\ndatabase:\n  driver: "+db.Driver+"\n  dsn: '"+db.DSN+"'\n")
	cli := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(context.Background(), append([]string{"--config", cfgPath, "admin", "announcement"}, args...), &out, &errOut); err != nil {
			t.Fatalf("admin announcement %v: %v (%s)", args, err, errOut.String())
		}
		return out.String()
	}
	added := cli("add", "Maintenance tonight, see https://status.example")
	id := strings.Fields(added)[1]
	cli("add", "--starts", "2020-01-01T00:00:00Z", "--ends", "2020-01-02T00:00:00Z", "long over")
	if list := cli("list"); !strings.Contains(list, "Maintenance tonight") || !strings.Contains(list, "long over") {
		t.Fatalf("list: %s", list)
	}
	var shown []struct {
		ID      string `json:"id"`
		Content string `json:"content"`
		Read    bool   `json:"read"`
	}
	if err := json.Unmarshal([]byte(apiGet(t, a, token, "/api/v1/announcements")), &shown); err != nil {
		t.Fatal(err)
	}
	if len(shown) != 1 || shown[0].ID != id || !strings.Contains(shown[0].Content, `href="https://status.example"`) || shown[0].Read {
		t.Fatalf("announcements: %+v", shown)
	}
	if status, body := sendRaw(t, a.host, "POST", "/api/v1/announcements/"+id+"/dismiss", bearer(token), nil, -1); status != http.StatusOK {
		t.Fatalf("dismiss: %d %s", status, body)
	}
	if list := apiGet(t, a, token, "/api/v1/announcements"); list != "[]" {
		t.Fatalf("a dismissed announcement is listed: %s", list)
	}
	if list := apiGet(t, a, token, "/api/v1/announcements?with_dismissed=true"); !strings.Contains(list, `"read":true`) {
		t.Fatalf("with_dismissed: %s", list)
	}
	cli("remove", id)
	if list := apiGet(t, a, token, "/api/v1/announcements?with_dismissed=true"); list != "[]" {
		t.Fatalf("a removed announcement is listed: %s", list)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"--config", cfgPath, "admin", "announcement", "add", "--ends", "soon", "x"}, &out, &errOut); exitCode(err) != 2 {
		t.Fatalf("a bad time: %v, want a usage error", err)
	}
}
