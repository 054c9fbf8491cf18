package store

import (
	"context"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// CreateFollow inserts a follow (or follow request); an existing pair or
// URI is ErrConflict.
func (s *Store) CreateFollow(ctx context.Context, f *models.Follow) error {
	if f.ID == 0 {
		f.ID = s.NewID()
	}
	return s.atomically(ctx, func(tx *Store) error {
		if err := translate(tx.conn(ctx).Create(f).Error, "create follow"); err != nil {
			return err
		}
		if !f.Accepted {
			return nil
		}
		return tx.followAccepted(ctx, f)
	})
}

// FollowBetween returns the follow (accepted or not) of accountID to targetID.
func (s *Store) FollowBetween(ctx context.Context, accountID, targetID int64) (*models.Follow, error) {
	var f models.Follow
	err := s.conn(ctx).Where("account_id = ? AND target_account_id = ?", accountID, targetID).Take(&f).Error
	return &f, translate(err, "follow")
}

// FollowByURI returns the follow made by this Follow activity.
func (s *Store) FollowByURI(ctx context.Context, uri string) (*models.Follow, error) {
	var f models.Follow
	err := s.conn(ctx).Where("uri = ?", uri).Take(&f).Error
	return &f, translate(err, "follow by uri")
}

// AcceptFollow marks a follow request accepted; accepting it again changes
// nothing.
func (s *Store) AcceptFollow(ctx context.Context, id int64) error {
	return s.atomically(ctx, func(tx *Store) error {
		var got []models.Follow
		err := tx.conn(ctx).Model(&got).Clauses(clause.Returning{}).Where("id = ? AND accepted = ?", id, false).
			Updates(map[string]any{"accepted": true, "updated_at": nowUTC()}).Error
		if err != nil {
			return translate(err, "accept follow")
		}
		for i := range got {
			if err := tx.followAccepted(ctx, &got[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// deleteFollows deletes the follows matching where and fixes the counters
// of the ones it deleted (RETURNING: not the ones a concurrent delete took).
func (s *Store) deleteFollows(ctx context.Context, what string, where any, args ...any) ([]models.Follow, error) {
	var gone []models.Follow
	err := s.atomically(ctx, func(tx *Store) error {
		if err := tx.conn(ctx).Clauses(clause.Returning{}).Where(where, args...).Delete(&gone).Error; err != nil {
			return translate(err, what)
		}
		return tx.followsGone(ctx, gone)
	})
	return gone, err
}

// DeleteFollow removes one follow.
func (s *Store) DeleteFollow(ctx context.Context, id int64) error {
	_, err := s.deleteFollows(ctx, "delete follow", "id = ?", id)
	return err
}

// DeleteFollowsBetween removes the follows between two accounts, both ways,
// and returns them.
func (s *Store) DeleteFollowsBetween(ctx context.Context, a, b int64) ([]models.Follow, error) {
	q := "(account_id = ? AND target_account_id = ?) OR (account_id = ? AND target_account_id = ?)"
	fs, err := s.deleteFollows(ctx, "delete follows", q, a, b, b, a)
	if len(fs) == 0 {
		fs = nil
	}
	return fs, err
}

// DeleteFollowsOf removes every follow from or to an account.
func (s *Store) DeleteFollowsOf(ctx context.Context, accountID int64) error {
	_, err := s.deleteFollows(ctx, "delete follows of account", "account_id = ? OR target_account_id = ?", accountID, accountID)
	return err
}

// IsFollowing reports whether accountID follows targetID (accepted).
func (s *Store) IsFollowing(ctx context.Context, accountID, targetID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Follow{}).Where("account_id = ? AND target_account_id = ? AND accepted = ?", accountID, targetID, true).Count(&n).Error
	return n > 0, translate(err, "is following")
}

// FollowingAmong returns which of targets accountID follows (accepted),
// in one query.
func (s *Store) FollowingAmong(ctx context.Context, accountID int64, targets []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(targets) == 0 {
		return out, nil
	}
	var ids []int64
	err := s.conn(ctx).Model(&models.Follow{}).Where("account_id = ? AND target_account_id IN ? AND accepted = ?", accountID, targets, true).
		Pluck("target_account_id", &ids).Error
	for _, id := range ids {
		out[id] = true
	}
	return out, translate(err, "following among")
}

// FollowEntry is a follow with the account on its other side.
type FollowEntry struct {
	Follow  models.Follow
	Account *models.Account
}

// Followers lists the accepted followers of an account, newest follow
// first, paged by follow id.
func (s *Store) Followers(ctx context.Context, accountID int64, p Page) ([]FollowEntry, error) {
	return s.followList(ctx, "target_account_id = ? AND accepted = ?", []any{accountID, true}, "account_id", p)
}

// Following lists the accounts an account follows (accepted).
func (s *Store) Following(ctx context.Context, accountID int64, p Page) ([]FollowEntry, error) {
	return s.followList(ctx, "account_id = ? AND accepted = ?", []any{accountID, true}, "target_account_id", p)
}

// FollowRequests lists pending follow requests to an account.
func (s *Store) FollowRequests(ctx context.Context, accountID int64, p Page) ([]FollowEntry, error) {
	return s.followList(ctx, "target_account_id = ? AND accepted = ?", []any{accountID, false}, "account_id", p)
}

func (s *Store) followList(ctx context.Context, where string, args []any, other string, p Page) ([]FollowEntry, error) {
	q, rev := paged(s.conn(ctx).Where(where, args...), "id", p)
	var fs []models.Follow
	if err := q.Find(&fs).Error; err != nil {
		return nil, translate(err, "follow list")
	}
	if rev {
		reverse(fs)
	}
	ids := make([]int64, 0, len(fs))
	for _, f := range fs {
		if other == "account_id" {
			ids = append(ids, f.AccountID)
		} else {
			ids = append(ids, f.TargetAccountID)
		}
	}
	accts, err := s.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]FollowEntry, 0, len(fs))
	for i, f := range fs {
		if a := accts[ids[i]]; a != nil {
			out = append(out, FollowEntry{Follow: f, Account: a})
		}
	}
	return out, nil
}

// AccountsByIDs returns the accounts with these ids, keyed by id.
func (s *Store) AccountsByIDs(ctx context.Context, ids []int64) (map[int64]*models.Account, error) {
	out := make(map[int64]*models.Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var list []*models.Account
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, translate(err, "accounts by ids")
	}
	for _, a := range list {
		out[a.ID] = a
	}
	return out, nil
}
