package pins

import (
	"context"
	"errors"
	"fmt"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// Remote accounts' pins are read from their featured collection when
// their profile's pins are asked for, at most once per refreshEvery per
// account, and at most maxRemoteItems of them.
const (
	refreshEvery   = 10 * time.Minute
	maxRemoteItems = 10
	// maxTracked bounds the memory of when each account was refreshed.
	maxTracked = 10000
)

// RefreshRemote reads a remote account's featured collection and makes
// its statuses the account's pins. An embedded Note is taken only when it
// is the owner's and of the owner's server (the collection comes from
// there); a reference is fetched from its origin. Failures leave the pins
// as they were.
func (s *Service) RefreshRemote(ctx context.Context, owner *models.Account) error {
	items, read, err := s.core.OwnCollection(ctx, owner, owner.FeaturedURI, maxRemoteItems, s.seen)
	if err != nil || !read {
		return err
	}
	origin := core.OriginOf(owner.URI)
	var ids []int64
	for _, it := range items {
		if core.OriginOf(it.ID) != origin {
			continue
		}
		if st, err := s.store.StatusWithAccountByURI(ctx, it.ID); err == nil {
			if st.AccountID == owner.ID {
				ids = append(ids, st.ID)
			}
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		obj := it
		if !social.IsNoteLike(obj.Type) || obj.AttributedTo == "" {
			// A reference: fetched from its origin.
			fetched, _, err := s.social.FetchNote(ctx, it.ID)
			if err != nil {
				s.core.Log().InfoContext(ctx, "featured item not taken", "item", it.ID, "error", err.Error())
				continue
			}
			obj = fetched
		}
		if obj.AttributedTo != owner.URI {
			continue
		}
		err := s.store.WithTx(ctx, func(tx *store.Store) error {
			st, err := s.social.StoreRemoteStatus(ctx, tx, obj, owner, obj.To, obj.Cc, false)
			if err == nil {
				ids = append(ids, st.ID)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("featured of %s: %w", owner.URI, err)
		}
	}
	if len(ids) > MaxPins {
		ids = ids[:MaxPins]
	}
	if err := s.store.ReplacePins(ctx, owner.ID, ids); err != nil {
		return fmt.Errorf("featured of %s: %w", owner.URI, err)
	}
	return nil
}
