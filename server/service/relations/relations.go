// Package relations owns the smaller things a user keeps about other
// accounts: their own domain blocks, private notes, endorsed (featured)
// accounts, dismissed suggestions, removing a follower, familiar followers,
// and the profile directory.
package relations

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// Limits, as Mastodon's.
const (
	MaxNoteChars          = 2000
	MaxFamiliarIDs        = 40 // ids one familiar_followers request asks about
	MaxFamiliarPerAccount = 40
	DefaultDirectoryLimit = 40
	MaxDirectoryLimit     = 80
	// domainBlockBatch is how many follows one round of a new domain block
	// ends; maxDomainBlockRounds bounds the rounds.
	domainBlockBatch     = 100
	maxDomainBlockRounds = 100
)

// Service is the relations area.
type Service struct {
	core    *core.Base
	social  *social.Service // follows end through it, so they federate
	store   *store.Store
	clock   core.Clock
	started time.Time // the "updated_at" of texts from the configuration
}

// New builds the area on the shared core and social.
func New(c *core.Base, soc *social.Service) *Service {
	return &Service{core: c, social: soc, store: c.Store(), clock: c.Clock(), started: c.Clock().Now()}
}

// Standing is what the relationship entity shows beyond social's
// Relationship: the user's note, endorsement and domain block.
type Standing struct {
	Note           string
	Endorsed       bool
	DomainBlocking bool
}

// Standing reports acct's note on, endorsement of and domain block of target.
func (s *Service) Standing(ctx context.Context, acct, target *models.Account) (Standing, error) {
	var out Standing
	var err error
	if out.Note, err = s.store.AccountNote(ctx, acct.ID, target.ID); err != nil {
		return out, fmt.Errorf("standing: %w", err)
	}
	if out.Endorsed, err = s.store.Endorses(ctx, acct.ID, target.ID); err != nil {
		return out, fmt.Errorf("standing: %w", err)
	}
	if target.Domain != "" {
		if out.DomainBlocking, err = s.store.DomainBlockedBy(ctx, acct.ID, target.Domain); err != nil {
			return out, fmt.Errorf("standing: %w", err)
		}
	}
	return out, nil
}

// SetNote saves acct's private note on target (an empty one removes it).
func (s *Service) SetNote(ctx context.Context, acct, target *models.Account, comment string) error {
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > MaxNoteChars {
		return fmt.Errorf("%w: comment is too long (maximum is %d characters)", core.ErrValidation, MaxNoteChars)
	}
	if err := s.store.SetAccountNote(ctx, acct.ID, target.ID, comment, s.clock.Now()); err != nil {
		return fmt.Errorf("set note: %w", err)
	}
	return nil
}

// Endorse features target on acct's profile; acct must follow target.
func (s *Service) Endorse(ctx context.Context, acct, target *models.Account) error {
	f, err := s.store.FollowBetween(ctx, acct.ID, target.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !f.Accepted) {
		return fmt.Errorf("%w: you must be already following the person you want to endorse", core.ErrValidation)
	}
	if err != nil {
		return fmt.Errorf("endorse: %w", err)
	}
	e := &models.AccountEndorsement{CreatedAt: s.clock.Now(), AccountID: acct.ID, TargetAccountID: target.ID}
	if err := s.store.CreateEndorsement(ctx, e); err != nil {
		return fmt.Errorf("endorse: %w", err)
	}
	return nil
}

// Unendorse takes target off acct's profile.
func (s *Service) Unendorse(ctx context.Context, acct, target *models.Account) error {
	if err := s.store.DeleteEndorsement(ctx, acct.ID, target.ID); err != nil {
		return fmt.Errorf("unendorse: %w", err)
	}
	return nil
}

// Endorsements pages the accounts owner features that viewer (nil:
// anonymous) may see, newest first.
func (s *Service) Endorsements(ctx context.Context, viewer, owner *models.Account, p core.Page) ([]core.AccountEntry, error) {
	list, err := s.store.Endorsements(ctx, owner.ID, core.ViewerID(viewer), p.Store())
	if err != nil {
		return nil, fmt.Errorf("endorsements: %w", err)
	}
	out := make([]core.AccountEntry, len(list))
	for i, e := range list {
		out[i] = core.AccountEntry{ID: e.ID, Account: e.Account}
	}
	return out, nil
}

// DismissSuggestion keeps target out of acct's follow suggestions for good.
func (s *Service) DismissSuggestion(ctx context.Context, acct, target *models.Account) error {
	if err := s.store.DismissSuggestion(ctx, acct.ID, target.ID, s.clock.Now()); err != nil {
		return fmt.Errorf("dismiss suggestion: %w", err)
	}
	return nil
}

// RemoveFromFollowers ends follower's follow of acct (accepted or asked):
// a remote follower's server is sent Reject(Follow). Not being followed is
// not an error.
func (s *Service) RemoveFromFollowers(ctx context.Context, acct, follower *models.Account) error {
	err := s.social.RejectFollowRequest(ctx, acct, follower.ID)
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("remove from followers: %w", err)
	}
	// A local follower's lists no longer hold whom it does not follow.
	if err := s.store.RemoveFromListsOf(ctx, follower.ID, acct.ID); err != nil {
		return fmt.Errorf("remove from followers: %w", err)
	}
	return nil
}

// Familiar is one account of a familiar_followers answer with the
// accounts acct follows that follow it.
type Familiar struct {
	ID       int64
	Accounts []*models.Account
}

// FamiliarFollowers returns, for each of ids (at most MaxFamiliarIDs, in
// order, repeats dropped), the accounts acct follows that follow it.
func (s *Service) FamiliarFollowers(ctx context.Context, acct *models.Account, ids []int64) ([]Familiar, error) {
	seen := map[int64]bool{}
	var uniq []int64
	for _, id := range ids {
		if !seen[id] && len(uniq) < MaxFamiliarIDs {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	byID, err := s.store.FamiliarFollowers(ctx, acct.ID, uniq, MaxFamiliarPerAccount)
	if err != nil {
		return nil, fmt.Errorf("familiar followers: %w", err)
	}
	out := make([]Familiar, len(uniq))
	for i, id := range uniq {
		out[i] = Familiar{ID: id, Accounts: byID[id]}
	}
	return out, nil
}

// DirectoryQuery is the profile directory's parameters.
type DirectoryQuery struct {
	Local         bool   // only local accounts
	Order         string // "active" (the default) or "new"
	Offset, Limit int
}

// Directory lists discoverable accounts, the recently active or the newest
// first.
func (s *Service) Directory(ctx context.Context, q DirectoryQuery) ([]*models.Account, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultDirectoryLimit
	}
	list, err := s.store.Directory(ctx, store.DirectoryQuery{
		LocalOnly: q.Local, NewFirst: q.Order == "new", Offset: max(q.Offset, 0), Limit: min(limit, MaxDirectoryLimit),
	})
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	return list, nil
}
