package federation

import (
	"context"
	"slices"
	"testing"
	"time"

	"plaza/models"
)

func TestPublishSkipsBlockedDomains(t *testing.T) {
	w := newWorld(t)
	if err := w.st.CreateDomainBlock(context.Background(), &models.DomainBlock{CreatedAt: time.Now(), Domain: "masto.example"}); err != nil {
		t.Fatal(err)
	}
	s := w.status(t, models.VisibilityPublic, w.carol, w.f1)
	ds := w.publish(t, &models.Outgoing{Type: "Create", ID: s.URI + "/activity", Actor: w.alice, Status: s})
	want := []string{"https://akkoma.example/inbox", "https://gts.example/users/f3/inbox"}
	if got := inboxesOf(ds); !slices.Equal(got, want) {
		t.Fatalf("inboxes = %q, want %q", got, want)
	}
}
