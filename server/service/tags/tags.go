// Package tags owns what people do with hashtags: following one (its
// public posts reach the follower's home timeline and user stream) and
// featuring some on their profile (the actor's featuredTags collection),
// with the counts of their posts under each; a remote actor's featured
// hashtags are read from its collection.
package tags

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/discovery"
)

// MaxFeatured is how many hashtags one account may feature (Mastodon's
// limit, also the instance's max_featured_tags).
const MaxFeatured = 10

// suggestionWindow is how many of one's newest posts suggest hashtags to
// feature; maxSuggestions how many are suggested.
const (
	suggestionWindow = 1000
	maxSuggestions   = 10
)

// Remote accounts' featured hashtags are read when their profile's are
// asked for, at most once per refreshEvery per account.
const (
	refreshEvery = 10 * time.Minute
	maxTracked   = 10000
)

// namePattern is a hashtag's name as posts spell it (core's text scanner).
var namePattern = regexp.MustCompile(`^[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*$`)

// Service is the hashtags area.
type Service struct {
	core      *core.Base
	store     *store.Store
	discovery *discovery.Service // the seven days of a tag's history
	clock     core.Clock
	seen      *core.Throttle
}

// New builds the area on the shared core and discovery.
func New(c *core.Base, d *discovery.Service) *Service {
	return &Service{core: c, store: c.Store(), discovery: d, clock: c.Clock(), seen: core.NewThrottle(refreshEvery, maxTracked)}
}

// Tag is Mastodon's Tag entity: a hashtag, its history and whether the
// viewer follows it (nil for an anonymous viewer).
type Tag struct {
	ID        int64
	Name      string
	History   []discovery.Day
	Following *bool
}

// Normalize is a hashtag's stored name: without '#', lower case; false
// when it is no hashtag.
func Normalize(name string) (string, bool) {
	name = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "#"))
	return name, len(name) <= 255 && namePattern.MatchString(name)
}

// byName finds a hashtag, creating it when create is set.
func (s *Service) byName(ctx context.Context, name string, create bool) (*models.Tag, error) {
	n, ok := Normalize(name)
	if !ok {
		return nil, fmt.Errorf("%w: tag", core.ErrNotFound)
	}
	if create {
		return s.store.EnsureTag(ctx, n)
	}
	t, err := s.store.TagByName(ctx, n)
	return t, core.NotFound(err, "tag")
}

// view renders hashtags as viewer sees them.
func (s *Service) view(ctx context.Context, viewer *models.Account, tags []models.Tag, following map[int64]bool) ([]Tag, error) {
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.Name
	}
	hist, err := s.discovery.History(ctx, names)
	if err != nil {
		return nil, err
	}
	out := make([]Tag, len(tags))
	for i, t := range tags {
		out[i] = Tag{ID: t.ID, Name: t.Name, History: hist[t.Name]}
		if viewer != nil {
			f := following[t.ID]
			out[i].Following = &f
		}
	}
	return out, nil
}

// one renders a single hashtag, asking whether viewer follows it.
func (s *Service) one(ctx context.Context, viewer *models.Account, t *models.Tag) (Tag, error) {
	following := map[int64]bool{}
	if viewer != nil {
		f, err := s.store.FollowsTag(ctx, viewer.ID, t.ID)
		if err != nil {
			return Tag{}, err
		}
		following[t.ID] = f
	}
	v, err := s.view(ctx, viewer, []models.Tag{*t}, following)
	if err != nil {
		return Tag{}, err
	}
	return v[0], nil
}

// Tag returns a known hashtag; core.ErrNotFound when nobody used it.
func (s *Service) Tag(ctx context.Context, viewer *models.Account, name string) (Tag, error) {
	t, err := s.byName(ctx, name, false)
	if err != nil {
		return Tag{}, err
	}
	v, err := s.one(ctx, viewer, t)
	if err != nil {
		return Tag{}, fmt.Errorf("tag: %w", err)
	}
	return v, nil
}

// Follow makes acct follow a hashtag (made if new); following twice
// changes nothing.
func (s *Service) Follow(ctx context.Context, acct *models.Account, name string) (Tag, error) {
	return s.setFollow(ctx, acct, name, true)
}

// Unfollow stops acct following a hashtag; its posts already in home stay
// where they are, new ones no longer come.
func (s *Service) Unfollow(ctx context.Context, acct *models.Account, name string) (Tag, error) {
	return s.setFollow(ctx, acct, name, false)
}

func (s *Service) setFollow(ctx context.Context, acct *models.Account, name string, follow bool) (Tag, error) {
	t, err := s.byName(ctx, name, true)
	if err != nil {
		return Tag{}, err
	}
	if follow {
		err = s.store.FollowTag(ctx, acct.ID, t.ID)
	} else {
		err = s.store.UnfollowTag(ctx, acct.ID, t.ID)
	}
	if err != nil {
		return Tag{}, fmt.Errorf("follow tag: %w", err)
	}
	v, err := s.view(ctx, acct, []models.Tag{*t}, map[int64]bool{t.ID: follow})
	if err != nil {
		return Tag{}, fmt.Errorf("follow tag: %w", err)
	}
	return v[0], nil
}

// FollowedTag is a hashtag acct follows and the id its list is paged by.
type FollowedTag struct {
	ID  int64
	Tag Tag
}

// Followed lists the hashtags acct follows, newest follow first.
func (s *Service) Followed(ctx context.Context, acct *models.Account, p core.Page) ([]FollowedTag, error) {
	rows, err := s.store.FollowedTags(ctx, acct.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("followed tags: %w", err)
	}
	tags := make([]models.Tag, len(rows))
	following := map[int64]bool{}
	for i, r := range rows {
		tags[i], following[r.Tag.ID] = r.Tag, true
	}
	views, err := s.view(ctx, acct, tags, following)
	if err != nil {
		return nil, fmt.Errorf("followed tags: %w", err)
	}
	out := make([]FollowedTag, len(rows))
	for i, r := range rows {
		out[i] = FollowedTag{ID: r.ID, Tag: views[i]}
	}
	return out, nil
}

// ReachesHome is the followed-hashtag part of viewer's home feed in Go (the
// store's byFollowedTag in SQL): a public post, not a boost, carrying a
// hashtag viewer follows, by an author viewer does not mute and that is
// not limited, that viewer may see.
func (s *Service) ReachesHome(ctx context.Context, viewer *models.Account, st *models.Status) (bool, error) {
	if viewer == nil || st.Visibility != models.VisibilityPublic || st.ReblogOfID != nil {
		return false, nil
	}
	follows, err := s.store.FollowsTagOf(ctx, viewer.ID, st.ID)
	if err != nil || !follows {
		return false, err
	}
	if _, err := s.store.MuteBy(ctx, viewer.ID, st.AccountID); err == nil {
		return false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	if limited, err := s.store.AuthorLimited(ctx, st.AccountID); err != nil || limited {
		return false, err
	}
	return s.core.CanSee(ctx, viewer, st)
}
