package lists

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// List limits: enough for anyone, small enough that one account cannot
// grow the tables without bound.
const (
	MaxLists          = 100
	MaxListAccounts   = 1000
	MaxListTitleRunes = 255
)

// ListInput is a list's title and settings; nil fields keep their value
// on update.
type ListInput struct {
	Title         *string
	RepliesPolicy *models.RepliesPolicy
	Exclusive     *bool
}

// Lists returns acct's lists, oldest first.
func (s *Service) Lists(ctx context.Context, acct *models.Account) ([]models.List, error) {
	lists, err := s.store.ListsOf(ctx, acct.ID)
	if err != nil {
		return nil, fmt.Errorf("lists: %w", err)
	}
	return lists, nil
}

// List returns one of acct's lists; core.ErrNotFound for anyone else's.
func (s *Service) List(ctx context.Context, acct *models.Account, id int64) (*models.List, error) {
	l, err := s.store.ListOf(ctx, acct.ID, id)
	if err != nil {
		return nil, core.NotFound(err, "list")
	}
	return l, nil
}

// CreateList makes a list; the title is required, replies_policy defaults
// to "list" as on Mastodon.
func (s *Service) CreateList(ctx context.Context, acct *models.Account, in ListInput) (*models.List, error) {
	l := &models.List{CreatedAt: s.clock.Now(), AccountID: acct.ID, RepliesPolicy: models.RepliesList}
	if in.Title == nil {
		in.Title = new(string)
	}
	if err := applyListInput(l, in); err != nil {
		return nil, err
	}
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		n, err := tx.CountListsOf(ctx, acct.ID)
		if err != nil {
			return err
		}
		if n >= MaxLists {
			return fmt.Errorf("%w: an account may have at most %d lists", core.ErrValidation, MaxLists)
		}
		return tx.CreateList(ctx, l)
	})
	if err != nil {
		return nil, fmt.Errorf("create list: %w", err)
	}
	return l, nil
}

// UpdateList changes a list's title or settings.
func (s *Service) UpdateList(ctx context.Context, acct *models.Account, id int64, in ListInput) (*models.List, error) {
	var l *models.List
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		if l, err = tx.ListOf(ctx, acct.ID, id); err != nil {
			return core.NotFound(err, "list")
		}
		if err := applyListInput(l, in); err != nil {
			return err
		}
		return tx.SaveList(ctx, l)
	})
	if err != nil {
		return nil, fmt.Errorf("update list: %w", err)
	}
	return l, nil
}

func applyListInput(l *models.List, in ListInput) error {
	if in.Title != nil {
		title := strings.TrimSpace(*in.Title)
		switch {
		case title == "":
			return fmt.Errorf("%w: Title can't be blank", core.ErrValidation)
		case utf8.RuneCountInString(title) > MaxListTitleRunes:
			return fmt.Errorf("%w: Title is too long (maximum is %d characters)", core.ErrValidation, MaxListTitleRunes)
		}
		l.Title = title
	}
	if in.RepliesPolicy != nil {
		switch p := *in.RepliesPolicy; p {
		case models.RepliesFollowed, models.RepliesList, models.RepliesNone:
			l.RepliesPolicy = p
		default:
			return fmt.Errorf("%w: Replies policy %q is not one of followed, list, none", core.ErrValidation, p)
		}
	}
	if in.Exclusive != nil {
		l.Exclusive = *in.Exclusive
	}
	return nil
}

// DeleteList deletes one of acct's lists.
func (s *Service) DeleteList(ctx context.Context, acct *models.Account, id int64) error {
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.ListOf(ctx, acct.ID, id); err != nil {
			return core.NotFound(err, "list")
		}
		return tx.DeleteList(ctx, id)
	})
	if err != nil {
		return fmt.Errorf("delete list: %w", err)
	}
	return nil
}

// ListAccounts pages the members of one of acct's lists by account id;
// all returns every member (Mastodon's limit=0).
func (s *Service) ListAccounts(ctx context.Context, acct *models.Account, id int64, p core.Page, all bool) ([]*models.Account, error) {
	if _, err := s.List(ctx, acct, id); err != nil {
		return nil, err
	}
	sp := p.Store()
	if all {
		sp = store.Page{Limit: MaxListAccounts}
	}
	ids, err := s.store.ListAccountIDs(ctx, id, sp)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	byID, err := s.store.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return core.InOrder(ids, byID), nil
}

// AddToList adds accounts acct follows (or has asked to follow) to one of
// its lists, all or none.
func (s *Service) AddToList(ctx context.Context, acct *models.Account, id int64, accountIDs []int64) error {
	if len(accountIDs) > MaxListAccounts {
		// Refused before any lookup: each id costs a query.
		return fmt.Errorf("%w: a list may hold at most %d accounts", core.ErrValidation, MaxListAccounts)
	}
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		l, err := tx.ListOf(ctx, acct.ID, id)
		if err != nil {
			return core.NotFound(err, "list")
		}
		for _, target := range accountIDs {
			if _, err := tx.FollowBetween(ctx, acct.ID, target); errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("%w: Account has not been followed", core.ErrValidation)
			} else if err != nil {
				return err
			}
		}
		if err := tx.AddListAccounts(ctx, l, accountIDs, s.clock.Now()); err != nil {
			return err
		}
		if n, err := tx.CountListAccounts(ctx, l.ID); err != nil {
			return err
		} else if n > MaxListAccounts {
			return fmt.Errorf("%w: a list may hold at most %d accounts", core.ErrValidation, MaxListAccounts)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add to list: %w", err)
	}
	return nil
}

// RemoveFromList removes accounts from one of acct's lists.
func (s *Service) RemoveFromList(ctx context.Context, acct *models.Account, id int64, accountIDs []int64) error {
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.ListOf(ctx, acct.ID, id); err != nil {
			return core.NotFound(err, "list")
		}
		return tx.RemoveListAccounts(ctx, id, accountIDs)
	})
	if err != nil {
		return fmt.Errorf("remove from list: %w", err)
	}
	return nil
}

// ListsWithAccount returns acct's lists that hold the account.
func (s *Service) ListsWithAccount(ctx context.Context, acct *models.Account, accountID int64) ([]models.List, error) {
	lists, err := s.store.ListsWithAccount(ctx, acct.ID, accountID)
	if err != nil {
		return nil, fmt.Errorf("lists with account: %w", err)
	}
	return lists, nil
}

// ListTimeline is the timeline of one of acct's lists, newest first.
func (s *Service) ListTimeline(ctx context.Context, acct *models.Account, id int64, p core.Page) ([]*models.Status, error) {
	l, err := s.List(ctx, acct, id)
	if err != nil {
		return nil, err
	}
	list, err := s.store.ListTimeline(ctx, l, p.Store())
	if err != nil {
		return nil, fmt.Errorf("list timeline: %w", err)
	}
	return list, nil
}

// StreamLists returns the ids of viewer's lists whose timeline shows st:
// its author is a member and the list's replies policy lets it in (one
// query per list that holds the author).
func (s *Service) StreamLists(ctx context.Context, viewer *models.Account, st *models.Status) ([]int64, error) {
	lists, err := s.store.ListsWithAccount(ctx, viewer.ID, st.AccountID)
	if err != nil {
		return nil, fmt.Errorf("stream lists: %w", err)
	}
	var ids []int64
	for i := range lists {
		ok, err := s.store.ListShows(ctx, &lists[i], st.ID)
		if err != nil {
			return nil, fmt.Errorf("stream lists: %w", err)
		}
		if ok {
			ids = append(ids, lists[i].ID)
		}
	}
	return ids, nil
}
