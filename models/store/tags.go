package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"plaza/models"
)

// FollowTag makes accountID follow a hashtag; a repeat changes nothing.
func (s *Store) FollowTag(ctx context.Context, accountID, tagID int64) error {
	f := &models.TagFollow{ID: s.NewID(), CreatedAt: time.Now().UTC(), AccountID: accountID, TagID: tagID}
	err := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(f).Error
	return translate(err, "follow tag")
}

// UnfollowTag stops accountID following a hashtag (nothing when it did not).
func (s *Store) UnfollowTag(ctx context.Context, accountID, tagID int64) error {
	err := s.conn(ctx).Where("account_id = ? AND tag_id = ?", accountID, tagID).Delete(&models.TagFollow{}).Error
	return translate(err, "unfollow tag")
}

// FollowsTag reports whether accountID follows a hashtag.
func (s *Store) FollowsTag(ctx context.Context, accountID, tagID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.TagFollow{}).Where("account_id = ? AND tag_id = ?", accountID, tagID).Count(&n).Error
	return n > 0, translate(err, "follows tag")
}

// FollowedTag is one hashtag an account follows, with the follow's id
// (what the list is paged by).
type FollowedTag struct {
	ID  int64
	Tag models.Tag
}

// FollowedTags lists the hashtags accountID follows, newest follow first,
// paged by follow id.
func (s *Store) FollowedTags(ctx context.Context, accountID int64, p Page) ([]FollowedTag, error) {
	q, rev := paged(s.conn(ctx).Table("tag_follows").Select("tag_follows.id AS id, tags.id AS tag_id, tags.name AS name").
		Joins("JOIN tags ON tags.id = tag_follows.tag_id").Where("tag_follows.account_id = ?", accountID), "tag_follows.id", p)
	var rows []struct {
		ID, TagID int64
		Name      string
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, translate(err, "followed tags")
	}
	if rev {
		reverse(rows)
	}
	out := make([]FollowedTag, len(rows))
	for i, r := range rows {
		out[i] = FollowedTag{ID: r.ID, Tag: models.Tag{ID: r.TagID, Name: r.Name}}
	}
	return out, nil
}

// byFollowedTag is the followed-hashtag part of the home timeline as a
// condition on statuses: public posts, not boosts, carrying a hashtag
// viewerID follows, by authors that are not limited. Each row is checked
// through the status_tags primary key and the tag_follows pair index, so
// the home query still walks statuses newest first and stops after a page.
// tags.Service.ReachesHome is the same rule in Go
// (TestVisibilityRuleAgreesWithEveryTimeline holds the two together).
func byFollowedTag(viewerID int64) (string, []any) {
	return `(statuses.visibility = ? AND statuses.reblog_of_id IS NULL
		AND EXISTS (SELECT 1 FROM status_tags fst JOIN tag_follows tf ON tf.tag_id = fst.tag_id AND tf.account_id = ? WHERE fst.status_id = statuses.id)
		AND NOT EXISTS (SELECT 1 FROM accounts la WHERE la.id = statuses.account_id AND ` + limitedAccount + `))`,
		[]any{models.VisibilityPublic, viewerID, models.SeveritySilence}
}

// limitedAccount holds for an account "la" that is silenced or of a
// limited domain (severity silence, its one argument): its posts stay off
// the public, hashtag and followed-hashtag listings.
const limitedAccount = `(la.silenced_at IS NOT NULL
		OR (la.domain <> '' AND EXISTS (SELECT 1 FROM domain_blocks db WHERE db.severity = ? AND (la.domain = db.domain OR la.domain LIKE '%.' || db.domain OR la.domain LIKE db.domain || ':%'))))`

// FollowsTagOf reports whether accountID follows one of a status's hashtags.
func (s *Store) FollowsTagOf(ctx context.Context, accountID, statusID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Table("status_tags").Joins("JOIN tag_follows tf ON tf.tag_id = status_tags.tag_id AND tf.account_id = ?", accountID).
		Where("status_tags.status_id = ?", statusID).Count(&n).Error
	return n > 0, translate(err, "follows tag of")
}

// AuthorLimited reports whether an account is silenced or of a limited
// domain.
func (s *Store) AuthorLimited(ctx context.Context, accountID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Raw("SELECT COUNT(*) FROM accounts la WHERE la.id = ? AND "+limitedAccount, accountID, models.SeveritySilence).Scan(&n).Error
	return n > 0, translate(err, "author limited")
}

// FeaturedTagRow is one hashtag an account features.
type FeaturedTagRow struct {
	ID        int64
	CreatedAt time.Time
	TagID     int64
	Name      string
}

// FeaturedTags lists the hashtags an account features, oldest first (as
// Mastodon's profile shows them), at most limit.
func (s *Store) FeaturedTags(ctx context.Context, accountID int64, limit int) ([]FeaturedTagRow, error) {
	var rows []FeaturedTagRow
	err := s.conn(ctx).Table("featured_tags").
		Select("featured_tags.id AS id, featured_tags.created_at AS created_at, tags.id AS tag_id, tags.name AS name").
		Joins("JOIN tags ON tags.id = featured_tags.tag_id").Where("featured_tags.account_id = ?", accountID).
		Order("featured_tags.id ASC").Limit(limit).Scan(&rows).Error
	return rows, translate(err, "featured tags")
}

// CountFeaturedTags counts the hashtags an account features.
func (s *Store) CountFeaturedTags(ctx context.Context, accountID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.FeaturedTag{}).Where("account_id = ?", accountID).Count(&n).Error
	return n, translate(err, "count featured tags")
}

// CreateFeaturedTag features a hashtag; ErrConflict when it is already.
func (s *Store) CreateFeaturedTag(ctx context.Context, f *models.FeaturedTag) error {
	if f.ID == 0 {
		f.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(f).Error, "create featured tag")
}

// DeleteFeaturedTag removes one of accountID's featured hashtags;
// ErrNotFound when it has none with that id.
func (s *Store) DeleteFeaturedTag(ctx context.Context, accountID, id int64) error {
	return s.deleteOwned(ctx, &models.FeaturedTag{}, accountID, id, "featured tag")
}

// deleteOwned deletes row id of model's table when it is accountID's;
// ErrNotFound when accountID has no such row.
func (s *Store) deleteOwned(ctx context.Context, model any, accountID, id int64, what string) error {
	res := s.conn(ctx).Where("account_id = ? AND id = ?", accountID, id).Delete(model)
	if res.Error != nil {
		return translate(res.Error, "delete "+what)
	}
	if res.RowsAffected == 0 {
		return translate(gorm.ErrRecordNotFound, what)
	}
	return nil
}

// ReplaceFeaturedTags makes tagIDs the featured hashtags of a (remote)
// account, in that order, as its featuredTags collection lists them.
func (s *Store) ReplaceFeaturedTags(ctx context.Context, accountID int64, tagIDs []int64) error {
	return s.atomically(ctx, func(tx *Store) error {
		if err := tx.conn(ctx).Where("account_id = ?", accountID).Delete(&models.FeaturedTag{}).Error; err != nil {
			return translate(err, "replace featured tags")
		}
		for _, id := range tagIDs {
			err := tx.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).
				Create(&models.FeaturedTag{ID: tx.NewID(), CreatedAt: time.Now().UTC(), AccountID: accountID, TagID: id}).Error
			if err != nil {
				return translate(err, "replace featured tags")
			}
		}
		return nil
	})
}

// TagStat is how often an account used a hashtag in its public and
// unlisted posts, and the newest of them.
type TagStat struct {
	Count        int64
	LastStatusAt time.Time
}

// AccountTagStats counts, per hashtag, an account's public and unlisted
// posts (not boosts) carrying it. It reads through the status_tags
// (tag_id, status_id) index, so it costs what those tags were used.
func (s *Store) AccountTagStats(ctx context.Context, accountID int64, tagIDs []int64) (map[int64]TagStat, error) {
	out := make(map[int64]TagStat, len(tagIDs))
	if len(tagIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		TagID, N, Last int64
	}
	err := s.conn(ctx).Table("status_tags").Select("status_tags.tag_id AS tag_id, COUNT(*) AS n, MAX(statuses.id) AS last").
		Joins("JOIN statuses ON statuses.id = status_tags.status_id").
		Where("status_tags.tag_id IN ? AND statuses.account_id = ? AND statuses.visibility IN ? AND statuses.reblog_of_id IS NULL",
			tagIDs, accountID, openVisibilities).
		Group("status_tags.tag_id").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "account tag stats")
	}
	last := make([]int64, 0, len(rows))
	for _, r := range rows {
		last = append(last, r.Last)
	}
	var times []struct {
		ID        int64
		CreatedAt time.Time
	}
	if len(last) > 0 {
		if err := s.conn(ctx).Model(&models.Status{}).Select("id, created_at").Where("id IN ?", last).Scan(&times).Error; err != nil {
			return nil, translate(err, "account tag stats")
		}
	}
	at := make(map[int64]time.Time, len(times))
	for _, t := range times {
		at[t.ID] = t.CreatedAt
	}
	for _, r := range rows {
		out[r.TagID] = TagStat{Count: r.N, LastStatusAt: at[r.Last]}
	}
	return out, nil
}

// RecentTagsOf returns the hashtags of an account's newest `window` posts,
// most used first, at most limit, leaving out those it features.
func (s *Store) RecentTagsOf(ctx context.Context, accountID int64, window, limit int) ([]models.Tag, error) {
	var tags []models.Tag
	err := s.conn(ctx).Table("status_tags").Select("tags.id AS id, tags.name AS name").
		Joins("JOIN tags ON tags.id = status_tags.tag_id").
		Where("status_tags.status_id IN (SELECT id FROM statuses WHERE account_id = ? AND reblog_of_id IS NULL ORDER BY id DESC LIMIT ?)", accountID, window).
		Where("status_tags.tag_id NOT IN (SELECT tag_id FROM featured_tags WHERE account_id = ?)", accountID).
		Group("tags.id, tags.name").Order("COUNT(*) DESC, tags.name ASC").Limit(limit).Scan(&tags).Error
	return tags, translate(err, "recent tags")
}
