package mastoapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func (r *oauthRig) userToken(t *testing.T, scopes string) string {
	t.Helper()
	tok, err := r.svc.Accounts().CreateToken(context.Background(), "alice", scopes)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestInstanceEndpoints(t *testing.T) {
	r := newOAuthRig(t)

	res := r.do(t, http.MethodGet, "/api/v1/instance", "", "", "")
	var v1 struct {
		URI     string `json:"uri"`
		Title   string `json:"title"`
		Version string `json:"version"`
		URLs    struct {
			StreamingAPI string `json:"streaming_api"`
		} `json:"urls"`
		Stats         map[string]int64 `json:"stats"`
		Languages     []string         `json:"languages"`
		Configuration struct {
			Statuses         map[string]int `json:"statuses"`
			MediaAttachments struct {
				SupportedMimeTypes []string `json:"supported_mime_types"`
			} `json:"media_attachments"`
		} `json:"configuration"`
		Rules []any `json:"rules"`
	}
	decodeJSON(t, res, &v1)
	if res.status != http.StatusOK || v1.URI != "plaza.test" || v1.Title != "Plaza Test" || v1.Version != "4.3.0 (compatible; Plaza 0.1.0)" ||
		v1.URLs.StreamingAPI != "ws://plaza.test" || v1.Stats["user_count"] != 1 || v1.Configuration.Statuses["max_characters"] != 5000 ||
		len(v1.Configuration.MediaAttachments.SupportedMimeTypes) != 4 || v1.Rules == nil {
		t.Fatalf("v1: %s", res.body)
	}

	res = r.do(t, http.MethodGet, "/api/v2/instance", "", "", "")
	var v2 struct {
		Domain string `json:"domain"`
		Usage  struct {
			Users struct {
				ActiveMonth int64 `json:"active_month"`
			} `json:"users"`
		} `json:"usage"`
		Thumbnail struct {
			URL string `json:"url"`
		} `json:"thumbnail"`
		Configuration struct {
			URLs struct {
				Streaming string `json:"streaming"`
			} `json:"urls"`
			Translation struct {
				Enabled bool `json:"enabled"`
			} `json:"translation"`
		} `json:"configuration"`
		Registrations map[string]any `json:"registrations"`
		Contact       map[string]any `json:"contact"`
	}
	decodeJSON(t, res, &v2)
	if res.status != http.StatusOK || v2.Domain != "plaza.test" || v2.Usage.Users.ActiveMonth != 1 || v2.Thumbnail.URL == "" ||
		v2.Configuration.URLs.Streaming != "ws://plaza.test" || v2.Registrations["enabled"] != false {
		t.Fatalf("v2: %s", res.body)
	}

	for _, path := range []string{"/api/v1/instance/peers", "/api/v1/instance/rules", "/api/v1/custom_emojis"} {
		if res := r.do(t, http.MethodGet, path, "", "", ""); res.status != http.StatusOK || strings.TrimSpace(res.body) != "[]" {
			t.Errorf("%s: %d %s", path, res.status, res.body)
		}
	}
}

func TestPreferencesAndFilters(t *testing.T) {
	r := newOAuthRig(t)
	if res := r.do(t, http.MethodGet, "/api/v1/preferences", "", "", ""); res.status != http.StatusUnauthorized {
		t.Fatalf("anonymous preferences: %d", res.status)
	}
	tok := r.userToken(t, "read")
	res := r.do(t, http.MethodGet, "/api/v1/preferences", "", "", tok)
	var prefs map[string]any
	decodeJSON(t, res, &prefs)
	if prefs["posting:default:visibility"] != "public" || prefs["reading:expand:media"] != "default" {
		t.Fatalf("preferences: %s", res.body)
	}
	if _, ok := prefs["posting:default:language"]; !ok {
		t.Fatal("posting:default:language missing")
	}
	for _, path := range []string{"/api/v1/filters", "/api/v2/filters"} {
		if res := r.do(t, http.MethodGet, path, "", "", tok); res.status != http.StatusOK || strings.TrimSpace(res.body) != "[]" {
			t.Errorf("%s: %d %s", path, res.status, res.body)
		}
	}
	if res := r.do(t, http.MethodGet, "/api/v1/filters", "", "", r.userToken(t, "write")); res.status != http.StatusForbidden {
		t.Errorf("filters without read: %d", res.status)
	}
}

func TestMarkers(t *testing.T) {
	r := newOAuthRig(t)
	tok := r.userToken(t, "read write")
	res := r.do(t, http.MethodGet, "/api/v1/markers?timeline[]=home&timeline[]=notifications", "", "", tok)
	if res.status != http.StatusOK || strings.TrimSpace(res.body) != "{}" {
		t.Fatalf("no markers: %d %s", res.status, res.body)
	}
	res = r.do(t, http.MethodPost, "/api/v1/markers", "application/x-www-form-urlencoded",
		url.Values{"home[last_read_id]": {"103"}}.Encode(), tok)
	type marker struct {
		LastReadID string `json:"last_read_id"`
		Version    int    `json:"version"`
		UpdatedAt  string `json:"updated_at"`
	}
	var saved map[string]marker
	decodeJSON(t, res, &saved)
	if res.status != http.StatusOK || saved["home"].LastReadID != "103" || saved["home"].Version != 1 || saved["home"].UpdatedAt == "" {
		t.Fatalf("save form: %d %s", res.status, res.body)
	}
	res = r.do(t, http.MethodPost, "/api/v1/markers", "application/json",
		`{"home":{"last_read_id":"110"},"notifications":{"last_read_id":7}}`, tok)
	decodeJSON(t, res, &saved)
	if res.status != http.StatusOK || saved["home"].Version != 2 || saved["notifications"].LastReadID != "7" {
		t.Fatalf("save json: %d %s", res.status, res.body)
	}
	res = r.do(t, http.MethodGet, "/api/v1/markers?timeline[]=home", "", "", tok)
	var got map[string]marker
	decodeJSON(t, res, &got)
	if len(got) != 1 || got["home"].LastReadID != "110" {
		t.Fatalf("get: %s", res.body)
	}
	if res := r.do(t, http.MethodPost, "/api/v1/markers", "application/json", `{"home":{"last_read_id":"x"}}`, tok); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad id: %d %s", res.status, res.body)
	}
	if res := r.do(t, http.MethodGet, "/api/v1/markers?timeline[]=home", "", "", r.userToken(t, "write")); res.status != http.StatusForbidden {
		t.Fatalf("markers without read: %d", res.status)
	}
}
