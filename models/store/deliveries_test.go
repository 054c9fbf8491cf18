package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
)

func TestClaimDueDeliveriesRace(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	now := time.Now().UTC()
	const n = 60
	for i := range n {
		d := &models.Delivery{ActivityURI: "https://a.example/act", InboxURL: fmt.Sprintf("https://b%d.example/inbox", i),
			Domain: fmt.Sprintf("b%d.example", i), SignerAccountID: 1, Payload: "{}", NextAttemptAt: now.Add(-time.Minute)}
		if err := st.EnqueueDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	// Not due yet: never claimed.
	if err := st.EnqueueDelivery(ctx, &models.Delivery{ActivityURI: "https://a.example/later", InboxURL: "https://c.example/inbox",
		Domain: "c.example", Payload: "{}", NextAttemptAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	owner := map[int64]string{}
	var wg sync.WaitGroup
	for _, worker := range []string{"w1", "w2", "w3"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				batch, err := st.ClaimDueDeliveries(ctx, worker, now, time.Minute, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(batch) == 0 {
					return
				}
				mu.Lock()
				for _, d := range batch {
					if prev, ok := owner[d.ID]; ok {
						t.Errorf("delivery %d claimed by %s and %s", d.ID, prev, worker)
					}
					owner[d.ID] = worker
					if d.LockedBy != worker || d.LockedUntil == nil {
						t.Errorf("claimed row %+v", d)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(owner) != n {
		t.Fatalf("claimed %d deliveries, want %d", len(owner), n)
	}

	// An expired lease frees the row for another worker.
	again, err := st.ClaimDueDeliveries(ctx, "w4", now.Add(2*time.Minute), time.Minute, 100)
	if err != nil || len(again) != n {
		t.Fatalf("after lease expiry claimed %d (%v), want %d", len(again), err, n)
	}
}

func TestDeliveryOutcomes(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	now := time.Now().UTC()
	d := &models.Delivery{ActivityURI: "https://a.example/act", InboxURL: "https://b.example/inbox", Domain: "b.example", Payload: "{}"}
	if err := st.EnqueueDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}
	next := now.Add(time.Hour)
	if err := st.MarkDeliveryRetry(ctx, d.ID, 1, next, "HTTP 503", 503); err != nil {
		t.Fatal(err)
	}
	got, err := st.DeliveriesByActivity(ctx, d.ActivityURI)
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
	if g := got[0]; g.Attempts != 1 || g.LastStatus != 503 || g.LastError != "HTTP 503" || g.NextAttemptAt.Sub(next).Abs() > time.Millisecond {
		t.Errorf("after retry: %+v", g)
	}
	if claimed, _ := st.ClaimDueDeliveries(ctx, "w", now, time.Minute, 10); len(claimed) != 0 {
		t.Errorf("claimed a delivery not due yet")
	}
	if err := st.MarkDelivered(ctx, d.ID, now); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.PendingDeliveries(ctx, 10); len(p) != 0 {
		t.Errorf("pending after delivered: %+v", p)
	}

	for i := 1; i <= 5; i++ {
		h, err := st.RecordDeliveryOutcome(ctx, "b.example", false, now, 5)
		if err != nil {
			t.Fatal(err)
		}
		if h.ConsecutiveFailures != i || (h.FailingSince != nil) != (i >= 5) {
			t.Errorf("failure %d: %+v", i, h)
		}
	}
	h, err := st.RecordDeliveryOutcome(ctx, "b.example", true, now, 5)
	if err != nil || h.ConsecutiveFailures != 0 || h.FailingSince != nil || h.LastSuccessAt == nil {
		t.Errorf("after success: %+v %v", h, err)
	}
	if h, err := st.InstanceHealthByDomain(ctx, "b.example"); err != nil || h.ConsecutiveFailures != 0 {
		t.Errorf("health: %+v %v", h, err)
	}
}

func TestFollowerInboxes(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	acc := func(name, domain, inbox, shared string) *models.Account {
		a := &models.Account{Username: name, Domain: domain, ActorType: models.ActorPerson, URI: "https://" + domain + "x/users/" + name,
			InboxURI: inbox, SharedInbox: shared, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := st.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	alice := acc("alice", "", "https://plaza.test/users/alice/inbox", "")
	f1 := acc("f1", "m.example", "https://m.example/users/f1/inbox", "https://m.example/inbox")
	f2 := acc("f2", "m.example", "https://m.example/users/f2/inbox", "https://m.example/inbox")
	f3 := acc("f3", "g.example", "https://g.example/users/f3/inbox", "")
	pending := acc("p", "p.example", "https://p.example/users/p/inbox", "")
	local := acc("bob", "", "https://plaza.test/users/bob/inbox", "")
	for _, f := range []*models.Account{f1, f2, f3, pending, local} {
		fl := &models.Follow{AccountID: f.ID, TargetAccountID: alice.ID, URI: f.URI + "/follow", Accepted: f != pending, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := st.CreateFollow(ctx, fl); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.FollowerInboxes(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"https://m.example/inbox": true, "https://g.example/users/f3/inbox": true}
	if len(got) != len(want) || !want[got[0]] || !want[got[1]] {
		t.Errorf("FollowerInboxes = %q", got)
	}
}
