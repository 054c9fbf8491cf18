package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
)

// startupCalls are the GET requests each app makes right after signing in
// (read from their sources and request logs: Tusky 27, Ivory 2, Elk 0.16,
// Phanpy 2025, Ice Cubes 1.10, Whalebird 6 via megalodon), with whether
// the answer is a JSON array or object. "{me}" is the user's account id.
var startupCalls = map[string][]string{
	"Tusky": {"/api/v1/instance", "/api/v2/instance", "/api/v1/accounts/verify_credentials", "/api/v1/custom_emojis",
		"/api/v2/filters", "/api/v1/lists", "/api/v1/announcements", "/api/v1/timelines/home?limit=30",
		"/api/v1/notifications?limit=30", "/api/v1/markers?timeline[]=home&timeline[]=notifications",
		"/api/v1/preferences", "/api/v1/accounts/{me}/statuses?pinned=true"},
	"Ivory": {"/api/v2/instance", "/api/v1/accounts/verify_credentials", "/api/v1/preferences", "/api/v1/custom_emojis",
		"/api/v1/lists", "/api/v2/filters", "/api/v1/markers?timeline[]=home", "/api/v1/timelines/home",
		"/api/v1/notifications", "/api/v1/announcements", "/api/v1/trends/tags", "/api/v1/push/subscription?absent=404"},
	"Elk": {"/api/v2/instance", "/api/v1/accounts/verify_credentials", "/api/v1/custom_emojis", "/api/v1/preferences",
		"/api/v1/lists", "/api/v1/timelines/home?limit=20", "/api/v1/markers?timeline[]=notifications",
		"/api/v1/notifications?limit=20", "/api/v1/conversations", "/api/v1/announcements", "/api/v1/trends/tags",
		"/api/v1/trends/statuses", "/api/v1/trends/links", "/api/v2/suggestions", "/api/v1/instance/translation_languages",
		"/api/v1/streaming/health"},
	"Phanpy": {"/api/v1/instance", "/api/v2/instance", "/api/v1/accounts/verify_credentials", "/api/v1/preferences",
		"/api/v1/lists", "/api/v1/announcements", "/api/v1/notifications?limit=40", "/api/v1/markers?timeline[]=home&timeline[]=notifications",
		"/api/v1/timelines/home?limit=20", "/api/v1/trends/tags", "/api/v1/custom_emojis", "/api/v1/accounts/relationships?id[]={me}"},
	"Ice Cubes": {"/api/v1/instance", "/api/v1/accounts/verify_credentials", "/api/v1/custom_emojis", "/api/v1/lists",
		"/api/v2/filters", "/api/v1/timelines/home?limit=50", "/api/v1/notifications", "/api/v1/conversations",
		"/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/suggestions", "/api/v1/markers?timeline[]=home"},
	"Whalebird": {"/api/v1/instance", "/nodeinfo/2.0", "/api/v1/accounts/verify_credentials", "/api/v1/timelines/home",
		"/api/v1/notifications", "/api/v1/lists", "/api/v1/conversations", "/api/v1/custom_emojis"},
}

// TestAppsStartUp: every call an app makes at start-up answers with JSON
// of the right shape; none is a 404 or an error. A GET of the push
// subscription before subscribing is the one 404 apps expect.
func TestAppsStartUp(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	a.post(t, alice, "hello #plaza", models.VisibilityPublic, nil)
	token, err := a.svc.Accounts().CreateToken(context.Background(), "alice", "read write follow push")
	if err != nil {
		t.Fatal(err)
	}
	me := strconv.FormatInt(alice.ID, 10)
	for app, calls := range startupCalls {
		for _, path := range calls {
			want := http.StatusOK
			if p, ok := strings.CutSuffix(path, "?absent=404"); ok {
				path, want = p, http.StatusNotFound
			}
			path = strings.ReplaceAll(path, "{me}", me)
			status, body := sendRaw(t, a.host, "GET", path, bearer(token), nil, -1)
			if status != want {
				t.Errorf("%s: GET %s: %d %s, want %d", app, path, status, body, want)
				continue
			}
			var v any
			if path == "/api/v1/streaming/health" {
				if body != "OK" {
					t.Errorf("%s: streaming health says %q, want OK as Mastodon", app, body)
				}
			} else if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Errorf("%s: GET %s: not JSON: %s", app, path, body)
			}
		}
	}
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
