package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"plaza/models"
)

// groupedPage is /api/v2/notifications as a test reads it.
type groupedPage struct {
	Accounts []struct {
		ID string `json:"id"`
	} `json:"accounts"`
	Statuses []struct {
		ID string `json:"id"`
	} `json:"statuses"`
	Groups []struct {
		Key        string   `json:"group_key"`
		Count      int      `json:"notifications_count"`
		Type       string   `json:"type"`
		MostRecent string   `json:"most_recent_notification_id"`
		PageMin    string   `json:"page_min_id"`
		PageMax    string   `json:"page_max_id"`
		LatestAt   string   `json:"latest_page_notification_at"`
		Samples    []string `json:"sample_account_ids"`
		StatusID   string   `json:"status_id"`
	} `json:"notification_groups"`
	link string
}

func getGrouped(t *testing.T, in *instance, token, path string) groupedPage {
	t.Helper()
	req, _ := http.NewRequest("GET", in.url(path), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p groupedPage
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
	}
	p.link = res.Header.Get("Link")
	return p
}

func (p groupedPage) byType(typ string) []int {
	var out []int
	for i, g := range p.Groups {
		if g.Type == typ {
			out = append(out, i)
		}
	}
	return out
}

func idOf(a *models.Account) string { return strconv.FormatInt(a.ID, 10) }

// unread reads an unread count.
func unread(t *testing.T, in *instance, token, path string) float64 {
	t.Helper()
	code, got, raw := apiCall(t, in, "GET", path, token, nil)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, raw)
	}
	return got["count"].(float64)
}

// TestGroupedNotifications: three favourites of one status are one group
// of three with three sample accounts, two follows one group, mentions
// stay one group each; accounts and statuses come once; a group reads
// alone, lists its accounts and is dismissed whole; grouped_types[]
// narrows grouping; unread counts follow the notifications marker.
func TestGroupedNotifications(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	fans := []*models.Account{a.createUser(t, "bob"), a.createUser(t, "carol"), a.createUser(t, "dave")}
	tok := mustToken(t, a, "alice")
	post := a.post(t, alice, "like me", models.VisibilityPublic, nil)
	postID := strconv.FormatInt(post.ID, 10)
	for _, f := range fans {
		if code, _, raw := apiCall(t, a, "POST", "/api/v1/statuses/"+postID+"/favourite", mustToken(t, a, f.Username), nil); code != http.StatusOK {
			t.Fatalf("favourite: %d %s", code, raw)
		}
	}
	for _, f := range fans[:2] {
		if code, _, raw := apiCall(t, a, "POST", "/api/v1/accounts/"+idOf(alice)+"/follow", mustToken(t, a, f.Username), nil); code != http.StatusOK {
			t.Fatalf("follow: %d %s", code, raw)
		}
	}
	m1 := a.post(t, fans[2], "@alice one", models.VisibilityPublic, nil)
	a.post(t, fans[2], "@alice two", models.VisibilityPublic, nil)

	p := getGrouped(t, a, tok, "/api/v2/notifications")
	if len(p.Groups) != 4 {
		t.Fatalf("groups: %+v, want favourite, follow and two mentions", p.Groups)
	}
	favs, follows, mentions := p.byType("favourite"), p.byType("follow"), p.byType("mention")
	if len(favs) != 1 || len(follows) != 1 || len(mentions) != 2 {
		t.Fatalf("group types: %+v", p.Groups)
	}
	fav := p.Groups[favs[0]]
	if fav.Count != 3 || len(fav.Samples) != 3 || fav.StatusID != postID || !strings.HasPrefix(fav.Key, "favourite-") ||
		fav.MostRecent != fav.PageMax || fav.PageMin >= fav.PageMax || fav.LatestAt == "" {
		t.Errorf("favourite group: %+v", fav)
	}
	if fav.Samples[0] != idOf(fans[2]) {
		t.Errorf("samples %v: the newest first, want %s", fav.Samples, idOf(fans[2]))
	}
	if g := p.Groups[follows[0]]; g.Count != 2 || len(g.Samples) != 2 || g.StatusID != "" {
		t.Errorf("follow group: %+v", g)
	}
	for _, i := range mentions {
		if g := p.Groups[i]; g.Count != 1 || !strings.HasPrefix(g.Key, "ungrouped-") {
			t.Errorf("mention group: %+v", g)
		}
	}
	if p.Groups[0].Type != "mention" || p.Groups[0].StatusID == strconv.FormatInt(m1.ID, 10) {
		t.Errorf("first group %+v: want the newest mention first", p.Groups[0])
	}
	var accts, statuses []string
	for _, x := range p.Accounts {
		accts = append(accts, x.ID)
	}
	for _, x := range p.Statuses {
		statuses = append(statuses, x.ID)
	}
	slices.Sort(accts)
	slices.Sort(statuses)
	if len(accts) != 3 || len(slices.Compact(accts)) != 3 || len(statuses) != 3 || len(slices.Compact(statuses)) != 3 {
		t.Errorf("accounts %v, statuses %v: want each of the three once", accts, statuses)
	}
	if !strings.Contains(p.link, `rel="next"`) || !strings.Contains(p.link, "max_id=") {
		t.Errorf("Link: %q", p.link)
	}
	if older := getGrouped(t, a, tok, "/api/v2/notifications?max_id="+fav.PageMin); len(older.Groups) != 0 {
		t.Errorf("the page before the oldest: %+v", older.Groups)
	}
	if two := getGrouped(t, a, tok, "/api/v2/notifications?limit=2"); len(two.Groups) != 2 || two.Groups[0].Type != "mention" {
		t.Errorf("limit=2: %+v", two.Groups)
	}

	// Grouping only reblogs leaves every favourite on its own.
	if p := getGrouped(t, a, tok, "/api/v2/notifications?grouped_types[]=reblog&types[]=favourite"); len(p.Groups) != 3 || p.Groups[0].Count != 1 {
		t.Errorf("grouped_types=reblog: %+v", p.Groups)
	}

	one := getGrouped(t, a, tok, "/api/v2/notifications/"+fav.Key)
	if len(one.Groups) != 1 || one.Groups[0].Count != 3 || len(one.Statuses) != 1 || len(one.Accounts) != 3 {
		t.Errorf("GET the group: %+v", one)
	}
	code, _, raw := apiCall(t, a, "GET", "/api/v2/notifications/"+fav.Key+"/accounts", tok, nil)
	var listed []map[string]any
	_ = json.Unmarshal([]byte(raw), &listed)
	if code != http.StatusOK || len(listed) != 3 || listed[0]["id"] != idOf(fans[2]) {
		t.Errorf("group accounts: %d %s", code, raw)
	}
	if code, _, _ := apiCall(t, a, "GET", "/api/v2/notifications/nonsense-1", tok, nil); code != http.StatusNotFound {
		t.Errorf("an unknown group: %d, want 404", code)
	}

	// Unread counts: everything before a marker, nothing after it.
	if n := unread(t, a, tok, "/api/v1/notifications/unread_count"); n != 7 {
		t.Errorf("v1 unread without a marker: %v, want 7", n)
	}
	if n := unread(t, a, tok, "/api/v2/notifications/unread_count"); n != 4 {
		t.Errorf("v2 unread without a marker: %v, want 4 groups", n)
	}
	if n := unread(t, a, tok, "/api/v1/notifications/unread_count?limit=2"); n != 2 {
		t.Errorf("unread with limit=2: %v", n)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/markers", tok, url.Values{"notifications[last_read_id]": {p.Groups[0].MostRecent}}); code != http.StatusOK {
		t.Fatalf("marker: %d %s", code, raw)
	}
	if n := unread(t, a, tok, "/api/v1/notifications/unread_count"); n != 0 {
		t.Errorf("unread after reading everything: %v", n)
	}
	a.post(t, fans[0], "@alice three", models.VisibilityPublic, nil)
	if v1, v2 := unread(t, a, tok, "/api/v1/notifications/unread_count"), unread(t, a, tok, "/api/v2/notifications/unread_count"); v1 != 1 || v2 != 1 {
		t.Errorf("unread after one more mention: v1 %v, v2 %v", v1, v2)
	}

	if code, _, raw := apiCall(t, a, "POST", "/api/v2/notifications/"+fav.Key+"/dismiss", tok, nil); code != http.StatusOK {
		t.Fatalf("dismiss group: %d %s", code, raw)
	}
	if p := getGrouped(t, a, tok, "/api/v2/notifications"); len(p.byType("favourite")) != 0 || len(p.Groups) != 4 {
		t.Errorf("after dismissing the favourites: %+v", p.Groups)
	}
	if code, _, _ := apiCall(t, a, "GET", "/api/v2/notifications", "", nil); code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d, want 401", code)
	}
}
