package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
)

func TestAfterCommitRunsOnlyOnceCommitted(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	d := &models.Delivery{ActivityURI: "https://plaza.test/act/committed", InboxURL: "https://remote.test/inbox", Domain: "remote.test", Payload: "{}"}
	ran, visible := 0, false
	err := s.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.EnqueueDelivery(ctx, d); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			ran++
			// Outside the transaction the row must already be there.
			ds, err := s.DeliveriesByActivity(ctx, d.ActivityURI)
			visible = err == nil && len(ds) == 1
		})
		if ran != 0 {
			t.Error("after-commit callback ran inside the transaction")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ran != 1 || !visible {
		t.Fatalf("callback ran %d times, row visible to it: %v; want once, visible", ran, visible)
	}

	boom := errors.New("boom")
	rolledBack := 0
	err = s.WithTx(ctx, func(tx *store.Store) error {
		tx.AfterCommit(func() { rolledBack++ })
		// A savepoint that commits still waits for (and dies with) the outer one.
		if err := tx.WithTx(ctx, func(inner *store.Store) error {
			inner.AfterCommit(func() { rolledBack++ })
			return nil
		}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || rolledBack != 0 {
		t.Fatalf("WithTx = %v, callbacks of a rolled-back transaction ran %d times", err, rolledBack)
	}
}

// pendingWakeup reports (and takes) a wake-up pending on ch, without waiting.
func pendingWakeup(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestDeliveriesQueuedWakesAfterCommit(t *testing.T) {
	s := storetest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := s.DeliveriesQueued(ctx)
	if err != nil {
		t.Fatal(err)
	}
	enqueue := func(tx *store.Store, uri string) error {
		return tx.EnqueueDelivery(ctx, &models.Delivery{ActivityURI: uri, InboxURL: "https://remote.test/inbox", Domain: "remote.test", Payload: "{}"})
	}
	boom := errors.New("boom")
	if err := s.WithTx(ctx, func(tx *store.Store) error {
		if err := enqueue(tx, "https://plaza.test/act/rolled-back"); err != nil {
			return err
		}
		if pendingWakeup(ch) {
			t.Error("woken before the transaction ended")
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("WithTx = %v", err)
	}
	// In-process wake-ups are sent on the committing goroutine: none is
	// pending after a rollback, one is after a commit.
	if pendingWakeup(ch) {
		t.Error("a rolled-back transaction woke the deliverer")
	}
	if err := s.WithTx(ctx, func(tx *store.Store) error {
		for _, uri := range []string{"https://plaza.test/act/1", "https://plaza.test/act/2"} {
			if err := enqueue(tx, uri); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !pendingWakeup(ch) {
		t.Fatal("a committed enqueue did not wake the deliverer")
	}
}

// Two Stores on one PostgreSQL database stand for two plaza serve
// processes: a commit that queues deliveries in one wakes the other.
func TestDeliveriesQueuedWakesOtherProcessOnPostgres(t *testing.T) {
	if storetest.Driver() != store.DriverPostgres {
		t.Skip("needs PLAZA_TEST_DATABASE=postgres")
	}
	cfg := storetest.Config(t)
	a, err := store.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := b.DeliveriesQueued(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.WithTx(ctx, func(tx *store.Store) error {
		return tx.EnqueueDelivery(ctx, &models.Delivery{ActivityURI: "https://plaza.test/act/x", InboxURL: "https://remote.test/inbox", Domain: "remote.test", Payload: "{}"})
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("the other store was not woken")
	}
}
