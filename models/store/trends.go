package store

import (
	"context"
	"html"
	"strings"
	"time"

	"gorm.io/gorm"

	"plaza/models"
)

// idFloor is the smallest id made at t: ids sort by time (id.go), so a
// time window is a primary-key range.
func idFloor(t time.Time) int64 { return t.UnixMilli() << 16 }

// TagUse counts a hashtag's public posts and their distinct authors.
type TagUse struct {
	Name     string
	Uses     int64
	Accounts int64
}

// TrendingTags returns the hashtags of public posts made in [from, to)
// with the most distinct authors, then the most posts.
func (s *Store) TrendingTags(ctx context.Context, from, to time.Time, limit, offset int) ([]TagUse, error) {
	var out []TagUse
	err := s.tagUses(ctx, from, to).Order("accounts DESC, uses DESC, tags.name").Limit(limit).Offset(offset).Scan(&out).Error
	return out, translate(err, "trending tags")
}

// TagUsesOn counts the public posts of the named tags made in [from, to).
func (s *Store) TagUsesOn(ctx context.Context, names []string, from, to time.Time) (map[string]TagUse, error) {
	out := make(map[string]TagUse, len(names))
	if len(names) == 0 {
		return out, nil
	}
	var rows []TagUse
	if err := s.tagUses(ctx, from, to).Where("tags.name IN ?", names).Scan(&rows).Error; err != nil {
		return nil, translate(err, "tag uses")
	}
	for _, r := range rows {
		out[r.Name] = r
	}
	return out, nil
}

func (s *Store) tagUses(ctx context.Context, from, to time.Time) *gorm.DB {
	return s.conn(ctx).Table("status_tags").
		Select("tags.name AS name, COUNT(*) AS uses, COUNT(DISTINCT statuses.account_id) AS accounts").
		Joins("JOIN statuses ON statuses.id = status_tags.status_id").
		Joins("JOIN tags ON tags.id = status_tags.tag_id").
		Where("statuses.id >= ? AND statuses.id < ? AND statuses.visibility = ? AND statuses.reblog_of_id IS NULL",
			idFloor(from), idFloor(to), models.VisibilityPublic).
		Group("tags.name")
}

// TrendingStatuses returns public posts made since from that viewerID may
// see, most favourited and boosted first; posts nobody reacted to are left
// out.
func (s *Store) TrendingStatuses(ctx context.Context, viewerID int64, from time.Time, limit, offset int) ([]*models.Status, error) {
	q := s.conn(ctx).Model(&models.Status{}).Preload("Account").
		Where("statuses.id >= ? AND statuses.visibility = ? AND statuses.reblog_of_id IS NULL AND statuses.favourites_count + statuses.reblogs_count > 0",
			idFloor(from), models.VisibilityPublic)
	if viewerID != 0 {
		q = notBlocked(q, viewerID)
	}
	var out []*models.Status
	err := q.Order("statuses.favourites_count + statuses.reblogs_count DESC, statuses.id DESC").Limit(limit).Offset(offset).Find(&out).Error
	return out, translate(err, "trending statuses")
}

// SuggestedAccounts returns accounts that the accounts viewerID follows
// follow, most shared first, leaving out viewerID, whom it follows or has
// asked to follow, and whom it blocks, mutes or is blocked by.
func (s *Store) SuggestedAccounts(ctx context.Context, viewerID int64, limit int) ([]*models.Account, error) {
	var ids []int64
	err := s.conn(ctx).Table("follows AS f2").Select("f2.target_account_id").
		Joins("JOIN follows AS f1 ON f1.target_account_id = f2.account_id AND f1.account_id = ? AND f1.accepted = ?", viewerID, true).
		Where("f2.accepted = ? AND f2.target_account_id <> ?", true, viewerID).
		Where("f2.target_account_id NOT IN (SELECT target_account_id FROM follows WHERE account_id = ?)", viewerID).
		Where("f2.target_account_id NOT IN (SELECT target_account_id FROM blocks WHERE account_id = ?)", viewerID).
		Where("f2.target_account_id NOT IN (SELECT account_id FROM blocks WHERE target_account_id = ?)", viewerID).
		Where("f2.target_account_id NOT IN (SELECT target_account_id FROM mutes WHERE account_id = ?)", viewerID).
		Where("f2.target_account_id NOT IN (SELECT target_account_id FROM suggestion_dismissals WHERE account_id = ?)", viewerID).
		Group("f2.target_account_id").Order("COUNT(*) DESC, f2.target_account_id").Limit(limit).Pluck("f2.target_account_id", &ids).Error
	if err != nil || len(ids) == 0 {
		return nil, translate(err, "suggested accounts")
	}
	var accts []*models.Account
	if err := s.conn(ctx).Where("id IN ? AND discoverable = ? AND suspended_at IS NULL", ids, true).Find(&accts).Error; err != nil {
		return nil, translate(err, "suggested accounts")
	}
	byID := make(map[int64]*models.Account, len(accts))
	for _, a := range accts {
		byID[a.ID] = a
	}
	out := make([]*models.Account, 0, len(ids))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// LinkPost is a public post that holds links, as link trends read it.
type LinkPost struct {
	AccountID int64
	Content   string
	CreatedAt time.Time
}

// RecentLinkPosts returns up to limit public posts (no boosts, not
// sensitive) made since from whose HTML holds a link, newest first: a
// primary-key range, so the cost is the window's, never the history's.
func (s *Store) RecentLinkPosts(ctx context.Context, from time.Time, limit int) ([]LinkPost, error) {
	var out []LinkPost
	err := s.conn(ctx).Model(&models.Status{}).Select("account_id, content, created_at").
		Where("statuses.id >= ? AND statuses.visibility = ? AND statuses.reblog_of_id IS NULL AND statuses.sensitive = ? AND statuses.content LIKE ?",
			idFloor(from), models.VisibilityPublic, false, "%href=%").
		Order("statuses.id DESC").Limit(limit).Scan(&out).Error
	return out, translate(err, "recent link posts")
}

// likeEscaper makes a string match itself in LIKE … ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// StatusesLinking returns a page of the public posts (no boosts) made
// since from whose HTML links href (as escaped in an attribute): the
// window's primary-key range, newest first.
func (s *Store) StatusesLinking(ctx context.Context, viewerID int64, from time.Time, href string, p Page) ([]*models.Status, error) {
	q := s.conn(ctx).Model(&models.Status{}).
		Where("statuses.id >= ? AND statuses.visibility = ? AND statuses.reblog_of_id IS NULL AND statuses.content LIKE ? ESCAPE '\\'",
			idFloor(from), models.VisibilityPublic, `%href="`+likeEscaper.Replace(html.EscapeString(href))+`"%`)
	if viewerID != 0 {
		q = notDomainBlocked(notBlocked(q, viewerID), viewerID)
	}
	return statusPage(q, p, "statuses linking")
}
