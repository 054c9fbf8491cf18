package social

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Favourite likes a status the account can see; liking twice is a no-op.
// It returns the status with its new count.
func (s *Service) Favourite(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.core.StatusForViewer(ctx, acct, statusID)
	if err != nil {
		return nil, err
	}
	if st.ReblogOfID != nil {
		return nil, fmt.Errorf("%w: a boost cannot be favourited", core.ErrValidation)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.FavouriteBy(ctx, acct.ID, st.ID); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		f := &models.Favourite{ID: tx.NewID(), CreatedAt: s.clock.Now(), AccountID: acct.ID, StatusID: st.ID}
		f.URI = acct.URI + "#likes/" + core.IDString(f.ID)
		if err := tx.CreateFavourite(ctx, f); err != nil {
			return err
		}
		if err := tx.AddStatusCount(ctx, st.ID, "favourites_count", 1); err != nil {
			return err
		}
		st.FavouritesCount++
		if err := s.core.Notify(ctx, tx, st.Account, acct.ID, models.NotifyFavourite, &st.ID); err != nil {
			return err
		}
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Like", ID: f.URI, Actor: acct, Favourite: f, Status: st, Recipients: []*models.Account{st.Account}})
	})
	if err != nil {
		return nil, fmt.Errorf("favourite: %w", err)
	}
	return st, nil
}

// Unfavourite takes a like back; not having liked is not an error.
func (s *Service) Unfavourite(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.store.StatusWithAccount(ctx, statusID)
	if err != nil {
		return nil, core.NotFound(err, "status")
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		f, err := tx.FavouriteBy(ctx, acct.ID, st.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.RemoveFavourite(ctx, tx, f, st); err != nil {
			return err
		}
		like := &models.Outgoing{Type: "Like", ID: f.URI, Actor: acct, Favourite: f, Status: st}
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Undo", ID: f.URI + "/undo", Actor: acct, Undo: like, Recipients: []*models.Account{st.Account}})
	})
	if err != nil {
		return nil, fmt.Errorf("unfavourite: %w", err)
	}
	return st, nil
}

// RemoveFavourite deletes a favourite and what it caused (the count, the
// notification), inside tx; inbound calls it for an Undo of a Like.
func (s *Service) RemoveFavourite(ctx context.Context, tx *store.Store, f *models.Favourite, st *models.Status) error {
	if err := tx.DeleteFavourite(ctx, f.ID); err != nil {
		return err
	}
	if err := tx.AddStatusCount(ctx, st.ID, "favourites_count", -1); err != nil {
		return err
	}
	if st.FavouritesCount > 0 {
		st.FavouritesCount--
	}
	return tx.DeleteNotifications(ctx, st.AccountID, f.AccountID, models.NotifyFavourite, st.ID)
}

// Boost reblogs a public or unlisted status; boosting a boost boosts the
// original, boosting twice returns the existing boost.
func (s *Service) Boost(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.originalForViewer(ctx, acct, statusID)
	if err != nil {
		return nil, err
	}
	if st.Visibility != models.VisibilityPublic && st.Visibility != models.VisibilityUnlisted {
		return nil, fmt.Errorf("%w: only public and unlisted statuses can be boosted", core.ErrForbidden)
	}
	var boost *models.Status
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if b, err := tx.BoostBy(ctx, acct.ID, st.ID); err == nil {
			boost = b
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		now := s.clock.Now()
		boost = &models.Status{ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, AccountID: acct.ID, Account: acct, Local: acct.IsLocal(),
			ReblogOfID: &st.ID, Visibility: models.VisibilityPublic}
		boost.URI = acct.URI + "/statuses/" + core.IDString(boost.ID) + "/activity"
		boost.URL = boost.URI
		if err := tx.CreateStatus(ctx, boost); err != nil {
			return err
		}
		if err := tx.AddStatusCount(ctx, st.ID, "reblogs_count", 1); err != nil {
			return err
		}
		if err := s.core.Notify(ctx, tx, st.Account, acct.ID, models.NotifyReblog, &st.ID); err != nil {
			return err
		}
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Announce", ID: boost.URI, Actor: acct, Status: boost, Recipients: []*models.Account{st.Account}})
	})
	if err != nil {
		return nil, fmt.Errorf("boost: %w", err)
	}
	return boost, nil
}

// Unboost takes a boost back; not having boosted is not an error.
func (s *Service) Unboost(ctx context.Context, acct *models.Account, statusID int64) error {
	st, err := s.store.StatusWithAccount(ctx, statusID)
	if err != nil {
		return core.NotFound(err, "status")
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		boost, err := tx.BoostBy(ctx, acct.ID, st.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.RemoveStatus(ctx, tx, boost); err != nil {
			return err
		}
		if err := tx.DeleteNotifications(ctx, st.AccountID, acct.ID, models.NotifyReblog, st.ID); err != nil {
			return err
		}
		announce := &models.Outgoing{Type: "Announce", ID: boost.URI, Actor: acct, Status: boost}
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Undo", ID: boost.URI + "/undo", Actor: acct, Undo: announce, Recipients: []*models.Account{st.Account}})
	})
	if err != nil {
		return fmt.Errorf("unboost: %w", err)
	}
	return nil
}

// Block stops all interaction between acct and target and removes the
// follows between them both ways; blocking twice is a no-op.
func (s *Service) Block(ctx context.Context, acct, target *models.Account) (*models.Block, error) {
	if acct.ID == target.ID {
		return nil, fmt.Errorf("%w: an account cannot block itself", core.ErrValidation)
	}
	var b *models.Block
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if existing, err := tx.BlockBy(ctx, acct.ID, target.ID); err == nil {
			b = existing
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		b = &models.Block{ID: tx.NewID(), CreatedAt: s.clock.Now(), AccountID: acct.ID, TargetAccountID: target.ID}
		b.URI = acct.URI + "#blocks/" + core.IDString(b.ID)
		if err := tx.CreateBlock(ctx, b); err != nil {
			return err
		}
		if _, err := tx.DeleteFollowsBetween(ctx, acct.ID, target.ID); err != nil {
			return err
		}
		if err := tx.RemoveFromListsOf(ctx, acct.ID, target.ID); err != nil {
			return err
		}
		if target.IsLocal() {
			return nil
		}
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Block", ID: b.URI, Actor: acct, Block: b, Target: target, Recipients: []*models.Account{target}})
	})
	if err != nil {
		return nil, fmt.Errorf("block: %w", err)
	}
	return b, nil
}

// Unblock lifts a block; not blocking is not an error.
func (s *Service) Unblock(ctx context.Context, acct, target *models.Account) error {
	var b *models.Block
	return s.takeBack(ctx, "unblock", func(tx *store.Store) (*models.Outgoing, error) {
		var err error
		if b, err = tx.BlockBy(ctx, acct.ID, target.ID); err != nil {
			return nil, err
		}
		return &models.Outgoing{Type: "Block", ID: b.URI, Actor: acct, Block: b, Target: target}, nil
	}, func(tx *store.Store) error { return tx.DeleteBlock(ctx, b.ID) })
}

// takeBack undoes a follow or a block in one transaction: find names the
// activity that made it (store.ErrNotFound: there is nothing to undo, which
// is not an error), remove deletes its row, and a remote target is sent
// the Undo; a local target has already seen the row go.
func (s *Service) takeBack(ctx context.Context, op string, find func(tx *store.Store) (*models.Outgoing, error), remove func(tx *store.Store) error) error {
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		undone, err := find(tx)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := remove(tx); err != nil {
			return err
		}
		if undone.Target.IsLocal() {
			return nil
		}
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Undo", ID: undone.ID + "/undo", Actor: undone.Actor, Undo: undone, Target: undone.Target, Recipients: []*models.Account{undone.Target}})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}
