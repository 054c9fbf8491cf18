package federation

import (
	"slices"
	"testing"

	"plaza/models"
)

// A supporter-only Create for one instance names that instance's
// supporters and the author's supporters collection, nobody else: no
// followers, no Public, no supporter on another server; it goes to the
// supporter's own inbox, so Mastodon and GoToSocial read it as direct.
func TestPublishSupportersOnlyToThatInstancesSupporters(t *testing.T) {
	w := newWorld(t)
	s := w.status(t, models.VisibilitySupporters)
	ds := w.publish(t, &models.Outgoing{Type: "Create", ID: s.URI + "/activity", Actor: w.alice, Status: s, Recipients: []*models.Account{w.f1}})
	if got := inboxesOf(ds); !slices.Equal(got, []string{w.f1.InboxURI}) {
		t.Fatalf("inboxes = %q, want only f1's personal inbox", got)
	}
	act, err := DecodeActivity([]byte(ds[0].Payload))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{w.alice.URI + "/supporters", w.f1.URI}
	if !slices.Equal(act.To, want) || len(act.Cc) != 0 || !slices.Equal(act.Object.To, want) || len(act.Object.Cc) != 0 {
		t.Fatalf("addressed to %v cc %v (object %v cc %v), want %v", act.To, act.Cc, act.Object.To, act.Object.Cc, want)
	}
}
