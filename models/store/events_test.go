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

// waitEvent reads events from ch until one matches want or the deadline
// passes.
func waitEvent(t *testing.T, ch <-chan store.Event, want store.Event, within time.Duration) bool {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("subscription closed")
			}
			if ev == want {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

func TestEmitCommittedIsReceived(t *testing.T) {
	s := storetest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := s.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Event{Kind: store.EventStatus, ID: s.NewID(), AccountID: 7}
	err = s.WithTx(ctx, func(tx *store.Store) error {
		return tx.Emit(ctx, want)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !waitEvent(t, ch, want, 10*time.Second) {
		t.Fatal("committed event not received")
	}
}

func TestEmitRolledBackIsDropped(t *testing.T) {
	s := storetest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := s.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lost := store.Event{Kind: store.EventNotification, ID: s.NewID(), AccountID: 1}
	boom := errors.New("boom")
	if err := s.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.Emit(ctx, lost); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("WithTx = %v", err)
	}
	// A later committed event proves delivery works and, arriving first,
	// that the rolled-back one was never sent.
	marker := store.Event{Kind: store.EventDelete, ID: s.NewID()}
	if err := s.WithTx(ctx, func(tx *store.Store) error { return tx.Emit(ctx, marker) }); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-ch:
			if ev == lost {
				t.Fatal("rolled-back event was delivered")
			}
			if ev == marker {
				return
			}
		case <-deadline:
			t.Fatal("marker event not received")
		}
	}
}

func TestEmitInNestedTxWaitsForOuterCommit(t *testing.T) {
	s := storetest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := s.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inner := store.Event{Kind: store.EventStatus, ID: s.NewID()}
	boom := errors.New("boom")
	_ = s.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.WithTx(ctx, func(tx2 *store.Store) error { return tx2.Emit(ctx, inner) }); err != nil {
			return err
		}
		return boom
	})
	marker := store.Event{Kind: store.EventDelete, ID: s.NewID()}
	if err := s.Emit(ctx, marker); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case ev := <-ch:
			if ev == inner {
				t.Fatal("event of a rolled-back outer transaction was delivered")
			}
			if ev == marker {
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatal("marker event not received")
		}
	}
}

func TestSubscriptionClosesWithContext(t *testing.T) {
	s := storetest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := s.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case _, ok := <-ch:
		for ok {
			_, ok = <-ch
		}
	case <-time.After(5 * time.Second):
		t.Fatal("subscription not closed")
	}
}

// Two Stores on one PostgreSQL database stand for two plaza serve
// processes: what one emits, the other's subscribers receive.
func TestEventsCrossStoresOnPostgres(t *testing.T) {
	if storetest.Driver() != store.DriverPostgres {
		t.Skip("needs PLAZA_TEST_DATABASE=postgres")
	}
	cfg := storetest.Config(t)
	a, err := store.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := store.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := b.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Event{Kind: store.EventConversation, ID: a.NewID(), AccountID: 42}
	if err := a.WithTx(ctx, func(tx *store.Store) error { return tx.Emit(ctx, want) }); err != nil {
		t.Fatal(err)
	}
	if !waitEvent(t, ch, want, 10*time.Second) {
		t.Fatal("event emitted through one store not received through the other")
	}
}

func TestStoreWritesEmit(t *testing.T) {
	s, ann, _ := socialFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := s.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st := newStatus(t, s, ann, models.VisibilityPublic, nil)
	if !waitEvent(t, ch, store.Event{Kind: store.EventStatus, ID: st.ID, AccountID: st.AccountID}, 10*time.Second) {
		t.Fatal("no status event")
	}
	if _, err := s.DeleteStatusCascade(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	if !waitEvent(t, ch, store.Event{Kind: store.EventDelete, ID: st.ID}, 10*time.Second) {
		t.Fatal("no delete event")
	}
}
