package service_test

import (
	"errors"
	"strings"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
)

// remoteOn is a remote account on another host than remote.test.
func (w *world) remoteOn(host, name string) *models.Account {
	w.t.Helper()
	base := "https://" + host + "/users/" + name
	a := &models.Account{Username: name, Domain: host, ActorType: models.ActorPerson, URI: base, URL: "https://" + host + "/@" + name,
		InboxURI: base + "/inbox", SharedInbox: "https://" + host + "/inbox", FollowersURI: base + "/followers",
		PublicKeyID: base + "#main-key", PublicKeyPEM: "-"}
	if err := w.st.UpsertRemoteAccount(w.ctx, a); err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *world) statusCount(a *models.Account) int {
	w.t.Helper()
	list, err := w.svc.Social().AccountStatuses(w.ctx, a, a, core.Page{})
	if err != nil {
		w.t.Fatal(err)
	}
	return len(list)
}

func (w *world) stored(uri string) bool {
	_, err := w.st.StatusWithAccountByURI(w.ctx, uri)
	return err == nil
}

// TestCreateCannotTakeOverAnotherServersObjectID: a Create whose object id
// is on another server than its signer (or on ours) is refused and stores
// nothing, so the real post with that id, arriving later, is stored and
// stays its author's to update and delete.
func TestCreateCannotTakeOverAnotherServersObjectID(t *testing.T) {
	w := newWorld(t)
	eve := w.remoteOn("evil.test", "eve")
	pub := []string{models.PublicAddress}

	victimID := w.rick.URI + "/statuses/real"
	forged := &models.APObject{ID: victimID, Type: "Note", AttributedTo: eve.URI, Content: "<p>words of eve</p>", To: pub}
	if err := w.receive(eve, &models.APActivity{Type: "Create", Object: forged}); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("forged Create: err = %v, want ErrForbidden", err)
	}
	ownID := "https://plaza.test/users/alice/statuses/1"
	for _, id := range []string{ownID, "https://PLAZA.test:443/users/alice/statuses/2", "https://evil.test.plaza.test/x", "javascript:alert(1)"} {
		onOurHost := &models.APObject{ID: id, Type: "Note", AttributedTo: eve.URI, Content: "<p>eve's</p>", To: pub}
		if err := w.receive(eve, &models.APActivity{Type: "Create", Object: onOurHost}); !errors.Is(err, core.ErrForbidden) {
			t.Fatalf("Create of %s: err = %v, want ErrForbidden", id, err)
		}
	}
	// eve's own post, with or without the default port, is hers to publish.
	w.mustReceive(eve, &models.APActivity{Type: "Create", Object: &models.APObject{ID: "https://evil.test:443/notes/1", Type: "Note", AttributedTo: eve.URI, Content: "<p>mine</p>", To: pub}})
	if !w.stored("https://evil.test:443/notes/1") || w.statusCount(eve) != 1 {
		t.Fatal("eve's own post was refused")
	}
	if w.stored(victimID) || w.stored(ownID) {
		t.Fatal("a forged Create stored a status")
	}
	// An Update is held to the same rule.
	if err := w.receive(eve, &models.APActivity{Type: "Update", Object: &models.APObject{ID: victimID, Type: "Note", Content: "<p>x</p>"}}); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("Update of another server's object: err = %v, want ErrForbidden", err)
	}

	real := note(w.rick, "real", "<p>words of rick</p>", pub, nil)
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: real})
	st := w.statusByURI(victimID)
	if st.AccountID != w.rick.ID || !strings.Contains(st.Content, "words of rick") {
		t.Fatalf("the real post lost to the forged one: %+v", st)
	}
	edited := *real
	edited.Content = "<p>edit by rick</p>"
	w.mustReceive(w.rick, &models.APActivity{Type: "Update", Object: &edited})
	if st := w.statusByURI(victimID); !strings.Contains(st.Content, "edit by rick") {
		t.Fatalf("the real author cannot edit: %s", st.Content)
	}
	w.mustReceive(w.rick, &models.APActivity{Type: "Delete", Object: &models.APObject{ID: victimID, Type: "Tombstone"}})
	if w.stored(victimID) {
		t.Fatal("the real author cannot delete")
	}
}

// TestAnnounceTakesOnlyWhatItsOriginServes: the object of an Announce is
// fetched from its id; a note whose author is a local user or an actor of
// a third server is not stored, whoever serves it, and neither is a
// document that answers with another id, a local id or a blocked domain's.
func TestAnnounceTakesOnlyWhatItsOriginServes(t *testing.T) {
	w := newWorld(t)
	root := w.admin("root")
	eve := w.remoteOn("evil.test", "eve")
	pub := []string{models.PublicAddress}
	serve := func(id, author, content string) *models.APObject {
		o := &models.APObject{ID: id, Type: "Note", AttributedTo: author, Content: content, To: pub}
		w.fetch.objects[id] = o
		return o
	}
	asAlice := serve("https://evil.test/notes/alice", w.alice.URI, "<p>I, alice, say so</p>")
	asRick := serve("https://evil.test/notes/rick", w.rick.URI, "<p>I, rick, say so</p>")
	otherID := "https://evil.test/notes/other"
	w.fetch.objects[otherID] = &models.APObject{ID: "https://evil.test/notes/elsewhere", Type: "Note", AttributedTo: eve.URI, To: pub}
	localID := "https://plaza.test/users/alice/statuses/404"
	serve(localID, eve.URI, "<p>ours?</p>")

	if _, err := w.svc.Moderation().BlockDomain(w.ctx, root, "blocked.test", ""); err != nil {
		t.Fatal(err)
	}
	bea := w.remoteOn("blocked.test", "bea")
	blocked := serve(bea.URI+"/statuses/1", bea.URI, "<p>from a blocked server</p>")

	for _, id := range []string{asAlice.ID, asRick.ID, otherID, localID, blocked.ID} {
		w.mustReceive(eve, &models.APActivity{Type: "Announce", Object: &models.APObject{ID: id}, To: pub})
		w.mustReceive(w.mary, &models.APActivity{Type: "Announce", Object: &models.APObject{ID: id}, To: pub})
	}
	for _, id := range []string{asAlice.ID, asRick.ID, otherID, "https://evil.test/notes/elsewhere", localID, blocked.ID} {
		if w.stored(id) {
			t.Errorf("%s stored", id)
		}
	}
	for _, a := range []*models.Account{w.alice, w.rick, eve, w.mary, bea} {
		if n := w.statusCount(a); n != 0 {
			t.Errorf("%s has %d statuses", a.Username, n)
		}
	}

	// Search with resolve is held to the same rule.
	for _, id := range []string{asAlice.ID, asRick.ID, blocked.ID} {
		res, err := w.svc.Social().Search(w.ctx, w.carol, id, nil, true, 0)
		if err != nil || len(res.Statuses) != 0 || w.stored(id) {
			t.Errorf("search %s: %v statuses, err %v", id, ids(res.Statuses), err)
		}
	}

	// The embedded copy lies; what the origin serves is stored.
	honest := serve(eve.URI+"/statuses/honest", eve.URI, "<p>what evil.test serves</p>")
	w.mustReceive(w.mary, &models.APActivity{Type: "Announce", To: pub,
		Object: &models.APObject{ID: honest.ID, Type: "Note", AttributedTo: eve.URI, Content: "<p>embedded lie</p>", To: pub}})
	if st := w.statusByURI(honest.ID); !strings.Contains(st.Content, "what evil.test serves") || st.AccountID != eve.ID {
		t.Fatalf("announced status: %+v", st)
	}
}

// TestSearchByPageURLTrustsOnlyTheID: a post found by its page URL is
// stored as its own id serves it, and not at all when that id is another
// server's document pretending to be of the page's server.
func TestSearchByPageURLTrustsOnlyTheID(t *testing.T) {
	w := newWorld(t)
	pub := []string{models.PublicAddress}
	real := note(w.rick, "p1", "<p>served by its id</p>", pub, nil)
	w.fetch.objects[real.ID] = real
	page := "https://remote.test/@rick/p1"
	w.fetch.objects[page] = &models.APObject{ID: real.ID, Type: "Note", AttributedTo: w.rick.URI, Content: "<p>served by the page</p>", To: pub}

	res, err := w.svc.Social().Search(w.ctx, w.carol, page, nil, true, 0)
	if err != nil || len(res.Statuses) != 1 || !strings.Contains(res.Statuses[0].Content, "served by its id") {
		t.Fatalf("search by page URL: %+v, %v", res.Statuses, err)
	}

	// The page names a local user's id: nothing is fetched or stored.
	sneaky := "https://remote.test/@rick/p2"
	w.fetch.objects[sneaky] = &models.APObject{ID: "https://plaza.test/users/alice/statuses/9", Type: "Note", AttributedTo: w.alice.URI, To: pub}
	w.fetch.objects["https://plaza.test/users/alice/statuses/9"] = w.fetch.objects[sneaky]
	if res, err := w.svc.Social().Search(w.ctx, w.carol, sneaky, nil, true, 0); err != nil || len(res.Statuses) != 0 || w.statusCount(w.alice) != 0 {
		t.Fatalf("search by a page naming a local id: %+v, %v", res.Statuses, err)
	}
}
