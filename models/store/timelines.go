package store

import (
	"context"

	"gorm.io/gorm"

	"plaza/models"
)

// statusPage runs a paged status query with the Account preloaded.
func statusPage(q *gorm.DB, p Page, what string) ([]*models.Status, error) {
	q, rev := paged(notSuspended(q).Preload("Account"), "statuses.id", p)
	var list []*models.Status
	if err := q.Find(&list).Error; err != nil {
		return nil, translate(err, what)
	}
	if rev {
		reverse(list)
	}
	return list, nil
}

// notSuspended drops statuses, and boosts of statuses, of suspended
// accounts (a moderation decision hides them from everyone).
func notSuspended(q *gorm.DB) *gorm.DB {
	return q.Where("NOT EXISTS (SELECT 1 FROM accounts sa WHERE sa.id = statuses.account_id AND sa.suspended_at IS NOT NULL)").
		Where("(statuses.reblog_of_id IS NULL OR NOT EXISTS (SELECT 1 FROM statuses so JOIN accounts sb ON sb.id = so.account_id WHERE so.id = statuses.reblog_of_id AND sb.suspended_at IS NOT NULL))")
}

// notLimited drops statuses of silenced accounts and of accounts of limited
// domains (severity silence): they stay off the public and tag timelines.
func notLimited(q *gorm.DB) *gorm.DB {
	return q.Where("NOT EXISTS (SELECT 1 FROM accounts la WHERE la.id = statuses.account_id AND "+limitedAccount+")", models.SeveritySilence)
}

// notBlocked keeps statuses (and boosted statuses) of accounts that neither
// block nor are blocked by viewerID.
func notBlocked(q *gorm.DB, viewerID int64) *gorm.DB {
	blocked := "(SELECT target_account_id FROM blocks WHERE account_id = ? UNION SELECT account_id FROM blocks WHERE target_account_id = ?)"
	return q.Where("statuses.account_id NOT IN "+blocked, viewerID, viewerID).
		Where("(statuses.reblog_of_id IS NULL OR NOT EXISTS (SELECT 1 FROM statuses o WHERE o.id = statuses.reblog_of_id AND o.account_id IN "+blocked+"))", viewerID, viewerID)
}

// supportersOnly drops the supporter-only statuses of authors viewerID does
// not currently support (its own, and those mentioning it, stay), for listings that select by follow
// rather than by visibleTo.
func supportersOnly(q *gorm.DB, viewerID int64) *gorm.DB {
	return q.Where(`(statuses.visibility <> ? OR statuses.account_id = ?
		OR statuses.account_id IN (SELECT creator_id FROM subscriptions WHERE supporter_id = ? AND state = ?)
		OR EXISTS (SELECT 1 FROM mentions sm WHERE sm.status_id = statuses.id AND sm.account_id = ?))`,
		models.VisibilitySupporters, viewerID, viewerID, models.SubscriptionActive, viewerID)
}

// notMuted drops statuses, and boosts of statuses, of the accounts
// viewerID mutes and of the domains it blocked.
func notMuted(q *gorm.DB, viewerID int64) *gorm.DB {
	muted := "(SELECT target_account_id FROM mutes WHERE account_id = ?)"
	return notDomainBlocked(q, viewerID).Where("statuses.account_id NOT IN "+muted, viewerID).
		Where("(statuses.reblog_of_id IS NULL OR NOT EXISTS (SELECT 1 FROM statuses mo WHERE mo.id = statuses.reblog_of_id AND mo.account_id IN "+muted+"))", viewerID)
}

// HomeTimeline returns an account's own statuses, those (boosts
// included) of the accounts it follows and public ones carrying hashtags
// it follows, never direct ones, nothing from
// blocked or muted accounts nor from members of its exclusive lists.
func (s *Store) HomeTimeline(ctx context.Context, accountID int64, p Page) ([]*models.Status, error) {
	tagCond, tagArgs := byFollowedTag(accountID)
	q := s.conn(ctx).Model(&models.Status{}).
		// A correlated EXISTS (not IN) lets both databases walk statuses
		// newest-first by primary key and stop after one page, checking
		// each row against the follows pair index; see docs/BENCHMARKS.md.
		// Followed hashtags bring in public posts of anyone (byFollowedTag).
		Where("(statuses.account_id = ? OR EXISTS (SELECT 1 FROM follows f WHERE f.account_id = ? AND f.target_account_id = statuses.account_id AND f.accepted = ?) OR "+tagCond+")",
			append([]any{accountID, accountID, true}, tagArgs...)...).
		Where("statuses.visibility <> ?", models.VisibilityDirect)
	q = supportersOnly(q, accountID)
	return statusPage(notInExclusiveLists(notMuted(notBlocked(q, accountID), accountID), accountID), p, "home timeline")
}

// PublicTimeline returns public statuses (no boosts), local or remote or
// both; viewerID (0 = anonymous) drops blocked accounts.
func (s *Store) PublicTimeline(ctx context.Context, viewerID int64, local, remote bool, p Page) ([]*models.Status, error) {
	q := s.conn(ctx).Model(&models.Status{}).Where("statuses.visibility = ? AND statuses.reblog_of_id IS NULL", models.VisibilityPublic)
	switch {
	case local && !remote:
		q = q.Where("statuses.local = ?", true)
	case remote && !local:
		q = q.Where("statuses.local = ?", false)
	}
	if viewerID != 0 {
		q = notDomainBlocked(notBlocked(q, viewerID), viewerID)
	}
	return statusPage(notLimited(q), p, "public timeline")
}

// AccountStatuses returns an account's statuses (boosts included) that
// viewerID may see: all for the account itself (but its boosts of accounts
// in a block with it); public and unlisted for
// anyone; private for accepted followers and mentioned accounts; direct for
// mentioned accounts. viewerID 0 is anonymous.
func (s *Store) AccountStatuses(ctx context.Context, viewerID, accountID int64, p Page) ([]*models.Status, error) {
	return statusPage(s.accountStatusesQuery(ctx, viewerID, accountID), p, "account statuses")
}

// accountStatusesQuery selects an account's statuses that viewerID may see.
// The account itself sees all of its own statuses except, as on its home
// timeline, its boosts of accounts it blocks or is blocked by: the boosted
// status is hidden from it (Service.CanSee), so the boost is too.
func (s *Store) accountStatusesQuery(ctx context.Context, viewerID, accountID int64) *gorm.DB {
	q := s.conn(ctx).Model(&models.Status{}).Where("statuses.account_id = ?", accountID)
	if viewerID != accountID {
		cond, args := visibleTo(viewerID)
		q = q.Where(cond, args...)
	}
	if viewerID != 0 {
		q = notBlocked(q, viewerID)
	}
	return q
}

// visibleTo is the visibility rule as a condition on statuses; with
// notBlocked it is Service.CanSee in SQL, and the service's
// TestVisibilityRuleAgreesWithEveryTimeline holds the two together.
func visibleTo(viewerID int64) (string, []any) {
	open := []models.Visibility{models.VisibilityPublic, models.VisibilityUnlisted}
	if viewerID == 0 {
		return "statuses.visibility IN ?", []any{open}
	}
	return `(statuses.visibility IN ?
		OR statuses.account_id = ?
		OR (statuses.visibility = ? AND statuses.account_id IN (SELECT target_account_id FROM follows WHERE account_id = ? AND accepted = ?))
		OR (statuses.visibility = ? AND statuses.account_id IN (SELECT creator_id FROM subscriptions WHERE supporter_id = ? AND state = ?))
		OR EXISTS (SELECT 1 FROM mentions m WHERE m.status_id = statuses.id AND m.account_id = ?))`,
		[]any{open, viewerID, models.VisibilityPrivate, viewerID, true, models.VisibilitySupporters, viewerID, models.SubscriptionActive, viewerID}
}

// TagTimeline returns public statuses carrying a hashtag.
func (s *Store) TagTimeline(ctx context.Context, viewerID int64, tag string, p Page) ([]*models.Status, error) {
	q := s.conn(ctx).Model(&models.Status{}).
		Where("statuses.id IN (SELECT st.status_id FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name = ?)", tag).
		Where("statuses.visibility = ? AND statuses.reblog_of_id IS NULL", models.VisibilityPublic)
	if viewerID != 0 {
		q = notDomainBlocked(notBlocked(q, viewerID), viewerID)
	}
	return statusPage(notLimited(q), p, "tag timeline")
}

// OutboxStatuses returns an account's public and unlisted statuses and
// boosts, for its ActivityPub outbox.
func (s *Store) OutboxStatuses(ctx context.Context, accountID int64, p Page) ([]*models.Status, error) {
	q := s.conn(ctx).Model(&models.Status{}).Where("statuses.account_id = ? AND statuses.visibility IN ?", accountID,
		[]models.Visibility{models.VisibilityPublic, models.VisibilityUnlisted})
	return statusPage(q, p, "outbox statuses")
}

// StatusReplies returns the public and unlisted direct replies to a status.
func (s *Store) StatusReplies(ctx context.Context, statusID int64, p Page) ([]*models.Status, error) {
	q := s.conn(ctx).Model(&models.Status{}).Where("statuses.in_reply_to_id = ? AND statuses.visibility IN ?", statusID,
		[]models.Visibility{models.VisibilityPublic, models.VisibilityUnlisted})
	return statusPage(q, p, "status replies")
}

// Ancestors returns the statuses a status replies to, up the chain, oldest
// first.
func (s *Store) Ancestors(ctx context.Context, statusID int64) ([]*models.Status, error) {
	var list []*models.Status
	err := s.conn(ctx).Preload("Account").Raw(`WITH RECURSIVE up(id, parent, depth) AS (
		SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = ?
		UNION ALL
		SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s JOIN up ON s.id = up.parent WHERE up.depth < 200
	) SELECT statuses.* FROM statuses WHERE statuses.id IN (SELECT id FROM up WHERE depth > 0) ORDER BY statuses.id ASC`, statusID).Find(&list).Error
	return list, translate(err, "ancestors")
}

// Descendants returns every reply below a status, oldest first.
func (s *Store) Descendants(ctx context.Context, statusID int64) ([]*models.Status, error) {
	var list []*models.Status
	err := s.conn(ctx).Preload("Account").Raw(`WITH RECURSIVE down(id, depth) AS (
		SELECT id, 0 FROM statuses WHERE id = ?
		UNION ALL
		SELECT s.id, down.depth + 1 FROM statuses s JOIN down ON s.in_reply_to_id = down.id WHERE down.depth < 200
	) SELECT statuses.* FROM statuses WHERE statuses.id IN (SELECT id FROM down WHERE depth > 0) ORDER BY statuses.id ASC`, statusID).Find(&list).Error
	return list, translate(err, "descendants")
}
