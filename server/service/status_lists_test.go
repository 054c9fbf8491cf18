package service_test

import (
	"errors"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

func TestBookmarksArePrivateAndPaged(t *testing.T) {
	w := newWorld(t)
	pub := w.post(w.bob, social.CreateStatusInput{Text: "public"})
	dm := w.post(w.bob, social.CreateStatusInput{Text: "@carol secret", Visibility: models.VisibilityDirect})
	if _, err := w.svc.Social().Bookmark(w.ctx, w.alice, dm.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("bookmark an unseen DM: got %v, want ErrNotFound", err)
	}
	for range 2 { // idempotent
		if _, err := w.svc.Social().Bookmark(w.ctx, w.alice, pub.ID); err != nil {
			t.Fatal(err)
		}
	}
	second := w.post(w.bob, social.CreateStatusInput{Text: "second"})
	if _, err := w.svc.Social().Bookmark(w.ctx, w.alice, second.ID); err != nil {
		t.Fatal(err)
	}
	list, err := w.svc.Social().Bookmarks(w.ctx, w.alice, core.Page{Limit: 1})
	if err != nil || len(list) != 1 || list[0].Status.ID != second.ID {
		t.Fatalf("first page: %+v %v", list, err)
	}
	list, err = w.svc.Social().Bookmarks(w.ctx, w.alice, core.Page{MaxID: list[0].ID})
	if err != nil || len(list) != 1 || list[0].Status.ID != pub.ID {
		t.Fatalf("second page: %+v %v", list, err)
	}
	if other, _ := w.svc.Social().Bookmarks(w.ctx, w.carol, core.Page{}); len(other) != 0 {
		t.Fatalf("carol sees alice's bookmarks: %+v", other)
	}
	if _, err := w.svc.Social().Unbookmark(w.ctx, w.alice, pub.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Social().DeleteStatus(w.ctx, w.bob, second.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := w.svc.Social().Bookmarks(w.ctx, w.alice, core.Page{}); len(list) != 0 {
		t.Fatalf("after unbookmark and delete: %+v", list)
	}
}

func TestFavouritesAndWhoInteracted(t *testing.T) {
	w := newWorld(t)
	st := w.post(w.bob, social.CreateStatusInput{Text: "like me"})
	for _, a := range []*models.Account{w.alice, w.carol} {
		if _, err := w.svc.Social().Favourite(w.ctx, a, st.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.Social().Boost(w.ctx, w.carol, st.ID); err != nil {
		t.Fatal(err)
	}
	favs, err := w.svc.Social().Favourites(w.ctx, w.alice, core.Page{})
	if err != nil || len(favs) != 1 || favs[0].Status.ID != st.ID {
		t.Fatalf("favourites: %+v %v", favs, err)
	}
	by, err := w.svc.Social().FavouritedBy(w.ctx, nil, st.ID, core.Page{})
	if err != nil || len(by) != 2 || by[0].Account.ID != w.carol.ID || by[1].Account.ID != w.alice.ID {
		t.Fatalf("favourited by: %+v %v", by, err)
	}
	page, err := w.svc.Social().FavouritedBy(w.ctx, nil, st.ID, core.Page{MinID: by[1].ID})
	if err != nil || len(page) != 1 || page[0].Account.ID != w.carol.ID {
		t.Fatalf("favourited by, min_id page: %+v %v", page, err)
	}
	rb, err := w.svc.Social().RebloggedBy(w.ctx, w.alice, st.ID, core.Page{})
	if err != nil || len(rb) != 1 || rb[0].Account.ID != w.carol.ID {
		t.Fatalf("reblogged by: %+v %v", rb, err)
	}
	dm := w.post(w.bob, social.CreateStatusInput{Text: "@carol psst", Visibility: models.VisibilityDirect})
	if _, err := w.svc.Social().FavouritedBy(w.ctx, w.alice, dm.ID, core.Page{}); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("favourited_by of an unseen DM: %v", err)
	}
	text, _, err := w.svc.Social().StatusSource(w.ctx, w.bob, st.ID)
	if err != nil || text != "like me" {
		t.Fatalf("source: %q %v", text, err)
	}
	if _, _, err := w.svc.Social().StatusSource(w.ctx, w.alice, st.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("source of another's status: %v", err)
	}
}

func TestCreateStatusIdempotent(t *testing.T) {
	w := newWorld(t)
	in := social.CreateStatusInput{Text: "once"}
	a, err := w.svc.Social().CreateStatusIdempotent(w.ctx, w.alice, "k1", in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.svc.Social().CreateStatusIdempotent(w.ctx, w.alice, "k1", in)
	if err != nil || b.ID != a.ID {
		t.Fatalf("repeat: %v %v, want %d", b, err, a.ID)
	}
	c, err := w.svc.Social().CreateStatusIdempotent(w.ctx, w.bob, "k1", in)
	if err != nil || c.ID == a.ID {
		t.Fatalf("another account's key: %v %v", c, err)
	}
	d, err := w.svc.Social().CreateStatusIdempotent(w.ctx, w.alice, "", in)
	if err != nil || d.ID == a.ID {
		t.Fatalf("no key: %v %v", d, err)
	}
}

func TestFilteredTimelinesAndNotifications(t *testing.T) {
	w := newWorld(t)
	plain := w.post(w.alice, social.CreateStatusInput{Text: "#cats plain"})
	m := &models.MediaAttachment{AccountID: w.alice.ID, Type: "image", URL: "https://plaza.test/media/x.png"}
	if err := w.st.CreateMediaAttachment(w.ctx, m); err != nil {
		t.Fatal(err)
	}
	withMedia := w.post(w.alice, social.CreateStatusInput{Text: "#cats pic", MediaIDs: []int64{m.ID}})
	list, err := w.svc.Social().FilteredPublicTimeline(w.ctx, nil, social.TimelineOptions{OnlyMedia: true}, core.Page{})
	if err != nil || len(list) != 1 || list[0].ID != withMedia.ID {
		t.Fatalf("only_media: %v %v", ids(list), err)
	}
	list, err = w.svc.Social().FilteredTagTimeline(w.ctx, nil, "#Cats", social.TimelineOptions{Local: true}, core.Page{})
	if err != nil || len(list) != 2 || list[1].ID != plain.ID {
		t.Fatalf("tag: %v %v", ids(list), err)
	}
	if list, _ = w.svc.Social().FilteredTagTimeline(w.ctx, nil, "cats", social.TimelineOptions{Remote: true}, core.Page{}); len(list) != 0 {
		t.Fatalf("remote-only tag timeline: %v", ids(list))
	}

	w.post(w.bob, social.CreateStatusInput{Text: "hi @alice"})
	if _, err := w.svc.Social().Favourite(w.ctx, w.carol, plain.ID); err != nil {
		t.Fatal(err)
	}
	ns, err := w.svc.Social().FilteredNotifications(w.ctx, w.alice, social.NotificationFilter{FromAccountID: w.carol.ID}, core.Page{})
	if err != nil || len(ns) != 1 || ns[0].Notification.Type != models.NotifyFavourite {
		t.Fatalf("from carol: %+v %v", ns, err)
	}
	ns, err = w.svc.Social().FilteredNotifications(w.ctx, w.alice, social.NotificationFilter{Types: []string{"mention"}}, core.Page{})
	if err != nil || len(ns) != 1 || ns[0].From.ID != w.bob.ID {
		t.Fatalf("mentions: %+v %v", ns, err)
	}
	if err := w.svc.Social().DismissNotification(w.ctx, w.bob, ns[0].Notification.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("dismiss another's notification: %v", err)
	}
	if err := w.svc.Social().DismissNotification(w.ctx, w.alice, ns[0].Notification.ID); err != nil {
		t.Fatal(err)
	}
	if got := w.notifications(w.alice); len(got) != 1 {
		t.Fatalf("after dismiss: %v", got)
	}
	if err := w.svc.Social().ClearNotifications(w.ctx, w.alice); err != nil {
		t.Fatal(err)
	}
	if got := w.notifications(w.alice); len(got) != 0 {
		t.Fatalf("after clear: %v", got)
	}
}
