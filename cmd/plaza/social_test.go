package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// eventually polls cond for up to 15 seconds: deliveries are asynchronous.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// resolve makes the remote account handle known on in.
func (in *instance) resolve(t *testing.T, handle string) *models.Account {
	t.Helper()
	acct, err := in.resolver.ResolveHandle(context.Background(), handle)
	if err != nil {
		t.Fatalf("resolve %s on %s: %v", handle, in.host, err)
	}
	return acct
}

// post publishes a status as author.
func (in *instance) post(t *testing.T, author *models.Account, text string, vis models.Visibility, replyTo *int64) *models.Status {
	t.Helper()
	st, err := in.svc.Social().CreateStatus(context.Background(), author, social.CreateStatusInput{Text: text, Visibility: vis, InReplyToID: replyTo})
	if err != nil {
		t.Fatalf("post %q: %v", text, err)
	}
	return st
}

// statusByURI finds the copy of a status on in, as viewer sees it.
func (in *instance) statusByURI(viewer *models.Account, uri string) (*models.Status, error) {
	return in.svc.Core().StatusByURIForViewer(context.Background(), viewer, uri)
}

func homeHas(t *testing.T, in *instance, acct *models.Account, uri string) bool {
	t.Helper()
	page, err := in.svc.Social().HomeTimeline(context.Background(), acct, core.Page{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range page {
		if s.URI == uri {
			return true
		}
		if s.ReblogOfID != nil {
			if orig, err := in.svc.Core().StatusForViewer(context.Background(), acct, *s.ReblogOfID); err == nil && orig.URI == uri {
				return true
			}
		}
	}
	return false
}

func hasNotification(t *testing.T, in *instance, acct *models.Account, typ models.NotificationType) bool {
	t.Helper()
	ns, err := in.svc.Social().Notifications(context.Background(), acct, core.Page{Limit: 40}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Notification.Type == typ {
			return true
		}
	}
	return false
}

// TestFederatedConversation is the federation issue's story between two real
// instances over HTTP.
func TestFederatedConversation(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	carol := a.createUser(t, "carol") // a third user on A
	bob := b.createUser(t, "bob")
	dave := b.createUser(t, "dave") // a third user on B

	bobOnA := a.resolve(t, "bob@"+b.host)

	// alice follows bob (unlocked): accepted at once.
	if _, err := a.svc.Social().Follow(ctx, alice, bobOnA); err != nil {
		t.Fatalf("follow: %v", err)
	}
	eventually(t, "bob's Accept reaches A", func() bool {
		rel, err := a.svc.Social().Relationship(ctx, alice, bobOnA)
		return err == nil && rel.Following
	})
	aliceOnB, err := b.store.AccountByURI(ctx, alice.URI)
	if err != nil {
		t.Fatalf("alice unknown on B after her follow: %v", err)
	}
	if !hasNotification(t, b, bob, models.NotifyFollow) {
		t.Fatal("bob has no follow notification")
	}

	// bob edits his profile; his follower's instance refreshes its copy.
	newName := "Bob from B"
	if _, err := b.svc.Accounts().UpdateProfile(ctx, bob, accounts.ProfileInput{DisplayName: &newName}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob's new name reaches A", func() bool {
		acct, err := a.store.AccountByURI(ctx, bob.URI)
		return err == nil && acct.DisplayName == newName
	})

	// bob posts; it reaches alice's home timeline.
	hello := b.post(t, bob, "Hello #fediverse from B", models.VisibilityPublic, nil)
	eventually(t, "bob's post in alice's home", func() bool { return homeHas(t, a, alice, hello.URI) })

	// alice replies; bob sees the thread and a notification.
	helloOnA, err := a.statusByURI(alice, hello.URI)
	if err != nil {
		t.Fatal(err)
	}
	reply := a.post(t, alice, "@bob@"+b.host+" hi bob!", models.VisibilityPublic, &helloOnA.ID)
	eventually(t, "alice's reply in bob's thread", func() bool {
		_, desc, err := b.svc.Social().Thread(ctx, bob, hello.ID)
		return err == nil && len(desc) == 1 && desc[0].URI == reply.URI
	})
	if !hasNotification(t, b, bob, models.NotifyMention) {
		t.Fatal("bob has no mention notification for the reply")
	}

	// Likes and boosts arrive and counts change.
	if _, err := a.svc.Social().Favourite(ctx, alice, helloOnA.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Social().Boost(ctx, alice, helloOnA.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "favourite and boost counted on B", func() bool {
		s, err := b.svc.Core().StatusForViewer(ctx, bob, hello.ID)
		return err == nil && s.FavouritesCount == 1 && s.ReblogsCount == 1
	})
	if !hasNotification(t, b, bob, models.NotifyFavourite) || !hasNotification(t, b, bob, models.NotifyReblog) {
		t.Fatal("bob lacks favourite or reblog notifications")
	}

	// bob edits, then deletes; A follows.
	if _, err := b.svc.Social().EditStatus(ctx, bob, hello.ID, social.EditStatusInput{Text: "Hello again #fediverse"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "edit reaches A", func() bool {
		s, err := a.statusByURI(alice, hello.URI)
		return err == nil && strings.Contains(s.Content, "Hello again") && s.EditedAt != nil
	})
	if _, err := b.svc.Social().DeleteStatus(ctx, bob, hello.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "delete reaches A", func() bool {
		_, err := a.statusByURI(alice, hello.URI)
		return errors.Is(err, core.ErrNotFound)
	})

	// DMs between alice and bob, invisible to carol@A and dave@B by every route.
	dm := a.post(t, alice, "@bob@"+b.host+" a secret for you", models.VisibilityDirect, nil)
	eventually(t, "DM reaches bob", func() bool {
		s, err := b.statusByURI(bob, dm.URI)
		return err == nil && s.Visibility == models.VisibilityDirect
	})
	b.acceptRequest(t, bob, "alice") // bob does not follow alice
	dmOnB, _ := b.statusByURI(bob, dm.URI)
	dmReply := b.post(t, bob, "@alice@"+a.host+" got it", models.VisibilityDirect, &dmOnB.ID)
	eventually(t, "DM reply reaches alice", func() bool {
		_, err := a.statusByURI(alice, dmReply.URI)
		return err == nil
	})
	for _, side := range []struct {
		in    *instance
		owner *models.Account
		third *models.Account
	}{{a, alice, carol}, {b, bob, dave}} {
		convs, err := side.in.svc.Messaging().Conversations(ctx, side.owner, core.Page{Limit: 20})
		if err != nil || len(convs) != 1 {
			t.Fatalf("%s's conversations: %d, %v", side.owner.Username, len(convs), err)
		}
		for _, uri := range []string{dm.URI, dmReply.URI} {
			if _, err := side.in.statusByURI(side.third, uri); !errors.Is(err, core.ErrNotFound) {
				t.Fatalf("%s can see DM %s: %v", side.third.Username, uri, err)
			}
			if homeHas(t, side.in, side.third, uri) || homeHas(t, side.in, side.owner, uri) {
				t.Fatalf("DM %s leaked into a home timeline", uri)
			}
		}
		if convs, _ := side.in.svc.Messaging().Conversations(ctx, side.third, core.Page{Limit: 20}); len(convs) != 0 {
			t.Fatalf("%s sees %d conversations", side.third.Username, len(convs))
		}
		public, err := side.in.svc.Social().PublicTimeline(ctx, side.third, false, false, core.Page{Limit: 40})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range public {
			if s.Visibility == models.VisibilityDirect {
				t.Fatalf("DM in the public timeline of %s", side.in.host)
			}
		}
	}
	// Over HTTP: unsigned and foreign-signed fetches of the DM, and the outbox.
	carolKey := privateKey(t, carol)
	for _, signed := range []bool{false, true} {
		req, _ := http.NewRequest(http.MethodGet, dm.URI, nil)
		req.Header.Set("Accept", "application/activity+json")
		if signed {
			signRequest(t, req, nil, carol.PublicKeyID, carolKey, time.Now())
		}
		res, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("fetch of the DM (signed by carol: %v): status %d, want 404", signed, res.StatusCode)
		}
	}
	// bob, a participant, may fetch it with a signed GET.
	bobKey := privateKey(t, bob)
	req, _ := http.NewRequest(http.MethodGet, dm.URI, nil)
	req.Header.Set("Accept", "application/activity+json")
	signRequest(t, req, nil, bob.PublicKeyID, bobKey, time.Now())
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("bob's signed fetch of the DM: status %d, want 200", res.StatusCode)
	}
	_, outbox := getFull(t, a.url("/users/alice/outbox?page=true"), "application/activity+json")
	if strings.Contains(string(outbox), dm.URI) || !strings.Contains(string(outbox), reply.URI) {
		t.Fatalf("alice's outbox: DM leaked or reply missing: %s", outbox)
	}
	_ = aliceOnB
}

// TestLockedAccountHoldsFollowRequest: a follow of a locked account waits
// until its owner approves.
func TestLockedAccountHoldsFollowRequest(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	bob := b.createUser(t, "bob")
	if err := b.svc.Accounts().SetLocked(ctx, bob, true); err != nil {
		t.Fatal(err)
	}
	bobOnA := a.resolve(t, "bob@"+b.host)
	if !bobOnA.Locked {
		t.Fatal("bob's actor does not say manuallyApprovesFollowers")
	}
	if _, err := a.svc.Social().Follow(ctx, alice, bobOnA); err != nil {
		t.Fatal(err)
	}
	eventually(t, "follow request reaches bob", func() bool {
		reqs, err := b.svc.Social().FollowRequests(ctx, bob)
		return err == nil && len(reqs) == 1
	})
	if rel, _ := a.svc.Social().Relationship(ctx, alice, bobOnA); rel.Following || !rel.Requested {
		t.Fatalf("before approval: %+v", rel)
	}
	if !hasNotification(t, b, bob, models.NotifyFollowRequest) {
		t.Fatal("bob has no follow_request notification")
	}
	reqs, _ := b.svc.Social().FollowRequests(ctx, bob)
	if _, err := b.svc.Social().AcceptFollowRequest(ctx, bob, reqs[0].Account.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Accept reaches A", func() bool {
		rel, err := a.svc.Social().Relationship(ctx, alice, bobOnA)
		return err == nil && rel.Following
	})
}
