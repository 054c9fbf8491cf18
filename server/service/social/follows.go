package social

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Follow makes follower follow target. A local unlocked target accepts at
// once; a locked one gets a follow request; a remote one is asked with a
// Follow activity and its Accept completes it. Following again returns the
// existing follow.
func (s *Service) Follow(ctx context.Context, follower, target *models.Account) (*models.Follow, error) {
	if follower.ID == target.ID {
		return nil, fmt.Errorf("%w: an account cannot follow itself", core.ErrValidation)
	}
	if target.SuspendedAt != nil || target.ActorType == models.ActorApplication {
		return nil, fmt.Errorf("%w: account", core.ErrNotFound)
	}
	var f *models.Follow
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		blocked, err := tx.BlockedEitherWay(ctx, follower.ID, target.ID)
		if err != nil {
			return err
		}
		if blocked {
			return fmt.Errorf("%w: blocked", core.ErrForbidden)
		}
		existing, err := tx.FollowBetween(ctx, follower.ID, target.ID)
		if err == nil {
			f = existing
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		now := s.clock.Now()
		f = &models.Follow{ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, AccountID: follower.ID, TargetAccountID: target.ID}
		f.URI = follower.URI + "#follows/" + core.IDString(f.ID)
		if target.IsLocal() {
			f.Accepted = !target.Locked
			if err := tx.CreateFollow(ctx, f); err != nil {
				return err
			}
			typ := models.NotifyFollow
			if !f.Accepted {
				typ = models.NotifyFollowRequest
			}
			return s.core.Notify(ctx, tx, target, follower.ID, typ, nil)
		}
		if err := tx.CreateFollow(ctx, f); err != nil {
			return err
		}
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Follow", ID: f.URI, Actor: follower, Follow: f, Target: target, Recipients: []*models.Account{target}})
	})
	if err != nil {
		return nil, fmt.Errorf("follow: %w", err)
	}
	return f, nil
}

// Unfollow ends a follow or withdraws a follow request; not following is
// not an error.
func (s *Service) Unfollow(ctx context.Context, follower, target *models.Account) error {
	var f *models.Follow
	return s.takeBack(ctx, "unfollow", func(tx *store.Store) (*models.Outgoing, error) {
		var err error
		if f, err = tx.FollowBetween(ctx, follower.ID, target.ID); err != nil {
			return nil, err
		}
		return &models.Outgoing{Type: "Follow", ID: f.URI, Actor: follower, Follow: f, Target: target}, nil
	}, func(tx *store.Store) error {
		if err := tx.DeleteFollow(ctx, f.ID); err != nil {
			return err
		}
		// As on Mastodon, who is no longer followed leaves the lists.
		return tx.RemoveFromListsOf(ctx, follower.ID, target.ID)
	})
}

// AcceptFollowRequest accepts a pending follow of target by followerID.
func (s *Service) AcceptFollowRequest(ctx context.Context, target *models.Account, followerID int64) (*models.Follow, error) {
	var f *models.Follow
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		f, err = tx.FollowBetween(ctx, followerID, target.ID)
		if err != nil {
			return core.NotFound(err, "follow request")
		}
		if f.Accepted {
			return nil
		}
		if err := tx.AcceptFollow(ctx, f.ID); err != nil {
			return err
		}
		f.Accepted = true
		return s.answerFollow(ctx, tx, "Accept", target, f)
	})
	if err != nil {
		return nil, fmt.Errorf("accept follow request: %w", err)
	}
	return f, nil
}

// RejectFollowRequest refuses (removes) a pending follow of target by
// followerID.
func (s *Service) RejectFollowRequest(ctx context.Context, target *models.Account, followerID int64) error {
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		f, err := tx.FollowBetween(ctx, followerID, target.ID)
		if err != nil {
			return core.NotFound(err, "follow request")
		}
		if err := tx.DeleteFollow(ctx, f.ID); err != nil {
			return err
		}
		return s.answerFollow(ctx, tx, "Reject", target, f)
	})
	if err != nil {
		return fmt.Errorf("reject follow request: %w", err)
	}
	return nil
}

// answerFollow sends Accept or Reject of a follow to a remote follower.
func (s *Service) answerFollow(ctx context.Context, tx *store.Store, typ string, target *models.Account, f *models.Follow) error {
	follower, err := tx.AccountByID(ctx, f.AccountID)
	if err != nil {
		return err
	}
	if follower.IsLocal() {
		return nil
	}
	id := target.URI + "#" + map[string]string{"Accept": "accepts", "Reject": "rejects"}[typ] + "/follows/" + core.IDString(f.ID)
	return s.core.Publish(ctx, tx, &models.Outgoing{Type: typ, ID: id, Actor: target, Follow: f, Target: follower, Recipients: []*models.Account{follower}})
}

// Relation is one follow with the account on its other side.
type Relation struct {
	Follow  models.Follow
	Account *models.Account
}

func relations(es []store.FollowEntry, err error) ([]Relation, error) {
	if err != nil {
		return nil, err
	}
	out := make([]Relation, len(es))
	for i, e := range es {
		out[i] = Relation{Follow: e.Follow, Account: e.Account}
	}
	return out, nil
}

// Followers lists an account's accepted followers, paged by follow id.
func (s *Service) Followers(ctx context.Context, acct *models.Account, p core.Page) ([]Relation, error) {
	return relations(s.store.Followers(ctx, acct.ID, p.Store()))
}

// Following lists the accounts an account follows, paged by follow id.
func (s *Service) Following(ctx context.Context, acct *models.Account, p core.Page) ([]Relation, error) {
	return relations(s.store.Following(ctx, acct.ID, p.Store()))
}

// FollowRequests lists the pending follow requests to an account (at most
// 200, newest first).
func (s *Service) FollowRequests(ctx context.Context, acct *models.Account) ([]Relation, error) {
	return relations(s.store.FollowRequests(ctx, acct.ID, store.Page{Limit: 200}))
}
