package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"plaza/models"
	"plaza/models/store"
)

func statsOf(t *testing.T, s *store.Store, id int64) store.AccountStats {
	t.Helper()
	m, err := s.StatsOfAccounts(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	return m[id]
}

func wantStats(t *testing.T, s *store.Store, what string, id, statuses, followers, following int64) {
	t.Helper()
	got := statsOf(t, s, id)
	if got.Statuses != statuses || got.Followers != followers || got.Following != following {
		t.Fatalf("%s: statuses/followers/following = %d/%d/%d, want %d/%d/%d", what,
			got.Statuses, got.Followers, got.Following, statuses, followers, following)
	}
}

// TestAccountStatsFollowTheRows: every change that moves a counter moves it
// in its own transaction, and a recount from the tables agrees.
func TestAccountStatsFollowTheRows(t *testing.T) {
	s, ann, ben := socialFixture(t)
	ctx := context.Background()
	wantStats(t, s, "fresh", ann.ID, 0, 0, 0)

	pub := newStatus(t, s, ann, models.VisibilityPublic, nil)
	newStatus(t, s, ann, models.VisibilityDirect, nil) // not on the profile
	unl := newStatus(t, s, ann, models.VisibilityUnlisted, nil)
	wantStats(t, s, "posted", ann.ID, 2, 0, 0)
	if got := statsOf(t, s, ann.ID).LastStatusAt; got == nil || !got.Equal(store.IDTime(unl.ID)) {
		t.Fatalf("last status at %v, want %v", got, store.IDTime(unl.ID))
	}

	f := &models.Follow{AccountID: ben.ID, TargetAccountID: ann.ID, URI: "https://a.test/f1"}
	if err := s.CreateFollow(ctx, f); err != nil {
		t.Fatal(err)
	}
	wantStats(t, s, "follow request", ann.ID, 2, 0, 0)
	for range 2 { // accepting twice counts once
		if err := s.AcceptFollow(ctx, f.ID); err != nil {
			t.Fatal(err)
		}
	}
	wantStats(t, s, "accepted", ann.ID, 2, 1, 0)
	wantStats(t, s, "follower", ben.ID, 0, 0, 1)

	if _, err := s.DeleteStatusCascade(ctx, unl.ID); err != nil {
		t.Fatal(err)
	}
	wantStats(t, s, "deleted newest", ann.ID, 1, 1, 0)
	if got := statsOf(t, s, ann.ID).LastStatusAt; got == nil || !got.Equal(store.IDTime(pub.ID)) {
		t.Fatalf("last status after delete %v, want %v", got, store.IDTime(pub.ID))
	}
	// A boost by ben counts for ben, and goes with the boosted status.
	boost := &models.Status{URI: ben.URI + "/b1", AccountID: ben.ID, Local: true, Visibility: models.VisibilityPublic, ReblogOfID: &pub.ID}
	if err := s.CreateStatus(ctx, boost); err != nil {
		t.Fatal(err)
	}
	wantStats(t, s, "boosted", ben.ID, 1, 0, 1)
	if _, err := s.DeleteStatusCascade(ctx, pub.ID); err != nil {
		t.Fatal(err)
	}
	wantStats(t, s, "boosted status gone", ben.ID, 0, 0, 1)
	if got := statsOf(t, s, ann.ID); got.Statuses != 0 || got.LastStatusAt != nil {
		t.Fatalf("after deleting everything: %+v", got)
	}

	if _, err := s.DeleteFollowsBetween(ctx, ann.ID, ben.ID); err != nil {
		t.Fatal(err)
	}
	wantStats(t, s, "unfollowed", ann.ID, 0, 0, 0)
	wantStats(t, s, "unfollowed", ben.ID, 0, 0, 0)
	if err := s.DeleteFollow(ctx, f.ID); err != nil { // gone already: nothing moves
		t.Fatal(err)
	}
	wantStats(t, s, "deleted twice", ann.ID, 0, 0, 0)
}

// TestAccountStatsUnderConcurrency: concurrent posts, follows and deletes
// add up on both databases (no lost updates), and RecountStats agrees
// (cmd/plaza TestAdminRecount repairs tampered counters).
func TestAccountStatsUnderConcurrency(t *testing.T) {
	s, ann, _ := socialFixture(t)
	ctx := context.Background()
	const n = 12
	followers := make([]*models.Account, n)
	for i := range followers {
		followers[i] = localAccount(fmt.Sprintf("f%d", i))
		if err := s.CreateAccount(ctx, followers[i]); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 3*n)
	statuses := make([]*models.Status, n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			st := &models.Status{ID: s.NewID(), URI: fmt.Sprintf("%s/c%d", ann.URI, i), AccountID: ann.ID, Local: true, Visibility: models.VisibilityPublic}
			statuses[i] = st
			errs <- s.CreateStatus(ctx, st)
		}()
		go func() {
			defer wg.Done()
			errs <- s.CreateFollow(ctx, &models.Follow{AccountID: followers[i].ID, TargetAccountID: ann.ID, Accepted: true, URI: fmt.Sprintf("https://a.test/cf%d", i)})
		}()
	}
	wg.Wait()
	for range 2 * n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	wantStats(t, s, "concurrent creates", ann.ID, n, n, 0)
	for i := range n / 2 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := s.DeleteStatusCascade(ctx, statuses[i].ID)
			errs <- err
		}()
		go func() { // the same unfollow twice at once counts once
			defer wg.Done()
			_, err := s.DeleteFollowsBetween(ctx, followers[0].ID, ann.ID)
			errs <- err
		}()
	}
	wg.Wait()
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	wantStats(t, s, "concurrent deletes", ann.ID, n-n/2, n-1, 0)

	if err := s.RecountStats(ctx); err != nil {
		t.Fatal(err)
	}
	wantStats(t, s, "recount", ann.ID, n-n/2, n-1, 0)
	wantStats(t, s, "recount", followers[1].ID, 0, 0, 1)
}
