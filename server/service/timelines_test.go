package service_test

import (
	"errors"
	"slices"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

func TestHomeTimeline(t *testing.T) {
	w := newWorld(t)
	// alice follows bob (local) and rick (remote, accepted by his server).
	if _, err := w.svc.Social().Follow(w.ctx, w.alice, w.bob); err != nil {
		t.Fatal(err)
	}
	f, err := w.svc.Social().Follow(w.ctx, w.alice, w.rick)
	if err != nil || f.Accepted {
		t.Fatalf("remote follow: %+v %v", f, err)
	}
	if out := w.pub.last("Follow"); out == nil || out.ID != w.alice.URI+"#follows/"+idStr(f.ID) || out.Target.ID != w.rick.ID {
		t.Fatalf("Follow not published: %+v", out)
	}
	w.mustReceive(w.rick, &models.APActivity{Type: "Accept", Activity: &models.APActivity{ID: f.URI, Type: "Follow", Actor: w.alice.URI, Object: &models.APObject{ID: w.rick.URI}}})
	if ok, _ := w.st.IsFollowing(w.ctx, w.alice.ID, w.rick.ID); !ok {
		t.Fatal("Accept did not flip the follow")
	}

	own := w.post(w.alice, social.CreateStatusInput{Text: "mine"})
	bobPublic := w.post(w.bob, social.CreateStatusInput{Text: "bob public"})
	bobPrivate := w.post(w.bob, social.CreateStatusInput{Text: "bob private", Visibility: models.VisibilityPrivate})
	bobDM := w.post(w.bob, social.CreateStatusInput{Text: "@alice dm", Visibility: models.VisibilityDirect})
	carolPublic := w.post(w.carol, social.CreateStatusInput{Text: "carol public"})
	carolPrivate := w.post(w.carol, social.CreateStatusInput{Text: "carol private", Visibility: models.VisibilityPrivate})
	boost, err := w.svc.Social().Boost(w.ctx, w.bob, carolPublic.ID)
	if err != nil {
		t.Fatal(err)
	}
	rickNote := note(w.rick, "h1", "<p>rick</p>", []string{models.PublicAddress}, nil)
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: rickNote})
	rickPrivate := note(w.rick, "h2", "<p>rick private</p>", []string{w.rick.FollowersURI}, nil)
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: rickPrivate})
	maryNote := note(w.mary, "h3", "<p>mary</p>", []string{models.PublicAddress}, nil)
	w.mustReceive(w.mary, &models.APActivity{Type: "Create", Object: maryNote})

	home, err := w.svc.Social().HomeTimeline(w.ctx, w.alice, core.Page{})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{w.statusByURI(rickPrivate.ID).ID, w.statusByURI(rickNote.ID).ID, boost.ID, bobPrivate.ID, bobPublic.ID, own.ID}
	if !slices.Equal(ids(home), want) {
		t.Fatalf("home = %v, want %v (dm %d, carol %d/%d)", ids(home), want, bobDM.ID, carolPublic.ID, carolPrivate.ID)
	}
	if home[2].Account == nil || home[2].Account.ID != w.bob.ID {
		t.Fatal("Account not preloaded")
	}
	// Blocking carol hides bob's boost of her; blocking bob hides bob.
	if _, err := w.svc.Social().Block(w.ctx, w.alice, w.carol); err != nil {
		t.Fatal(err)
	}
	home, _ = w.svc.Social().HomeTimeline(w.ctx, w.alice, core.Page{})
	if contains(home, boost.ID) {
		t.Fatal("boost of a blocked account in home")
	}
	if _, err := w.svc.Social().Block(w.ctx, w.bob, w.alice); err != nil {
		t.Fatal(err)
	}
	home, _ = w.svc.Social().HomeTimeline(w.ctx, w.alice, core.Page{})
	if contains(home, bobPublic.ID) {
		t.Fatal("status of a blocker in home")
	}
	if _, err := w.svc.Core().StatusForViewer(w.ctx, w.alice, bobPublic.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("blocker's status visible: %v", err)
	}

	public, _ := w.svc.Social().PublicTimeline(w.ctx, nil, true, true, core.Page{})
	if !slices.Equal(ids(public), []int64{w.statusByURI(maryNote.ID).ID, w.statusByURI(rickNote.ID).ID, carolPublic.ID, bobPublic.ID, own.ID}) {
		t.Fatalf("public timeline: %v", ids(public))
	}
	local, _ := w.svc.Social().PublicTimeline(w.ctx, nil, true, false, core.Page{})
	remote, _ := w.svc.Social().PublicTimeline(w.ctx, nil, false, true, core.Page{})
	if len(local) != 3 || len(remote) != 2 {
		t.Fatalf("local %v remote %v", ids(local), ids(remote))
	}
	outbox, _ := w.svc.Social().OutboxStatuses(w.ctx, w.bob, core.Page{})
	if !slices.Equal(ids(outbox), []int64{boost.ID, bobPublic.ID}) {
		t.Fatalf("bob's outbox: %v", ids(outbox))
	}
}

func TestPaging(t *testing.T) {
	w := newWorld(t)
	var posted []int64 // oldest first
	for i := 0; i < 5; i++ {
		posted = append(posted, w.post(w.alice, social.CreateStatusInput{Text: "n" + idStr(int64(i))}).ID)
	}
	cases := []struct {
		name string
		p    core.Page
		want []int64
	}{
		{"newest", core.Page{Limit: 2}, []int64{posted[4], posted[3]}},
		{"max_id", core.Page{MaxID: posted[3], Limit: 2}, []int64{posted[2], posted[1]}},
		{"since_id", core.Page{SinceID: posted[1], Limit: 2}, []int64{posted[4], posted[3]}},
		{"min_id", core.Page{MinID: posted[1], Limit: 2}, []int64{posted[3], posted[2]}},
		{"max and since", core.Page{MaxID: posted[4], SinceID: posted[1]}, []int64{posted[3], posted[2]}},
		{"default limit", core.Page{}, []int64{posted[4], posted[3], posted[2], posted[1], posted[0]}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for name, fn := range map[string]func() ([]*models.Status, error){
				"account": func() ([]*models.Status, error) { return w.svc.Social().AccountStatuses(w.ctx, nil, w.alice, tc.p) },
				"home":    func() ([]*models.Status, error) { return w.svc.Social().HomeTimeline(w.ctx, w.alice, tc.p) },
				"public":  func() ([]*models.Status, error) { return w.svc.Social().PublicTimeline(w.ctx, nil, true, false, tc.p) },
			} {
				got, err := fn()
				if err != nil || !slices.Equal(ids(got), tc.want) {
					t.Fatalf("%s: %v %v, want %v", name, ids(got), err, tc.want)
				}
			}
		})
	}
	// Notifications page the same way.
	for i := 0; i < 3; i++ {
		if _, err := w.svc.Social().Favourite(w.ctx, w.bob, posted[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.Social().Follow(w.ctx, w.bob, w.alice); err != nil {
		t.Fatal(err)
	}
	all, _ := w.svc.Social().Notifications(w.ctx, w.alice, core.Page{}, nil, nil)
	if len(all) != 4 || all[0].Notification.Type != models.NotifyFollow {
		t.Fatalf("notifications: %+v", all)
	}
	favs, _ := w.svc.Social().Notifications(w.ctx, w.alice, core.Page{Limit: 1, MaxID: all[1].Notification.ID}, []string{"favourite"}, nil)
	if len(favs) != 1 || favs[0].Notification.ID != all[2].Notification.ID || favs[0].Status.ID != posted[1] {
		t.Fatalf("favourite page: %+v", favs)
	}
	noFollow, _ := w.svc.Social().Notifications(w.ctx, w.alice, core.Page{}, nil, []string{"follow"})
	if len(noFollow) != 3 {
		t.Fatalf("excluding follows: %d", len(noFollow))
	}
}

func TestFollowRules(t *testing.T) {
	w := newWorld(t)
	w.bob.Locked = true
	if err := w.st.UpsertRemoteAccount(w.ctx, w.bob); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Social().Follow(w.ctx, w.alice, w.alice); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("self follow: %v", err)
	}
	f, err := w.svc.Social().Follow(w.ctx, w.alice, w.bob)
	if err != nil || f.Accepted {
		t.Fatalf("follow of locked bob: %+v %v", f, err)
	}
	again, err := w.svc.Social().Follow(w.ctx, w.alice, w.bob)
	if err != nil || again.ID != f.ID {
		t.Fatalf("second follow: %+v %v", again, err)
	}
	if n := w.notifications(w.bob); !slices.Equal(n, []string{"follow_request:alice"}) {
		t.Fatalf("bob's notifications: %v", n)
	}
	priv := w.post(w.bob, social.CreateStatusInput{Text: "locked post", Visibility: models.VisibilityPrivate})
	if w.canSee(w.alice, priv) {
		t.Fatal("pending follower sees a private post")
	}
	if _, err := w.svc.Social().AcceptFollowRequest(w.ctx, w.bob, w.alice.ID); err != nil {
		t.Fatal(err)
	}
	if !w.canSee(w.alice, priv) {
		t.Fatal("accepted follower cannot see a private post")
	}
	followers, _ := w.svc.Social().Followers(w.ctx, w.bob, core.Page{})
	following, _ := w.svc.Social().Following(w.ctx, w.alice, core.Page{})
	if len(followers) != 1 || followers[0].Account.ID != w.alice.ID || len(following) != 1 || following[0].Account.ID != w.bob.ID {
		t.Fatalf("followers %+v following %+v", followers, following)
	}
	// carol is unlocked: accepted at once.
	f, err = w.svc.Social().Follow(w.ctx, w.alice, w.carol)
	if err != nil || !f.Accepted {
		t.Fatalf("follow of unlocked carol: %+v %v", f, err)
	}
	if n := w.notifications(w.carol); !slices.Equal(n, []string{"follow:alice"}) {
		t.Fatalf("carol's notifications: %v", n)
	}
	if _, err := w.svc.Social().Follow(w.ctx, w.carol, w.bob); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Social().RejectFollowRequest(w.ctx, w.bob, w.carol.ID); err != nil {
		t.Fatal(err)
	}
	if reqs, _ := w.svc.Social().FollowRequests(w.ctx, w.bob); len(reqs) != 0 {
		t.Fatalf("requests after reject: %+v", reqs)
	}
	if err := w.svc.Social().Unfollow(w.ctx, w.alice, w.bob); err != nil {
		t.Fatal(err)
	}
	if w.canSee(w.alice, priv) {
		t.Fatal("unfollowed account still sees a private post")
	}
	// Remote: unfollow sends Undo(Follow); a remote follower's request is answered with Reject.
	rf, _ := w.svc.Social().Follow(w.ctx, w.alice, w.rick)
	if err := w.svc.Social().Unfollow(w.ctx, w.alice, w.rick); err != nil {
		t.Fatal(err)
	}
	if u := w.pub.last("Undo"); u == nil || u.ID != rf.URI+"/undo" || u.Undo.Type != "Follow" {
		t.Fatalf("Undo: %+v", u)
	}
	w.mustReceive(w.rick, &models.APActivity{Type: "Follow", Object: &models.APObject{ID: w.bob.URI}})
	if err := w.svc.Social().RejectFollowRequest(w.ctx, w.bob, w.rick.ID); err != nil {
		t.Fatal(err)
	}
	if r := w.pub.last("Reject"); r == nil || r.Target.ID != w.rick.ID {
		t.Fatalf("Reject: %+v", r)
	}
	// Blocks stop follows both ways.
	if _, err := w.svc.Social().Block(w.ctx, w.carol, w.alice); err != nil {
		t.Fatal(err)
	}
	if ok, _ := w.st.IsFollowing(w.ctx, w.alice.ID, w.carol.ID); ok {
		t.Fatal("follow survives block")
	}
	if _, err := w.svc.Social().Follow(w.ctx, w.alice, w.carol); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("follow of a blocker: %v", err)
	}
	if err := w.svc.Social().Unblock(w.ctx, w.carol, w.alice); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Social().Follow(w.ctx, w.alice, w.carol); err != nil {
		t.Fatalf("follow after unblock: %v", err)
	}
}
