package core

import (
	"context"
	"plaza/models"
	"plaza/models/store"
)

// Page selects one page of a list ordered by id, as Mastodon's max_id,
// since_id, min_id and limit do. Limit defaults to 20 and is capped at 40.
type Page struct {
	MaxID, SinceID, MinID int64
	Limit                 int
}

// Page limits.
const (
	DefaultPageLimit = 20
	MaxPageLimit     = 40
)

// Store is the page as the store reads it: the limit defaulted and capped.
func (p Page) Store() store.Page {
	if p.Limit <= 0 {
		p.Limit = DefaultPageLimit
	}
	if p.Limit > MaxPageLimit {
		p.Limit = MaxPageLimit
	}
	return store.Page{MaxID: p.MaxID, SinceID: p.SinceID, MinID: p.MinID, Limit: p.Limit}
}

// ViewerID is the viewer's account id, 0 for a visitor.
func ViewerID(viewer *models.Account) int64 {
	if viewer == nil {
		return 0
	}
	return viewer.ID
}

// VisibleOnly keeps the statuses of list that viewer may see.
func (s *Base) VisibleOnly(ctx context.Context, viewer *models.Account, list []*models.Status) ([]*models.Status, error) {
	out := list[:0]
	for _, st := range list {
		ok, err := s.CanSee(ctx, viewer, st)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, st)
		}
	}
	return out, nil
}

// InOrder returns the rows of byID in the order of ids (a page read as ids
// first), leaving out the ids that have no row.
func InOrder[T any](ids []int64, byID map[int64]*T) []*T {
	out := make([]*T, 0, len(ids))
	for _, id := range ids {
		if v := byID[id]; v != nil {
			out = append(out, v)
		}
	}
	return out
}
