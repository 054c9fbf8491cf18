package social

import (
	"context"
	"fmt"
	"strings"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Favourites lists the statuses acct liked, newest like first, paged by
// favourite id; statuses acct may no longer see are left out.
func (s *Service) Favourites(ctx context.Context, acct *models.Account, p core.Page) ([]core.StatusEntry, error) {
	list, err := s.store.FavouritesOf(ctx, acct.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("favourites: %w", err)
	}
	entryIDs, statusIDs := make([]int64, len(list)), make([]int64, len(list))
	for i, f := range list {
		entryIDs[i], statusIDs[i] = f.ID, f.StatusID
	}
	return s.statusEntries(ctx, entryIDs, statusIDs, "favourites")
}

// statusEntries pairs the entries of a list (entryIDs[i] put statusIDs[i]
// there) with their statuses, Account preloaded, leaving out statuses that
// are gone.
func (s *Service) statusEntries(ctx context.Context, entryIDs, statusIDs []int64, what string) ([]core.StatusEntry, error) {
	statuses, err := s.store.StatusesByIDs(ctx, statusIDs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out := make([]core.StatusEntry, 0, len(entryIDs))
	for i, id := range entryIDs {
		if st := statuses[statusIDs[i]]; st != nil {
			out = append(out, core.StatusEntry{ID: id, Status: st})
		}
	}
	return out, nil
}

// FavouritedBy lists the accounts that liked a status viewer (nil:
// anonymous) can see, newest like first.
func (s *Service) FavouritedBy(ctx context.Context, viewer *models.Account, statusID int64, p core.Page) ([]core.AccountEntry, error) {
	if _, err := s.core.StatusForViewer(ctx, viewer, statusID); err != nil {
		return nil, err
	}
	list, err := s.store.FavouritersOf(ctx, statusID, core.ViewerID(viewer), p.Store())
	if err != nil {
		return nil, fmt.Errorf("favourited by: %w", err)
	}
	return accountEntries(list), nil
}

// RebloggedBy lists the accounts that boosted a status viewer (nil:
// anonymous) can see, newest boost first.
func (s *Service) RebloggedBy(ctx context.Context, viewer *models.Account, statusID int64, p core.Page) ([]core.AccountEntry, error) {
	if _, err := s.core.StatusForViewer(ctx, viewer, statusID); err != nil {
		return nil, err
	}
	list, err := s.store.BoostersOf(ctx, statusID, core.ViewerID(viewer), p.Store())
	if err != nil {
		return nil, fmt.Errorf("reblogged by: %w", err)
	}
	return accountEntries(list), nil
}

func accountEntries(list []store.AccountEntry) []core.AccountEntry {
	out := make([]core.AccountEntry, len(list))
	for i, e := range list {
		out[i] = core.AccountEntry(e)
	}
	return out
}

// StatusSource returns the plain text and content warning one's own status
// was written with, for editing; another's status is core.ErrNotFound.
func (s *Service) StatusSource(ctx context.Context, acct *models.Account, statusID int64) (text, spoiler string, err error) {
	st, err := s.store.StatusWithAccount(ctx, statusID)
	if err != nil {
		return "", "", core.NotFound(err, "status")
	}
	if st.AccountID != acct.ID || st.ReblogOfID != nil {
		return "", "", fmt.Errorf("%w: status", core.ErrNotFound)
	}
	return st.Text, st.SpoilerText, nil
}

// TimelineOptions narrow the public and hashtag timelines.
type TimelineOptions struct {
	Local, Remote bool // both or neither: every public status
	OnlyMedia     bool // only statuses with attachments
	// Any, All and None are a hashtag timeline's any[], all[] and none[]:
	// other tags that also count, that must be there too, that must not.
	Any, All, None []string
}

// maxExtraTags is how many names each of any[], all[] and none[] takes, as
// Mastodon (the rest are ignored).
const maxExtraTags = 4

// tagNames normalises a list of hashtag names and keeps maxExtraTags.
func tagNames(list []string) []string {
	var out []string
	for _, n := range list {
		if n = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(n), "#")); n != "" && len(out) < maxExtraTags {
			out = append(out, n)
		}
	}
	return out
}

// FilteredPublicTimeline is PublicTimeline with Mastodon's local, remote
// and only_media filters, applied in SQL so pages stay full.
func (s *Service) FilteredPublicTimeline(ctx context.Context, viewer *models.Account, o TimelineOptions, p core.Page) ([]*models.Status, error) {
	list, err := s.store.FilteredPublicTimeline(ctx, store.TimelineFilter{ViewerID: core.ViewerID(viewer), Local: o.Local, Remote: o.Remote, OnlyMedia: o.OnlyMedia}, p.Store())
	if err != nil {
		return nil, fmt.Errorf("public timeline: %w", err)
	}
	return list, nil
}

// FilteredTagTimeline is TagTimeline with the local, remote and only_media
// filters and the other tags of any, all and none.
func (s *Service) FilteredTagTimeline(ctx context.Context, viewer *models.Account, tag string, o TimelineOptions, p core.Page) ([]*models.Status, error) {
	tag = strings.ToLower(strings.TrimPrefix(tag, "#"))
	if tag == "" {
		return nil, nil
	}
	list, err := s.store.FilteredPublicTimeline(ctx, store.TimelineFilter{ViewerID: core.ViewerID(viewer), Tag: tag, Local: o.Local, Remote: o.Remote, OnlyMedia: o.OnlyMedia,
		AnyTags: tagNames(o.Any), AllTags: tagNames(o.All), NoneTags: tagNames(o.None)}, p.Store())
	if err != nil {
		return nil, fmt.Errorf("tag timeline: %w", err)
	}
	return list, nil
}
