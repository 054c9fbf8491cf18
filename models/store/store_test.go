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

func localAccount(name string) *models.Account {
	return &models.Account{
		Username: name, ActorType: models.ActorPerson,
		URI: "https://example.test/users/" + name, PublicKeyID: "https://example.test/users/" + name + "#main-key",
		PublicKeyPEM: "pem",
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Fatalf("schema version = %d, %v; want >= 1", v, err)
	}
}

func TestUsernamesAreUniqueCaseInsensitively(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	if err := s.CreateAccount(ctx, localAccount("alice")); err != nil {
		t.Fatal(err)
	}
	dup := localAccount("ALICE")
	dup.URI += "-2"
	if err := s.CreateAccount(ctx, dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate username: err = %v, want ErrConflict", err)
	}
	a, err := s.LocalAccountByUsername(ctx, "Alice")
	if err != nil || a.Username != "alice" {
		t.Fatalf("lookup: %+v, %v", a, err)
	}
	if _, err := s.LocalAccountByUsername(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown: err = %v, want ErrNotFound", err)
	}
}

func TestUpsertRemoteAccountKeepsID(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	a := &models.Account{Username: "bob", Domain: "remote.test", ActorType: models.ActorPerson,
		URI: "https://remote.test/users/bob", PublicKeyID: "https://remote.test/users/bob#main-key", PublicKeyPEM: "old"}
	if err := s.UpsertRemoteAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	first := a.ID
	b := *a
	b.ID = 0
	b.PublicKeyPEM = "new"
	if err := s.UpsertRemoteAccount(ctx, &b); err != nil {
		t.Fatal(err)
	}
	got, err := s.AccountByPublicKeyID(ctx, "https://remote.test/users/bob#main-key")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != first || got.PublicKeyPEM != "new" {
		t.Fatalf("after refresh: id %d key %q; want id %d key new", got.ID, got.PublicKeyPEM, first)
	}
}

func TestRecordInboxActivityOnce(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	rec := func() bool {
		ok, err := s.RecordInboxActivity(ctx, &models.InboxActivity{ActivityURI: "https://remote.test/a/1", Type: "Create", ActorURI: "https://remote.test/users/bob", Raw: "{}"})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !rec() {
		t.Fatal("first delivery not recorded")
	}
	if rec() {
		t.Fatal("replay recorded twice")
	}
	if n, _ := s.CountInboxActivities(ctx, ""); n != 1 {
		t.Fatalf("count = %d, want 1", n)
	}
}

func TestWithTxRollsBack(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateAccount(ctx, localAccount("carol")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if _, err := s.LocalAccountByUsername(ctx, "carol"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("rolled-back account exists: %v", err)
	}
}

func TestIDsSortByTime(t *testing.T) {
	g := store.NewIDGenerator()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a, b := g.At(t0), g.At(t0.Add(time.Millisecond))
	c := g.At(t0) // clock went back: still increasing
	if !(a < b && b < c) {
		t.Fatalf("ids not increasing: %d %d %d", a, b, c)
	}
	if !store.IDTime(a).Equal(t0) {
		t.Fatalf("IDTime = %v, want %v", store.IDTime(a), t0)
	}
	seen := map[int64]bool{}
	for i := 0; i < 200000; i++ {
		id := g.At(t0)
		if seen[id] {
			t.Fatalf("duplicate id after %d", i)
		}
		seen[id] = true
	}
}
