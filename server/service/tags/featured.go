package tags

import (
	"context"
	"errors"
	"fmt"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Featured is a hashtag an account features, with how many of its public
// and unlisted posts carry it and when the newest was made (nil: none).
type Featured struct {
	ID            int64
	Name          string
	StatusesCount int64
	LastStatusAt  *time.Time
}

// Featured returns owner's featured hashtags, oldest first; a remote
// owner's are read from its featuredTags collection first (the ones known
// so far still show when that fails).
func (s *Service) Featured(ctx context.Context, owner *models.Account) ([]Featured, error) {
	if !owner.IsLocal() {
		if err := s.RefreshRemote(ctx, owner); err != nil {
			s.core.Log().InfoContext(ctx, "featuredTags collection not read", "account", owner.URI, "error", err.Error())
		}
	}
	rows, err := s.store.FeaturedTags(ctx, owner.ID, MaxFeatured)
	if err != nil {
		return nil, fmt.Errorf("featured tags: %w", err)
	}
	return s.withCounts(ctx, owner, rows)
}

// withCounts adds the owner's post counts to featured rows.
func (s *Service) withCounts(ctx context.Context, owner *models.Account, rows []store.FeaturedTagRow) ([]Featured, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.TagID
	}
	stats, err := s.store.AccountTagStats(ctx, owner.ID, ids)
	if err != nil {
		return nil, fmt.Errorf("featured tags: %w", err)
	}
	out := make([]Featured, len(rows))
	for i, r := range rows {
		out[i] = Featured{ID: r.ID, Name: r.Name}
		if st, ok := stats[r.TagID]; ok {
			last := st.LastStatusAt
			out[i].StatusesCount, out[i].LastStatusAt = st.Count, &last
		}
	}
	return out, nil
}

// Feature adds a hashtag to acct's profile: at most MaxFeatured, each once.
func (s *Service) Feature(ctx context.Context, acct *models.Account, name string) (Featured, error) {
	n, ok := Normalize(name)
	if !ok {
		return Featured{}, fmt.Errorf("%w: Name is invalid", core.ErrValidation)
	}
	var row store.FeaturedTagRow
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		// The account row serialises features by one account, so the limit
		// holds under concurrent requests.
		if err := tx.LockAccountPins(ctx, acct.ID); err != nil {
			return err
		}
		count, err := tx.CountFeaturedTags(ctx, acct.ID)
		if err != nil {
			return err
		}
		if count >= MaxFeatured {
			return fmt.Errorf("%w: You can only feature %d hashtags", core.ErrValidation, MaxFeatured)
		}
		t, err := tx.EnsureTag(ctx, n)
		if err != nil {
			return err
		}
		f := &models.FeaturedTag{CreatedAt: s.clock.Now(), AccountID: acct.ID, TagID: t.ID}
		if err := tx.CreateFeaturedTag(ctx, f); errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w: Tag has already been taken", core.ErrValidation)
		} else if err != nil {
			return err
		}
		row = store.FeaturedTagRow{ID: f.ID, CreatedAt: f.CreatedAt, TagID: t.ID, Name: t.Name}
		return nil
	})
	if err != nil {
		return Featured{}, fmt.Errorf("feature tag: %w", err)
	}
	out, err := s.withCounts(ctx, acct, []store.FeaturedTagRow{row})
	if err != nil {
		return Featured{}, err
	}
	return out[0], nil
}

// Unfeature takes one of acct's featured hashtags off its profile;
// core.ErrNotFound when acct has none with that id.
func (s *Service) Unfeature(ctx context.Context, acct *models.Account, id int64) error {
	if err := s.store.DeleteFeaturedTag(ctx, acct.ID, id); err != nil {
		return core.NotFound(err, "featured tag")
	}
	return nil
}

// Suggestions are the hashtags acct used most in its newest posts and
// does not feature yet.
func (s *Service) Suggestions(ctx context.Context, acct *models.Account) ([]Tag, error) {
	tags, err := s.store.RecentTagsOf(ctx, acct.ID, suggestionWindow, maxSuggestions)
	if err != nil {
		return nil, fmt.Errorf("featured tag suggestions: %w", err)
	}
	following := map[int64]bool{}
	for _, t := range tags {
		f, err := s.store.FollowsTag(ctx, acct.ID, t.ID)
		if err != nil {
			return nil, fmt.Errorf("featured tag suggestions: %w", err)
		}
		following[t.ID] = f
	}
	return s.view(ctx, acct, tags, following)
}

// RefreshRemote reads a remote account's featuredTags collection and makes
// its Hashtag items the account's featured hashtags. The collection must
// be on the account's own server; at most MaxFeatured are taken.
func (s *Service) RefreshRemote(ctx context.Context, owner *models.Account) error {
	items, read, err := s.core.OwnCollection(ctx, owner, owner.FeaturedTagsURI, MaxFeatured, s.seen)
	if err != nil || !read {
		return err
	}
	var ids []int64
	for _, it := range items {
		name, ok := Normalize(it.Name)
		if it.Type != "Hashtag" || !ok {
			continue
		}
		t, err := s.store.EnsureTag(ctx, name)
		if err != nil {
			return fmt.Errorf("featuredTags of %s: %w", owner.URI, err)
		}
		ids = append(ids, t.ID)
	}
	if err := s.store.ReplaceFeaturedTags(ctx, owner.ID, ids); err != nil {
		return fmt.Errorf("featuredTags of %s: %w", owner.URI, err)
	}
	return nil
}
