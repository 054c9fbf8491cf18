package service_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

func TestCreateStatusRendersMentionsTagsAndLinks(t *testing.T) {
	w := newWorld(t)
	st := w.post(w.alice, social.CreateStatusInput{
		Text: "Hi @bob and @rick@remote.test and @ghost@nowhere.test <script>alert(1)</script> #GoLang https://example.com/x?a=1&b=2\n\nbye",
	})
	for _, want := range []string{
		`<span class="h-card" translate="no"><a href="https://plaza.test/@bob" class="u-url mention">@<span>bob</span></a></span>`,
		`<a href="https://remote.test/@rick" class="u-url mention">@<span>rick</span></a>`,
		`@ghost@nowhere.test`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		`<a href="https://plaza.test/tags/golang" class="mention hashtag" rel="tag">#<span>GoLang</span></a>`,
		`<a href="https://example.com/x?a=1&amp;b=2" target="_blank" rel="nofollow noopener noreferrer">https://example.com/x?a=1&amp;b=2</a>`,
		`</p><p>bye</p>`,
	} {
		if !strings.Contains(st.Content, want) {
			t.Errorf("content lacks %s\ncontent: %s", want, st.Content)
		}
	}
	if strings.Contains(st.Content, "<script>") {
		t.Fatalf("script not escaped: %s", st.Content)
	}
	if st.URI != "https://plaza.test/users/alice/statuses/"+idStr(st.ID) || st.URL != "https://plaza.test/@alice/"+idStr(st.ID) ||
		st.ContextURI != "https://plaza.test/contexts/"+idStr(st.ID) || st.Visibility != models.VisibilityPublic {
		t.Fatalf("addresses: %+v", st)
	}
	mentioned, err := w.st.MentionedIDs(w.ctx, st.ID)
	if err != nil || len(mentioned) != 2 {
		t.Fatalf("mentions = %v, %v; want bob and rick", mentioned, err)
	}
	if got := w.notifications(w.bob); !has(got, "mention:alice") {
		t.Fatalf("bob's notifications: %v", got)
	}
	tl, err := w.svc.Social().TagTimeline(w.ctx, nil, "#golang", core.Page{})
	if err != nil || !contains(tl, st.ID) {
		t.Fatalf("tag timeline: %v %v", ids(tl), err)
	}
	create := w.pub.last("Create")
	if create == nil || create.Status.ID != st.ID || len(create.Recipients) != 2 {
		t.Fatalf("published Create: %+v", create)
	}
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

func TestCreateStatusValidation(t *testing.T) {
	w := newWorld(t)
	dm := w.post(w.bob, social.CreateStatusInput{Text: "@carol secret", Visibility: models.VisibilityDirect})
	cases := []struct {
		name string
		in   social.CreateStatusInput
		want error
	}{
		{"empty", social.CreateStatusInput{Text: "   "}, core.ErrValidation},
		{"too long", social.CreateStatusInput{Text: strings.Repeat("é", social.MaxStatusChars+1)}, core.ErrValidation},
		{"bad visibility", social.CreateStatusInput{Text: "x", Visibility: "friends"}, core.ErrValidation},
		{"reply to an invisible status", social.CreateStatusInput{Text: "x", InReplyToID: &dm.ID}, core.ErrValidation},
		{"foreign media", social.CreateStatusInput{Text: "x", MediaIDs: []int64{42}}, core.ErrValidation},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := w.svc.Social().CreateStatus(w.ctx, w.alice, tc.in); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if list, _ := w.svc.Social().AccountStatuses(w.ctx, w.alice, w.alice, core.Page{}); len(list) != 0 {
		t.Fatalf("failed posts left %d statuses", len(list))
	}
}

func TestReplyCountsContextAndNotifies(t *testing.T) {
	w := newWorld(t)
	parent := w.post(w.alice, social.CreateStatusInput{Text: "question"})
	reply := w.post(w.bob, social.CreateStatusInput{Text: "answer", InReplyToID: &parent.ID})
	if reply.ContextURI != parent.ContextURI || reply.InReplyToURI != parent.URI || *reply.InReplyToAccountID != w.alice.ID {
		t.Fatalf("reply links: %+v", reply)
	}
	if got := w.status(parent.ID).RepliesCount; got != 1 {
		t.Fatalf("replies count %d", got)
	}
	if got := w.notifications(w.alice); !has(got, "mention:bob") {
		t.Fatalf("alice not notified of the reply: %v", got)
	}
	anc, desc, err := w.svc.Social().Thread(w.ctx, nil, reply.ID)
	if err != nil || len(anc) != 1 || anc[0].ID != parent.ID || len(desc) != 0 {
		t.Fatalf("thread of reply: %v %v %v", ids(anc), ids(desc), err)
	}
	if _, err := w.svc.Social().DeleteStatus(w.ctx, w.bob, reply.ID); err != nil {
		t.Fatal(err)
	}
	if got := w.status(parent.ID).RepliesCount; got != 0 {
		t.Fatalf("replies count after delete %d", got)
	}
}

func TestDirectMessagesStayBetweenParticipants(t *testing.T) {
	w := newWorld(t)
	w.accepts(w.bob, w.alice) // no message request
	dm := w.post(w.alice, social.CreateStatusInput{Text: "@bob psst", Visibility: models.VisibilityDirect})
	for _, c := range []struct {
		name   string
		viewer *models.Account
		want   bool
	}{{"author", w.alice, true}, {"recipient", w.bob, true}, {"third user", w.carol, false}, {"anonymous", nil, false}, {"remote", w.rick, false}} {
		if got := w.canSee(c.viewer, dm); got != c.want {
			t.Errorf("CanSee(%s) = %v, want %v", c.name, got, c.want)
		}
	}
	if _, err := w.svc.Core().StatusForViewer(w.ctx, w.carol, dm.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("carol reads the DM: %v", err)
	}
	if _, err := w.svc.Core().StatusByURIForViewer(w.ctx, nil, dm.URI); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("anonymous reads the DM: %v", err)
	}
	// carol follows alice: still no DM anywhere for her.
	if _, err := w.svc.Social().Follow(w.ctx, w.carol, w.alice); err != nil {
		t.Fatal(err)
	}
	for _, viewer := range []*models.Account{w.carol, nil} {
		list, err := w.svc.Social().AccountStatuses(w.ctx, viewer, w.alice, core.Page{})
		if err != nil || contains(list, dm.ID) {
			t.Fatalf("DM in alice's statuses for %v: %v", viewer, err)
		}
	}
	for _, a := range []*models.Account{w.carol, w.bob, w.alice} {
		if home, _ := w.svc.Social().HomeTimeline(w.ctx, a, core.Page{}); contains(home, dm.ID) {
			t.Fatalf("DM in %s's home timeline", a.Username)
		}
	}
	if list, _ := w.svc.Social().AccountStatuses(w.ctx, w.bob, w.alice, core.Page{}); !contains(list, dm.ID) {
		t.Fatal("bob cannot list the DM he got")
	}
	for _, c := range []struct {
		who    *models.Account
		unread bool
	}{{w.alice, false}, {w.bob, true}} {
		convs, err := w.svc.Messaging().Conversations(w.ctx, c.who, core.Page{})
		if err != nil || len(convs) != 1 || convs[0].LastStatus.ID != dm.ID || convs[0].AccountConversation.Unread != c.unread {
			t.Fatalf("%s's conversations: %+v %v", c.who.Username, convs, err)
		}
		if len(convs[0].Accounts) != 1 {
			t.Fatalf("%s's conversation participants: %v", c.who.Username, convs[0].Accounts)
		}
	}
	if convs, _ := w.svc.Messaging().Conversations(w.ctx, w.carol, core.Page{}); len(convs) != 0 {
		t.Fatalf("carol has conversations: %+v", convs)
	}
	bobConvs, _ := w.svc.Messaging().Conversations(w.ctx, w.bob, core.Page{})
	convID := bobConvs[0].AccountConversation.ConversationID
	if err := w.svc.Messaging().MarkConversationRead(w.ctx, w.bob, convID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Messaging().MarkConversationRead(w.ctx, w.carol, convID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("carol marks a conversation she is not in: %v", err)
	}
	if err := w.svc.Messaging().HideConversation(w.ctx, w.bob, convID); err != nil {
		t.Fatal(err)
	}
	if convs, _ := w.svc.Messaging().Conversations(w.ctx, w.bob, core.Page{}); len(convs) != 0 {
		t.Fatalf("hidden conversation listed: %+v", convs)
	}
	// A reply in the thread moves the same conversation on.
	reply := w.post(w.bob, social.CreateStatusInput{Text: "@alice ok", Visibility: models.VisibilityDirect, InReplyToID: &dm.ID})
	convs, _ := w.svc.Messaging().Conversations(w.ctx, w.alice, core.Page{})
	if len(convs) != 1 || convs[0].LastStatus.ID != reply.ID || !convs[0].AccountConversation.Unread {
		t.Fatalf("alice's conversations after reply: %+v", convs)
	}
}

func TestPrivateStatusVisibility(t *testing.T) {
	w := newWorld(t)
	if _, err := w.svc.Social().Follow(w.ctx, w.bob, w.alice); err != nil {
		t.Fatal(err)
	}
	priv := w.post(w.alice, social.CreateStatusInput{Text: "followers only", Visibility: models.VisibilityPrivate})
	mention := w.post(w.alice, social.CreateStatusInput{Text: "@carol you too", Visibility: models.VisibilityPrivate})
	unlisted := w.post(w.alice, social.CreateStatusInput{Text: "quiet", Visibility: models.VisibilityUnlisted})
	cases := []struct {
		viewer *models.Account
		st     *models.Status
		want   bool
	}{
		{w.bob, priv, true}, {w.carol, priv, false}, {nil, priv, false},
		{w.carol, mention, true}, {nil, unlisted, true}, {w.carol, unlisted, true},
	}
	for i, c := range cases {
		if got := w.canSee(c.viewer, c.st); got != c.want {
			t.Errorf("case %d: CanSee = %v, want %v", i, got, c.want)
		}
	}
	pub, _ := w.svc.Social().PublicTimeline(w.ctx, nil, true, true, core.Page{})
	if len(pub) != 0 {
		t.Fatalf("public timeline has non-public statuses: %v", ids(pub))
	}
	if _, err := w.svc.Social().Boost(w.ctx, w.bob, priv.ID); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("boost of a private status: %v", err)
	}
}

func TestEditKeepsHistoryAndNotifiesBoosters(t *testing.T) {
	w := newWorld(t)
	st := w.post(w.alice, social.CreateStatusInput{Text: "first #one"})
	if _, err := w.svc.Social().Boost(w.ctx, w.bob, st.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Social().EditStatus(w.ctx, w.bob, st.ID, social.EditStatusInput{Text: "hijack"}); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("edit by another: %v", err)
	}
	edited, err := w.svc.Social().EditStatus(w.ctx, w.alice, st.ID, social.EditStatusInput{Text: "second #two", SpoilerText: "cw"})
	if err != nil {
		t.Fatal(err)
	}
	if edited.EditedAt == nil || !strings.Contains(edited.Content, "second") || !edited.Sensitive {
		t.Fatalf("edited: %+v", edited)
	}
	got := w.status(st.ID)
	if !strings.Contains(got.Content, "second") || got.EditedAt == nil {
		t.Fatalf("stored after edit: %+v", got)
	}
	hist, err := w.svc.Social().StatusHistory(w.ctx, nil, st.ID)
	if err != nil || len(hist) != 1 || !strings.Contains(hist[0].Content, "first") {
		t.Fatalf("history: %+v %v", hist, err)
	}
	if got := w.notifications(w.bob); !has(got, "update:alice") {
		t.Fatalf("booster not notified: %v", got)
	}
	if tl, _ := w.svc.Social().TagTimeline(w.ctx, nil, "one", core.Page{}); len(tl) != 0 {
		t.Fatal("old hashtag kept")
	}
	if tl, _ := w.svc.Social().TagTimeline(w.ctx, nil, "two", core.Page{}); !contains(tl, st.ID) {
		t.Fatal("new hashtag missing")
	}
	if up := w.pub.last("Update"); up == nil || !strings.HasPrefix(up.ID, st.URI+"#updates/") {
		t.Fatalf("published Update: %+v", up)
	}
}

func TestDeleteStatusRemovesEverythingAboutIt(t *testing.T) {
	w := newWorld(t)
	st := w.post(w.alice, social.CreateStatusInput{Text: "hello @carol"})
	if _, err := w.svc.Social().Favourite(w.ctx, w.bob, st.ID); err != nil {
		t.Fatal(err)
	}
	boost, err := w.svc.Social().Boost(w.ctx, w.carol, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Social().DeleteStatus(w.ctx, w.bob, st.ID); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("delete by another: %v", err)
	}
	if _, err := w.svc.Social().DeleteStatus(w.ctx, w.alice, st.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{st.ID, boost.ID} {
		if _, err := w.svc.Core().StatusForViewer(w.ctx, w.alice, id); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("status %d still there: %v", id, err)
		}
	}
	if got := w.notifications(w.alice); len(got) != 0 {
		t.Fatalf("alice's notifications survive: %v", got)
	}
	if got := w.notifications(w.carol); len(got) != 0 {
		t.Fatalf("carol's mention survives: %v", got)
	}
	if del := w.pub.last("Delete"); del == nil || del.Status.ID != st.ID || del.ID != st.URI+"#delete" {
		t.Fatalf("published Delete: %+v", del)
	}
}
