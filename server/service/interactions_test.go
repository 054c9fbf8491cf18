package service_test

import (
	"slices"
	"testing"

	"plaza/models"
	"plaza/server/service/social"
)

func TestFavouriteAndBoostCountsAndNotifications(t *testing.T) {
	w := newWorld(t)
	st := w.post(w.alice, social.CreateStatusInput{Text: "hello"})
	for i := 0; i < 2; i++ { // twice: idempotent
		got, err := w.svc.Social().Favourite(w.ctx, w.bob, st.ID)
		if err != nil || got.FavouritesCount != 1 {
			t.Fatalf("favourite %d: %+v %v", i, got, err)
		}
	}
	if _, err := w.svc.Social().Favourite(w.ctx, w.rick, st.ID); err != nil {
		t.Fatal(err)
	}
	if like := w.pub.last("Like"); like == nil || like.Actor.ID != w.rick.ID || like.Favourite.URI != w.rick.URI+"#likes/"+idStr(like.Favourite.ID) {
		t.Fatalf("Like: %+v", like)
	}
	b1, err := w.svc.Social().Boost(w.ctx, w.carol, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := w.svc.Social().Boost(w.ctx, w.carol, b1.ID) // boosting the boost boosts the original, once
	if err != nil || b2.ID != b1.ID || *b1.ReblogOfID != st.ID || b1.URI != w.carol.URI+"/statuses/"+idStr(b1.ID)+"/activity" {
		t.Fatalf("boost: %+v %+v %v", b1, b2, err)
	}
	got := w.status(st.ID)
	if got.FavouritesCount != 2 || got.ReblogsCount != 1 {
		t.Fatalf("counts: %d %d", got.FavouritesCount, got.ReblogsCount)
	}
	if n := w.notifications(w.alice); !slices.Equal(n, []string{"reblog:carol", "favourite:rick", "favourite:bob"}) {
		t.Fatalf("notifications: %v", n)
	}
	if _, err := w.svc.Social().Unfavourite(w.ctx, w.bob, st.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Social().Unboost(w.ctx, w.carol, st.ID); err != nil {
		t.Fatal(err)
	}
	got = w.status(st.ID)
	if got.FavouritesCount != 1 || got.ReblogsCount != 0 {
		t.Fatalf("counts after undo: %d %d", got.FavouritesCount, got.ReblogsCount)
	}
	if n := w.notifications(w.alice); !slices.Equal(n, []string{"favourite:rick"}) {
		t.Fatalf("notifications after undo: %v", n)
	}
	if u := w.pub.last("Undo"); u == nil || u.Undo.Type != "Announce" || u.ID != b1.URI+"/undo" {
		t.Fatalf("Undo Announce: %+v", u)
	}
	// Favouriting what one cannot see is not found.
	dm := w.post(w.alice, social.CreateStatusInput{Text: "@bob hi", Visibility: models.VisibilityDirect})
	if _, err := w.svc.Social().Favourite(w.ctx, w.carol, dm.ID); err == nil {
		t.Fatal("carol favourited a DM she cannot see")
	}
}
