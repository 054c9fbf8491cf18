package service_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// The visibility rule is written twice: in Go (Service.CanSee) and in SQL
// (store's visibleTo and notBlocked, used by every timeline and list). This
// test builds every combination of author (local, remote, the viewer
// itself), visibility, mention and relation (accepted follow, pending
// follow, block either way, mute) and checks, for every viewer and for an
// anonymous one, that each SQL listing returns exactly the statuses CanSee
// allows within that listing's own selection:
//
//	listing(viewer) == { st in selection(listing) : CanSee(viewer, st) }
//
// so a listing may legitimately show less than CanSee (home shows only
// followed accounts and no direct statuses, public only public ones) but
// never more, and never less within its selection.

// relation is what a viewer has to an author in the generated world.
type relation int

const (
	relNone relation = iota
	relFollowing
	relPending
	relBlocks    // the viewer blocks the author
	relBlockedBy // the author blocks the viewer
	relFollowingMuted
	relSelf
)

func (r relation) String() string {
	return [...]string{"none", "following", "pending", "blocks", "blocked-by", "following+muted", "self"}[r]
}

// agreementWorld is the generated data: accounts, statuses and the
// relations between accounts, kept in Go so each listing's selection can be
// computed without SQL.
type agreementWorld struct {
	*world
	accounts  []*models.Account
	statuses  []*models.Status // every status, boosts included
	byID      map[int64]*models.Status
	follows   map[[2]int64]bool // [follower, target] → accepted
	mutes     map[[2]int64]bool
	blocks    map[[2]int64]bool
	mentions  map[[2]int64]bool // [status, account]
	tagged    map[int64]bool
	withMedia map[int64]bool
	// followsTag are the accounts that follow #agree: its public posts
	// reach their home whoever wrote them.
	followsTag map[int64]bool
}

// plannedRelation is the generated relation of account i to account j
// (i != j): a fixed pattern over the pair that yields every kind of
// relation for every viewer.
func plannedRelation(i, j int) relation {
	return []relation{relNone, relFollowing, relPending, relBlocks, relFollowingMuted, relNone, relFollowing}[(i*3+j*5)%7]
}

func newAgreementWorld(t *testing.T) *agreementWorld {
	t.Helper()
	w := &agreementWorld{world: newWorld(t), byID: map[int64]*models.Status{}, follows: map[[2]int64]bool{},
		mutes: map[[2]int64]bool{}, blocks: map[[2]int64]bool{}, mentions: map[[2]int64]bool{}, tagged: map[int64]bool{}, withMedia: map[int64]bool{}, followsTag: map[int64]bool{}}
	w.accounts = []*models.Account{w.alice, w.bob, w.carol, w.user("dave"), w.rick, w.mary, w.remote("zed")}
	w.relate()
	w.followTag()
	w.subscribe()
	w.generateStatuses()
	w.generateBoosts()
	w.generateFavouritesAndBookmarks()
	return w
}

// relate stores the planned follows, blocks and mutes.
func (w *agreementWorld) relate() {
	w.t.Helper()
	now := time.Now()
	for i, a := range w.accounts {
		for j, b := range w.accounts {
			if i == j {
				continue
			}
			var err error
			switch plannedRelation(i, j) {
			case relFollowing, relPending, relFollowingMuted:
				accepted := plannedRelation(i, j) != relPending
				w.follows[[2]int64{a.ID, b.ID}] = accepted
				err = w.st.CreateFollow(w.ctx, &models.Follow{CreatedAt: now, UpdatedAt: now, AccountID: a.ID, TargetAccountID: b.ID,
					Accepted: accepted, URI: fmt.Sprintf("%s/follows/%d", a.URI, b.ID)})
				if err == nil && plannedRelation(i, j) == relFollowingMuted {
					w.mutes[[2]int64{a.ID, b.ID}] = true
					err = w.st.SaveMute(w.ctx, &models.Mute{CreatedAt: now, AccountID: a.ID, TargetAccountID: b.ID})
				}
			case relBlocks:
				w.blocks[[2]int64{a.ID, b.ID}] = true
				err = w.st.CreateBlock(w.ctx, &models.Block{CreatedAt: now, AccountID: a.ID, TargetAccountID: b.ID, URI: fmt.Sprintf("%s/blocks/%d", a.URI, b.ID)})
			}
			if err != nil {
				w.t.Fatal(err)
			}
		}
	}
}

// followTag has every other account follow #agree.
func (w *agreementWorld) followTag() {
	w.t.Helper()
	tag, err := w.st.EnsureTag(w.ctx, "agree")
	if err != nil {
		w.t.Fatal(err)
	}
	for i, a := range w.accounts {
		if i%2 == 0 {
			w.followsTag[a.ID] = true
			if err := w.st.FollowTag(w.ctx, a.ID, tag.ID); err != nil {
				w.t.Fatal(err)
			}
		}
	}
}

// byFollowedTag is the followed-hashtag selection of viewer's home in the
// generated data: public posts (not boosts) tagged #agree, when viewer
// follows it. No generated author is silenced.
func (w *agreementWorld) byFollowedTag(viewer *models.Account, st *models.Status) bool {
	return w.followsTag[viewer.ID] && w.tagged[st.ID] && st.Visibility == models.VisibilityPublic && st.ReblogOfID == nil
}

// checkTagHome checks the Go rule of the followed-hashtag part of home (the
// user stream's, tags.ReachesHome) against the same selection as the SQL:
// exactly the visible, unmuted statuses byFollowedTag selects.
func (w *agreementWorld) checkTagHome(t *testing.T, viewer *models.Account, visible map[int64]bool) {
	t.Helper()
	for _, st := range w.statuses {
		got, err := w.svc.Tags().ReachesHome(w.ctx, viewer, st)
		if err != nil {
			t.Fatal(err)
		}
		want := viewer != nil && w.byFollowedTag(viewer, st) && visible[st.ID] && !w.mutedFor(viewer, st)
		if got != want {
			t.Errorf("ReachesHome(%s): %v, want %v", w.diff(viewer, []int64{st.ID}, nil), got, want)
		}
	}
}

// subscribe stores supporter subscriptions over the pairs in every state
// (only active ones make a supporter), independent of the follow pattern.
func (w *agreementWorld) subscribe() {
	w.t.Helper()
	states := []models.SubscriptionState{"", models.SubscriptionActive, models.SubscriptionCanceled, "", models.SubscriptionPastDue, models.SubscriptionActive, models.SubscriptionPending}
	now := time.Now()
	for i, a := range w.accounts {
		for j, b := range w.accounts {
			state := states[(i*2+j*3)%len(states)]
			if i == j || state == "" {
				continue
			}
			id := w.st.NewID()
			sub := &models.Subscription{ID: id, CreatedAt: now, UpdatedAt: now, CreatorID: b.ID, SupporterID: a.ID, Amount: 500, Currency: "USD",
				State: state, AgreementURI: fmt.Sprintf("https://plaza.test/supporters/agreements/%d", id), LastEventAt: now}
			if err := w.st.CreateSubscription(w.ctx, sub); err != nil {
				w.t.Fatal(err)
			}
		}
	}
}

// relation is how viewer stands to author in the generated data.
func (w *agreementWorld) relation(viewer, author *models.Account) relation {
	switch {
	case viewer.ID == author.ID:
		return relSelf
	case w.blocks[[2]int64{viewer.ID, author.ID}]:
		return relBlocks
	case w.blocks[[2]int64{author.ID, viewer.ID}]:
		return relBlockedBy
	case w.mutes[[2]int64{viewer.ID, author.ID}]:
		return relFollowingMuted
	}
	accepted, ok := w.follows[[2]int64{viewer.ID, author.ID}]
	switch {
	case !ok:
		return relNone
	case accepted:
		return relFollowing
	default:
		return relPending
	}
}

// generateStatuses stores, for every author and visibility, a status that
// mentions nobody and one that mentions each other account. Every other
// status carries #agree, every third has an attachment, and every fourth
// replies to the status before it, so threads span authors.
func (w *agreementWorld) generateStatuses() {
	w.t.Helper()
	tag, err := w.st.EnsureTag(w.ctx, "agree")
	if err != nil {
		w.t.Fatal(err)
	}
	visibilities := []models.Visibility{models.VisibilityPublic, models.VisibilityUnlisted, models.VisibilityPrivate, models.VisibilitySupporters, models.VisibilityDirect}
	var prev *models.Status
	for _, author := range w.accounts {
		for _, vis := range visibilities {
			targets := append([]*models.Account{nil}, w.accounts...)
			for _, mentioned := range targets {
				if mentioned != nil && mentioned.ID == author.ID {
					continue
				}
				n := len(w.statuses)
				st := &models.Status{ID: w.st.NewID(), CreatedAt: time.Now(), UpdatedAt: time.Now(), AccountID: author.ID, Local: author.IsLocal(), Visibility: vis}
				st.URI = fmt.Sprintf("%s/statuses/%d", author.URI, st.ID)
				if n%4 == 3 && prev != nil {
					st.InReplyToID, st.InReplyToURI, st.InReplyToAccountID = &prev.ID, prev.URI, &prev.AccountID
				}
				w.store(st)
				if mentioned != nil {
					w.mentions[[2]int64{st.ID, mentioned.ID}] = true
					if err := w.st.CreateMention(w.ctx, &models.Mention{StatusID: st.ID, AccountID: mentioned.ID}); err != nil {
						w.t.Fatal(err)
					}
				}
				if n%2 == 0 {
					w.tagged[st.ID] = true
					if err := w.st.LinkStatusTag(w.ctx, st.ID, tag.ID); err != nil {
						w.t.Fatal(err)
					}
				}
				if n%3 == 0 {
					w.withMedia[st.ID] = true
					if err := w.st.CreateMediaAttachment(w.ctx, &models.MediaAttachment{CreatedAt: time.Now(), AccountID: author.ID, StatusID: &st.ID, Type: "image"}); err != nil {
						w.t.Fatal(err)
					}
				}
				prev = st
			}
		}
	}
}

func (w *agreementWorld) store(st *models.Status) {
	w.t.Helper()
	if err := w.st.CreateStatus(w.ctx, st); err != nil {
		w.t.Fatal(err)
	}
	w.statuses = append(w.statuses, st)
	w.byID[st.ID] = st
}

// generateBoosts lets every account boost some public and unlisted
// statuses of others, whatever their relation (a block may come after the
// boost), as Service.Boost and the inbox store them: a public status
// pointing at the original.
func (w *agreementWorld) generateBoosts() {
	w.t.Helper()
	originals := slices.Clone(w.statuses)
	for i, booster := range w.accounts {
		for n, orig := range originals {
			if orig.AccountID == booster.ID || (n+i)%5 != 0 ||
				(orig.Visibility != models.VisibilityPublic && orig.Visibility != models.VisibilityUnlisted) {
				continue
			}
			b := &models.Status{ID: w.st.NewID(), CreatedAt: time.Now(), UpdatedAt: time.Now(), AccountID: booster.ID, Local: booster.IsLocal(),
				ReblogOfID: &orig.ID, Visibility: models.VisibilityPublic}
			b.URI = fmt.Sprintf("%s/statuses/%d/activity", booster.URI, b.ID)
			w.store(b)
		}
	}
}

// generateFavouritesAndBookmarks has every account like and bookmark every
// status that is not a boost, visible to it or not: the lists must drop
// those it may not (or no longer) see.
func (w *agreementWorld) generateFavouritesAndBookmarks() {
	w.t.Helper()
	for _, a := range w.accounts {
		for _, st := range w.statuses {
			if st.ReblogOfID != nil {
				continue
			}
			if err := w.st.CreateFavourite(w.ctx, &models.Favourite{CreatedAt: time.Now(), AccountID: a.ID, StatusID: st.ID, URI: fmt.Sprintf("%s/likes/%d", a.URI, st.ID)}); err != nil {
				w.t.Fatal(err)
			}
			if err := w.st.CreateBookmark(w.ctx, &models.Bookmark{CreatedAt: time.Now(), AccountID: a.ID, StatusID: st.ID}); err != nil {
				w.t.Fatal(err)
			}
		}
	}
}

// author is the account that wrote st, or for a boost the booster.
func (w *agreementWorld) author(st *models.Status) *models.Account {
	for _, a := range w.accounts {
		if a.ID == st.AccountID {
			return a
		}
	}
	w.t.Fatalf("status %d: unknown author", st.ID)
	return nil
}

// mutedFor reports whether viewer mutes st's author or, for a boost, the
// boosted status's author (home hides both).
func (w *agreementWorld) mutedFor(viewer *models.Account, st *models.Status) bool {
	if w.mutes[[2]int64{viewer.ID, st.AccountID}] {
		return true
	}
	return st.ReblogOfID != nil && w.mutes[[2]int64{viewer.ID, w.byID[*st.ReblogOfID].AccountID}]
}

// visibleSet is CanSee, the Go rule, for every generated status.
func (w *agreementWorld) visibleSet(viewer *models.Account) map[int64]bool {
	w.t.Helper()
	out := map[int64]bool{}
	for _, st := range w.statuses {
		ok, err := w.svc.Core().CanSee(w.ctx, viewer, st)
		if err != nil {
			w.t.Fatal(err)
		}
		out[st.ID] = ok
	}
	return out
}

// expected is { st : selected(st) && visible[st] }, newest first as every
// listing orders.
func (w *agreementWorld) expected(visible map[int64]bool, selected func(*models.Status) bool) []int64 {
	var out []int64
	for _, st := range w.statuses {
		if visible[st.ID] && selected(st) {
			out = append(out, st.ID)
		}
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out
}

// allPages walks a listing page by page with max_id until it is empty and
// returns every id, newest first.
func allPages(t *testing.T, list func(core.Page) ([]int64, error)) []int64 {
	t.Helper()
	var out []int64
	p := core.Page{Limit: core.MaxPageLimit}
	for range 1000 {
		page, err := list(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		p.MaxID = page[len(page)-1]
	}
	t.Fatal("listing never ended")
	return nil
}

// statusIDs adapts a listing of statuses to allPages.
func statusIDs(list func(core.Page) ([]*models.Status, error)) func(core.Page) ([]int64, error) {
	return func(p core.Page) ([]int64, error) {
		sts, err := list(p)
		return ids(sts), err
	}
}

// entryPages walks a list paged by entry id (favourites, bookmarks) and
// returns the status ids, newest entry first.
func entryPages[E any](t *testing.T, list func(core.Page) ([]E, error), entry func(E) (id, statusID int64)) []int64 {
	t.Helper()
	var out []int64
	allPages(t, func(p core.Page) ([]int64, error) {
		es, err := list(p)
		var entryIDs []int64
		for _, e := range es {
			id, sid := entry(e)
			entryIDs = append(entryIDs, id)
			out = append(out, sid)
		}
		return entryIDs, err
	})
	return out
}

// sameSet compares two lists of ids as sets; listings ordered by entry id
// (likes, bookmarks) are not in status order.
func sameSet(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// diff names the ids only in got and only in want, with what they are.
func (w *agreementWorld) diff(viewer *models.Account, got, want []int64) string {
	describe := func(ids []int64, other []int64) []string {
		var out []string
		for _, id := range ids {
			if slices.Contains(other, id) {
				continue
			}
			st := w.byID[id]
			d := fmt.Sprintf("%d(%s by %s", id, st.Visibility, w.author(st).Username)
			if viewer != nil {
				d += ", " + w.relation(viewer, w.author(st)).String()
				if w.mentions[[2]int64{id, viewer.ID}] {
					d += ", mentioned"
				}
			}
			if st.ReblogOfID != nil {
				orig := w.byID[*st.ReblogOfID]
				d += fmt.Sprintf(", boost of %s by %s", orig.Visibility, w.author(orig).Username)
				if viewer != nil {
					d += ", " + w.relation(viewer, w.author(orig)).String()
				}
			}
			out = append(out, d+")")
		}
		return out
	}
	return fmt.Sprintf("listed but not visible or not selected: %v; visible and selected but not listed: %v", describe(got, want), describe(want, got))
}

// viewerName is a viewer's name in a subtest.
func viewerName(v *models.Account) string {
	if v == nil {
		return "anonymous"
	}
	return v.Username + "@" + v.Domain
}

func TestVisibilityRuleAgreesWithEveryTimeline(t *testing.T) {
	w := newAgreementWorld(t)
	w.checkCoverage()
	viewers := append([]*models.Account{nil}, w.accounts...)
	for _, viewer := range viewers {
		t.Run(viewerName(viewer), func(t *testing.T) {
			visible := w.visibleSet(viewer)
			for _, c := range w.listings(viewer) {
				want := w.expected(visible, c.selected)
				var got []int64
				if c.entries != nil {
					// Paged by like or bookmark, not in status order.
					if got = c.entries(t); sameSet(got, want) {
						continue
					}
				} else if got = allPages(t, c.list); slices.Equal(got, want) {
					continue
				}
				t.Errorf("%s: SQL listing and CanSee disagree: %s", c.name, w.diff(viewer, got, want))
			}
			w.checkThreads(t, viewer, visible)
			w.checkTagHome(t, viewer, visible)
		})
	}
}

// listing is one SQL-filtered list of statuses and the selection it makes
// before visibility: what it would show if every status were visible.
type listing struct {
	name     string
	list     func(core.Page) ([]int64, error)
	entries  func(*testing.T) []int64 // lists paged by entry id instead of status id
	selected func(*models.Status) bool
}

// listings are every listing that filters statuses by visibility in SQL,
// as viewer (nil: anonymous) sees them.
func (w *agreementWorld) listings(viewer *models.Account) []listing {
	svc, ctx := w.svc, w.ctx
	isPublic := func(st *models.Status) bool {
		return st.Visibility == models.VisibilityPublic && st.ReblogOfID == nil
	}
	var out []listing
	add := func(name string, list func(core.Page) ([]*models.Status, error), selected func(*models.Status) bool) {
		out = append(out, listing{name: name, list: statusIDs(list), selected: selected})
	}
	add("public timeline", func(p core.Page) ([]*models.Status, error) {
		return svc.Social().PublicTimeline(ctx, viewer, false, false, p)
	}, isPublic)
	add("local timeline", func(p core.Page) ([]*models.Status, error) {
		return svc.Social().PublicTimeline(ctx, viewer, true, false, p)
	}, func(st *models.Status) bool { return isPublic(st) && st.Local })
	add("remote timeline with media", func(p core.Page) ([]*models.Status, error) {
		return svc.Social().FilteredPublicTimeline(ctx, viewer, social.TimelineOptions{Remote: true, OnlyMedia: true}, p)
	}, func(st *models.Status) bool { return isPublic(st) && !st.Local && w.withMedia[st.ID] })
	add("tag timeline", func(p core.Page) ([]*models.Status, error) {
		return svc.Social().TagTimeline(ctx, viewer, "#Agree", p)
	}, func(st *models.Status) bool { return isPublic(st) && w.tagged[st.ID] })
	add("local tag timeline", func(p core.Page) ([]*models.Status, error) {
		return svc.Social().FilteredTagTimeline(ctx, viewer, "agree", social.TimelineOptions{Local: true}, p)
	}, func(st *models.Status) bool { return isPublic(st) && w.tagged[st.ID] && st.Local })
	for _, author := range w.accounts {
		byAuthor := func(st *models.Status) bool { return st.AccountID == author.ID }
		add("statuses of "+author.Username, func(p core.Page) ([]*models.Status, error) {
			return svc.Social().AccountStatuses(ctx, viewer, author, p)
		}, byAuthor)
		add("statuses of "+author.Username+" without replies or boosts", func(p core.Page) ([]*models.Status, error) {
			return svc.Social().AccountStatusesFiltered(ctx, viewer, author, p, social.AccountStatusFilter{ExcludeReplies: true, ExcludeReblogs: true})
		}, func(st *models.Status) bool {
			return byAuthor(st) && st.ReblogOfID == nil && (st.InReplyToID == nil || *st.InReplyToAccountID == author.ID)
		})
		add("statuses of "+author.Username+" with media tagged #agree", func(p core.Page) ([]*models.Status, error) {
			return svc.Social().AccountStatusesFiltered(ctx, viewer, author, p, social.AccountStatusFilter{OnlyMedia: true, Tagged: "agree"})
		}, func(st *models.Status) bool { return byAuthor(st) && w.withMedia[st.ID] && w.tagged[st.ID] })
	}
	if viewer == nil {
		return out
	}
	add("home timeline", func(p core.Page) ([]*models.Status, error) {
		return svc.Social().HomeTimeline(ctx, viewer, p)
	}, func(st *models.Status) bool {
		followed := st.AccountID == viewer.ID || w.follows[[2]int64{viewer.ID, st.AccountID}] || w.byFollowedTag(viewer, st)
		return followed && st.Visibility != models.VisibilityDirect && !w.mutedFor(viewer, st)
	})
	notBoost := func(st *models.Status) bool { return st.ReblogOfID == nil }
	out = append(out, listing{name: "favourites", selected: notBoost, entries: func(t *testing.T) []int64 {
		return entryPages(t, func(p core.Page) ([]core.StatusEntry, error) { return svc.Social().Favourites(ctx, viewer, p) },
			func(e core.StatusEntry) (int64, int64) { return e.ID, e.Status.ID })
	}})
	out = append(out, listing{name: "bookmarks", selected: notBoost, entries: func(t *testing.T) []int64 {
		return entryPages(t, func(p core.Page) ([]core.StatusEntry, error) { return svc.Social().Bookmarks(ctx, viewer, p) },
			func(e core.StatusEntry) (int64, int64) { return e.ID, e.Status.ID })
	}})
	return out
}

// checkThreads checks the context of every reply chain: a status viewer
// may not see is not found, and its ancestors and descendants are exactly
// the visible part of the chain.
func (w *agreementWorld) checkThreads(t *testing.T, viewer *models.Account, visible map[int64]bool) {
	t.Helper()
	for _, st := range w.statuses {
		if st.InReplyToID == nil {
			continue
		}
		up, down, err := w.svc.Social().Thread(w.ctx, viewer, st.ID)
		if !visible[st.ID] {
			if !errors.Is(err, core.ErrNotFound) {
				t.Errorf("thread of %d, which CanSee hides: err %v, want ErrNotFound", st.ID, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		parent := *st.InReplyToID
		wantUp := []int64{}
		if visible[parent] {
			wantUp = append(wantUp, parent)
		}
		if got := append([]int64{}, ids(up)...); !slices.Equal(got, wantUp) {
			t.Errorf("ancestors of %d: got %v, want %v", st.ID, got, wantUp)
		}
		var wantDown []int64
		for _, other := range w.statuses {
			if other.InReplyToID != nil && *other.InReplyToID == st.ID && visible[other.ID] {
				wantDown = append(wantDown, other.ID)
			}
		}
		if got := ids(down); !sameSet(got, wantDown) {
			t.Errorf("descendants of %d: got %v, want %v", st.ID, got, wantDown)
		}
	}
}

// checkCoverage fails the test if the generated data misses a combination
// of relation, visibility, mention and local or remote author, so that a
// change to the generator cannot quietly weaken the test.
func (w *agreementWorld) checkCoverage() {
	w.t.Helper()
	seen := map[string]bool{}
	key := func(rel relation, vis models.Visibility, mentioned, local bool) string {
		return fmt.Sprintf("%s/%s/mentioned=%t/local=%t", rel, vis, mentioned, local)
	}
	for _, viewer := range w.accounts {
		for _, st := range w.statuses {
			if st.ReblogOfID == nil {
				seen[key(w.relation(viewer, w.author(st)), st.Visibility, w.mentions[[2]int64{st.ID, viewer.ID}], st.Local)] = true
			}
		}
	}
	for rel := relNone; rel <= relSelf; rel++ {
		for _, vis := range []models.Visibility{models.VisibilityPublic, models.VisibilityUnlisted, models.VisibilityPrivate, models.VisibilityDirect} {
			for _, mentioned := range []bool{false, true} {
				for _, local := range []bool{false, true} {
					if rel == relSelf && mentioned {
						continue // nobody mentions themselves here
					}
					if k := key(rel, vis, mentioned, local); !seen[k] {
						w.t.Errorf("generated data has no status for %s", k)
					}
				}
			}
		}
	}
}
