package service_test

import (
	"bytes"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"

	"plaza/models"
	"plaza/server/service/media"
	"plaza/server/service/social"
)

// TestSearchStatusesFullText: a word finds the statuses the searcher may
// see that contain it — whatever its case or accents, local or remote —
// and nothing else; from: and has:media narrow the search; edits and
// deletes reach the index at once; query syntax in the words is text.
func TestSearchStatusesFullText(t *testing.T) {
	w := newWorld(t)
	find := func(viewer *models.Account, q string) []int64 {
		t.Helper()
		res, err := w.svc.Social().Search(w.ctx, viewer, q, []string{"statuses"}, false, 0)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return ids(res.Statuses)
	}
	same := func(q string, got []int64, want ...*models.Status) {
		t.Helper()
		wantIDs := make([]int64, len(want))
		for i, st := range want {
			wantIDs[i] = st.ID
		}
		if !slices.Equal(got, wantIDs) {
			t.Errorf("%q found %v, want %v (newest first)", q, got, wantIDs)
		}
	}

	public := w.post(w.bob, social.CreateStatusInput{Text: "The quick brown Fox jumps"})
	unlisted := w.post(w.bob, social.CreateStatusInput{Text: "another fox, unlisted", Visibility: models.VisibilityUnlisted})
	private := w.post(w.bob, social.CreateStatusInput{Text: "fox for followers", Visibility: models.VisibilityPrivate})
	dm := w.post(w.bob, social.CreateStatusInput{Text: "@carol a fox whisper", Visibility: models.VisibilityDirect})
	otherDM := w.post(w.bob, social.CreateStatusInput{Text: "@alice a fox for alice only", Visibility: models.VisibilityDirect})
	cafe := w.post(w.alice, social.CreateStatusInput{Text: "Meet me at the Café", SpoilerText: "coffee"})
	remote := note(w.mary, "fox1", "<p>a <b>Fox</b> from afar</p>", []string{models.PublicAddress}, nil)
	w.mustReceive(w.mary, &models.APActivity{ID: remote.ID + "/create", Type: "Create", Actor: w.mary.URI, Object: remote})
	fromMary := w.statusByURI(remote.ID)

	same("fox", find(w.carol, "fox"), fromMary, dm, unlisted, public)
	same("FOX as alice", find(w.alice, "FOX"), fromMary, otherDM, unlisted, public)
	same("fox signed out", find(nil, "fox"), fromMary, unlisted, public)
	same("two words", find(w.carol, "quick fox"), public)
	same("accents", find(w.carol, "cafe"), cafe)
	same("content warning", find(w.carol, "coffee"), cafe)
	same("markup is not text", find(w.carol, "b"))
	if _, err := w.svc.Social().Follow(w.ctx, w.carol, w.bob); err != nil {
		t.Fatal(err)
	}
	same("fox as a follower", find(w.carol, "fox"), fromMary, dm, private, unlisted, public)

	same("from:bob", find(w.carol, "from:bob fox"), dm, private, unlisted, public)
	same("from:mary@remote.test", find(w.carol, "fox from:mary@remote.test"), fromMary)
	same("from:me", find(w.bob, "from:me fox"), otherDM, dm, private, unlisted, public)
	same("from:nobody", find(w.carol, "fox from:nobody"))

	pic := new(bytes.Buffer)
	if err := png.Encode(pic, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	m, err := w.svc.Media().UploadMedia(w.ctx, media.MediaConfig{Dir: t.TempDir(), MaxBytes: 1 << 20}, w.bob, pic, "fox.png", "a fox", "")
	if err != nil {
		t.Fatal(err)
	}
	withMedia := w.post(w.bob, social.CreateStatusInput{Text: "fox picture", MediaIDs: []int64{m.ID}})
	same("has:media", find(w.carol, "fox has:media"), withMedia)

	if _, err := w.svc.Social().EditStatus(w.ctx, w.bob, public.ID, social.EditStatusInput{Text: "The quick brown hare"}); err != nil {
		t.Fatal(err)
	}
	same("edited away", find(w.carol, "quick fox"))
	same("edited in", find(w.carol, "hare"), public)
	if _, err := w.svc.Social().DeleteStatus(w.ctx, w.bob, unlisted.ID); err != nil {
		t.Fatal(err)
	}
	same("deleted", find(w.carol, "unlisted"))

	if _, err := w.svc.Social().Block(w.ctx, w.alice, w.carol); err != nil {
		t.Fatal(err)
	}
	same("blocked author", find(w.carol, "cafe"))

	// A flood of words is cut to the first MaxSearchWords, not refused.
	flood := "quick " + strings.Repeat("hare ", 5000)
	same("5,000 words", find(w.carol, flood), public)
	for _, q := range []string{`fox" OR "x`, "fox AND NOT", "fox*", "NEAR(fox", "body:fox", "-fox", "from:", "has:", "(", `"`} {
		if _, err := w.svc.Social().Search(w.ctx, w.carol, q, []string{"statuses"}, false, 0); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
}
