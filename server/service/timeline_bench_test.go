package service_test

import (
	"context"
	"fmt"
	"testing"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
	"plaza/server/service"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
)

// BenchmarkHomeTimeline measures the home timeline of a user who follows 200
// of 1,000 accounts that wrote 100,000 statuses between them (100 each,
// public, unlisted, followers-only and direct mixed). Run it with
//
//	go test -run '^$' -bench HomeTimeline -benchtime 200x ./server/service/
//
// (and PLAZA_TEST_DATABASE=postgres for PostgreSQL). Results are in
// docs/BENCHMARKS.md.
func BenchmarkHomeTimeline(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b)
	svc := service.New(core.Config{Host: "plaza.test", Protocol: "https", InstanceName: "Plaza"}, core.Deps{Store: st})
	viewer, err := svc.Accounts().CreateUser(ctx, accounts.CreateUserInput{Username: "viewer", Email: "viewer@example.com", Password: "correct horse"})
	if err != nil {
		b.Fatal(err)
	}
	const authors, perAuthor, followed = 1000, 100, 200
	visibilities := []models.Visibility{models.VisibilityPublic, models.VisibilityPublic, models.VisibilityUnlisted, models.VisibilityPrivate, models.VisibilityDirect}
	accounts := make([]*models.Account, authors)
	for i := range accounts {
		uri := fmt.Sprintf("https://remote%d.test/users/u%d", i%50, i)
		a := &models.Account{Username: fmt.Sprintf("u%d", i), Domain: fmt.Sprintf("remote%d.test", i%50), ActorType: models.ActorPerson,
			URI: uri, InboxURI: uri + "/inbox", FollowersURI: uri + "/followers", PublicKeyID: uri + "#main-key", PublicKeyPEM: "-"}
		if err := st.UpsertRemoteAccount(ctx, a); err != nil {
			b.Fatal(err)
		}
		accounts[i] = a
		if i < followed {
			if err := st.CreateFollow(ctx, &models.Follow{AccountID: viewer.ID, TargetAccountID: a.ID, Accepted: true, URI: fmt.Sprintf("https://plaza.test/users/viewer#follows/%d", i)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	// Interleave authors so each one's statuses spread over the id range.
	n := 0
	for round := 0; round < perAuthor; round++ {
		err := st.WithTx(ctx, func(tx *store.Store) error {
			for i, a := range accounts {
				n++
				s := &models.Status{URI: fmt.Sprintf("%s/statuses/%d", a.URI, round), AccountID: a.ID,
					Visibility: visibilities[(i+round)%len(visibilities)], Content: "<p>hello</p>"}
				if err := tx.CreateStatus(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := st.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	first, err := svc.Social().HomeTimeline(ctx, viewer, core.Page{Limit: 20})
	if err != nil || len(first) != 20 {
		b.Fatalf("first page: %d statuses, %v", len(first), err)
	}
	// A page deep in the past: the 20 after the 2,000th newest status.
	deep := first[len(first)-1].ID
	for i := 0; i < 100; i++ {
		page, err := svc.Social().HomeTimeline(ctx, viewer, core.Page{MaxID: deep, Limit: 20})
		if err != nil || len(page) == 0 {
			b.Fatalf("paging: %v", err)
		}
		deep = page[len(page)-1].ID
	}

	b.Run("first page", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Social().HomeTimeline(ctx, viewer, core.Page{Limit: 20}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("deep page (max_id)", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Social().HomeTimeline(ctx, viewer, core.Page{MaxID: deep, Limit: 20}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("public timeline", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Social().PublicTimeline(ctx, viewer, false, false, core.Page{Limit: 20}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
