package service

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/models/store"
)

// BookmarkEntry is one of an account's bookmarks: its id (what the list
// pages by) and the status.
type BookmarkEntry struct {
	ID     int64
	Status *models.Status
}

// Bookmark saves a status acct can see for later; bookmarking a boost
// bookmarks what it boosts, and bookmarking twice is a no-op. It returns
// the bookmarked status.
func (s *Service) Bookmark(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.StatusForViewer(ctx, acct, statusID)
	if err != nil {
		return nil, err
	}
	if st.ReblogOfID != nil {
		if st, err = s.StatusForViewer(ctx, acct, *st.ReblogOfID); err != nil {
			return nil, err
		}
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		return tx.CreateBookmark(ctx, &models.Bookmark{CreatedAt: s.clock.Now(), AccountID: acct.ID, StatusID: st.ID})
	})
	if err != nil {
		return nil, fmt.Errorf("bookmark: %w", err)
	}
	return st, nil
}

// Unbookmark removes acct's bookmark of a status (of what it boosts, for a
// boost); not having one is not an error. It returns the status.
func (s *Service) Unbookmark(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.StatusForViewer(ctx, acct, statusID)
	if err != nil {
		return nil, err
	}
	if st.ReblogOfID != nil {
		if st, err = s.StatusForViewer(ctx, acct, *st.ReblogOfID); err != nil {
			return nil, err
		}
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		return tx.DeleteBookmark(ctx, acct.ID, st.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("unbookmark: %w", err)
	}
	return st, nil
}

// Bookmarks lists acct's bookmarks, newest first, paged by bookmark id;
// statuses that are gone or that acct may no longer see are left out.
func (s *Service) Bookmarks(ctx context.Context, acct *models.Account, p Page) ([]BookmarkEntry, error) {
	list, err := s.store.BookmarksOf(ctx, acct.ID, p.store())
	if err != nil {
		return nil, fmt.Errorf("bookmarks: %w", err)
	}
	ids := make([]int64, len(list))
	for i, b := range list {
		ids[i] = b.StatusID
	}
	statuses, err := s.store.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("bookmarks: %w", err)
	}
	out := make([]BookmarkEntry, 0, len(list))
	for _, b := range list {
		if st := statuses[b.StatusID]; st != nil {
			out = append(out, BookmarkEntry{ID: b.ID, Status: st})
		}
	}
	return out, nil
}
