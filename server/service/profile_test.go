package service_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

func profileRef[T any](v T) *T { return &v }

func TestUpdateProfileLimits(t *testing.T) {
	field := func(n, v string) models.AccountField { return models.AccountField{Name: n, Value: v} }
	tests := []struct {
		name string
		in   accounts.ProfileInput
		ok   bool
	}{
		{"display name at limit", accounts.ProfileInput{DisplayName: profileRef(strings.Repeat("é", 30))}, true},
		{"display name too long", accounts.ProfileInput{DisplayName: profileRef(strings.Repeat("a", 31))}, false},
		{"note at limit", accounts.ProfileInput{Note: profileRef(strings.Repeat("n", 500))}, true},
		{"note too long", accounts.ProfileInput{Note: profileRef(strings.Repeat("n", 501))}, false},
		{"four fields", accounts.ProfileInput{Fields: &[]models.AccountField{field("a", "1"), field("b", "2"), field("c", "3"), field("d", "4")}}, true},
		{"five fields", accounts.ProfileInput{Fields: &[]models.AccountField{field("a", "1"), field("b", "2"), field("c", "3"), field("d", "4"), field("e", "5")}}, false},
		{"empty fields dropped", accounts.ProfileInput{Fields: &[]models.AccountField{field("a", "1"), {}, {}, field("b", "2"), field("c", "3"), field("d", "4")}}, true},
		{"field name too long", accounts.ProfileInput{Fields: &[]models.AccountField{field(strings.Repeat("x", 256), "v")}}, false},
		{"field value too long", accounts.ProfileInput{Fields: &[]models.AccountField{field("n", strings.Repeat("x", 256))}}, false},
	}
	w := newWorld(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.svc.Accounts().UpdateProfile(w.ctx, w.alice, tc.in)
			if tc.ok && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !tc.ok && !errors.Is(err, core.ErrValidation) {
				t.Fatalf("want ErrValidation, got %v", err)
			}
		})
	}
}

func TestUpdateProfileSaves(t *testing.T) {
	w := newWorld(t)
	in := accounts.ProfileInput{
		DisplayName:  profileRef("Alice <A>"),
		Note:         profileRef("Hi @bob, see https://example.com/x <b>\n\n#plaza"),
		Locked:       profileRef(true),
		Discoverable: profileRef(false),
		Fields:       &[]models.AccountField{{Name: "Site", Value: "<script>x</script>"}},
		AvatarURL:    profileRef("https://plaza.test/media/a.png"),
	}
	if _, err := w.svc.Accounts().UpdateProfile(w.ctx, w.alice, in); err != nil {
		t.Fatal(err)
	}
	got, err := w.st.AccountByID(w.ctx, w.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "Alice <A>" || !got.Locked || got.Discoverable || got.AvatarURL != "https://plaza.test/media/a.png" {
		t.Fatalf("not saved: %+v", got)
	}
	for _, want := range []string{"<p>", `href="https://example.com/x"`, "&lt;b&gt;", `class="u-url mention"`, `class="mention hashtag"`} {
		if !strings.Contains(got.Note, want) {
			t.Errorf("note %q lacks %q", got.Note, want)
		}
	}
	var fields []models.AccountField
	if err := json.Unmarshal([]byte(got.FieldsJSON), &fields); err != nil || len(fields) != 1 || fields[0].Value != "&lt;script&gt;x&lt;/script&gt;" {
		t.Fatalf("fields = %s (%v)", got.FieldsJSON, err)
	}
	if w.alice.DisplayName != "Alice <A>" {
		t.Fatal("account not updated in place")
	}
	// nil fields are left alone.
	if _, err := w.svc.Accounts().UpdateProfile(w.ctx, w.alice, accounts.ProfileInput{Locked: profileRef(false)}); err != nil {
		t.Fatal(err)
	}
	got, _ = w.st.AccountByID(w.ctx, w.alice.ID)
	if got.Locked || got.DisplayName != "Alice <A>" || got.FieldsJSON != w.alice.FieldsJSON {
		t.Fatalf("partial update changed other fields: %+v", got)
	}
	if _, err := w.svc.Accounts().UpdateProfile(w.ctx, w.rick, in); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("remote account edited: %v", err)
	}
}

func TestMutes(t *testing.T) {
	w := newWorld(t)
	for _, target := range []*models.Account{w.bob, w.carol} {
		if _, err := w.svc.Social().Follow(w.ctx, w.alice, target); err != nil {
			t.Fatal(err)
		}
	}
	bobPost := w.post(w.bob, social.CreateStatusInput{Text: "bob here"})
	carolPost := w.post(w.carol, social.CreateStatusInput{Text: "carol here"})
	boostOfBob, err := w.svc.Social().Boost(w.ctx, w.carol, bobPost.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Social().Mute(w.ctx, w.alice, w.bob, true); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Social().Mute(w.ctx, w.alice, w.alice, true); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("self mute: %v", err)
	}
	home, err := w.svc.Social().HomeTimeline(w.ctx, w.alice, core.Page{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	if contains(home, bobPost.ID) || contains(home, boostOfBob.ID) || !contains(home, carolPost.ID) {
		t.Fatalf("home timeline with bob muted: %v", ids(home))
	}
	muting, notif, err := w.svc.Social().Muting(w.ctx, w.alice, w.bob)
	if err != nil || !muting || !notif {
		t.Fatalf("muting = %v %v %v", muting, notif, err)
	}

	// Notifications from a muted account are hidden while the mute covers them.
	w.post(w.bob, social.CreateStatusInput{Text: "hey @alice"})
	if has(w.notifications(w.alice), "mention:bob") {
		t.Fatal("notification from a muted account shown")
	}
	if _, err := w.svc.Social().Mute(w.ctx, w.alice, w.bob, false); err != nil {
		t.Fatal(err)
	}
	if !has(w.notifications(w.alice), "mention:bob") {
		t.Fatal("mute without notifications hid a notification")
	}
	if _, notif, _ := w.svc.Social().Muting(w.ctx, w.alice, w.bob); notif {
		t.Fatal("re-muting did not update notifications")
	}

	if _, err := w.svc.Social().Mute(w.ctx, w.alice, w.rick, true); err != nil {
		t.Fatal(err)
	}
	list, err := w.svc.Social().Mutes(w.ctx, w.alice, core.Page{})
	if err != nil || len(list) != 2 || list[0].Account.ID != w.rick.ID || list[1].Account.ID != w.bob.ID {
		t.Fatalf("mutes = %+v %v", list, err)
	}
	older, err := w.svc.Social().Mutes(w.ctx, w.alice, core.Page{MaxID: list[0].ID})
	if err != nil || len(older) != 1 || older[0].Account.ID != w.bob.ID {
		t.Fatalf("paged mutes = %+v %v", older, err)
	}

	if err := w.svc.Social().Unmute(w.ctx, w.alice, w.bob); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Social().Unmute(w.ctx, w.alice, w.bob); err != nil {
		t.Fatalf("unmuting twice: %v", err)
	}
	home, _ = w.svc.Social().HomeTimeline(w.ctx, w.alice, core.Page{Limit: 40})
	if !contains(home, bobPost.ID) {
		t.Fatal("unmuted account still hidden")
	}

	if _, err := w.svc.Social().Block(w.ctx, w.alice, w.carol); err != nil {
		t.Fatal(err)
	}
	blocks, err := w.svc.Social().Blocks(w.ctx, w.alice, core.Page{})
	if err != nil || len(blocks) != 1 || blocks[0].Account.ID != w.carol.ID || blocks[0].ID == 0 {
		t.Fatalf("blocks = %+v %v", blocks, err)
	}
}

func TestAccountStatusesFiltered(t *testing.T) {
	w := newWorld(t)
	top := w.post(w.bob, social.CreateStatusInput{Text: "top #Go"})
	self := w.post(w.bob, social.CreateStatusInput{Text: "thread", InReplyToID: &top.ID})
	alicePost := w.post(w.alice, social.CreateStatusInput{Text: "alice"})
	reply := w.post(w.bob, social.CreateStatusInput{Text: "@alice reply", InReplyToID: &alicePost.ID})
	boost, err := w.svc.Social().Boost(w.ctx, w.bob, alicePost.ID)
	if err != nil {
		t.Fatal(err)
	}
	get := func(f social.AccountStatusFilter) []*models.Status {
		t.Helper()
		list, err := w.svc.Social().AccountStatusesFiltered(w.ctx, w.carol, w.bob, core.Page{Limit: 40}, f)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	if l := get(social.AccountStatusFilter{}); len(l) != 4 {
		t.Fatalf("unfiltered: %v", ids(l))
	}
	if l := get(social.AccountStatusFilter{ExcludeReplies: true}); contains(l, reply.ID) || !contains(l, self.ID) || !contains(l, top.ID) {
		t.Fatalf("exclude_replies: %v", ids(l))
	}
	if l := get(social.AccountStatusFilter{ExcludeReblogs: true}); contains(l, boost.ID) || len(l) != 3 {
		t.Fatalf("exclude_reblogs: %v", ids(l))
	}
	if l := get(social.AccountStatusFilter{OnlyMedia: true}); len(l) != 0 {
		t.Fatalf("only_media: %v", ids(l))
	}
	if l := get(social.AccountStatusFilter{Tagged: "#go"}); len(l) != 1 || l[0].ID != top.ID {
		t.Fatalf("tagged: %v", ids(l))
	}
}

func TestLookupAccount(t *testing.T) {
	w := newWorld(t)
	for handle, want := range map[string]*models.Account{
		"alice": w.alice, "@Alice": w.alice, "alice@plaza.test": w.alice, "@alice@PLAZA.test": w.alice,
		"rick@remote.test": w.rick, "@rick@remote.test": w.rick,
	} {
		a, err := w.svc.Accounts().LookupAccount(w.ctx, handle)
		if err != nil || a.ID != want.ID {
			t.Errorf("lookup %q = %v, %v", handle, a, err)
		}
	}
	for _, handle := range []string{"nobody", "nobody@remote.test", "rick", "alice@remote.test", ""} {
		if _, err := w.svc.Accounts().LookupAccount(w.ctx, handle); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("lookup %q: %v", handle, err)
		}
	}
}
