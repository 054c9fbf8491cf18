package notifications

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Policy is an account's notification policy (its defaults when it never
// set one).
type Policy struct {
	ForNotFollowing, ForNotFollowers, ForNewAccounts, ForPrivateMentions, ForLimitedAccounts models.NotificationPolicyValue
}

// DefaultPolicy is Mastodon 4.3's, but for private mentions: those are
// accepted, since a stranger's direct message already waits in the chats'
// message requests (messaging).
var DefaultPolicy = Policy{
	ForNotFollowing: models.PolicyAccept, ForNotFollowers: models.PolicyAccept, ForNewAccounts: models.PolicyAccept,
	ForPrivateMentions: models.PolicyAccept, ForLimitedAccounts: models.PolicyFilter,
}

func (p Policy) filtersAnything() bool {
	for _, v := range []models.NotificationPolicyValue{p.ForNotFollowing, p.ForNotFollowers, p.ForNewAccounts, p.ForPrivateMentions, p.ForLimitedAccounts} {
		if v != models.PolicyAccept {
			return true
		}
	}
	return false
}

func policyIn(ctx context.Context, db *store.Store, accountID int64) (Policy, error) {
	row, err := db.NotificationPolicyOf(ctx, accountID)
	if errors.Is(err, store.ErrNotFound) {
		return DefaultPolicy, nil
	}
	if err != nil {
		return Policy{}, fmt.Errorf("notification policy: %w", err)
	}
	return Policy{row.ForNotFollowing, row.ForNotFollowers, row.ForNewAccounts, row.ForPrivateMentions, row.ForLimitedAccounts}, nil
}

// PolicyOf returns acct's notification policy.
func (s *Service) PolicyOf(ctx context.Context, acct *models.Account) (Policy, error) {
	return policyIn(ctx, s.store, acct.ID)
}

// PolicyChange is a partial update of a policy: empty fields stay.
type PolicyChange Policy

// SetPolicy changes acct's policy; a value other than accept, filter or
// drop is core.ErrValidation.
func (s *Service) SetPolicy(ctx context.Context, acct *models.Account, ch PolicyChange) (Policy, error) {
	var out Policy
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		p, err := policyIn(ctx, tx, acct.ID)
		if err != nil {
			return err
		}
		for _, f := range []struct {
			name string
			dst  *models.NotificationPolicyValue
			v    models.NotificationPolicyValue
		}{
			{"for_not_following", &p.ForNotFollowing, ch.ForNotFollowing},
			{"for_not_followers", &p.ForNotFollowers, ch.ForNotFollowers},
			{"for_new_accounts", &p.ForNewAccounts, ch.ForNewAccounts},
			{"for_private_mentions", &p.ForPrivateMentions, ch.ForPrivateMentions},
			{"for_limited_accounts", &p.ForLimitedAccounts, ch.ForLimitedAccounts},
		} {
			switch f.v {
			case "":
			case models.PolicyAccept, models.PolicyFilter, models.PolicyDrop:
				*f.dst = f.v
			default:
				return fmt.Errorf("%w: %s must be accept, filter or drop", core.ErrValidation, f.name)
			}
		}
		out = p
		return tx.SaveNotificationPolicy(ctx, &models.NotificationPolicy{AccountID: acct.ID, UpdatedAt: s.clock.Now(),
			ForNotFollowing: p.ForNotFollowing, ForNotFollowers: p.ForNotFollowers, ForNewAccounts: p.ForNewAccounts,
			ForPrivateMentions: p.ForPrivateMentions, ForLimitedAccounts: p.ForLimitedAccounts})
	})
	if err != nil {
		return Policy{}, fmt.Errorf("set notification policy: %w", err)
	}
	return out, nil
}

// PendingCounts counts acct's notification requests and the notifications
// they hold (the policy's summary).
func (s *Service) PendingCounts(ctx context.Context, acct *models.Account) (requests, notifications int64, err error) {
	requests, notifications, err = s.store.CountNotificationRequests(ctx, acct.ID)
	if err != nil {
		return 0, 0, fmt.Errorf("pending notification requests: %w", err)
	}
	return requests, notifications, nil
}

// RequestView is a notification request with its sender, how many
// notifications it holds and the status of the newest (nil: none).
type RequestView struct {
	Request    models.NotificationRequest
	Account    *models.Account
	Count      int64
	LastStatus *models.Status
}

// Requests pages acct's notification requests, newest first.
func (s *Service) Requests(ctx context.Context, acct *models.Account, p core.Page) ([]RequestView, error) {
	list, err := s.store.NotificationRequestsOf(ctx, acct.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("notification requests: %w", err)
	}
	return s.requestViews(ctx, acct, list)
}

// RequestByID returns one of acct's requests; core.ErrNotFound otherwise.
func (s *Service) RequestByID(ctx context.Context, acct *models.Account, id int64) (RequestView, error) {
	r, err := s.store.NotificationRequestByID(ctx, acct.ID, id)
	if err != nil {
		return RequestView{}, core.NotFound(err, "notification request")
	}
	views, err := s.requestViews(ctx, acct, []models.NotificationRequest{r})
	if err != nil {
		return RequestView{}, err
	}
	if len(views) == 0 {
		return RequestView{}, fmt.Errorf("%w: notification request", core.ErrNotFound)
	}
	return views[0], nil
}

func (s *Service) requestViews(ctx context.Context, acct *models.Account, list []models.NotificationRequest) ([]RequestView, error) {
	fromIDs := make([]int64, len(list))
	for i, r := range list {
		fromIDs[i] = r.FromAccountID
	}
	accts, err := s.store.AccountsByIDs(ctx, fromIDs)
	if err != nil {
		return nil, fmt.Errorf("notification requests: %w", err)
	}
	sums, err := s.store.HeldSummaries(ctx, acct.ID, fromIDs)
	if err != nil {
		return nil, fmt.Errorf("notification requests: %w", err)
	}
	var statusIDs []int64
	for _, sum := range sums {
		if sum.LastStatusID != 0 {
			statusIDs = append(statusIDs, sum.LastStatusID)
		}
	}
	statuses, err := s.store.StatusesByIDs(ctx, statusIDs)
	if err != nil {
		return nil, fmt.Errorf("notification requests: %w", err)
	}
	out := make([]RequestView, 0, len(list))
	for _, r := range list {
		a := accts[r.FromAccountID]
		if a == nil {
			continue
		}
		sum := sums[r.FromAccountID]
		out = append(out, RequestView{Request: r, Account: a, Count: sum.Count, LastStatus: statuses[sum.LastStatusID]})
	}
	return out, nil
}

// AcceptRequest delivers what a request holds and lets its sender's
// notifications through from now on.
func (s *Service) AcceptRequest(ctx context.Context, acct *models.Account, id int64) error {
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		return tx.AcceptNotificationRequest(ctx, acct.ID, id, s.clock.Now())
	})
	if err != nil {
		return core.NotFound(err, "notification request")
	}
	return nil
}

// DismissRequest drops a request and the notifications it holds.
func (s *Service) DismissRequest(ctx context.Context, acct *models.Account, id int64) error {
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		return tx.DismissNotificationRequest(ctx, acct.ID, id)
	})
	if err != nil {
		return core.NotFound(err, "notification request")
	}
	return nil
}
