package store

import (
	"context"
	"fmt"
	"sort"

	"gorm.io/gorm"

	"plaza/models"
)

// Account counters live in account_stats and move in the transaction of the
// change that moves them: +n with an upsert, -n with a guarded UPDATE, never
// read-modify-write, so concurrent writers on either database add up.
// RecountStats rebuilds them from the tables.

// openVisibilities are the statuses a profile counts (as Mastodon's
// statuses_count leaves out what strangers cannot see).
var openVisibilities = []models.Visibility{models.VisibilityPublic, models.VisibilityUnlisted}

func countsOnProfile(v models.Visibility) bool {
	return v == models.VisibilityPublic || v == models.VisibilityUnlisted
}

// atomically runs fn in the current transaction, or in a new one.
func (s *Store) atomically(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	return s.WithTx(ctx, fn)
}

// statsDelta is a change to one account's counters.
type statsDelta struct {
	statuses, followers, following int64
	lastStatusID                   int64 // raise last_status_id to this
}

// bumpStats adds a non-negative delta to an account's counters.
func (s *Store) bumpStats(ctx context.Context, accountID int64, d statsDelta) error {
	err := s.conn(ctx).Exec(`INSERT INTO account_stats (account_id, statuses_count, followers_count, following_count, last_status_id)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET
			statuses_count = account_stats.statuses_count + excluded.statuses_count,
			followers_count = account_stats.followers_count + excluded.followers_count,
			following_count = account_stats.following_count + excluded.following_count,
			last_status_id = CASE WHEN excluded.last_status_id > account_stats.last_status_id
				THEN excluded.last_status_id ELSE account_stats.last_status_id END`,
		accountID, d.statuses, d.followers, d.following, d.lastStatusID).Error
	return translate(err, "bump account stats")
}

var statsColumns = map[string]bool{"statuses_count": true, "followers_count": true, "following_count": true}

// dropStats takes n[id] off column for each account, never below zero:
// one UPDATE per distinct amount.
func (s *Store) dropStats(ctx context.Context, column string, n map[int64]int64) error {
	if !statsColumns[column] {
		return fmt.Errorf("drop account stats: unknown counter %q", column)
	}
	byAmount := map[int64][]int64{}
	for id, k := range n {
		if k > 0 {
			byAmount[k] = append(byAmount[k], id)
		}
	}
	amounts := make([]int64, 0, len(byAmount))
	for k := range byAmount {
		amounts = append(amounts, k)
	}
	sort.Slice(amounts, func(i, j int) bool { return amounts[i] < amounts[j] })
	for _, k := range amounts {
		ids := byAmount[k]
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] }) // one lock order for every writer
		expr := gorm.Expr("CASE WHEN "+column+" > ? THEN "+column+" - ? ELSE 0 END", k, k)
		if err := s.conn(ctx).Model(&models.AccountStat{}).Where("account_id IN ?", ids).UpdateColumn(column, expr).Error; err != nil {
			return translate(err, "drop account stats")
		}
	}
	return nil
}

// statusesGone fixes the counters after these statuses were deleted.
func (s *Store) statusesGone(ctx context.Context, gone []models.Status) error {
	n := map[int64]int64{}
	var lastIDs []int64
	for _, st := range gone {
		if countsOnProfile(st.Visibility) {
			n[st.AccountID]++
			lastIDs = append(lastIDs, st.ID)
		}
	}
	if len(n) == 0 {
		return nil
	}
	if err := s.dropStats(ctx, "statuses_count", n); err != nil {
		return err
	}
	// Only an account whose newest status went needs its last one found.
	err := s.conn(ctx).Model(&models.AccountStat{}).Where("last_status_id IN ?", lastIDs).
		UpdateColumn("last_status_id", gorm.Expr(`COALESCE((SELECT MAX(s.id) FROM statuses s
			WHERE s.account_id = account_stats.account_id AND s.visibility IN ?), 0)`, openVisibilities)).Error
	return translate(err, "last status after delete")
}

// followsGone fixes the counters after these follows were deleted.
func (s *Store) followsGone(ctx context.Context, gone []models.Follow) error {
	following, followers := map[int64]int64{}, map[int64]int64{}
	for _, f := range gone {
		if f.Accepted {
			following[f.AccountID]++
			followers[f.TargetAccountID]++
		}
	}
	if err := s.dropStats(ctx, "following_count", following); err != nil {
		return err
	}
	return s.dropStats(ctx, "followers_count", followers)
}

// followAccepted counts a follow that has just become accepted.
func (s *Store) followAccepted(ctx context.Context, f *models.Follow) error {
	// Two upserts in id order, so concurrent follows cannot deadlock.
	a, b := f.AccountID, f.TargetAccountID
	da, db := statsDelta{following: 1}, statsDelta{followers: 1}
	if a > b {
		a, b, da, db = b, a, db, da
	}
	if a == b {
		return s.bumpStats(ctx, a, statsDelta{following: 1, followers: 1})
	}
	if err := s.bumpStats(ctx, a, da); err != nil {
		return err
	}
	return s.bumpStats(ctx, b, db)
}

// StatsOfAccounts returns the counters of each account (one query).
func (s *Store) StatsOfAccounts(ctx context.Context, accountIDs []int64) (map[int64]AccountStats, error) {
	out := map[int64]AccountStats{}
	if len(accountIDs) == 0 {
		return out, nil
	}
	var rows []models.AccountStat
	if err := s.conn(ctx).Where("account_id IN ?", accountIDs).Find(&rows).Error; err != nil {
		return nil, translate(err, "account stats")
	}
	for _, r := range rows {
		st := AccountStats{Followers: r.FollowersCount, Following: r.FollowingCount, Statuses: r.StatusesCount}
		if r.LastStatusID != 0 {
			t := IDTime(r.LastStatusID)
			st.LastStatusAt = &t
		}
		out[r.AccountID] = st
	}
	return out, nil
}

// RecountStats rebuilds every account's counters and every status's
// replies, boosts and favourites counts from the rows they count (the
// repair behind `plaza admin recount`). Writers wait while it runs.
func (s *Store) RecountStats(ctx context.Context) error {
	return s.WithTx(ctx, func(tx *Store) error {
		db := tx.conn(ctx)
		if err := recountAccounts(db, s.driver); err != nil {
			return err
		}
		return recountStatuses(db)
	})
}

// recountAccounts rebuilds account_stats inside a transaction (migration
// step 10 backfills with it).
func recountAccounts(db *gorm.DB, driver string) error {
	if driver == DriverPostgres {
		// Keep writers out so no change lands between counting and writing.
		if err := db.Exec("LOCK TABLE statuses, follows, favourites IN SHARE MODE").Error; err != nil {
			return fmt.Errorf("recount: lock: %w", err)
		}
	}
	// "WHERE true" keeps SQLite from reading ON CONFLICT as part of the join.
	err := db.Exec(`INSERT INTO account_stats (account_id, statuses_count, followers_count, following_count, last_status_id)
		SELECT a.id,
			(SELECT COUNT(*) FROM statuses s WHERE s.account_id = a.id AND s.visibility IN ?),
			(SELECT COUNT(*) FROM follows f WHERE f.target_account_id = a.id AND f.accepted = ?),
			(SELECT COUNT(*) FROM follows f WHERE f.account_id = a.id AND f.accepted = ?),
			COALESCE((SELECT MAX(s.id) FROM statuses s WHERE s.account_id = a.id AND s.visibility IN ?), 0)
		FROM accounts a WHERE true
		ON CONFLICT (account_id) DO UPDATE SET
			statuses_count = excluded.statuses_count, followers_count = excluded.followers_count,
			following_count = excluded.following_count, last_status_id = excluded.last_status_id`,
		openVisibilities, true, true, openVisibilities).Error
	if err != nil {
		return fmt.Errorf("recount accounts: %w", err)
	}
	return nil
}

// recountStatuses rebuilds the replies, boosts and favourites counts.
func recountStatuses(db *gorm.DB) error {
	err := db.Exec(`UPDATE statuses SET
		replies_count = (SELECT COUNT(*) FROM statuses r WHERE r.in_reply_to_id = statuses.id),
		reblogs_count = (SELECT COUNT(*) FROM statuses b WHERE b.reblog_of_id = statuses.id),
		favourites_count = (SELECT COUNT(*) FROM favourites f WHERE f.status_id = statuses.id)`).Error
	if err != nil {
		return fmt.Errorf("recount statuses: %w", err)
	}
	return nil
}
