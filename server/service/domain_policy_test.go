package service_test

import (
	"testing"
	"time"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/moderation"
	"plaza/server/service/reports"
)

func reportsAction(typ string) reports.Action { return reports.Action{Type: typ} }

// follow stores an accepted follow of a by b.
func (w *world) follows(a, b *models.Account) {
	w.t.Helper()
	now := time.Now()
	if err := w.st.CreateFollow(w.ctx, &models.Follow{CreatedAt: now, UpdatedAt: now, AccountID: a.ID, TargetAccountID: b.ID,
		Accepted: true, URI: a.URI + "#follows/" + b.Username}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) has(list []*models.Status, err error, uri string) bool {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
	for _, s := range list {
		if s.URI == uri {
			return true
		}
	}
	return false
}

// publicNote makes rick-style public Create of a Note by author, with an
// image when withMedia.
func (w *world) publicNote(author *models.Account, id string, withMedia bool) string {
	w.t.Helper()
	obj := note(author, id, "<p>hello from "+author.Domain+"</p>", []string{models.PublicAddress}, []string{author.FollowersURI})
	if withMedia {
		obj.Attachments = []models.APAttachment{{Type: "Document", MediaType: "image/png", URL: "https://" + author.Domain + "/media/" + id + ".png", Name: "alt"}}
	}
	w.mustReceive(author, &models.APActivity{Type: "Create", Object: obj, To: obj.To, Cc: obj.Cc})
	return obj.ID
}

func (w *world) media(uri string) int {
	w.t.Helper()
	st := w.statusByURI(uri)
	m, err := w.st.MediaOfStatuses(w.ctx, []int64{st.ID})
	if err != nil {
		w.t.Fatal(err)
	}
	return len(m[st.ID])
}

func (w *world) block(in moderation.DomainBlockInput) {
	w.t.Helper()
	if _, err := w.svc.Moderation().SaveDomainBlock(w.ctx, w.admin("root"+in.Domain[:3]), in); err != nil {
		w.t.Fatal(err)
	}
}

// TestDomainLimit: posts of a limited server are stored and reach the home
// timeline of local followers, but stay off the public and tag timelines
// and out of non-followers' homes; an unlimited server's do not.
func TestDomainLimit(t *testing.T) {
	w := newWorld(t)
	lim := w.remoteOn("limited.test", "lim")
	w.follows(w.alice, lim)
	w.block(moderation.DomainBlockInput{Domain: "limited.test", Severity: models.SeveritySilence, PublicComment: "spam"})
	limited := w.publicNote(lim, "1", false)
	open := w.publicNote(w.rick, "2", false)

	if !w.stored(limited) {
		t.Fatal("a limited server's post is not stored")
	}
	home := func(a *models.Account, uri string) bool {
		list, err := w.svc.Social().HomeTimeline(w.ctx, a, core.Page{Limit: 40})
		return w.has(list, err, uri)
	}
	public := func(viewer *models.Account, uri string) bool {
		list, err := w.svc.Social().PublicTimeline(w.ctx, viewer, false, false, core.Page{Limit: 40})
		return w.has(list, err, uri)
	}
	if !home(w.alice, limited) {
		t.Error("a follower's home lacks the limited server's post")
	}
	if home(w.bob, limited) {
		t.Error("a non-follower's home has the limited server's post")
	}
	if public(w.bob, limited) || public(nil, limited) {
		t.Error("the limited server's post is on the public timeline")
	}
	if !public(w.bob, open) {
		t.Error("an unlimited server's post is missing from the public timeline")
	}
	// An account limited by an admin is kept off the same way.
	if err := w.svc.Reports().TakeAction(w.ctx, w.admin("rootacct"), w.rick.ID, reportsAction("silence")); err != nil {
		t.Fatal(err)
	}
	if public(w.bob, open) {
		t.Error("a silenced account's post is on the public timeline")
	}
}

// TestDomainRejectMedia: a post from a server whose media is rejected is
// stored without its attachments; another server's keeps them.
func TestDomainRejectMedia(t *testing.T) {
	w := newWorld(t)
	med := w.remoteOn("media.test", "med")
	w.follows(w.alice, med)
	w.block(moderation.DomainBlockInput{Domain: "media.test", Severity: models.SeverityNoop, RejectMedia: true})
	rejected := w.publicNote(med, "1", true)
	kept := w.publicNote(w.rick, "2", true)
	if !w.stored(rejected) {
		t.Fatal("the post itself was not stored")
	}
	if n := w.media(rejected); n != 0 {
		t.Errorf("%d attachments stored from a server whose media is rejected", n)
	}
	if n := w.media(kept); n != 1 {
		t.Errorf("%d attachments stored from another server, want 1", n)
	}
	list, err := w.svc.Social().HomeTimeline(w.ctx, w.alice, core.Page{Limit: 40})
	if !w.has(list, err, rejected) {
		t.Error("the post (without media) is not on the follower's home")
	}
}

// TestDomainSuspend: suspending a server purges what it had posted, ends
// follows with it, suspends its accounts and drops what it sends after.
func TestDomainSuspend(t *testing.T) {
	w := newWorld(t)
	gon := w.remoteOn("gone.test", "gon")
	w.follows(w.alice, gon)
	before := w.publicNote(gon, "1", false)
	list, err := w.svc.Social().HomeTimeline(w.ctx, w.alice, core.Page{Limit: 40})
	if !w.has(list, err, before) {
		t.Fatal("setup: the post is not on alice's home")
	}
	w.block(moderation.DomainBlockInput{Domain: "gone.test", Severity: models.SeveritySuspend, PrivateComment: "harassment"})
	if w.stored(before) {
		t.Error("the suspended server's post is still stored")
	}
	list, err = w.svc.Social().HomeTimeline(w.ctx, w.alice, core.Page{Limit: 40})
	if w.has(list, err, before) {
		t.Error("the suspended server's post is still on alice's home")
	}
	acct, err := w.st.AccountByID(w.ctx, gon.ID)
	if err != nil || acct.SuspendedAt == nil {
		t.Errorf("the server's account is not suspended: %+v %v", acct, err)
	}
	if rel, err := w.svc.Social().Relationship(w.ctx, w.alice, gon); err != nil || rel.Following {
		t.Errorf("alice still follows the suspended server's account: %+v %v", rel, err)
	}
	after := gon.URI + "/statuses/2"
	_ = w.receive(gon, &models.APActivity{Type: "Create", Object: note(gon, "2", "again", []string{models.PublicAddress}, nil)})
	if w.stored(after) {
		t.Error("a post sent after the suspension was stored")
	}
}
