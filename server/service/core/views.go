package core

import (
	"context"
	"fmt"
	"strings"
	"time"

	"plaza/models"
)

// StatusView is a status with everything a client entity shows about it,
// as seen by one viewer.
type StatusView struct {
	Status   *models.Status // Account loaded
	Reblog   *StatusView    // the boosted status, for a boost
	Mentions []*models.Account
	Tags     []models.Tag
	Media    []models.MediaAttachment
	Emojis   []models.CustomEmoji // custom emoji named in the text
	// The viewer's own interactions; false for anonymous viewers.
	Favourited, Reblogged, Bookmarked bool
}

// StatusViews fills the details of a page of statuses in a fixed number of
// queries. statuses must have Account loaded (every service query does).
func (s *Base) StatusViews(ctx context.Context, viewer *models.Account, statuses []*models.Status) ([]*StatusView, error) {
	// Boosts show their original; load the originals not already present.
	var originalIDs []int64
	for _, st := range statuses {
		if st.ReblogOfID != nil {
			originalIDs = append(originalIDs, *st.ReblogOfID)
		}
	}
	originals, err := s.store.StatusesByIDs(ctx, originalIDs)
	if err != nil {
		return nil, fmt.Errorf("status views: %w", err)
	}
	ids := make([]int64, 0, len(statuses)+len(originals))
	for _, st := range statuses {
		ids = append(ids, st.ID)
	}
	for id := range originals {
		ids = append(ids, id)
	}
	mentions, err := s.store.MentionsOfStatuses(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("status views: %w", err)
	}
	tags, err := s.store.TagsOfStatuses(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("status views: %w", err)
	}
	media, err := s.store.MediaOfStatuses(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("status views: %w", err)
	}
	var fav, reb, book map[int64]bool
	if viewer != nil {
		if fav, reb, book, err = s.store.InteractionsOf(ctx, viewer.ID, ids); err != nil {
			return nil, fmt.Errorf("status views: %w", err)
		}
	}
	view := func(st *models.Status) *StatusView {
		return &StatusView{Status: st, Mentions: mentions[st.ID], Tags: tags[st.ID], Media: media[st.ID],
			Favourited: fav[st.ID], Reblogged: reb[st.ID], Bookmarked: book[st.ID]}
	}
	out := make([]*StatusView, 0, len(statuses))
	for _, st := range statuses {
		v := view(st)
		if st.ReblogOfID != nil {
			orig, ok := originals[*st.ReblogOfID]
			if !ok {
				continue // the original is gone: drop the boost
			}
			v.Reblog = view(orig)
		}
		out = append(out, v)
	}
	if err := s.attachEmojis(ctx, out); err != nil {
		return nil, fmt.Errorf("status views: %w", err)
	}
	return out, nil
}

// AccountStats are the counters shown on a profile.
type AccountStats struct {
	Followers, Following, Statuses int64
	LastStatusAt                   *time.Time
}

// AccountStats counts followers, follows and posts of each account.
func (s *Base) AccountStats(ctx context.Context, accounts []*models.Account) (map[int64]AccountStats, error) {
	ids := make([]int64, 0, len(accounts))
	for _, a := range accounts {
		ids = append(ids, a.ID)
	}
	raw, err := s.store.StatsOfAccounts(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("account stats: %w", err)
	}
	out := make(map[int64]AccountStats, len(raw))
	for id, st := range raw {
		out[id] = AccountStats(st)
	}
	return out, nil
}

// StatusEntry is a status in a list paged by the id of the row that put it
// there: the like, or the bookmark.
type StatusEntry struct {
	ID     int64
	Status *models.Status
}

// AccountEntry is an account in a list paged by the id of the row that put
// it there: the favourite, or the boost.
type AccountEntry struct {
	ID      int64
	Account *models.Account
}

// MediaTypeOf is Mastodon's attachment type for a remote attachment's
// media type (or ActivityStreams type when it gives none).
func MediaTypeOf(mime, apType string) string {
	switch {
	case mime == "image/gif":
		return "gifv"
	case strings.HasPrefix(mime, "image/"), apType == "Image":
		return "image"
	case strings.HasPrefix(mime, "video/"), apType == "Video":
		return "video"
	case strings.HasPrefix(mime, "audio/"), apType == "Audio":
		return "audio"
	}
	return "unknown"
}
