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
	// Clients look for API version 2 and a 4.3 release before they ask
	// for groups.
	_, inst, _ := apiCall(t, a, "GET", "/api/v2/instance", "", nil)
	if v, _ := inst["api_versions"].(map[string]any); v["mastodon"] != 2.0 || !strings.HasPrefix(inst["version"].(string), "4.3.") {
		t.Errorf("instance: api_versions %v, version %v", inst["api_versions"], inst["version"])
	}
}

// TestNotificationPolicyHoldsStrangers: with for_not_following=filter a
// stranger's notifications wait in a notification request (counted in the
// policy's summary) while a followed account's arrive; accepting releases
// them and lets the sender through from then on; dismissing drops them;
// drop keeps nothing; v1's booleans read and write the same policy.
func TestNotificationPolicyHoldsStrangers(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	bob, carol, dave, eve := a.createUser(t, "bob"), a.createUser(t, "carol"), a.createUser(t, "dave"), a.createUser(t, "eve")
	tok := mustToken(t, a, "alice")
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/accounts/"+idOf(carol)+"/follow", tok, nil); code != http.StatusOK {
		t.Fatalf("follow carol: %d %s", code, raw)
	}
	code, pol, raw := apiCall(t, a, "GET", "/api/v2/notifications/policy", tok, nil)
	if code != http.StatusOK || pol["for_not_following"] != "accept" || pol["for_limited_accounts"] != "filter" {
		t.Fatalf("default policy: %d %s", code, raw)
	}
	code, pol, raw = apiCall(t, a, "PATCH", "/api/v2/notifications/policy", tok, map[string]any{"for_not_following": "filter"})
	if code != http.StatusOK || pol["for_not_following"] != "filter" || pol["for_not_followers"] != "accept" {
		t.Fatalf("PATCH policy: %d %s", code, raw)
	}
	if code, _, _ := apiCall(t, a, "PATCH", "/api/v2/notifications/policy", tok, map[string]any{"for_not_following": "maybe"}); code != http.StatusUnprocessableEntity {
		t.Errorf("PATCH a bad value: %d, want 422", code)
	}
	if code, v1, raw := apiCall(t, a, "GET", "/api/v1/notifications/policy", tok, nil); code != http.StatusOK || v1["filter_not_following"] != true || v1["filter_not_followers"] != false {
		t.Errorf("v1 policy: %d %s", code, raw)
	}

	post := a.post(t, alice, "hello", models.VisibilityPublic, nil)
	postID := strconv.FormatInt(post.ID, 10)
	favourite := func(who *models.Account) {
		t.Helper()
		if code, _, raw := apiCall(t, a, "POST", "/api/v1/statuses/"+postID+"/favourite", mustToken(t, a, who.Username), nil); code != http.StatusOK {
			t.Fatalf("favourite: %d %s", code, raw)
		}
	}
	from := func() map[string]int {
		t.Helper()
		_, _, raw := apiCall(t, a, "GET", "/api/v1/notifications", tok, nil)
		var list []struct {
			Account struct {
				Username string `json:"username"`
			} `json:"account"`
		}
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			t.Fatalf("notifications: %s", raw)
		}
		out := map[string]int{}
		for _, n := range list {
			out[n.Account.Username]++
		}
		return out
	}
	favourite(bob)
	mention := a.post(t, bob, "@alice who are you", models.VisibilityPublic, nil)
	// An undone favourite takes its held notification and request along.
	favourite(eve)
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/statuses/"+postID+"/unfavourite", mustToken(t, a, "eve"), nil); code != http.StatusOK {
		t.Fatalf("unfavourite: %d %s", code, raw)
	}
	favourite(carol)
	favourite(dave)
	if got := from(); got["bob"] != 0 || got["dave"] != 0 || got["carol"] != 1 {
		t.Fatalf("delivered: %v, want only carol's", got)
	}
	_, pol, _ = apiCall(t, a, "GET", "/api/v2/notifications/policy", tok, nil)
	if sum := pol["summary"].(map[string]any); sum["pending_requests_count"] != 2.0 || sum["pending_notifications_count"] != 3.0 {
		t.Errorf("summary: %v, want 2 requests holding 3 (eve's undone)", sum)
	}
	code, _, raw = apiCall(t, a, "GET", "/api/v1/notifications/requests", tok, nil)
	var reqs []struct {
		ID      string `json:"id"`
		Count   string `json:"notifications_count"`
		Account struct {
			Username string `json:"username"`
		} `json:"account"`
		LastStatus *struct {
			ID string `json:"id"`
		} `json:"last_status"`
	}
	if err := json.Unmarshal([]byte(raw), &reqs); err != nil || code != http.StatusOK || len(reqs) != 2 {
		t.Fatalf("requests: %d %s", code, raw)
	}
	bobReq, daveReq := reqs[1], reqs[0] // newest first: dave's request came last
	if bobReq.Account.Username != "bob" || bobReq.Count != "2" || bobReq.LastStatus == nil || bobReq.LastStatus.ID != strconv.FormatInt(mention.ID, 10) {
		t.Errorf("bob's request: %+v", bobReq)
	}
	if code, one, raw := apiCall(t, a, "GET", "/api/v1/notifications/requests/"+bobReq.ID, tok, nil); code != http.StatusOK || one["notifications_count"] != "2" {
		t.Errorf("GET bob's request: %d %s", code, raw)
	}
	if code, _, _ := apiCall(t, a, "GET", "/api/v1/notifications/requests/"+bobReq.ID, mustToken(t, a, "eve"), nil); code != http.StatusNotFound {
		t.Errorf("someone else's request: %d, want 404", code)
	}

	if code, _, raw := apiCall(t, a, "POST", "/api/v1/notifications/requests/"+bobReq.ID+"/accept", tok, nil); code != http.StatusOK {
		t.Fatalf("accept: %d %s", code, raw)
	}
	if got := from(); got["bob"] != 2 {
		t.Errorf("after accepting bob: %v, want his two notifications", got)
	}
	if _, merged, _ := apiCall(t, a, "GET", "/api/v1/notifications/requests/merged", tok, nil); merged["merged"] != true {
		t.Errorf("merged: %v", merged)
	}
	a.post(t, bob, "@alice again", models.VisibilityPublic, nil)
	if got := from(); got["bob"] != 3 {
		t.Errorf("bob after acceptance: %v, want his new mention delivered", got)
	}

	if code, _, raw := apiCall(t, a, "POST", "/api/v1/notifications/requests/dismiss", tok, url.Values{"id[]": {daveReq.ID}}); code != http.StatusOK {
		t.Fatalf("dismiss: %d %s", code, raw)
	}
	if code, _, _ := apiCall(t, a, "GET", "/api/v1/notifications/requests/"+daveReq.ID, tok, nil); code != http.StatusNotFound {
		t.Errorf("a dismissed request: %d, want 404", code)
	}
	if got := from(); got["dave"] != 0 {
		t.Errorf("dave after dismissal: %v", got)
	}

	// drop keeps nothing, not even a request; v1's PUT writes booleans.
	if code, _, raw := apiCall(t, a, "PATCH", "/api/v2/notifications/policy", tok, map[string]any{"for_not_following": "drop"}); code != http.StatusOK {
		t.Fatalf("PATCH drop: %d %s", code, raw)
	}
	favourite(eve)
	_, pol, _ = apiCall(t, a, "GET", "/api/v2/notifications/policy", tok, nil)
	if sum := pol["summary"].(map[string]any); sum["pending_requests_count"] != 0.0 || from()["eve"] != 0 {
		t.Errorf("dropped: summary %v, notifications %v", sum, from())
	}
	code, v1, raw := apiCall(t, a, "PUT", "/api/v1/notifications/policy", tok, map[string]any{"filter_not_following": false, "filter_new_accounts": true})
	if code != http.StatusOK || v1["filter_not_following"] != false || v1["filter_new_accounts"] != true {
		t.Fatalf("v1 PUT: %d %s", code, raw)
	}
	if _, pol, _ := apiCall(t, a, "GET", "/api/v2/notifications/policy", tok, nil); pol["for_not_following"] != "accept" || pol["for_new_accounts"] != "filter" {
		t.Errorf("after v1 PUT: %v", pol)
	}
}

// TestThreadMuteStopsNotifications: muting a status's thread marks it
// muted and stops notifications about any status of that thread (replies,
// favourites) while other threads still notify; unmuting restores them.
func TestThreadMuteStopsNotifications(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	alice, bob := a.createUser(t, "alice"), a.createUser(t, "bob")
	tok, bobTok := mustToken(t, a, "alice"), mustToken(t, a, "bob")
	root := a.post(t, alice, "a thread", models.VisibilityPublic, nil)
	reply := a.post(t, bob, "@alice first reply", models.VisibilityPublic, &root.ID)
	count := func() int {
		t.Helper()
		_, _, raw := apiCall(t, a, "GET", "/api/v1/notifications", tok, nil)
		var list []any
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			t.Fatalf("notifications: %s", raw)
		}
		return len(list)
	}
	if n := count(); n != 1 {
		t.Fatalf("before muting: %d notifications, want the reply's", n)
	}
	sid := func(st *models.Status) string { return strconv.FormatInt(st.ID, 10) }
	code, got, raw := apiCall(t, a, "POST", "/api/v1/statuses/"+sid(reply)+"/mute", tok, nil)
	if code != http.StatusOK || got["muted"] != true {
		t.Fatalf("mute: %d %s", code, raw)
	}
	if _, got, _ := apiCall(t, a, "GET", "/api/v1/statuses/"+sid(root), tok, nil); got["muted"] != true {
		t.Errorf("the thread's root is not muted for alice: %v", got["muted"])
	}
	if _, got, _ := apiCall(t, a, "GET", "/api/v1/statuses/"+sid(root), bobTok, nil); got["muted"] != false {
		t.Errorf("the thread is muted for bob too: %v", got["muted"])
	}
	a.post(t, bob, "@alice second reply", models.VisibilityPublic, &reply.ID)
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/statuses/"+sid(root)+"/favourite", bobTok, nil); code != http.StatusOK {
		t.Fatalf("favourite: %d %s", code, raw)
	}
	if n := count(); n != 1 {
		t.Errorf("muted thread: %d notifications, want still 1", n)
	}
	a.post(t, bob, "@alice elsewhere", models.VisibilityPublic, nil)
	if n := count(); n != 2 {
		t.Errorf("another thread: %d notifications, want 2", n)
	}
	code, got, raw = apiCall(t, a, "POST", "/api/v1/statuses/"+sid(root)+"/unmute", tok, nil)
	if code != http.StatusOK || got["muted"] != false {
		t.Fatalf("unmute: %d %s", code, raw)
	}
	a.post(t, bob, "@alice third reply", models.VisibilityPublic, &root.ID)
	if n := count(); n != 3 {
		t.Errorf("after unmuting: %d notifications, want 3", n)
	}
	if code, _, _ := apiCall(t, a, "POST", "/api/v1/statuses/"+sid(root)+"/mute", "", nil); code != http.StatusUnauthorized {
		t.Errorf("anonymous mute: %d, want 401", code)
	}
}
