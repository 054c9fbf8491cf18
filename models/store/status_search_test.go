package store_test

import (
	"context"
	"slices"
	"testing"

	"plaza/models"
	"plaza/models/store"
)

// TestStatusSearchMigrationIndexesExistingStatuses: step 11 fills the index
// from the statuses a database already has, as plain folded text.
func TestStatusSearchMigrationIndexesExistingStatuses(t *testing.T) {
	s, ann, _ := socialFixture(t)
	ctx := context.Background()
	st := newStatus(t, s, ann, models.VisibilityPublic, nil)
	st.Content = `<p>Crème <a href="https://x.test/tags/brulee" class="mention hashtag">#brûlée</a></p>`
	if err := s.SaveStatusContent(ctx, st); err != nil {
		t.Fatal(err)
	}
	db := s.TestDB()
	if err := db.Exec("DROP TABLE status_search").Error; err != nil {
		t.Fatal(err)
	}
	if err := store.CreateStatusSearch(db); err != nil {
		t.Fatal(err)
	}
	for words, want := range map[string]bool{"creme": true, "BRULEE": true, "mention": false, "href": false} {
		got, err := s.SearchStatuses(ctx, store.StatusSearch{Words: []string{words}})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(got, st.ID) != want {
			t.Errorf("%q: found %v, want the status: %v", words, got, want)
		}
	}
}
