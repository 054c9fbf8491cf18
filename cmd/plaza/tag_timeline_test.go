package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
)

// TestTagTimelineAnyAllNone: a hashtag timeline takes Mastodon's any[],
// all[] and none[] (a column of several tags): other tags that count too,
// tags a post must also have, tags it must not have.
func TestTagTimelineAnyAllNone(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	posts := map[string]*models.Status{}
	for name, text := range map[string]string{
		"cats":      "#cats only",
		"dogs":      "#dogs only",
		"both":      "#cats and #dogs",
		"catsbirds": "#cats and #birds",
		"other":     "#fish",
	} {
		posts[name] = a.post(t, alice, text, models.VisibilityPublic, nil)
	}
	timeline := func(query string) []string {
		t.Helper()
		code, body := apiJSON(t, a, "", "GET", "/api/v1/timelines/tag/cats"+query, nil)
		var list []struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(body, &list); code != http.StatusOK || err != nil {
			t.Fatalf("tag timeline %s: %d %s", query, code, body)
		}
		var names []string
		for _, s := range list {
			for name, p := range posts {
				if core.IDString(p.ID) == s.ID {
					names = append(names, name)
				}
			}
		}
		slices.Sort(names)
		return names
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"both", "cats", "catsbirds"}},
		{"?any[]=dogs", []string{"both", "cats", "catsbirds", "dogs"}},
		{"?all[]=dogs", []string{"both"}},
		{"?none[]=dogs", []string{"cats", "catsbirds"}},
		{"?none[]=dogs&none[]=%23Birds", []string{"cats"}},
		{"?any[]=dogs&none[]=birds&all[]=cats", []string{"both", "cats"}},
	} {
		if got := timeline(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("tag/cats%s: %v, want %v", tc.query, got, tc.want)
		}
	}
}
