package main

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"plaza/models/store/storetest"
)

// TestQuotesThroughTheClientAPI: bob quotes alice's public post and the
// quote is accepted at once, with the quoted status inside the Quote
// entity; a post with quote_approval_policy nobody, a followers-only
// policy bob does not meet, and a private post refuse bob's quote (422)
// and show current_user denied, while the author may quote their own;
// a bad policy value is refused.
func TestQuotesThroughTheClientAPI(t *testing.T) {
	db := storetest.Config(t)
	a, stop := launchInstance(t, "127.0.0.2:0", db)
	defer stop()
	aliceAcct := a.createUser(t, "alice")
	bobAcct := a.createUser(t, "bob")
	alice, bob := mustToken(t, a, "alice"), mustToken(t, a, "bob")
	post := func(token string, form url.Values) (int, map[string]any, string) {
		return apiCall(t, a, "POST", "/api/v1/statuses", token, form)
	}

	code, orig, raw := post(alice, url.Values{"status": {"Original thought"}})
	if code != http.StatusOK {
		t.Fatalf("alice posts: %d %s", code, raw)
	}
	if orig["quote"] != nil {
		t.Fatalf("a post quoting nothing has a quote: %s", raw)
	}
	appr, _ := orig["quote_approval"].(map[string]any)
	if appr == nil || len(appr["automatic"].([]any)) != 1 || appr["automatic"].([]any)[0] != "public" || len(appr["manual"].([]any)) != 0 || appr["current_user"] != "automatic" {
		t.Fatalf("quote_approval of a public post: %s", raw)
	}
	code, qst, raw := post(bob, url.Values{"status": {"So true"}, "quoted_status_id": {orig["id"].(string)}})
	if code != http.StatusOK {
		t.Fatalf("bob quotes: %d %s", code, raw)
	}
	quote, _ := qst["quote"].(map[string]any)
	if quote == nil || quote["state"] != "accepted" {
		t.Fatalf("bob's quote: %s", raw)
	}
	inner, _ := quote["quoted_status"].(map[string]any)
	if inner == nil || inner["id"] != orig["id"] || inner["content"] != orig["content"] || inner["account"].(map[string]any)["username"] != "alice" {
		t.Fatalf("quoted_status: %s", raw)
	}
	// Read back, by alice too.
	_, got, raw := apiCall(t, a, "GET", "/api/v1/statuses/"+qst["id"].(string), alice, nil)
	if q, _ := got["quote"].(map[string]any); q == nil || q["state"] != "accepted" || q["quoted_status"] == nil {
		t.Fatalf("bob's quote read by alice: %s", raw)
	}

	code, closed, raw := post(alice, url.Values{"status": {"Not for quoting"}, "quote_approval_policy": {"nobody"}})
	if code != http.StatusOK {
		t.Fatalf("alice posts with policy nobody: %d %s", code, raw)
	}
	if ap := closed["quote_approval"].(map[string]any); len(ap["automatic"].([]any)) != 0 {
		t.Fatalf("policy nobody: %s", raw)
	}
	_, got, raw = apiCall(t, a, "GET", "/api/v1/statuses/"+closed["id"].(string), bob, nil)
	if got["quote_approval"].(map[string]any)["current_user"] != "denied" {
		t.Fatalf("bob's quote_approval of a nobody post: %s", raw)
	}
	if code, _, raw := post(bob, url.Values{"status": {"Quoting anyway"}, "quoted_status_id": {closed["id"].(string)}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("bob quotes a nobody post: %d %s, want 422", code, raw)
	}
	if code, self, raw := post(alice, url.Values{"status": {"Myself"}, "quoted_status_id": {closed["id"].(string)}}); code != http.StatusOK || self["quote"].(map[string]any)["state"] != "accepted" {
		t.Fatalf("alice quotes her own nobody post: %d %s", code, raw)
	}

	code, fol, raw := post(alice, url.Values{"status": {"Followers may quote"}, "quote_approval_policy": {"followers"}})
	if code != http.StatusOK || fol["quote_approval"].(map[string]any)["automatic"].([]any)[0] != "followers" {
		t.Fatalf("alice posts with policy followers: %d %s", code, raw)
	}
	if code, _, raw := post(bob, url.Values{"status": {"Not a follower"}, "quoted_status_id": {fol["id"].(string)}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("a non-follower quotes a followers post: %d %s, want 422", code, raw)
	}
	if _, err := a.svc.Social().Follow(context.Background(), bobAcct, aliceAcct); err != nil {
		t.Fatal(err)
	}
	if code, _, raw := post(bob, url.Values{"status": {"Now a follower"}, "quoted_status_id": {fol["id"].(string)}}); code != http.StatusOK {
		t.Fatalf("a follower quotes a followers post: %d %s", code, raw)
	}

	code, priv, raw := post(alice, url.Values{"status": {"Private"}, "visibility": {"private"}, "quote_approval_policy": {"public"}})
	if code != http.StatusOK || len(priv["quote_approval"].(map[string]any)["automatic"].([]any)) != 0 {
		t.Fatalf("a private post's policy is nobody: %d %s", code, raw)
	}
	if code, _, raw := post(bob, url.Values{"status": {"Leak"}, "quoted_status_id": {priv["id"].(string)}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("bob quotes alice's private post: %d %s, want 422", code, raw)
	}
	if code, self, raw := post(alice, url.Values{"status": {"Mine"}, "quoted_status_id": {priv["id"].(string)}}); code != http.StatusOK || self["visibility"] != "private" {
		t.Fatalf("alice quotes her private post publicly: %d %s, want a private quote", code, raw)
	}
	if code, _, raw := post(alice, url.Values{"status": {"x"}, "quote_approval_policy": {"everyone"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown policy: %d %s, want 422", code, raw)
	}
	if code, _, raw := post(bob, url.Values{"status": {"x"}, "quoted_status_id": {"12345"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("quoting a missing status: %d %s, want 422", code, raw)
	}
}
