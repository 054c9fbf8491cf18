package notifications

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// groupSpan is how far apart in time notifications of one group may be
// (Mastodon groups within 12 hours): a group is one span-long bucket.
const groupSpan = 12 * time.Hour

// SampleAccounts is how many senders a group shows (Mastodon's 8).
const SampleAccounts = 8

// rowsPerGroup bounds the rows read for one page of groups: a page reads
// at most limit×rowsPerGroup notifications, never more than maxPageRows.
const (
	rowsPerGroup = 5
	maxPageRows  = 400
)

// MaxUnread is the most an unread count counts (Mastodon's cap).
const MaxUnread = 1000

// DefaultGroupedTypes are the types grouped when a client names none.
var DefaultGroupedTypes = []string{string(models.NotifyFavourite), string(models.NotifyReblog), string(models.NotifyFollow)}

// groupable are the types that can be grouped at all.
var groupable = DefaultGroupedTypes

// Group is Mastodon's NotificationGroup: the notifications of one key
// within one page.
type Group struct {
	Key               string
	Type              models.NotificationType
	Count             int
	MostRecentID      int64
	PageMinID         int64
	PageMaxID         int64
	LatestAt          time.Time
	SampleAccounts    []*models.Account // newest first, distinct
	Status            *models.Status    // nil: about no status
	MostRecent        social.NotificationView
	sampledAccountIDs map[int64]bool
}

// Filter narrows grouped notifications: social's filter and the types to
// group (nil: DefaultGroupedTypes).
type Filter struct {
	social.NotificationFilter
	GroupedTypes []string
}

func (f Filter) grouped() []string {
	if f.GroupedTypes == nil {
		return DefaultGroupedTypes
	}
	return f.GroupedTypes
}

// GroupKey is the group a notification belongs to when grouped are the
// types to group: "<type>-<status>-<bucket>" for favourites and boosts,
// "follow-<bucket>" for follows, "ungrouped-<id>" for the rest.
func GroupKey(n models.Notification, grouped []string) string {
	t := string(n.Type)
	if !slices.Contains(groupable, t) || !slices.Contains(grouped, t) {
		return "ungrouped-" + strconv.FormatInt(n.ID, 10)
	}
	bucket := strconv.FormatInt(n.CreatedAt.Unix()/int64(groupSpan/time.Second), 10)
	if n.Type == models.NotifyFollow {
		return t + "-" + bucket
	}
	if n.StatusID == nil {
		return "ungrouped-" + strconv.FormatInt(n.ID, 10)
	}
	return t + "-" + strconv.FormatInt(*n.StatusID, 10) + "-" + bucket
}

// parsedKey is a group key read back: either one notification or a
// group query.
type parsedKey struct {
	id    int64 // ungrouped
	query store.GroupQuery
}

func parseKey(key string) (parsedKey, error) {
	bad := fmt.Errorf("%w: notification group", core.ErrNotFound)
	parts := strings.Split(key, "-")
	num := func(s string) (int64, bool) {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n > 0
	}
	span := func(s string) (time.Time, time.Time, bool) {
		b, ok := num(s)
		if !ok {
			return time.Time{}, time.Time{}, false
		}
		since := time.Unix(b*int64(groupSpan/time.Second), 0)
		return since, since.Add(groupSpan), true
	}
	switch {
	case len(parts) == 2 && parts[0] == "ungrouped":
		if id, ok := num(parts[1]); ok {
			return parsedKey{id: id}, nil
		}
	case len(parts) == 2 && parts[0] == string(models.NotifyFollow):
		if since, until, ok := span(parts[1]); ok {
			return parsedKey{query: store.GroupQuery{Types: []string{parts[0]}, Since: since, Until: until}}, nil
		}
	case len(parts) == 3 && (parts[0] == string(models.NotifyFavourite) || parts[0] == string(models.NotifyReblog)):
		st, ok := num(parts[1])
		since, until, ok2 := span(parts[2])
		if ok && ok2 {
			return parsedKey{query: store.GroupQuery{Types: []string{parts[0]}, StatusID: st, Since: since, Until: until}}, nil
		}
	}
	return parsedKey{}, bad
}

// grouper folds notifications, in the order given, into at most limit
// groups.
type grouper struct {
	grouped []string
	limit   int
	groups  []*Group
	byKey   map[string]*Group
	minID   int64
	maxID   int64
}

// add files v; false when it would open a group past the limit.
func (g *grouper) add(v social.NotificationView) bool {
	n := v.Notification
	key := GroupKey(n, g.grouped)
	gr := g.byKey[key]
	if gr == nil {
		if len(g.groups) == g.limit {
			return false
		}
		gr = &Group{Key: key, Type: n.Type, Status: v.Status, PageMinID: n.ID, PageMaxID: n.ID, sampledAccountIDs: map[int64]bool{}}
		g.byKey[key] = gr
		g.groups = append(g.groups, gr)
	}
	gr.Count++
	gr.PageMinID, gr.PageMaxID = min(gr.PageMinID, n.ID), max(gr.PageMaxID, n.ID)
	if n.ID >= gr.MostRecentID {
		gr.MostRecentID, gr.LatestAt, gr.MostRecent = n.ID, n.CreatedAt, v
	}
	if g.minID == 0 || n.ID < g.minID {
		g.minID = n.ID
	}
	g.maxID = max(g.maxID, n.ID)
	if len(gr.SampleAccounts) < SampleAccounts && !gr.sampledAccountIDs[v.From.ID] {
		gr.sampledAccountIDs[v.From.ID] = true
		gr.SampleAccounts = append(gr.SampleAccounts, v.From)
	}
	return true
}

// Page is one page of groups, newest first, and the range of notification
// ids it covers (for the Link header; zero when empty).
type Page struct {
	Groups       []Group
	MinID, MaxID int64
}

// Groups pages acct's notifications grouped as Mastodon 4.3 does: one page
// of rows (bounded) folded into at most p.Limit groups. Counts and samples
// are within the page, as Mastodon's are.
func (s *Service) Groups(ctx context.Context, acct *models.Account, f Filter, p core.Page) (Page, error) {
	limit := p.Limit
	rows := store.Page{MaxID: p.MaxID, SinceID: p.SinceID, MinID: p.MinID, Limit: min(limit*rowsPerGroup, maxPageRows)}
	list, err := s.social.FilteredNotificationRows(ctx, acct, f.NotificationFilter, rows)
	if err != nil {
		return Page{}, err
	}
	g := &grouper{grouped: f.grouped(), limit: limit, byKey: map[string]*Group{}}
	if p.MinID > 0 {
		// Closest to min_id first: the page is the oldest newer rows.
		for i := len(list) - 1; i >= 0 && g.add(list[i]); i-- {
		}
	} else {
		for i := 0; i < len(list) && g.add(list[i]); i++ {
		}
	}
	return g.page(), nil
}

func (g *grouper) page() Page {
	out := Page{MinID: g.minID, MaxID: g.maxID}
	for _, gr := range g.groups {
		out.Groups = append(out.Groups, *gr)
	}
	// Newest group first, by its most recent notification.
	slices.SortStableFunc(out.Groups, func(a, b Group) int { return compareDesc(a.MostRecentID, b.MostRecentID) })
	return out
}

func compareDesc(a, b int64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// Group returns one group of acct's notifications by key (its newest
// notifications, at most one page of rows); core.ErrNotFound when empty.
func (s *Service) Group(ctx context.Context, acct *models.Account, key string) (Group, error) {
	views, err := s.groupViews(ctx, acct, key, store.Page{Limit: maxPageRows})
	if err != nil {
		return Group{}, err
	}
	g := &grouper{grouped: groupable, limit: 1, byKey: map[string]*Group{}}
	for _, v := range views {
		g.add(v)
	}
	if len(g.groups) == 0 {
		return Group{}, fmt.Errorf("%w: notification group", core.ErrNotFound)
	}
	return *g.groups[0], nil
}

// GroupAccounts pages the senders of one group's notifications, newest
// first; the ids returned are the notifications' (for paging).
func (s *Service) GroupAccounts(ctx context.Context, acct *models.Account, key string, p core.Page) ([]*models.Account, []int64, error) {
	views, err := s.groupViews(ctx, acct, key, p.Store())
	if err != nil {
		return nil, nil, err
	}
	accts := make([]*models.Account, 0, len(views))
	ids := make([]int64, 0, len(views))
	for _, v := range views {
		accts = append(accts, v.From)
		ids = append(ids, v.Notification.ID)
	}
	return accts, ids, nil
}

// groupViews reads a page of one group's notifications.
func (s *Service) groupViews(ctx context.Context, acct *models.Account, key string, p store.Page) ([]social.NotificationView, error) {
	k, err := parseKey(key)
	if err != nil {
		return nil, err
	}
	if k.id != 0 {
		v, err := s.social.NotificationByID(ctx, acct, k.id)
		if errors.Is(err, core.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []social.NotificationView{v}, nil
	}
	ns, err := s.store.GroupNotifications(ctx, acct.ID, k.query, p)
	if err != nil {
		return nil, fmt.Errorf("notification group: %w", err)
	}
	return s.social.NotificationViews(ctx, ns)
}

// DismissGroup deletes every notification of one group; a key that names
// no group is core.ErrNotFound.
func (s *Service) DismissGroup(ctx context.Context, acct *models.Account, key string) error {
	k, err := parseKey(key)
	if err != nil {
		return err
	}
	if k.id != 0 {
		return s.social.DismissNotification(ctx, acct, k.id)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		return tx.DeleteGroupNotifications(ctx, acct.ID, k.query)
	})
	if err != nil {
		return fmt.Errorf("dismiss notification group: %w", err)
	}
	return nil
}

// UnreadCount counts acct's notifications after its notifications marker,
// at most limit (capped at MaxUnread); grouped counts groups instead
// (v2), grouping as Groups does.
func (s *Service) UnreadCount(ctx context.Context, acct *models.Account, f Filter, limit int, grouped bool) (int, error) {
	if limit <= 0 {
		limit = 100 // Mastodon's default
	}
	limit = min(limit, MaxUnread)
	var after int64
	ms, err := s.store.MarkersOf(ctx, acct.ID, []string{social.MarkerNotifications})
	if err != nil {
		return 0, fmt.Errorf("unread notifications: %w", err)
	}
	if len(ms) > 0 {
		after = ms[0].LastReadID
	}
	list, err := s.social.FilteredNotificationRows(ctx, acct, f.NotificationFilter, store.Page{MinID: after, Limit: limit})
	if err != nil {
		return 0, err
	}
	if !grouped {
		return len(list), nil
	}
	g := &grouper{grouped: f.grouped(), limit: limit, byKey: map[string]*Group{}}
	for i := len(list) - 1; i >= 0 && g.add(list[i]); i-- {
	}
	return len(g.groups), nil
}
