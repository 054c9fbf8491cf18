package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models/store/storetest"
)

// TestScheduledStatusesThroughTheClientAPI: a client schedules a post with
// scheduled_at, lists, moves and cancels schedules as Mastodon's API does;
// the instance is restarted while a post waits, and its worker publishes the
// post once its time has come.
func TestScheduledStatusesThroughTheClientAPI(t *testing.T) {
	addr, db := freeAddr(t, "127.0.0.2"), storetest.Config(t)
	a, stop := launchInstance(t, addr, db)
	alice := a.createUser(t, "alice")
	a.createUser(t, "bob")
	token, bobToken := mustToken(t, a, "alice"), mustToken(t, a, "bob")
	call := func(tok, method, path, body string) (int, string) {
		t.Helper()
		return sendRaw(t, a.host, method, path, bearer(tok, "Content-Type", "application/json"), strings.NewReader(body), -1)
	}
	inAnHour := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)

	status, body := call(token, "POST", "/api/v1/statuses", `{"status":"later, world","visibility":"unlisted","scheduled_at":"`+inAnHour+`"}`)
	if status != http.StatusOK {
		t.Fatalf("schedule: %d %s", status, body)
	}
	var sched struct {
		ID          string `json:"id"`
		ScheduledAt string `json:"scheduled_at"`
		Params      struct {
			Text       string `json:"text"`
			Visibility string `json:"visibility"`
		} `json:"params"`
		Media []any `json:"media_attachments"`
	}
	if err := json.Unmarshal([]byte(body), &sched); err != nil || sched.ID == "" || sched.Params.Text != "later, world" ||
		sched.Params.Visibility != "unlisted" || sched.Media == nil || !strings.HasSuffix(sched.ScheduledAt, "Z") {
		t.Fatalf("ScheduledStatus entity: %s (%v)", body, err)
	}
	if strings.Contains(apiGet(t, a, token, "/api/v1/accounts/"+strconv.FormatInt(alice.ID, 10)+"/statuses"), "later, world") {
		t.Fatal("the scheduled post is already on her profile")
	}

	checks := []struct {
		name, tok, method, path, body string
		want                          int
	}{
		{"too soon", token, "POST", "/api/v1/statuses", `{"status":"now","scheduled_at":"` + time.Now().Add(time.Minute).UTC().Format(time.RFC3339) + `"}`, http.StatusUnprocessableEntity},
		{"not a time", token, "POST", "/api/v1/statuses", `{"status":"when","scheduled_at":"tomorrow"}`, http.StatusUnprocessableEntity},
		{"someone else's", bobToken, "GET", "/api/v1/scheduled_statuses/" + sched.ID, ``, http.StatusNotFound},
		{"someone else's cancel", bobToken, "DELETE", "/api/v1/scheduled_statuses/" + sched.ID, ``, http.StatusNotFound},
		{"no token", "", "GET", "/api/v1/scheduled_statuses", ``, http.StatusUnauthorized},
	}
	for _, c := range checks {
		if status, body := call(c.tok, c.method, c.path, c.body); status != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, status, body, c.want)
		}
	}

	// A second schedule, moved and then cancelled.
	_, body = call(token, "POST", "/api/v1/statuses", `{"status":"never mind","scheduled_at":"`+inAnHour+`"}`)
	var other struct{ ID string }
	_ = json.Unmarshal([]byte(body), &other)
	inTwoHours := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	if status, body := call(token, "PUT", "/api/v1/scheduled_statuses/"+other.ID, `{"scheduled_at":"`+inTwoHours.Format(time.RFC3339)+`"}`); status != http.StatusOK ||
		!strings.Contains(body, inTwoHours.Format("2006-01-02T15:04:05")) {
		t.Fatalf("reschedule: %d %s", status, body)
	}
	if list := apiGet(t, a, token, "/api/v1/scheduled_statuses"); !strings.Contains(list, sched.ID) || !strings.Contains(list, other.ID) {
		t.Fatalf("list: %s", list)
	}
	if status, body := call(token, "DELETE", "/api/v1/scheduled_statuses/"+other.ID, ``); status != http.StatusOK {
		t.Fatalf("cancel: %d %s", status, body)
	}
	if list := apiGet(t, a, token, "/api/v1/scheduled_statuses"); strings.Contains(list, other.ID) {
		t.Fatalf("a cancelled schedule is listed: %s", list)
	}

	// The server stops; while it is down the post's time comes (the row is
	// moved into the past, as an hour passing would). Restarted on the same
	// database, its worker publishes the post.
	stop()
	rawExec(t, rawDB(t, db), "UPDATE scheduled_statuses SET scheduled_at = created_at")
	b := startInstanceAt(t, addr, db)
	var profile string
	eventually(t, "the worker publishes the due post", func() bool {
		profile = apiGet(t, b, token, "/api/v1/accounts/"+strconv.FormatInt(alice.ID, 10)+"/statuses")
		return strings.Contains(profile, "later, world")
	})
	if strings.Count(profile, "later, world") != 1 || strings.Contains(profile, "never mind") {
		t.Fatalf("after its time: %s", profile)
	}
	if list := apiGet(t, b, token, "/api/v1/scheduled_statuses"); list != "[]" {
		t.Fatalf("a published schedule is still listed: %s", list)
	}
}
