package service_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"plaza/federation"
	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
	"plaza/server/service"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
)

// goldenWorld is an instance at localtesting.pleroma.lol, the host the
// captured Mastodon fixtures address, so their Follow, Block and Like of
// "lain" land on a local user.
type goldenWorld struct {
	t    *testing.T
	ctx  context.Context
	st   *store.Store
	svc  *service.Service
	lain *models.Account
}

func newGoldenWorld(t *testing.T) *goldenWorld {
	t.Helper()
	st := storetest.Open(t)
	g := &goldenWorld{t: t, ctx: context.Background(), st: st}
	g.svc = service.New(core.Config{Host: "localtesting.pleroma.lol", Protocol: "http", InstanceName: "Plaza"},
		core.Deps{Store: st, Publisher: &recorder{}, Fetcher: &fetcher{st: st, objects: map[string]*models.APObject{}}})
	lain, err := g.svc.Accounts().CreateUser(g.ctx, accounts.CreateUserInput{Username: "lain", Email: "lain@example.com", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	g.lain = lain
	return g
}

// remote caches the author of a fixture as a remote account.
func (g *goldenWorld) remote(uri string) *models.Account {
	g.t.Helper()
	parts := strings.Split(uri, "/")
	host := parts[2]
	a := &models.Account{Username: parts[len(parts)-1], Domain: host, ActorType: models.ActorPerson, URI: uri,
		InboxURI: uri + "/inbox", FollowersURI: uri + "/followers", PublicKeyID: uri + "#main-key", PublicKeyPEM: "-"}
	if err := g.st.UpsertRemoteAccount(g.ctx, a); err != nil {
		g.t.Fatal(err)
	}
	return a
}

// deliver decodes a captured payload and hands it to the service as the
// inbox would after verifying its signature.
func (g *goldenWorld) deliver(fixture string) {
	g.t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "..", "federation", "testdata", fixture))
	if err != nil {
		g.t.Fatal(err)
	}
	g.deliverBody(fixture, body)
}

// deliverBody is deliver of a fixture the test has adapted.
func (g *goldenWorld) deliverBody(fixture string, body []byte) {
	g.t.Helper()
	act, err := federation.DecodeActivity(body)
	if err != nil {
		g.t.Fatalf("decode %s: %v", fixture, err)
	}
	signer, err := g.st.AccountByURI(g.ctx, act.Actor)
	if err != nil {
		signer = g.remote(act.Actor)
	}
	in := &models.InboxActivity{ActivityURI: act.ID, Type: act.Type, ActorURI: act.Actor, Raw: string(body)}
	if err := g.svc.ReceiveActivity(g.ctx, in, act, signer); err != nil {
		g.t.Fatalf("receive %s: %v", fixture, err)
	}
}

func (g *goldenWorld) status(uri string) *models.Status {
	g.t.Helper()
	st, err := g.svc.Core().StatusByURIForViewer(g.ctx, nil, uri)
	if err != nil {
		g.t.Fatalf("status %s: %v", uri, err)
	}
	return st
}

func (g *goldenWorld) hasNotification(typ models.NotificationType) bool {
	g.t.Helper()
	ns, err := g.svc.Social().Notifications(g.ctx, g.lain, core.Page{Limit: 40}, nil, nil)
	if err != nil {
		g.t.Fatal(err)
	}
	for _, n := range ns {
		if n.Notification.Type == typ {
			return true
		}
	}
	return false
}

// TestGoldenInboundActivities feeds real payloads captured from Mastodon,
// GoToSocial, Akkoma and Misskey through the inbound path.
func TestGoldenInboundActivities(t *testing.T) {
	t.Run("mastodon Create with mention, hashtag and CW", func(t *testing.T) {
		g := newGoldenWorld(t)
		g.deliver("mastodon/create_note_with_hashtag.json")
		st := g.status("http://mastodon.example.org/users/admin/statuses/99512778738411822")
		if st.Visibility != models.VisibilityPublic || !st.Sensitive || st.SpoilerText != "cw" {
			t.Fatalf("status: visibility %s sensitive %v spoiler %q", st.Visibility, st.Sensitive, st.SpoilerText)
		}
		tagged, err := g.svc.Social().TagTimeline(g.ctx, nil, "moo", core.Page{Limit: 20})
		if err != nil || len(tagged) != 1 || tagged[0].ID != st.ID {
			t.Fatalf("#moo timeline: %d statuses, %v", len(tagged), err)
		}
		if !g.hasNotification(models.NotifyMention) {
			t.Fatal("lain was mentioned but got no notification")
		}
	})

	t.Run("mastodon Create with attachment", func(t *testing.T) {
		g := newGoldenWorld(t)
		g.deliver("mastodon/create_note_with_attachment.json")
		st := g.status("http://mastodon.example.org/users/admin/statuses/99541822081679796")
		media, err := g.st.StatusAttachments(g.ctx, st.ID)
		if err != nil || len(media) != 1 || media[0].RemoteURL == "" {
			t.Fatalf("attachments: %+v, %v", media, err)
		}
	})

	t.Run("gotosocial Create with content warning", func(t *testing.T) {
		g := newGoldenWorld(t)
		g.deliver("gotosocial/create_note_cw.json")
		st := g.status("http://localhost:8080/users/the_mighty_zork/statuses/01F8MHAMCHF6Y650WCRSCP4WMY")
		if st.SpoilerText != "introduction post" || !st.Sensitive || st.Visibility != models.VisibilityPublic {
			t.Fatalf("status: %+v", st)
		}
	})

	t.Run("misskey note, then an akkoma reply to it", func(t *testing.T) {
		g := newGoldenWorld(t)
		g.deliver("misskey/create_note.json")
		parent := g.status("https://mk.absturztau.be/notes/93e7nm8wqg")
		g.deliver("akkoma/create_note_reply_with_mention.json")
		reply := g.status("https://p.helene.moe/objects/fd5910ac-d9dc-412e-8d1d-914b203296c4")
		if reply.InReplyToID == nil || *reply.InReplyToID != parent.ID {
			t.Fatalf("reply not linked to its parent: %v", reply.InReplyToID)
		}
		if strings.Contains(reply.Content, "<script") {
			t.Fatal("unsanitised content")
		}
	})

	t.Run("mastodon Follow then Undo", func(t *testing.T) {
		g := newGoldenWorld(t)
		g.deliver("mastodon/follow.json")
		admin, _ := g.st.AccountByURI(g.ctx, "http://mastodon.example.org/users/admin")
		rel, err := g.svc.Social().Relationship(g.ctx, g.lain, admin)
		if err != nil || !rel.FollowedBy {
			t.Fatalf("after Follow: %+v, %v", rel, err)
		}
		if !g.hasNotification(models.NotifyFollow) {
			t.Fatal("no follow notification")
		}
		g.deliver("mastodon/undo_follow.json")
		if rel, _ := g.svc.Social().Relationship(g.ctx, g.lain, admin); rel.FollowedBy {
			t.Fatal("still followed after Undo")
		}
	})

	t.Run("mastodon Accept of lain's follow", func(t *testing.T) {
		g := newGoldenWorld(t)
		admin := g.remote("http://mastodon.example.org/users/admin")
		f := &models.Follow{AccountID: g.lain.ID, TargetAccountID: admin.ID, URI: "http://localtesting.pleroma.lol/users/lain#follows/4"}
		if err := g.st.CreateFollow(g.ctx, f); err != nil {
			t.Fatal(err)
		}
		g.deliver("mastodon/accept_follow.json")
		if rel, _ := g.svc.Social().Relationship(g.ctx, g.lain, admin); !rel.Following {
			t.Fatalf("follow not accepted: %+v", rel)
		}
	})

	t.Run("mastodon Like then Undo", func(t *testing.T) {
		g := newGoldenWorld(t)
		st := &models.Status{URI: "http://localtesting.pleroma.lol/objects/eb92579d-3417-42a8-8652-2492c2d4f454",
			AccountID: g.lain.ID, Local: true, Visibility: models.VisibilityPublic, Content: "<p>hi</p>"}
		if err := g.st.CreateStatus(g.ctx, st); err != nil {
			t.Fatal(err)
		}
		g.deliver("mastodon/like.json")
		if got := g.status(st.URI); got.FavouritesCount != 1 || !g.hasNotification(models.NotifyFavourite) {
			t.Fatalf("after Like: %d favourites", got.FavouritesCount)
		}
		g.deliver("mastodon/undo_like.json")
		if got := g.status(st.URI); got.FavouritesCount != 0 {
			t.Fatalf("after Undo: %d favourites", got.FavouritesCount)
		}
	})

	t.Run("mastodon Announce reaches a follower's home", func(t *testing.T) {
		g := newGoldenWorld(t)
		admin := g.remote("http://mastodon.example.org/users/admin")
		orig := &models.Status{URI: "http://mastodon.example.org/@admin/99541947525187367", AccountID: admin.ID,
			Visibility: models.VisibilityPublic, Content: "<p>boost me</p>"}
		if err := g.st.CreateStatus(g.ctx, orig); err != nil {
			t.Fatal(err)
		}
		if err := g.st.CreateFollow(g.ctx, &models.Follow{AccountID: g.lain.ID, TargetAccountID: admin.ID, Accepted: true, URI: "http://localtesting.pleroma.lol/users/lain#follows/9"}); err != nil {
			t.Fatal(err)
		}
		g.deliver("mastodon/announce.json")
		home, err := g.svc.Social().HomeTimeline(g.ctx, g.lain, core.Page{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		boosted := false
		for _, st := range home {
			boosted = boosted || (st.ReblogOfID != nil && *st.ReblogOfID == orig.ID && st.AccountID == admin.ID)
		}
		if !boosted {
			t.Fatalf("no boost by admin in lain's home (%d statuses)", len(home))
		}
	})

	t.Run("mastodon Delete by the author", func(t *testing.T) {
		g := newGoldenWorld(t)
		gargron := g.remote("http://mastodon.example.org/users/gargron")
		st := &models.Status{URI: "http://mastodon.example.org/users/gargron/statuses/99620895606148759", AccountID: gargron.ID,
			Visibility: models.VisibilityPublic, Content: "<p>bye</p>"}
		if err := g.st.CreateStatus(g.ctx, st); err != nil {
			t.Fatal(err)
		}
		g.deliver("mastodon/delete_note.json")
		if _, err := g.svc.Core().StatusByURIForViewer(g.ctx, nil, st.URI); err == nil {
			t.Fatal("status still there after Delete")
		}
	})

	t.Run("mastodon Block removes follows both ways", func(t *testing.T) {
		g := newGoldenWorld(t)
		admin := g.remote("http://mastodon.example.org/users/admin")
		for _, f := range []*models.Follow{
			{AccountID: g.lain.ID, TargetAccountID: admin.ID, Accepted: true, URI: "http://localtesting.pleroma.lol/users/lain#follows/1"},
			{AccountID: admin.ID, TargetAccountID: g.lain.ID, Accepted: true, URI: "http://mastodon.example.org/users/admin#follows/1"},
		} {
			if err := g.st.CreateFollow(g.ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		g.deliver("mastodon/block.json")
		rel, err := g.svc.Social().Relationship(g.ctx, g.lain, admin)
		if err != nil || rel.Following || rel.FollowedBy || !rel.BlockedBy {
			t.Fatalf("after Block: %+v, %v", rel, err)
		}
	})

}
