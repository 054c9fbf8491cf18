package discovery

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"time"

	"plaza/models"
	"plaza/sanitize"
	"plaza/server/service/core"
)

// Link trends are read from the public posts of the last week: at most
// linkScan of them, newest first, so a busy week costs a bounded scan.
const (
	MaxLinks = 20
	linkScan = 2000
)

// Link is a trending link with seven days of history, newest day first.
type Link struct {
	URL     string
	History []Day
}

// anchor is an <a> tag of sanitised HTML; href, class and rel are read
// from its attributes.
var (
	anchor    = regexp.MustCompile(`<a\s([^>]*)>`)
	attribute = regexp.MustCompile(`(href|class|rel)="([^"]*)"`)
)

// postLinks returns the distinct http(s) links of a post's HTML, leaving
// out mentions and hashtags (Mastodon's classes and rel="tag").
func postLinks(content string) []string {
	var out []string
	for _, m := range anchor.FindAllStringSubmatch(content, -1) {
		var href, class, rel string
		for _, a := range attribute.FindAllStringSubmatch(m[1], -1) {
			v := html.UnescapeString(a[2])
			switch a[1] {
			case "href":
				href = v
			case "class":
				class = v
			case "rel":
				rel = v
			}
		}
		if strings.Contains(class, "mention") || strings.Contains(class, "hashtag") || slices.Contains(strings.Fields(rel), "tag") {
			continue
		}
		if sanitize.URL(href) == "" {
			continue
		}
		if !slices.Contains(out, href) {
			out = append(out, href)
		}
	}
	return out
}

// TrendingLinks returns the links most people shared in public posts this
// week, each with seven days of history.
func (s *Service) TrendingLinks(ctx context.Context, limit, offset int) ([]Link, error) {
	today := s.core.Clock().Now().Truncate(24 * time.Hour)
	posts, err := s.store.RecentLinkPosts(ctx, today.Add(-TagWindow+24*time.Hour), linkScan)
	if err != nil {
		return nil, fmt.Errorf("trending links: %w", err)
	}
	type tally struct {
		days     [7]Day
		accounts map[int64]bool
		dayAccts [7]map[int64]bool
		uses     int64
	}
	byURL := map[string]*tally{}
	for _, p := range posts {
		d := int(today.Sub(p.CreatedAt.Truncate(24*time.Hour)) / (24 * time.Hour))
		if d < 0 || d > 6 {
			continue
		}
		for _, u := range postLinks(p.Content) {
			t := byURL[u]
			if t == nil {
				t = &tally{accounts: map[int64]bool{}}
				byURL[u] = t
			}
			if t.dayAccts[d] == nil {
				t.dayAccts[d] = map[int64]bool{}
			}
			t.uses++
			t.accounts[p.AccountID] = true
			t.days[d].Uses++
			t.dayAccts[d][p.AccountID] = true
		}
	}
	urls := make([]string, 0, len(byURL))
	for u := range byURL {
		urls = append(urls, u)
	}
	slices.SortFunc(urls, func(a, b string) int {
		ta, tb := byURL[a], byURL[b]
		return cmp.Or(cmp.Compare(len(tb.accounts), len(ta.accounts)), cmp.Compare(tb.uses, ta.uses), strings.Compare(a, b))
	})
	offset, limit = max(offset, 0), clamp(limit, 10, MaxLinks)
	if offset > len(urls) {
		offset = len(urls)
	}
	urls = urls[offset:min(len(urls), offset+limit)]
	out := make([]Link, len(urls))
	for i, u := range urls {
		t := byURL[u]
		out[i] = Link{URL: u, History: make([]Day, 7)}
		for d := range 7 {
			out[i].History[d] = Day{Start: today.Add(-time.Duration(d) * 24 * time.Hour), Uses: t.days[d].Uses, Accounts: int64(len(t.dayAccts[d]))}
		}
	}
	return out, nil
}

// LinkTimeline returns the public posts of this week that share a
// trending link, newest first (Mastodon's /api/v1/timelines/link); a link
// that is not trending is core.ErrNotFound, as on Mastodon.
func (s *Service) LinkTimeline(ctx context.Context, viewer *models.Account, link string, p core.Page) ([]*models.Status, error) {
	trending, err := s.TrendingLinks(ctx, MaxLinks, 0)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(trending, func(l Link) bool { return l.URL == link }) {
		return nil, fmt.Errorf("%w: link not trending", core.ErrNotFound)
	}
	today := s.core.Clock().Now().Truncate(24 * time.Hour)
	list, err := s.store.StatusesLinking(ctx, core.ViewerID(viewer), today.Add(-TagWindow+24*time.Hour), link, p.Store())
	if err != nil {
		return nil, fmt.Errorf("link timeline: %w", err)
	}
	return s.core.VisibleOnly(ctx, viewer, list)
}
