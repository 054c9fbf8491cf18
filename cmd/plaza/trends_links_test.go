package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"plaza/models"
)

// TestTrendingLinks: the links most people shared in public posts this
// week lead /api/v1/trends/links, with today's uses in their history;
// mentions, hashtags and links in private posts do not count.
func TestTrendingLinks(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	bob := a.createUser(t, "bob")
	carol := a.createUser(t, "carol")
	a.post(t, alice, "read https://example.org/a @bob #news", models.VisibilityPublic, nil)
	a.post(t, bob, "so good https://example.org/a", models.VisibilityPublic, nil)
	a.post(t, carol, "mine https://example.org/b", models.VisibilityPublic, nil)
	a.post(t, carol, "mine again https://example.org/b", models.VisibilityPublic, nil)
	a.post(t, alice, "secret https://example.org/private", models.VisibilityPrivate, nil)
	code, body := apiJSON(t, a, "", "GET", "/api/v1/trends/links", nil)
	var links []struct {
		URL          string `json:"url"`
		Title        string `json:"title"`
		Type         string `json:"type"`
		ProviderName string `json:"provider_name"`
		History      []struct {
			Uses     string `json:"uses"`
			Accounts string `json:"accounts"`
		} `json:"history"`
	}
	if err := json.Unmarshal(body, &links); code != http.StatusOK || err != nil {
		t.Fatalf("trends/links: %d %s", code, body)
	}
	if len(links) != 2 || links[0].URL != "https://example.org/a" || links[1].URL != "https://example.org/b" {
		t.Fatalf("trending links: %s", body)
	}
	a0, b0 := links[0].History[0], links[1].History[0]
	if len(links[0].History) != 7 || a0.Uses != "2" || a0.Accounts != "2" || b0.Uses != "2" || b0.Accounts != "1" ||
		links[0].Type != "link" || links[0].ProviderName != "example.org" || links[0].Title != "example.org/a" {
		t.Fatalf("link entity: %s", body)
	}
	if _, body := apiJSON(t, a, "", "GET", "/api/v1/trends/links?offset=1&limit=1", nil); json.Unmarshal(body, &links) != nil || len(links) != 1 || links[0].URL != "https://example.org/b" {
		t.Fatalf("paging: %s", body)
	}

	// The posts sharing a trending link; a link that is not trending is 404.
	var posts []struct {
		Account struct {
			Username string `json:"username"`
		} `json:"account"`
	}
	code, body = apiJSON(t, a, "", "GET", "/api/v1/timelines/link?url="+url.QueryEscape("https://example.org/a"), nil)
	if err := json.Unmarshal(body, &posts); code != http.StatusOK || err != nil || len(posts) != 2 || posts[0].Account.Username != "bob" || posts[1].Account.Username != "alice" {
		t.Fatalf("link timeline: %d %s", code, body)
	}
	if code, _ := apiJSON(t, a, "", "GET", "/api/v1/timelines/link?url="+url.QueryEscape("https://example.org/private"), nil); code != http.StatusNotFound {
		t.Fatalf("a link nobody may see trending: %d", code)
	}
}
