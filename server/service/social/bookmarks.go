package social

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Bookmark saves a status acct can see for later; bookmarking a boost
// bookmarks what it boosts, and bookmarking twice is a no-op. It returns
// the bookmarked status.
func (s *Service) Bookmark(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.originalForViewer(ctx, acct, statusID)
	if err != nil {
		return nil, err
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
	st, err := s.originalForViewer(ctx, acct, statusID)
	if err != nil {
		return nil, err
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
func (s *Service) Bookmarks(ctx context.Context, acct *models.Account, p core.Page) ([]core.StatusEntry, error) {
	list, err := s.store.BookmarksOf(ctx, acct.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("bookmarks: %w", err)
	}
	entryIDs, statusIDs := make([]int64, len(list)), make([]int64, len(list))
	for i, b := range list {
		entryIDs[i], statusIDs[i] = b.ID, b.StatusID
	}
	return s.statusEntries(ctx, entryIDs, statusIDs, "bookmarks")
}

// originalForViewer is StatusForViewer, but for a boost the boosted status
// (which viewer must be able to see too): what a bookmark or a boost is of.
func (s *Service) originalForViewer(ctx context.Context, viewer *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.core.StatusForViewer(ctx, viewer, statusID)
	if err != nil || st.ReblogOfID == nil {
		return st, err
	}
	return s.core.StatusForViewer(ctx, viewer, *st.ReblogOfID)
}
