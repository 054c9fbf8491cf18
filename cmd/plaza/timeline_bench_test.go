package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// seedHistory writes n statuses for each author straight into the store,
// interleaved between the authors, in transactions of 1,000 (public,
// unlisted, followers-only and direct in turn): old history under whatever
// is posted next.
func seedHistory(t testing.TB, st *store.Store, authors []*models.Account, n int) {
	t.Helper()
	ctx := context.Background()
	vis := []models.Visibility{models.VisibilityPublic, models.VisibilityUnlisted, models.VisibilityPrivate, models.VisibilityDirect}
	total := n * len(authors)
	for done := 0; done < total; {
		err := st.WithTx(ctx, func(tx *store.Store) error {
			for i := 0; i < 1000 && done < total; i, done = i+1, done+1 {
				a := authors[done%len(authors)]
				s := &models.Status{ID: tx.NewID(), AccountID: a.ID, Local: a.IsLocal(), Visibility: vis[(done/len(authors))%len(vis)],
					Content: "<p>history</p>", Text: "history"}
				s.URI = fmt.Sprintf("%s/statuses/%d", a.URI, s.ID)
				if err := tx.CreateStatus(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkTimelinePage serves one page (20 statuses) of the client API's
// timelines through an instance's HTTP handler — authentication, the
// timeline query, the page's details, account counters and JSON — when the
// viewer and the three accounts it follows wrote 100, then 20,000 statuses
// each. Run it with
//
//	go test -run '^$' -bench TimelinePage -benchtime 300x ./cmd/plaza/
//
// (and PLAZA_TEST_DATABASE=postgres); figures are in docs/BENCHMARKS.md.
func BenchmarkTimelinePage(b *testing.B) {
	for _, perAuthor := range []int{100, 20000} {
		b.Run(fmt.Sprintf("posts=%d", perAuthor), func(b *testing.B) {
			in := startInstance(b, "127.0.0.1")
			ctx := context.Background()
			viewer := in.createUser(b, "viewer")
			authors := []*models.Account{viewer}
			for i := range 3 {
				a := in.createUser(b, fmt.Sprintf("author%d", i))
				if _, err := in.svc.Social().Follow(ctx, viewer, a); err != nil {
					b.Fatal(err)
				}
				authors = append(authors, a)
			}
			seedHistory(b, in.store, authors, perAuthor)
			if err := in.store.Analyze(ctx); err != nil {
				b.Fatal(err)
			}
			token, err := in.svc.Accounts().CreateToken(ctx, "viewer", "read")
			if err != nil {
				b.Fatal(err)
			}
			for _, tl := range []struct{ name, path string }{
				{"home", "/api/v1/timelines/home?limit=20"},
				{"local", "/api/v1/timelines/public?local=true&limit=20"},
				{"account", "/api/v1/accounts/" + core.IDString(authors[1].ID) + "/statuses?limit=20"},
			} {
				b.Run(tl.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						req := httptest.NewRequest(http.MethodGet, "http://"+in.host+tl.path, nil)
						req.Header.Set("Authorization", "Bearer "+token)
						rec := httptest.NewRecorder()
						in.handler.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							b.Fatalf("GET %s: %d %s", tl.path, rec.Code, rec.Body.String())
						}
					}
				})
			}
		})
	}
}
