package service_test

import (
	"errors"
	"strings"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

func TestReceivedNoteVisibilityFromAddressing(t *testing.T) {
	w := newWorld(t)
	w.accepts(w.bob, w.rick) // the DM case is no message request
	pub := models.PublicAddress
	followers := w.rick.FollowersURI
	cases := []struct {
		name   string
		to, cc []string
		want   models.Visibility
	}{
		{"public", []string{pub}, []string{followers}, models.VisibilityPublic},
		{"unlisted", []string{followers}, []string{pub}, models.VisibilityUnlisted},
		{"private", []string{followers}, nil, models.VisibilityPrivate},
		{"direct", []string{w.bob.URI}, nil, models.VisibilityDirect},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := note(w.rick, tc.name, `<p>hi <a href="https://plaza.test/@bob" class="u-url mention">@bob</a><script>evil()</script><img src=x onerror=alert(1)></p>`, tc.to, tc.cc)
			obj.Tags = []models.APTag{{Type: "Mention", Name: "@bob@plaza.test", Href: w.bob.URI}, {Type: "Hashtag", Name: "#Fedi"}}
			obj.Attachments = []models.APAttachment{{Type: "Document", MediaType: "image/png", URL: "https://remote.test/media/1.png", Name: "alt"}}
			w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: obj, To: tc.to, Cc: tc.cc})
			st := w.statusByURI(obj.ID)
			if st.Visibility != tc.want {
				t.Fatalf("visibility %s, want %s", st.Visibility, tc.want)
			}
			if strings.Contains(st.Content, "<script") || strings.Contains(st.Content, "onerror") || strings.Contains(st.Content, "<img") {
				t.Fatalf("not sanitised: %s", st.Content)
			}
			if !strings.Contains(st.Content, `href="https://plaza.test/@bob"`) {
				t.Fatalf("link lost: %s", st.Content)
			}
			if ok := w.canSee(w.bob, st); !ok {
				t.Fatal("mentioned bob cannot see it")
			}
			if ok := w.canSee(w.carol, st); ok != (tc.want == models.VisibilityPublic || tc.want == models.VisibilityUnlisted) {
				t.Fatalf("carol sees it: %v", ok)
			}
		})
	}
	if got := w.notifications(w.bob); len(got) != 4 || got[0] != "mention:rick" {
		t.Fatalf("bob's notifications: %v", got)
	}
	convs, err := w.svc.Messaging().Conversations(w.ctx, w.bob, core.Page{})
	if err != nil || len(convs) != 1 || !convs[0].AccountConversation.Unread || convs[0].Accounts[0].ID != w.rick.ID {
		t.Fatalf("bob's conversations: %+v %v", convs, err)
	}
	tl, _ := w.svc.Social().TagTimeline(w.ctx, nil, "fedi", core.Page{})
	if len(tl) != 1 {
		t.Fatalf("tag timeline: %v", ids(tl))
	}
}

func TestReceivedReplyLinksToLocalStatus(t *testing.T) {
	w := newWorld(t)
	parent := w.post(w.alice, social.CreateStatusInput{Text: "hello fediverse"})
	obj := note(w.rick, "r1", "<p>hi back</p>", []string{models.PublicAddress}, nil)
	obj.InReplyTo = parent.URI
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: obj})
	st := w.statusByURI(obj.ID)
	if st.InReplyToID == nil || *st.InReplyToID != parent.ID || st.ContextURI != parent.ContextURI {
		t.Fatalf("reply not linked: %+v", st)
	}
	if w.status(parent.ID).RepliesCount != 1 {
		t.Fatal("replies count not incremented")
	}
	_, desc, err := w.svc.Social().Thread(w.ctx, nil, parent.ID)
	if err != nil || len(desc) != 1 || desc[0].ID != st.ID {
		t.Fatalf("thread: %v %v", ids(desc), err)
	}
	replies, _ := w.svc.Social().StatusReplies(w.ctx, parent.ID, core.Page{})
	if len(replies) != 1 {
		t.Fatalf("replies collection: %v", ids(replies))
	}
}

func TestInboundFollowLikeAnnounceUndo(t *testing.T) {
	w := newWorld(t)
	st := w.post(w.alice, social.CreateStatusInput{Text: "like me"})

	follow := &models.APActivity{Type: "Follow", Object: &models.APObject{ID: w.alice.URI}}
	w.mustReceive(w.rick, follow)
	if ok, _ := w.st.IsFollowing(w.ctx, w.rick.ID, w.alice.ID); !ok {
		t.Fatal("follow of unlocked alice not accepted")
	}
	if acc := w.pub.last("Accept"); acc == nil || acc.Follow.URI != follow.ID || acc.Target.ID != w.rick.ID {
		t.Fatalf("Accept not published: %+v", acc)
	}
	like := &models.APActivity{Type: "Like", Object: &models.APObject{ID: st.URI}}
	w.mustReceive(w.rick, like)
	ann := &models.APActivity{Type: "Announce", Object: &models.APObject{ID: st.URI}, To: []string{models.PublicAddress}}
	w.mustReceive(w.rick, ann)
	got := w.status(st.ID)
	if got.FavouritesCount != 1 || got.ReblogsCount != 1 {
		t.Fatalf("counts: fav %d reblog %d", got.FavouritesCount, got.ReblogsCount)
	}
	if n := w.notifications(w.alice); !has(n, "follow:rick") || !has(n, "favourite:rick") || !has(n, "reblog:rick") {
		t.Fatalf("alice's notifications: %v", n)
	}
	for _, inner := range []*models.APActivity{like, ann, follow} {
		w.mustReceive(w.rick, &models.APActivity{Type: "Undo", Activity: &models.APActivity{ID: inner.ID, Type: inner.Type, Actor: w.rick.URI, Object: inner.Object}})
	}
	got = w.status(st.ID)
	if got.FavouritesCount != 0 || got.ReblogsCount != 0 {
		t.Fatalf("counts after undo: fav %d reblog %d", got.FavouritesCount, got.ReblogsCount)
	}
	if ok, _ := w.st.IsFollowing(w.ctx, w.rick.ID, w.alice.ID); ok {
		t.Fatal("follow survives its Undo")
	}
	if n := w.notifications(w.alice); len(n) != 0 {
		t.Fatalf("notifications survive the undos: %v", n)
	}
}

func TestInboundFollowOfLockedAccountAndBlock(t *testing.T) {
	w := newWorld(t)
	w.bob.Locked = true
	if err := w.st.UpsertRemoteAccount(w.ctx, w.bob); err != nil { // saves the row as it is
		t.Fatal(err)
	}
	w.mustReceive(w.rick, &models.APActivity{Type: "Follow", Object: &models.APObject{ID: w.bob.URI}})
	if n := w.notifications(w.bob); !has(n, "follow_request:rick") {
		t.Fatalf("bob's notifications: %v", n)
	}
	reqs, err := w.svc.Social().FollowRequests(w.ctx, w.bob)
	if err != nil || len(reqs) != 1 || reqs[0].Account.ID != w.rick.ID {
		t.Fatalf("requests: %+v %v", reqs, err)
	}
	if _, err := w.svc.Social().AcceptFollowRequest(w.ctx, w.bob, w.rick.ID); err != nil {
		t.Fatal(err)
	}
	if acc := w.pub.last("Accept"); acc == nil || acc.Target.ID != w.rick.ID || acc.Actor.ID != w.bob.ID {
		t.Fatalf("Accept: %+v", acc)
	}
	// rick blocks bob: the follow goes, both ways.
	if _, err := w.svc.Social().Follow(w.ctx, w.bob, w.rick); err != nil {
		t.Fatal(err)
	}
	w.mustReceive(w.rick, &models.APActivity{Type: "Block", Object: &models.APObject{ID: w.bob.URI}})
	if _, err := w.st.FollowBetween(w.ctx, w.rick.ID, w.bob.ID); err == nil {
		t.Fatal("follow survives the block")
	}
	if _, err := w.st.FollowBetween(w.ctx, w.bob.ID, w.rick.ID); err == nil {
		t.Fatal("reverse follow survives the block")
	}
	if _, err := w.svc.Social().Follow(w.ctx, w.bob, w.rick); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("follow of a blocker: %v", err)
	}
}

func TestForgedActivitiesChangeNothing(t *testing.T) {
	w := newWorld(t)
	marys := note(w.mary, "m1", "<p>mary's words</p>", []string{models.PublicAddress}, nil)
	w.mustReceive(w.mary, &models.APActivity{Type: "Create", Object: marys})
	private := w.post(w.bob, social.CreateStatusInput{Text: "friends only", Visibility: models.VisibilityPrivate})
	direct := w.post(w.bob, social.CreateStatusInput{Text: "@alice secret", Visibility: models.VisibilityDirect})
	mine := w.post(w.alice, social.CreateStatusInput{Text: "alice's words"})

	// A private remote post, fetchable, that rick announces.
	remotePrivate := note(w.mary, "m2", "<p>for followers</p>", []string{w.mary.FollowersURI}, nil)
	w.fetch.objects[remotePrivate.ID] = remotePrivate

	cases := []struct {
		name string
		act  *models.APActivity
	}{
		{"delete of another's status", &models.APActivity{Type: "Delete", Object: &models.APObject{ID: marys.ID, Type: "Tombstone"}}},
		{"delete of a local status", &models.APActivity{Type: "Delete", Object: &models.APObject{ID: mine.URI}}},
		{"announce of a private status", &models.APActivity{Type: "Announce", Object: &models.APObject{ID: private.URI}, To: []string{models.PublicAddress}}},
		{"announce of a direct status", &models.APActivity{Type: "Announce", Object: &models.APObject{ID: direct.URI}, To: []string{models.PublicAddress}}},
		{"announce of a fetched private status", &models.APActivity{Type: "Announce", Object: &models.APObject{ID: remotePrivate.ID}, To: []string{models.PublicAddress}}},
		{"create attributed to another", &models.APActivity{Type: "Create", Object: note(w.mary, "m3", "<p>fake</p>", []string{models.PublicAddress}, nil)}},
		{"update by a non-author", &models.APActivity{Type: "Update", Object: &models.APObject{ID: marys.ID, Type: "Note", AttributedTo: w.mary.URI, Content: "<p>defaced</p>"}}},
		{"update of a local status", &models.APActivity{Type: "Update", Object: &models.APObject{ID: mine.URI, Type: "Note", AttributedTo: w.rick.URI, Content: "<p>defaced</p>"}}},
		{"actor is not the signer", &models.APActivity{Type: "Delete", Actor: w.mary.URI, Object: &models.APObject{ID: marys.ID}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := w.receive(w.rick, tc.act); !errors.Is(err, core.ErrForbidden) {
				t.Fatalf("err = %v, want ErrForbidden", err)
			}
		})
	}
	if st := w.statusByURI(marys.ID); !strings.Contains(st.Content, "words") || st.EditedAt != nil {
		t.Fatalf("mary's status changed: %+v", st)
	}
	if st := w.status(mine.ID); st.Content != mine.Content {
		t.Fatalf("alice's status changed: %s", st.Content)
	}
	for _, st := range []*models.Status{private, direct} {
		if got := w.status(st.ID); got.ReblogsCount != 0 {
			t.Fatalf("status %d boosted", st.ID)
		}
	}
	if _, err := w.st.StatusWithAccountByURI(w.ctx, remotePrivate.ID); err == nil {
		t.Fatal("fetched private status stored")
	}
	if _, err := w.st.StatusWithAccountByURI(w.ctx, w.mary.URI+"/statuses/m3"); err == nil {
		t.Fatal("forged Create stored")
	}
	rickStatuses, _ := w.svc.Social().AccountStatuses(w.ctx, w.rick, w.rick, core.Page{})
	if len(rickStatuses) != 0 {
		t.Fatalf("rick has statuses: %v", ids(rickStatuses))
	}
	// A refused activity is recorded: its replay is a silent no-op.
	if err := w.receive(w.rick, cases[0].act); err != nil {
		t.Fatalf("replay of a refused activity: %v", err)
	}
}

func TestReplayIsNoOp(t *testing.T) {
	w := newWorld(t)
	st := w.post(w.alice, social.CreateStatusInput{Text: "like me"})
	like := &models.APActivity{ID: "https://remote.test/likes/1", Type: "Like", Object: &models.APObject{ID: st.URI}}
	w.mustReceive(w.rick, like)
	w.mustReceive(w.rick, like)
	if got := w.status(st.ID).FavouritesCount; got != 1 {
		t.Fatalf("favourites after replay: %d", got)
	}
	obj := note(w.rick, "n1", "<p>once</p>", []string{models.PublicAddress}, nil)
	create := &models.APActivity{ID: obj.ID + "/activity", Type: "Create", Object: obj}
	w.mustReceive(w.rick, create)
	w.mustReceive(w.rick, create)
	// The same Note in another Create (delivered twice under two ids) is stored once too.
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: obj})
	list, _ := w.svc.Social().AccountStatuses(w.ctx, nil, w.rick, core.Page{})
	if len(list) != 1 {
		t.Fatalf("rick's statuses: %v", ids(list))
	}
	if n, _ := w.st.CountInboxActivities(w.ctx, w.rick.URI); n != 3 {
		t.Fatalf("recorded %d activities, want 3", n)
	}
}

func TestInboundDeleteAndUpdateByAuthor(t *testing.T) {
	w := newWorld(t)
	obj := note(w.rick, "d1", "<p>v1 #old</p>", []string{models.PublicAddress}, nil)
	obj.Tags = []models.APTag{{Type: "Hashtag", Name: "#old"}}
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: obj})
	st := w.statusByURI(obj.ID)
	if _, err := w.svc.Social().Boost(w.ctx, w.alice, st.ID); err != nil {
		t.Fatal(err)
	}
	upd := *obj
	upd.Content, upd.Tags = "<p>v2</p>", nil
	w.mustReceive(w.rick, &models.APActivity{Type: "Update", Object: &upd})
	got := w.statusByURI(obj.ID)
	if !strings.Contains(got.Content, "v2") || got.EditedAt == nil {
		t.Fatalf("not updated: %+v", got)
	}
	if hist, _ := w.svc.Social().StatusHistory(w.ctx, nil, st.ID); len(hist) != 1 || !strings.Contains(hist[0].Content, "v1") {
		t.Fatalf("history: %+v", hist)
	}
	if n := w.notifications(w.alice); !has(n, "update:rick") {
		t.Fatalf("booster not told: %v", n)
	}
	w.mustReceive(w.rick, &models.APActivity{Type: "Delete", Object: &models.APObject{ID: obj.ID, Type: "Tombstone"}})
	if _, err := w.st.StatusWithAccountByURI(w.ctx, obj.ID); err == nil {
		t.Fatal("status survives its Delete")
	}
	if home, _ := w.svc.Social().HomeTimeline(w.ctx, w.alice, core.Page{}); len(home) != 0 {
		t.Fatalf("boost of a deleted status in home: %v", ids(home))
	}
	// Deleting the actor removes what is left of it.
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: note(w.rick, "d2", "x", []string{models.PublicAddress}, nil)})
	if _, err := w.svc.Social().Follow(w.ctx, w.alice, w.rick); err != nil {
		t.Fatal(err)
	}
	w.mustReceive(w.rick, &models.APActivity{Type: "Delete", Object: &models.APObject{ID: w.rick.URI}})
	if list, _ := w.svc.Social().AccountStatuses(w.ctx, w.rick, w.rick, core.Page{}); len(list) != 0 {
		t.Fatalf("statuses survive the actor's Delete: %v", ids(list))
	}
	if _, err := w.st.FollowBetween(w.ctx, w.alice.ID, w.rick.ID); err == nil {
		t.Fatal("follow survives the actor's Delete")
	}
}

func TestAnnounceOfUnknownPublicStatusIsFetched(t *testing.T) {
	w := newWorld(t)
	obj := note(w.mary, "f1", "<p>fetched</p>", []string{models.PublicAddress}, nil)
	w.fetch.objects[obj.ID] = obj
	// The embedded copy says something else: it is not trusted.
	w.mustReceive(w.rick, &models.APActivity{Type: "Announce", Object: &models.APObject{ID: obj.ID, Type: "Note", Content: "lies", AttributedTo: w.mary.URI}, To: []string{models.PublicAddress}})
	st := w.statusByURI(obj.ID)
	if !strings.Contains(st.Content, "fetched") || st.AccountID != w.mary.ID || st.ReblogsCount != 1 {
		t.Fatalf("fetched status: %+v", st)
	}
}
