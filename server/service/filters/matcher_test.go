package filters

import (
	"testing"
	"time"

	"plaza/models"
)

func TestContainsKeyword(t *testing.T) {
	cases := []struct {
		text, keyword string
		whole, want   bool
	}{
		{"i like cats", "cat", false, true},
		{"i like cats", "cat", true, false},
		{"a cat, sleeping", "cat", true, true},
		{"cat", "cat", true, true},
		{"concatenate cat", "cat", true, true}, // the second occurrence stands alone
		{"#cat today", "#cat", true, true},
		{"bobcat", "#cat", true, false},
		{"über straße", "straße", true, true},
		{"überstraße", "straße", true, false},
		{"snake_case", "case", true, false},
		{"c++ rocks", "c++", true, true},
		{"abc++ rocks", "c++", true, false},
		{"nothing here", "cat", false, false},
		{"anything", "", false, false},
	}
	for _, c := range cases {
		if got := containsKeyword(c.text, c.keyword, c.whole); got != c.want {
			t.Errorf("containsKeyword(%q, %q, %v) = %v, want %v", c.text, c.keyword, c.whole, got, c.want)
		}
	}
}

func TestMatcher(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	past, future := now.Add(-time.Minute), now.Add(time.Hour)
	filter := func(id int64, action string, ctxs []Context, expires *time.Time, keywords []models.FilterKeyword, statuses ...int64) Filter {
		f := Filter{Filter: models.Filter{ID: id, Action: action, ExpiresAt: expires}, Contexts: ctxs, Keywords: keywords}
		for _, s := range statuses {
			f.Statuses = append(f.Statuses, models.FilterStatus{FilterID: id, StatusID: s})
		}
		return f
	}
	kw := func(word string, whole bool) []models.FilterKeyword {
		return []models.FilterKeyword{{Keyword: word, WholeWord: whole}}
	}
	m := NewMatcher([]Filter{
		filter(1, ActionWarn, []Context{ContextHome}, nil, kw("Spoilers", true)),
		filter(2, ActionHide, []Context{ContextPublic, ContextHome}, &future, kw("crypto", false)),
		filter(3, ActionHide, []Context{ContextHome}, &past, kw("weather", false)),
		filter(4, ActionWarn, []Context{ContextThread}, nil, nil, 77),
	}, now)

	plain := &models.Status{ID: 10, Content: "<p>No <b>spoilers</b> please</p>"}
	got := m.Match(ContextHome, plain, nil)
	if len(got) != 1 || got[0].Filter.ID != 1 || len(got[0].KeywordMatches) != 1 || Hidden(got) {
		t.Fatalf("home match of a warned word: %+v", got)
	}
	if got := m.Match(ContextPublic, plain, nil); len(got) != 0 {
		t.Fatalf("a home-only filter matched in public: %+v", got)
	}
	spoiler := &models.Status{ID: 11, SpoilerText: "CRYPTOcurrency", Content: "<p>hello</p>"}
	if got := m.Match(ContextPublic, spoiler, nil); len(got) != 1 || !Hidden(got) {
		t.Fatalf("the spoiler text is matched, case-insensitively: %+v", got)
	}
	if got := m.Match(ContextHome, &models.Status{ID: 12, Content: "nice weather"}, nil); len(got) != 0 {
		t.Fatalf("an expired filter matched: %+v", got)
	}
	boost := &models.Status{ID: 13}
	if got := m.Match(ContextThread, boost, &models.Status{ID: 77}); len(got) != 1 || len(got[0].StatusMatches) != 1 || got[0].StatusMatches[0] != 77 {
		t.Fatalf("a boost of a filtered status: %+v", got)
	}
	if got := m.Match(ContextHome, boost, &models.Status{ID: 14, Content: "spoilers!"}); len(got) != 1 {
		t.Fatalf("a boost is matched by what it boosts: %+v", got)
	}
	var none *Matcher
	if !none.Empty() || none.Match(ContextHome, plain, nil) != nil {
		t.Fatal("a nil matcher matches nothing")
	}
}
