package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
)

// world is a local author with remote followers and a remote friend.
type world struct {
	st                  *store.Store
	alice, carol, local *models.Account
	f1, f2, f3          *models.Account
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{st: storetest.Open(t)}
	acc := func(name, domain, base, shared string) *models.Account {
		a := &models.Account{Username: name, Domain: domain, ActorType: models.ActorPerson, URI: base + "/users/" + name,
			InboxURI: base + "/users/" + name + "/inbox", SharedInbox: shared, FollowersURI: base + "/users/" + name + "/followers",
			CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := w.st.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	w.alice = acc("alice", "", "https://plaza.test", "https://plaza.test/inbox")
	w.local = acc("bob", "", "https://plaza.test", "https://plaza.test/inbox")
	w.f1 = acc("f1", "masto.example", "https://masto.example", "https://masto.example/inbox")
	w.f2 = acc("f2", "masto.example", "https://masto.example", "https://masto.example/inbox")
	w.f3 = acc("f3", "gts.example", "https://gts.example", "")
	w.carol = acc("carol", "akkoma.example", "https://akkoma.example", "https://akkoma.example/inbox")
	for _, f := range []*models.Account{w.f1, w.f2, w.f3, w.local} {
		if err := w.st.CreateFollow(ctx, &models.Follow{AccountID: f.ID, TargetAccountID: w.alice.ID, Accepted: true,
			URI: f.URI + "#follow", CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// status stores a status of alice mentioning the given accounts.
func (w *world) status(t *testing.T, v models.Visibility, mentions ...*models.Account) *models.Status {
	t.Helper()
	ctx := context.Background()
	s := &models.Status{URI: "https://plaza.test/users/alice/statuses/" + string(v), URL: "https://plaza.test/@alice/1",
		AccountID: w.alice.ID, Local: true, Content: "<p>hi</p>", Visibility: v, Language: "en", SpoilerText: "cw", Sensitive: true,
		ContextURI: "https://plaza.test/contexts/1", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := w.st.CreateStatus(ctx, s); err != nil {
		t.Fatal(err)
	}
	for _, m := range mentions {
		if err := w.st.CreateMention(ctx, &models.Mention{StatusID: s.ID, AccountID: m.ID}); err != nil {
			t.Fatal(err)
		}
	}
	tag, err := w.st.EnsureTag(ctx, "plaza")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.LinkStatusTag(ctx, s.ID, tag.ID); err != nil {
		t.Fatal(err)
	}
	sid := s.ID
	if err := w.st.CreateMediaAttachment(ctx, &models.MediaAttachment{AccountID: w.alice.ID, StatusID: &sid, Type: "image",
		MimeType: "image/png", URL: "https://plaza.test/media/1.png", Description: "alt", Blurhash: "UABC", Width: 4, Height: 3, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s.Account = w.alice
	return s
}

func (w *world) publish(t *testing.T, out *models.Outgoing) []models.Delivery {
	t.Helper()
	ctx := context.Background()
	p := NewPublisher(NewEncoder(w.st), nil)
	if err := w.st.WithTx(ctx, func(tx *store.Store) error { return p.Publish(ctx, tx, out) }); err != nil {
		t.Fatal(err)
	}
	ds, err := w.st.DeliveriesByActivity(ctx, out.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func inboxesOf(ds []models.Delivery) []string {
	var in []string
	for _, d := range ds {
		in = append(in, d.InboxURL)
	}
	sort.Strings(in)
	return in
}

func TestPublishGroupsBySharedInbox(t *testing.T) {
	w := newWorld(t)
	s := w.status(t, models.VisibilityPublic, w.carol, w.f1)
	ds := w.publish(t, &models.Outgoing{Type: "Create", ID: s.URI + "/activity", Actor: w.alice, Status: s})
	want := []string{"https://akkoma.example/inbox", "https://gts.example/users/f3/inbox", "https://masto.example/inbox"}
	if got := inboxesOf(ds); !slices.Equal(got, want) {
		t.Fatalf("inboxes = %q, want %q", got, want)
	}
	d := ds[0]
	if d.State != models.DeliveryPending || d.SignerAccountID != w.alice.ID || d.Domain != "akkoma.example" || d.NextAttemptAt.IsZero() {
		t.Errorf("delivery %+v", d)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(d.Payload), &doc); err != nil {
		t.Fatal(err)
	}
	// What we send must read back as what we meant.
	act, err := DecodeActivity([]byte(d.Payload))
	if err != nil {
		t.Fatal(err)
	}
	o := act.Object
	if act.Type != "Create" || act.Actor != w.alice.URI || o.ID != s.URI || o.Summary != "cw" || !o.Sensitive || o.Language != "en" ||
		o.Context != s.ContextURI || !slices.Equal(o.To, []string{models.PublicAddress}) ||
		!slices.Equal(o.Cc, []string{w.alice.FollowersURI, w.carol.URI, w.f1.URI}) {
		t.Errorf("decoded back: %+v / %+v", act, o)
	}
	wantTags := []models.APTag{
		{Type: "Mention", Name: "@carol@akkoma.example", Href: w.carol.URI},
		{Type: "Mention", Name: "@f1@masto.example", Href: w.f1.URI},
		{Type: "Hashtag", Name: "#plaza", Href: "https://plaza.test/tags/plaza"},
	}
	if !slices.Equal(o.Tags, wantTags) {
		t.Errorf("tags %+v", o.Tags)
	}
	wantAtt := models.APAttachment{Type: "Document", MediaType: "image/png", URL: "https://plaza.test/media/1.png", Name: "alt", Blurhash: "UABC", Width: 4, Height: 3}
	if len(o.Attachments) != 1 || o.Attachments[0] != wantAtt {
		t.Errorf("attachments %+v", o.Attachments)
	}
}

func TestPublishDirectOnlyToMentioned(t *testing.T) {
	w := newWorld(t)
	s := w.status(t, models.VisibilityDirect, w.carol, w.local)
	ds := w.publish(t, &models.Outgoing{Type: "Create", ID: s.URI + "/activity", Actor: w.alice, Status: s})
	if got := inboxesOf(ds); !slices.Equal(got, []string{w.carol.InboxURI}) {
		t.Fatalf("inboxes = %q, want only carol's personal inbox", got)
	}
	act, err := DecodeActivity([]byte(ds[0].Payload))
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range append(act.To, act.Cc...) {
		if addr == models.PublicAddress || addr == w.alice.FollowersURI {
			t.Errorf("direct message addressed to %s", addr)
		}
	}
}

func TestEncodeAddressing(t *testing.T) {
	w := newWorld(t)
	enc := NewEncoder(w.st)
	ctx := context.Background()
	for v, want := range map[models.Visibility][2][]string{
		models.VisibilityPublic:   {{models.PublicAddress}, {w.alice.FollowersURI, w.carol.URI}},
		models.VisibilityUnlisted: {{w.alice.FollowersURI}, {models.PublicAddress, w.carol.URI}},
		models.VisibilityPrivate:  {{w.alice.FollowersURI}, {w.carol.URI}},
		models.VisibilityDirect:   {{w.carol.URI}, {}},
	} {
		note, err := enc.Note(ctx, nil, w.status(t, v, w.carol))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(note["to"].([]string), want[0]) || !slices.Equal(note["cc"].([]string), want[1]) {
			t.Errorf("%s: to %q cc %q", v, note["to"], note["cc"])
		}
	}
}

func TestEncodeActivities(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	s := w.status(t, models.VisibilityPublic)
	follow := &models.Outgoing{Type: "Follow", ID: "https://plaza.test/follows/1", Actor: w.alice, Target: w.carol}
	for _, tc := range []struct {
		out     *models.Outgoing
		object  string // object id after decoding
		sub     string // embedded activity type
		inboxes []string
	}{
		{out: follow, object: w.carol.URI, inboxes: []string{"https://akkoma.example/inbox"}},
		{out: &models.Outgoing{Type: "Accept", ID: "https://plaza.test/accepts/1", Actor: w.alice, Target: w.carol,
			Follow: &models.Follow{URI: "https://akkoma.example/follows/9"}}, sub: "Follow", inboxes: []string{"https://akkoma.example/inbox"}},
		{out: &models.Outgoing{Type: "Undo", ID: "https://plaza.test/follows/1/undo", Actor: w.alice, Undo: follow}, sub: "Follow",
			inboxes: []string{"https://akkoma.example/inbox"}},
		{out: &models.Outgoing{Type: "Delete", ID: s.URI + "#delete", Actor: w.alice, Status: s}, object: s.URI,
			inboxes: []string{"https://gts.example/users/f3/inbox", "https://masto.example/inbox"}},
		{out: &models.Outgoing{Type: "Block", ID: "https://plaza.test/blocks/1", Actor: w.alice, Target: w.f3}, object: w.f3.URI,
			inboxes: []string{w.f3.InboxURI}},
		// A suspended actor's Delete goes to every follower's server; a Flag
		// only to the reported account's.
		{out: &models.Outgoing{Type: "Delete", ID: w.alice.URI + "#delete", Actor: w.alice}, object: w.alice.URI,
			inboxes: []string{"https://gts.example/users/f3/inbox", "https://masto.example/inbox"}},
		{out: &models.Outgoing{Type: "Flag", ID: "https://plaza.test/reports/1", Actor: w.local, Target: w.carol,
			Objects: []string{"https://akkoma.example/objects/9"}, Content: "spam"}, object: w.carol.URI,
			inboxes: []string{"https://akkoma.example/inbox"}},
	} {
		t.Run(tc.out.Type, func(t *testing.T) {
			ds := w.publish(t, tc.out)
			if got := inboxesOf(ds); !slices.Equal(got, tc.inboxes) {
				t.Fatalf("inboxes %q, want %q", got, tc.inboxes)
			}
			act, err := DecodeActivity([]byte(ds[0].Payload))
			if err != nil {
				t.Fatal(err)
			}
			var raw any
			if err := json.Unmarshal([]byte(ds[0].Payload), &raw); err != nil {
				t.Fatal(err)
			}
			if empty := absentAsValues(raw, "$"); len(empty) > 0 {
				t.Errorf("fields present with no value (leave them out): %v in %s", empty, ds[0].Payload)
			}
			if tc.sub != "" {
				if act.Activity == nil || act.Activity.Type != tc.sub {
					t.Fatalf("embedded %+v", act.Activity)
				}
				return
			}
			if act.Object == nil || act.Object.ID != tc.object {
				t.Errorf("object %+v", act.Object)
			}
		})
	}

	// A boost of carol's post goes to alice's followers and to carol.
	orig := &models.Status{URI: "https://akkoma.example/objects/1", AccountID: w.carol.ID, Visibility: models.VisibilityPublic, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := w.st.CreateStatus(ctx, orig); err != nil {
		t.Fatal(err)
	}
	boost := &models.Status{URI: "https://plaza.test/users/alice/statuses/boost", AccountID: w.alice.ID, ReblogOfID: &orig.ID, Visibility: models.VisibilityPublic, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	ds := w.publish(t, &models.Outgoing{Type: "Announce", ID: boost.URI, Actor: w.alice, Status: boost})
	if got := inboxesOf(ds); !slices.Equal(got, []string{"https://akkoma.example/inbox", "https://gts.example/users/f3/inbox", "https://masto.example/inbox"}) {
		t.Errorf("announce inboxes %q", got)
	}
	if act, _ := DecodeActivity([]byte(ds[0].Payload)); act.Object.ID != orig.URI || !slices.Equal(act.Cc, []string{w.alice.FollowersURI, w.carol.URI}) {
		t.Errorf("announce %+v", act)
	}
}

// absentAsValues lists the fields of a JSON document that are null or "",
// which some servers refuse where they expect an id or a list.
func absentAsValues(v any, path string) []string {
	var out []string
	switch x := v.(type) {
	case nil:
		out = append(out, path)
	case string:
		if x == "" {
			out = append(out, path)
		}
	case map[string]any:
		for k, e := range x {
			out = append(out, absentAsValues(e, path+"."+k)...)
		}
	case []any:
		for i, e := range x {
			out = append(out, absentAsValues(e, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}
