package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
)

func socialFixture(t *testing.T) (*store.Store, *models.Account, *models.Account) {
	t.Helper()
	s := storetest.Open(t)
	ctx := context.Background()
	a, b := localAccount("ann"), localAccount("ben")
	for _, acct := range []*models.Account{a, b} {
		if err := s.CreateAccount(ctx, acct); err != nil {
			t.Fatal(err)
		}
	}
	return s, a, b
}

func newStatus(t *testing.T, s *store.Store, author *models.Account, vis models.Visibility, replyTo *int64) *models.Status {
	t.Helper()
	now := time.Now().UTC()
	st := &models.Status{CreatedAt: now, UpdatedAt: now, AccountID: author.ID, Local: true, Visibility: vis, InReplyToID: replyTo}
	st.ID = s.NewID()
	st.URI = author.URI + "/statuses/" + time.Now().Format("150405.000000000")
	if err := s.CreateStatus(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return st
}

func statusIDs(list []*models.Status) []int64 {
	var out []int64
	for _, st := range list {
		out = append(out, st.ID)
	}
	return out
}

func TestStatusPagingAndVisibility(t *testing.T) {
	s, ann, ben := socialFixture(t)
	ctx := context.Background()
	pub := newStatus(t, s, ann, models.VisibilityPublic, nil)
	priv := newStatus(t, s, ann, models.VisibilityPrivate, nil)
	dm := newStatus(t, s, ann, models.VisibilityDirect, nil)
	unl := newStatus(t, s, ann, models.VisibilityUnlisted, nil)

	check := func(name string, viewer int64, p store.Page, want ...int64) {
		t.Helper()
		got, err := s.AccountStatuses(ctx, viewer, ann.ID, p)
		if err != nil || !slices.Equal(statusIDs(got), want) {
			t.Fatalf("%s: %v %v, want %v", name, statusIDs(got), err, want)
		}
	}
	check("anonymous", 0, store.Page{}, unl.ID, pub.ID)
	check("stranger", ben.ID, store.Page{}, unl.ID, pub.ID)
	check("self", ann.ID, store.Page{}, unl.ID, dm.ID, priv.ID, pub.ID)
	check("self, max_id", ann.ID, store.Page{MaxID: dm.ID, Limit: 1}, priv.ID)
	check("self, min_id", ann.ID, store.Page{MinID: pub.ID, Limit: 2}, dm.ID, priv.ID)
	check("self, since_id", ann.ID, store.Page{SinceID: priv.ID}, unl.ID, dm.ID)

	if err := s.CreateFollow(ctx, &models.Follow{AccountID: ben.ID, TargetAccountID: ann.ID, URI: "f1", Accepted: true, CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	check("follower", ben.ID, store.Page{}, unl.ID, priv.ID, pub.ID)
	if err := s.CreateMention(ctx, &models.Mention{StatusID: dm.ID, AccountID: ben.ID}); err != nil {
		t.Fatal(err)
	}
	check("mentioned follower", ben.ID, store.Page{}, unl.ID, dm.ID, priv.ID, pub.ID)
	home, err := s.HomeTimeline(ctx, ben.ID, store.Page{})
	if err != nil || !slices.Equal(statusIDs(home), []int64{unl.ID, priv.ID, pub.ID}) {
		t.Fatalf("home: %v %v", statusIDs(home), err)
	}
	if err := s.CreateBlock(ctx, &models.Block{AccountID: ann.ID, TargetAccountID: ben.ID, URI: "b1", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	check("blocked", ben.ID, store.Page{})
	if home, _ := s.HomeTimeline(ctx, ben.ID, store.Page{}); len(home) != 0 {
		t.Fatalf("home of blocked: %v", statusIDs(home))
	}
}

func TestCountsThreadsAndCascade(t *testing.T) {
	s, ann, ben := socialFixture(t)
	ctx := context.Background()
	root := newStatus(t, s, ann, models.VisibilityPublic, nil)
	r1 := newStatus(t, s, ben, models.VisibilityPublic, &root.ID)
	r2 := newStatus(t, s, ann, models.VisibilityPublic, &r1.ID)
	for _, d := range []int64{1, -1, -1} {
		if err := s.AddStatusCount(ctx, root.ID, "favourites_count", d); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.StatusWithAccount(ctx, root.ID); got.FavouritesCount != 0 || got.Account == nil {
		t.Fatalf("count went below zero or no account: %+v", got)
	}
	if err := s.AddStatusCount(ctx, root.ID, "id; DROP TABLE statuses", 1); err == nil {
		t.Fatal("unknown counter accepted")
	}
	up, err := s.Ancestors(ctx, r2.ID)
	if err != nil || !slices.Equal(statusIDs(up), []int64{root.ID, r1.ID}) {
		t.Fatalf("ancestors: %v %v", statusIDs(up), err)
	}
	down, err := s.Descendants(ctx, root.ID)
	if err != nil || !slices.Equal(statusIDs(down), []int64{r1.ID, r2.ID}) {
		t.Fatalf("descendants: %v %v", statusIDs(down), err)
	}
	if err := s.CreateFavourite(ctx, &models.Favourite{AccountID: ben.ID, StatusID: root.ID, URI: "l1", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateFavourite(ctx, &models.Favourite{AccountID: ben.ID, StatusID: root.ID, URI: "l2", CreatedAt: time.Now()}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second like: %v", err)
	}
	boost := &models.Status{AccountID: ben.ID, ReblogOfID: &root.ID, URI: "boost1", Visibility: models.VisibilityPublic, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.CreateStatus(ctx, boost); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateNotification(ctx, &models.Notification{AccountID: ann.ID, FromAccountID: ben.ID, Type: models.NotifyFavourite, StatusID: &root.ID, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	boosts, err := s.DeleteStatusCascade(ctx, root.ID)
	if err != nil || len(boosts) != 1 {
		t.Fatalf("cascade: %v %v", boosts, err)
	}
	for _, id := range []int64{root.ID, boost.ID} {
		if _, err := s.StatusWithAccount(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("status %d survives: %v", id, err)
		}
	}
	if ns, _ := s.NotificationsOf(ctx, ann.ID, store.Page{}, nil, nil); len(ns) != 0 {
		t.Fatalf("notifications survive: %v", ns)
	}
}

func TestConversationRowsAndFollowsBothWays(t *testing.T) {
	s, ann, ben := socialFixture(t)
	ctx := context.Background()
	c1, err := s.ConversationByContext(ctx, "ctx1")
	if err != nil {
		t.Fatal(err)
	}
	if c2, _ := s.ConversationByContext(ctx, "ctx1"); c2.ID != c1.ID {
		t.Fatal("second conversation for one context")
	}
	for _, ac := range []models.AccountConversation{
		{AccountID: ann.ID, ConversationID: c1.ID, LastStatusID: 1, Unread: false},
		{AccountID: ben.ID, ConversationID: c1.ID, LastStatusID: 1, Unread: true},
		{AccountID: ann.ID, ConversationID: c1.ID, LastStatusID: 2, Unread: true},
	} {
		if err := s.TouchAccountConversation(ctx, &ac); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.AccountConversationsOf(ctx, ann.ID, store.Page{})
	if err != nil || len(got) != 1 || got[0].LastStatusID != 2 || !got[0].Unread {
		t.Fatalf("ann's conversations: %+v %v", got, err)
	}
	now := time.Now()
	for i, f := range []*models.Follow{{AccountID: ann.ID, TargetAccountID: ben.ID, URI: "f1"}, {AccountID: ben.ID, TargetAccountID: ann.ID, URI: "f2", Accepted: true}} {
		f.CreatedAt, f.UpdatedAt = now, now
		if err := s.CreateFollow(ctx, f); err != nil {
			t.Fatalf("follow %d: %v", i, err)
		}
	}
	if reqs, _ := s.FollowRequests(ctx, ben.ID, store.Page{}); len(reqs) != 1 || reqs[0].Account.ID != ann.ID {
		t.Fatalf("requests: %+v", reqs)
	}
	gone, err := s.DeleteFollowsBetween(ctx, ben.ID, ann.ID)
	if err != nil || len(gone) != 2 {
		t.Fatalf("deleted follows: %v %v", gone, err)
	}
}
