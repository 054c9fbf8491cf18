package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"plaza/server/service/core"
)

// TestAnnouncementReactions: people react to a running announcement with a
// Unicode emoji or a local custom emoji; the list counts them with "me";
// taking one back lowers the count; a word, an unknown announcement and a
// ninth reaction are refused.
func TestAnnouncementReactions(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	a.createUser(t, "bob")
	alice, bob := userToken(t, a, "alice"), userToken(t, a, "bob")
	ann, err := a.svc.Announcements().Create(ctx, "Maintenance tonight", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Emoji().Add(ctx, a.cfg.Storage.Path, "blobcat", "", bytes.NewReader(testPNG(t))); err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/announcements/" + core.IDString(ann.ID) + "/reactions/"
	react := func(token, method, name string) (int, string) {
		t.Helper()
		code, body := apiJSON(t, a, token, method, base+url.PathEscape(name), nil)
		return code, string(body)
	}
	for _, r := range []struct{ token, name string }{{alice, "👍"}, {bob, "👍"}, {alice, "blobcat"}, {alice, "👍"}} {
		if code, body := react(r.token, "PUT", r.name); code != http.StatusOK {
			t.Fatalf("react %s: %d %s", r.name, code, body)
		}
	}
	type reaction struct {
		Name  string  `json:"name"`
		Count int64   `json:"count"`
		Me    bool    `json:"me"`
		URL   *string `json:"url"`
	}
	list := func(token string) []reaction {
		t.Helper()
		_, body := apiJSON(t, a, token, "GET", "/api/v1/announcements", nil)
		var out []struct {
			Reactions []reaction `json:"reactions"`
		}
		if err := json.Unmarshal(body, &out); err != nil || len(out) != 1 {
			t.Fatalf("announcements: %s", body)
		}
		return out[0].Reactions
	}
	got := list(alice)
	if len(got) != 2 || got[0].Name != "👍" || got[0].Count != 2 || !got[0].Me || got[0].URL != nil ||
		got[1].Name != "blobcat" || got[1].Count != 1 || got[1].URL == nil || !strings.Contains(*got[1].URL, "/media/emoji_") {
		t.Fatalf("alice's reactions: %+v", got)
	}
	if got := list(bob); len(got) != 2 || !got[0].Me || got[1].Me {
		t.Fatalf("bob's view: %+v", got)
	}
	if code, body := react(alice, "DELETE", "👍"); code != http.StatusOK {
		t.Fatalf("unreact: %d %s", code, body)
	}
	if got := list(alice); len(got) != 2 || got[1].Name != "👍" || got[1].Count != 1 || got[1].Me {
		t.Fatalf("after unreact (ties by name): %+v", got)
	}
	if code, body := react(alice, "PUT", "hello"); code != http.StatusUnprocessableEntity || jsonError(body) == "" {
		t.Fatalf("a word: %d %s", code, body)
	}
	if code, _ := apiJSON(t, a, alice, "PUT", "/api/v1/announcements/12345/reactions/%F0%9F%91%8D", nil); code != http.StatusNotFound {
		t.Fatalf("unknown announcement: %d", code)
	}
	for _, e := range []string{"🎉", "❤️", "😀", "🚀", "👀", "🙏", "✨"} { // with blobcat, eight
		if code, body := react(alice, "PUT", e); code != http.StatusOK {
			t.Fatalf("react %s: %d %s", e, code, body)
		}
	}
	if code, body := react(alice, "PUT", "🔥"); code != http.StatusUnprocessableEntity {
		t.Fatalf("a ninth reaction: %d %s", code, body)
	}
}
