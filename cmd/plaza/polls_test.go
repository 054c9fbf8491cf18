package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
)

// apiCall makes one client-API request with a bearer token ("" for none):
// a form body for url.Values, JSON for anything else non-nil.
func apiCall(t *testing.T, in *instance, method, path, token string, body any) (int, map[string]any, string) {
	t.Helper()
	var r io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		r, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		raw, _ := json.Marshal(b)
		r, ct = strings.NewReader(string(raw)), "application/json"
	}
	req, err := http.NewRequest(method, in.url(path), r)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return res.StatusCode, out, string(raw)
}

// endPoll moves a poll's end into the past, as time passing would.
func endPoll(t *testing.T, in *instance, pollID int64) {
	t.Helper()
	ctx := context.Background()
	p, err := in.store.PollByID(ctx, pollID)
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Second)
	p.ExpiresAt = &past
	if err := in.store.SavePollCounts(ctx, p); err != nil {
		t.Fatal(err)
	}
}

func pollCounts(poll map[string]any) []any {
	var out []any
	for _, o := range poll["options"].([]any) {
		out = append(out, o.(map[string]any)["votes_count"])
	}
	return out
}

// TestPollsThroughTheClientAPI: a poll is posted with a status (form and
// JSON), limited as the instance advertises; votes are one per account,
// counted, shown as own_votes, refused on one's own poll and once ended;
// hide_totals hides counts from others; the end notifies voters and the
// author, also when the poll ended while the server was down.
func TestPollsThroughTheClientAPI(t *testing.T) {
	db := storetest.Config(t)
	hourly := func(c *Config) { c.Polls.ExpiryInterval = time.Hour } // only the start-up sweep
	a, stop := launchInstance(t, "127.0.0.2:0", db, hourly)
	defer func() { stop() }()
	a.createUser(t, "alice")
	a.createUser(t, "bob")
	a.createUser(t, "carol")
	alice, bob, carol := mustToken(t, a, "alice"), mustToken(t, a, "bob"), mustToken(t, a, "carol")

	form := func(opts []string, expires string, extra ...string) url.Values {
		v := url.Values{"status": {"Which one?"}, "poll[expires_in]": {expires}}
		v["poll[options][]"] = opts
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	for name, body := range map[string]url.Values{
		"five options":      form([]string{"a", "b", "c", "d", "e"}, "600"),
		"one option":        form([]string{"a"}, "600"),
		"51 characters":     form([]string{strings.Repeat("x", 51), "b"}, "600"),
		"one minute":        form([]string{"a", "b"}, "60"),
		"over a month":      form([]string{"a", "b"}, "2700000"),
		"duplicate options": form([]string{"a", "a"}, "600"),
	} {
		if code, _, raw := apiCall(t, a, "POST", "/api/v1/statuses", alice, body); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s, want 422", name, code, raw)
		}
	}

	code, st, raw := apiCall(t, a, "POST", "/api/v1/statuses", alice, form([]string{"tea", "coffee", "water"}, "600"))
	if code != http.StatusOK || st["poll"] == nil {
		t.Fatalf("post with poll: %d %s", code, raw)
	}
	poll := st["poll"].(map[string]any)
	pollID := poll["id"].(string)
	if poll["expired"] != false || poll["multiple"] != false || poll["voted"] != true || poll["votes_count"].(float64) != 0 ||
		len(poll["options"].([]any)) != 3 || poll["expires_at"] == nil {
		t.Fatalf("new poll: %s", raw)
	}

	// Votes.
	code, got, raw := apiCall(t, a, "POST", "/api/v1/polls/"+pollID+"/votes", bob, url.Values{"choices[]": {"1"}})
	if code != http.StatusOK || got["voted"] != true || len(got["own_votes"].([]any)) != 1 || got["own_votes"].([]any)[0].(float64) != 1 ||
		got["votes_count"].(float64) != 1 || got["voters_count"].(float64) != 1 {
		t.Fatalf("bob votes: %d %s", code, raw)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/polls/"+pollID+"/votes", bob, url.Values{"choices[]": {"0"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("bob votes again: %d %s, want 422", code, raw)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/polls/"+pollID+"/votes", carol, map[string]any{"choices": []string{"0", "2"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("two choices in a single-choice poll: %d %s, want 422", code, raw)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/polls/"+pollID+"/votes", carol, map[string]any{"choices": []int{7}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("no such option: %d %s, want 422", code, raw)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/polls/"+pollID+"/votes", alice, url.Values{"choices[]": {"0"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("alice votes in her own poll: %d %s, want 422", code, raw)
	}
	if code, _, _ := apiCall(t, a, "POST", "/api/v1/polls/"+pollID+"/votes", "", url.Values{"choices[]": {"0"}}); code != http.StatusUnauthorized {
		t.Fatalf("anonymous vote: %d, want 401", code)
	}
	code, got, raw = apiCall(t, a, "POST", "/api/v1/polls/"+pollID+"/votes", carol, map[string]any{"choices": []int{1}})
	if code != http.StatusOK || got["votes_count"].(float64) != 2 {
		t.Fatalf("carol votes: %d %s", code, raw)
	}
	code, got, raw = apiCall(t, a, "GET", "/api/v1/polls/"+pollID, "", nil)
	if _, has := got["voted"]; code != http.StatusOK || has || strings.Contains(raw, "own_votes") {
		t.Fatalf("anonymous read: %d %s (no voted/own_votes for nobody)", code, raw)
	}
	if c := pollCounts(got); c[0].(float64) != 0 || c[1].(float64) != 2 || c[2].(float64) != 0 {
		t.Fatalf("counts %v, want [0 2 0]", c)
	}
	// The poll is in the status entity, as the voter sees it.
	code, got, raw = apiCall(t, a, "GET", "/api/v1/statuses/"+st["id"].(string), bob, nil)
	if p, _ := got["poll"].(map[string]any); code != http.StatusOK || p == nil || p["voted"] != true || p["id"] != pollID {
		t.Fatalf("status with poll as bob: %d %s", code, raw)
	}

	// Multiple choice with hidden totals, in JSON.
	code, st2, raw := apiCall(t, a, "POST", "/api/v1/statuses", alice, map[string]any{"status": "Pick any",
		"poll": map[string]any{"options": []string{"red", "green"}, "expires_in": 3600, "multiple": true, "hide_totals": true}})
	if code != http.StatusOK || st2["poll"] == nil || st2["poll"].(map[string]any)["multiple"] != true {
		t.Fatalf("JSON poll: %d %s", code, raw)
	}
	multiID := st2["poll"].(map[string]any)["id"].(string)
	code, got, raw = apiCall(t, a, "POST", "/api/v1/polls/"+multiID+"/votes", bob, map[string]any{"choices": []int{0, 1}})
	if code != http.StatusOK || got["votes_count"].(float64) != 2 || got["voters_count"].(float64) != 1 || pollCounts(got)[0] != nil {
		t.Fatalf("bob picks both (counts hidden from him): %d %s", code, raw)
	}
	if _, got, raw = apiCall(t, a, "GET", "/api/v1/polls/"+multiID, alice, nil); pollCounts(got)[0] != 1.0 {
		t.Fatalf("the author sees hidden totals: %s", raw)
	}

	// The first poll ends while the server is down: the start-up sweep
	// announces it to the voters and the author.
	id, _ := strconv.ParseInt(pollID, 10, 64)
	endPoll(t, a, id)
	stop()
	a, stop = launchInstance(t, a.host, db, hourly)
	for _, tok := range []string{alice, bob, carol} {
		eventually(t, "a poll notification", func() bool {
			code, _, raw := apiCall(t, a, "GET", "/api/v1/notifications?types[]=poll", tok, nil)
			return code == http.StatusOK && strings.Contains(raw, `"type":"poll"`) && strings.Contains(raw, `"id":"`+pollID+`"`)
		})
	}
	code, got, raw = apiCall(t, a, "GET", "/api/v1/polls/"+pollID, bob, nil)
	if code != http.StatusOK || got["expired"] != true {
		t.Fatalf("ended poll: %d %s", code, raw)
	}
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/polls/"+multiID+"/votes", carol, nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("a vote with no choice: %d %s, want 422", code, raw)
	}
	a.createUser(t, "dave")
	if code, _, raw := apiCall(t, a, "POST", "/api/v1/polls/"+pollID+"/votes", mustToken(t, a, "dave"), url.Values{"choices[]": {"0"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("vote on an ended poll: %d %s, want 422", code, raw)
	}
	// Announced once: a second sweep adds nothing.
	if n, err := a.svc.Polls().SweepEnded(context.Background()); err != nil || n != 0 {
		t.Fatalf("second sweep: %d, %v", n, err)
	}
}

// TestPollsBetweenTwoInstances: alice's poll on A reaches bob on B as a
// Question; bob votes through B's client API; A counts the vote (not as a
// reply) and sends the new counts back; when the poll ends, A tells alice
// and B tells bob.
func TestPollsBetweenTwoInstances(t *testing.T) {
	ctx := context.Background()
	fast := func(c *Config) { c.Polls.ExpiryInterval = 100 * time.Millisecond }
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), fast)
	b := startInstanceAt(t, "127.0.0.3:0", storetest.Config(t), fast)
	aliceAcct := a.createUser(t, "alice")
	bobAcct := b.createUser(t, "bob")
	aliceOnB := b.resolve(t, "alice@"+a.host)
	if _, err := b.svc.Social().Follow(ctx, bobAcct, aliceOnB); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob follows alice", func() bool {
		rel, err := b.svc.Social().Relationship(ctx, bobAcct, aliceOnB)
		return err == nil && rel.Following
	})
	alice, bob := mustToken(t, a, "alice"), mustToken(t, b, "bob")

	code, st, raw := apiCall(t, a, "POST", "/api/v1/statuses", alice, map[string]any{"status": "Lunch?",
		"poll": map[string]any{"options": []string{"pizza", "salad", "soup"}, "expires_in": "600"}})
	if code != http.StatusOK {
		t.Fatalf("post: %d %s", code, raw)
	}
	uri := st["uri"].(string)
	var remoteID string
	eventually(t, "the Question on B with its poll", func() bool {
		s, err := b.statusByURI(bobAcct, uri)
		if err != nil {
			return false
		}
		code, got, _ := apiCall(t, b, "GET", "/api/v1/statuses/"+strconv.FormatInt(s.ID, 10), bob, nil)
		if p, _ := got["poll"].(map[string]any); code == http.StatusOK && p != nil && len(p["options"].([]any)) == 3 {
			remoteID = p["id"].(string)
			return true
		}
		return false
	})
	code, got, raw := apiCall(t, b, "POST", "/api/v1/polls/"+remoteID+"/votes", bob, url.Values{"choices[]": {"2"}})
	if code != http.StatusOK || got["voted"] != true || pollCounts(got)[2] != 1.0 {
		t.Fatalf("bob votes on B: %d %s", code, raw)
	}
	localID := st["poll"].(map[string]any)["id"].(string)
	eventually(t, "A counts bob's vote", func() bool {
		_, got, _ := apiCall(t, a, "GET", "/api/v1/polls/"+localID, alice, nil)
		c := pollCounts(got)
		return len(c) == 3 && c[2] == 1.0 && got["voters_count"] == 1.0
	})
	if _, got, raw := apiCall(t, a, "GET", "/api/v1/statuses/"+st["id"].(string), alice, nil); got["replies_count"] != 0.0 {
		t.Fatalf("the vote shows as a reply on A: %s", raw)
	}
	if code, _, _ := apiCall(t, b, "POST", "/api/v1/polls/"+remoteID+"/votes", bob, url.Values{"choices[]": {"0"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("second vote on B: %d, want 422", code)
	}

	// The poll ends on A: A tells alice and sends the final Question, and
	// B, seeing it closed, tells bob.
	id, _ := strconv.ParseInt(localID, 10, 64)
	endPoll(t, a, id)
	eventually(t, "alice hears the poll ended", func() bool { return hasNotification(t, a, aliceAcct, models.NotifyPoll) })
	eventually(t, "bob hears the poll ended", func() bool { return hasNotification(t, b, bobAcct, models.NotifyPoll) })
	if _, got, raw := apiCall(t, b, "GET", "/api/v1/polls/"+remoteID, bob, nil); got["expired"] != true || pollCounts(got)[2] != 1.0 {
		t.Fatalf("closed poll on B: %s", raw)
	}
}
