package main

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestPostingPreferences: source[privacy], [sensitive] and [language] set
// through update_credentials (form or JSON) are saved, shown in source and
// /api/v1/preferences, and used for a post that does not say; a bad value
// is 422 and changes nothing, the profile included.
func TestPostingPreferences(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	token := userToken(t, a, "alice")
	prefs := func() map[string]any {
		t.Helper()
		code, body := apiJSON(t, a, token, "GET", "/api/v1/preferences", nil)
		var out map[string]any
		if err := json.Unmarshal(body, &out); code != http.StatusOK || err != nil {
			t.Fatalf("preferences: %d %s", code, body)
		}
		return out
	}
	if p := prefs(); p["posting:default:visibility"] != "public" || p["posting:default:sensitive"] != false || p["posting:default:language"] != nil {
		t.Fatalf("defaults: %v", p)
	}
	code, body := apiJSON(t, a, token, "PATCH", "/api/v1/accounts/update_credentials",
		map[string]any{"source": map[string]any{"privacy": "private", "sensitive": true, "language": "de"}})
	var acct struct {
		Source struct {
			Privacy   string `json:"privacy"`
			Sensitive bool   `json:"sensitive"`
			Language  string `json:"language"`
		} `json:"source"`
	}
	if _ = json.Unmarshal(body, &acct); code != http.StatusOK || acct.Source.Privacy != "private" || !acct.Source.Sensitive || acct.Source.Language != "de" {
		t.Fatalf("update_credentials source: %d %s", code, body)
	}
	if p := prefs(); p["posting:default:visibility"] != "private" || p["posting:default:sensitive"] != true || p["posting:default:language"] != "de" {
		t.Fatalf("saved: %v", p)
	}
	var st struct {
		Visibility string `json:"visibility"`
		Sensitive  bool   `json:"sensitive"`
		Language   string `json:"language"`
	}
	_, body = apiJSON(t, a, token, "POST", "/api/v1/statuses", map[string]any{"status": "hallo"})
	if _ = json.Unmarshal(body, &st); st.Visibility != "private" || !st.Sensitive || st.Language != "de" {
		t.Fatalf("a post that says nothing: %s", body)
	}
	_, body = apiJSON(t, a, token, "POST", "/api/v1/statuses", map[string]any{"status": "hello", "visibility": "public", "sensitive": false, "language": "en"})
	if _ = json.Unmarshal(body, &st); st.Visibility != "public" || st.Sensitive || st.Language != "en" {
		t.Fatalf("a post that says: %s", body)
	}
	for _, bad := range []map[string]any{
		{"display_name": "Changed", "source[privacy]": "everyone"},
		{"display_name": "Changed", "source": map[string]any{"language": "german"}},
	} {
		if code, body := apiJSON(t, a, token, "PATCH", "/api/v1/accounts/update_credentials", bad); code != http.StatusUnprocessableEntity || jsonError(string(body)) == "" {
			t.Fatalf("bad %v: %d %s", bad, code, body)
		}
	}
	if p := prefs(); p["posting:default:visibility"] != "private" || p["posting:default:language"] != "de" {
		t.Fatalf("a refused change was saved: %v", p)
	}
	_, body = apiJSON(t, a, token, "GET", "/api/v1/accounts/verify_credentials", nil)
	var me struct {
		DisplayName string `json:"display_name"`
	}
	if _ = json.Unmarshal(body, &me); me.DisplayName == "Changed" {
		t.Fatal("a refused update_credentials changed the profile")
	}
}
