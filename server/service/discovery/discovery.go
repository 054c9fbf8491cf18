// Package discovery helps people find what to read and whom to follow:
// trending hashtags and posts, worked out from the public posts of the last
// days, and follow suggestions from the people one already follows.
package discovery

import (
	"context"
	"fmt"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Windows and limits, as Mastodon's clients expect them.
const (
	TagWindow      = 7 * 24 * time.Hour // a tag's history is seven days
	StatusWindow   = 48 * time.Hour     // trending posts are recent ones
	MaxTags        = 20
	MaxStatuses    = 40
	MaxSuggestions = 80
)

// Day is one day of a tag's history.
type Day struct {
	Start          time.Time
	Uses, Accounts int64
}

// Tag is a trending hashtag with its daily history, newest day first.
type Tag struct {
	Name    string
	History []Day
}

// Service answers discovery questions.
type Service struct {
	core  *core.Base
	store *store.Store
}

// New builds the area.
func New(c *core.Base) *Service { return &Service{core: c, store: c.Store()} }

func clamp(n, def, max int) int {
	if n <= 0 {
		return def
	}
	return min(n, max)
}

// TrendingTags returns the hashtags most authors used in public posts this
// week, each with seven days of history.
func (s *Service) TrendingTags(ctx context.Context, limit, offset int) ([]Tag, error) {
	now := s.core.Clock().Now()
	today := now.Truncate(24 * time.Hour)
	uses, err := s.store.TrendingTags(ctx, today.Add(-TagWindow+24*time.Hour), now, clamp(limit, 10, MaxTags), max(offset, 0))
	if err != nil {
		return nil, fmt.Errorf("trending tags: %w", err)
	}
	names := make([]string, len(uses))
	for i, u := range uses {
		names[i] = u.Name
	}
	hist, err := s.History(ctx, names)
	if err != nil {
		return nil, fmt.Errorf("trending tags: %w", err)
	}
	out := make([]Tag, len(uses))
	for i, u := range uses {
		out[i] = Tag{Name: u.Name, History: hist[u.Name]}
	}
	return out, nil
}

// History returns seven days of public use of each hashtag, newest day
// first (Mastodon's Tag history).
func (s *Service) History(ctx context.Context, names []string) (map[string][]Day, error) {
	today := s.core.Clock().Now().Truncate(24 * time.Hour)
	out := make(map[string][]Day, len(names))
	for d := range 7 {
		start := today.Add(-time.Duration(d) * 24 * time.Hour)
		day, err := s.store.TagUsesOn(ctx, names, start, start.Add(24*time.Hour))
		if err != nil {
			return nil, fmt.Errorf("tag history: %w", err)
		}
		for _, n := range names {
			u := day[n]
			out[n] = append(out[n], Day{Start: start, Uses: u.Uses, Accounts: u.Accounts})
		}
	}
	return out, nil
}

// TrendingStatuses returns the public posts of the last two days that drew
// the most favourites and boosts, among those viewer may see.
func (s *Service) TrendingStatuses(ctx context.Context, viewer *models.Account, limit, offset int) ([]*models.Status, error) {
	list, err := s.store.TrendingStatuses(ctx, core.ViewerID(viewer), s.core.Clock().Now().Add(-StatusWindow), clamp(limit, 20, MaxStatuses), max(offset, 0))
	if err != nil {
		return nil, fmt.Errorf("trending statuses: %w", err)
	}
	return s.core.VisibleOnly(ctx, viewer, list)
}

// Suggestions returns accounts followed by the people viewer follows.
func (s *Service) Suggestions(ctx context.Context, viewer *models.Account, limit int) ([]*models.Account, error) {
	list, err := s.store.SuggestedAccounts(ctx, viewer.ID, clamp(limit, 40, MaxSuggestions))
	if err != nil {
		return nil, fmt.Errorf("suggestions: %w", err)
	}
	return list, nil
}
