package filters

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"plaza/models"
	"plaza/sanitize"
)

// Result is how one filter matched a status (Mastodon's FilterResult).
type Result struct {
	Filter *Filter
	// KeywordMatches are the filter's keywords found in the status.
	KeywordMatches []string
	// StatusMatches are the ids of the filter's statuses it is (or boosts).
	StatusMatches []int64
}

// Matcher holds a viewer's active filters for one request or event, so a
// page of statuses is matched in Go with no query per status.
type Matcher struct {
	filters []*Filter
}

// NewMatcher keeps the filters that have not expired at now.
func NewMatcher(list []Filter, now time.Time) *Matcher {
	m := &Matcher{}
	for i := range list {
		f := &list[i]
		if f.ExpiresAt == nil || f.ExpiresAt.After(now) {
			m.filters = append(m.filters, f)
		}
	}
	return m
}

// Empty reports whether nothing can match (no active filter).
func (m *Matcher) Empty() bool { return m == nil || len(m.filters) == 0 }

// Match returns the filters of context where that match st. A boost is
// matched by what it boosts (boosted, when loaded) and by either id.
func (m *Matcher) Match(where Context, st, boosted *models.Status) []Result {
	if m.Empty() || st == nil {
		return nil
	}
	proper := st
	if boosted != nil {
		proper = boosted
	}
	var text string // the status's plain text, made only when a keyword asks
	var out []Result
	for _, f := range m.filters {
		if !slices.Contains(f.Contexts, where) {
			continue
		}
		r := Result{Filter: f}
		for _, fs := range f.Statuses {
			if fs.StatusID == st.ID || fs.StatusID == proper.ID {
				r.StatusMatches = append(r.StatusMatches, fs.StatusID)
			}
		}
		if len(f.Keywords) > 0 && text == "" {
			text = strings.ToLower(proper.SpoilerText + "\n\n" + sanitize.Text(proper.Content))
		}
		for _, k := range f.Keywords {
			if containsKeyword(text, strings.ToLower(k.Keyword), k.WholeWord) {
				r.KeywordMatches = append(r.KeywordMatches, k.Keyword)
			}
		}
		if len(r.KeywordMatches) > 0 || len(r.StatusMatches) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// Hidden reports whether any of the results hides the status.
func Hidden(results []Result) bool {
	for _, r := range results {
		if r.Filter.Action == ActionHide {
			return true
		}
	}
	return false
}

// containsKeyword finds keyword in text (both lower case). A whole-word
// keyword must not touch a letter, digit or underscore at an end that is
// itself a word character, as Mastodon's \b does (Unicode-aware here).
func containsKeyword(text, keyword string, wholeWord bool) bool {
	if keyword == "" {
		return false
	}
	if !wholeWord {
		return strings.Contains(text, keyword)
	}
	first, _ := utf8.DecodeRuneInString(keyword)
	last, _ := utf8.DecodeLastRuneInString(keyword)
	for from := 0; from <= len(text); {
		i := strings.Index(text[from:], keyword)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(keyword)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		okStart := start == 0 || !isWord(first) || !isWord(before)
		okEnd := end == len(text) || !isWord(last) || !isWord(after)
		if okStart && okEnd {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[start:])
		from = start + size
	}
	return false
}

func isWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
