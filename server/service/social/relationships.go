package social

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
)

// Relationship is how one account stands to another, in the shape of
// Mastodon's Relationship entity.
type Relationship struct {
	Following  bool // an accepted follow from acct to target
	Requested  bool // a follow from acct to target waiting for approval
	FollowedBy bool // an accepted follow from target to acct
	Blocking   bool
	BlockedBy  bool
}

// Relationship reports how acct stands to target.
func (s *Service) Relationship(ctx context.Context, acct, target *models.Account) (Relationship, error) {
	var rel Relationship
	out, err := s.store.FollowBetween(ctx, acct.ID, target.ID)
	switch {
	case err == nil:
		rel.Following, rel.Requested = out.Accepted, !out.Accepted
	case !errors.Is(err, store.ErrNotFound):
		return rel, fmt.Errorf("relationship: %w", err)
	}
	in, err := s.store.FollowBetween(ctx, target.ID, acct.ID)
	switch {
	case err == nil:
		rel.FollowedBy = in.Accepted
	case !errors.Is(err, store.ErrNotFound):
		return rel, fmt.Errorf("relationship: %w", err)
	}
	if rel.Blocking, err = s.store.Blocks(ctx, acct.ID, target.ID); err != nil {
		return rel, fmt.Errorf("relationship: %w", err)
	}
	if rel.BlockedBy, err = s.store.Blocks(ctx, target.ID, acct.ID); err != nil {
		return rel, fmt.Errorf("relationship: %w", err)
	}
	return rel, nil
}
