package service_test

import (
	"errors"
	"slices"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
)

// chatOf returns the one chat of a's list with this id, or fails.
func (w *world) chatOf(a *models.Account, id int64) messaging.ConversationView {
	w.t.Helper()
	cv, err := w.svc.Messaging().ConversationByID(w.ctx, a, id)
	if err != nil {
		w.t.Fatalf("%s's chat %d: %v", a.Username, id, err)
	}
	return cv
}

// texts returns the plain texts of a chat's page of messages as a sees them.
func (w *world) texts(a *models.Account, id int64, p core.Page) []string {
	w.t.Helper()
	list, err := w.svc.Messaging().Messages(w.ctx, a, id, p)
	if err != nil {
		w.t.Fatalf("%s reads chat %d: %v", a.Username, id, err)
	}
	var out []string
	for _, v := range list {
		out = append(out, v.Status.Text)
	}
	return out
}

func usernames(list []*models.Account) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.Username)
	}
	slices.Sort(out)
	return out
}

func TestGroupChatMessagesMembersAndNames(t *testing.T) {
	w := newWorld(t)
	w.accepts(w.bob, w.alice)
	w.accepts(w.carol, w.alice)
	chat, err := w.svc.Messaging().StartChat(w.ctx, w.alice, messaging.StartChatInput{
		MemberIDs: []int64{w.bob.ID}, Handles: []string{"rick@remote.test"}, Name: " Trip ", Text: "hello all"})
	if err != nil {
		t.Fatal(err)
	}
	id := chat.AccountConversation.ConversationID
	if chat.Conversation.Name != "Trip" || !slices.Equal(usernames(chat.Accounts), []string{"bob", "rick"}) {
		t.Fatalf("new chat: name %q, accounts %v", chat.Conversation.Name, usernames(chat.Accounts))
	}
	// Mastodon-shaped: one direct Note to every member, in the chat's context.
	out := w.pub.last("Create")
	if out.Status.Visibility != models.VisibilityDirect || !slices.Equal(usernames(out.Recipients), []string{"bob", "rick"}) ||
		out.Status.ContextURI != chat.Conversation.ContextURI {
		t.Fatalf("first message sent as %s to %v in %s", out.Status.Visibility, usernames(out.Recipients), out.Status.ContextURI)
	}

	// bob answers in the chat; rick answers from his server with the context.
	if _, err := w.svc.Messaging().SendMessage(w.ctx, w.bob, id, messaging.MessageInput{Text: "hi from bob"}); err != nil {
		t.Fatal(err)
	}
	reply := note(w.rick, "c1", "<p>hi from rick</p>", []string{w.alice.URI, w.bob.URI}, nil)
	reply.Context = chat.Conversation.ContextURI
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: reply})
	want := []string{"hi from rick", "hi from bob", "hello all"}
	for _, a := range []*models.Account{w.alice, w.bob} {
		if got := w.texts(a, id, core.Page{}); !slices.Equal(got, want) {
			t.Fatalf("%s's chat: %v", a.Username, got)
		}
	}
	// Catch-up after an id, oldest first.
	first, _ := w.svc.Messaging().Messages(w.ctx, w.alice, id, core.Page{Limit: 1, MaxID: 1 << 62})
	if got := w.texts(w.alice, id, core.Page{MinID: first[0].Status.ID - 1}); len(got) != 1 {
		t.Fatalf("after the newest but one: %v", got)
	}
	after, err := w.svc.Messaging().MessagesAfter(w.ctx, w.alice, id, 1, 40)
	if err != nil || len(after) != 3 || after[0].Status.Text != "hello all" || after[2].Status.Text != "hi from rick" {
		t.Fatalf("catch-up: %d %v", len(after), err)
	}

	if got, err := w.svc.Messaging().ConversationOfStatus(w.ctx, w.bob, first[0].Status.ID); err != nil || got != id {
		t.Fatalf("chat of a message: %d, %v", got, err)
	}
	if _, err := w.svc.Messaging().ConversationOfStatus(w.ctx, w.carol, first[0].Status.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("chat of a message for a non-member: %v", err)
	}

	// Unread counts and the shared read marker.
	if cv := w.chatOf(w.alice, id); cv.UnreadCount != 2 || !cv.AccountConversation.Unread {
		t.Fatalf("alice's unread: %d %v", cv.UnreadCount, cv.AccountConversation.Unread)
	}
	if err := w.svc.Messaging().MarkConversationRead(w.ctx, w.alice, id); err != nil {
		t.Fatal(err)
	}
	if cv := w.chatOf(w.alice, id); cv.UnreadCount != 0 || cv.AccountConversation.Unread {
		t.Fatalf("alice's unread after read: %d", cv.UnreadCount)
	}

	// Non-members can neither read nor post nor change it.
	if _, err := w.svc.Messaging().Messages(w.ctx, w.carol, id, core.Page{}); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("carol reads: %v", err)
	}
	if _, err := w.svc.Messaging().SendMessage(w.ctx, w.carol, id, messaging.MessageInput{Text: "let me in"}); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("carol posts: %v", err)
	}
	if _, err := w.svc.Messaging().Rename(w.ctx, w.carol, id, "mine"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("carol renames: %v", err)
	}

	// alice adds carol: carol gets the notice and later messages.
	if _, err := w.svc.Messaging().AddMember(w.ctx, w.alice, id, w.carol.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Messaging().SendMessage(w.ctx, w.bob, id, messaging.MessageInput{Text: "welcome carol"}); err != nil {
		t.Fatal(err)
	}
	if got := w.texts(w.carol, id, core.Page{Limit: 2}); !slices.Equal(got, []string{"welcome carol", "added @carol"}) {
		t.Fatalf("carol's chat: %v", got)
	}
	if got := usernames(w.pub.last("Create").Recipients); !slices.Equal(got, []string{"alice", "carol", "rick"}) {
		t.Fatalf("bob's message went to %v", got)
	}
	if got := usernames(w.chatOf(w.carol, id).Accounts); !slices.Equal(got, []string{"alice", "bob", "rick"}) {
		t.Fatalf("carol sees members %v", got)
	}

	// Rename: everyone sees the new name; a long name is refused.
	if _, err := w.svc.Messaging().Rename(w.ctx, w.bob, id, "Trip 2"); err != nil {
		t.Fatal(err)
	}
	if cv := w.chatOf(w.carol, id); cv.Conversation.Name != "Trip 2" {
		t.Fatalf("carol sees name %q", cv.Conversation.Name)
	}
	long := string(make([]rune, messaging.MaxChatNameChars+1))
	if _, err := w.svc.Messaging().Rename(w.ctx, w.bob, id, "x"+long); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("long name: %v", err)
	}

	// carol leaves: the others see her as left, nothing reaches her.
	if err := w.svc.Messaging().Leave(w.ctx, w.carol, id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Messaging().SendMessage(w.ctx, w.alice, id, messaging.MessageInput{Text: "bye carol"}); err != nil {
		t.Fatal(err)
	}
	if got := usernames(w.pub.last("Create").Recipients); !slices.Equal(got, []string{"bob", "rick"}) {
		t.Fatalf("after carol left, sent to %v", got)
	}
	cv := w.chatOf(w.bob, id)
	left := false
	for _, m := range cv.Members {
		if m.AccountID == w.carol.ID && m.LeftAt != nil {
			left = true
		}
	}
	if !left || slices.Contains(usernames(cv.Accounts), "carol") {
		t.Fatalf("bob's members: %+v", cv.Members)
	}
	if got := w.texts(w.bob, id, core.Page{Limit: 2}); !slices.Equal(got, []string{"bye carol", "left the chat"}) {
		t.Fatalf("bob's chat after carol left: %v", got)
	}
	if _, err := w.svc.Messaging().ConversationByID(w.ctx, w.carol, id); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("carol still has the chat: %v", err)
	}
	if _, err := w.svc.Messaging().Messages(w.ctx, w.carol, id, core.Page{}); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("carol reads after leaving: %v", err)
	}
	// Deleting the last message leaves the chat listed with the one before.
	bye, err := w.svc.Messaging().SendMessage(w.ctx, w.alice, id, messaging.MessageInput{Text: "oops"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Social().DeleteStatus(w.ctx, w.alice, bye.ID); err != nil {
		t.Fatal(err)
	}
	if cv := w.chatOf(w.bob, id); cv.LastStatus == nil || cv.LastStatus.Text != "bye carol" || cv.UnreadCount != 2 {
		t.Fatalf("bob's chat after a delete: %+v, unread %d", cv.LastStatus, cv.UnreadCount)
	}
	// A reply to a message of another chat is refused.
	other := w.post(w.alice, socialDM("@bob elsewhere"))
	if _, err := w.svc.Messaging().SendMessage(w.ctx, w.alice, id, messaging.MessageInput{Text: "x", InReplyToID: &other.ID}); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("reply across chats: %v", err)
	}
}

// TestChatMetadataFromRemotes: a member's Note renames the chat and a
// member's "left" notice removes that member only; a non-member's Note in
// the chat's context changes nothing and is not filed.
func TestChatMetadataFromRemotes(t *testing.T) {
	w := newWorld(t)
	w.accepts(w.bob, w.alice)
	chat, err := w.svc.Messaging().StartChat(w.ctx, w.alice, messaging.StartChatInput{
		MemberIDs: []int64{w.bob.ID, w.rick.ID}, Name: "Plans", Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	id, ctxURI := chat.AccountConversation.ConversationID, chat.Conversation.ContextURI
	remoteNote := func(author *models.Account, nid, text, name, event string) {
		n := note(author, nid, "<p>"+text+"</p>", []string{w.alice.URI, w.bob.URI}, nil)
		n.Context, n.ChatName, n.ChatEvent = ctxURI, &name, event
		w.mustReceive(author, &models.APActivity{Type: "Create", Object: n})
	}
	remoteNote(w.mary, "x1", "let me in", "pwned", "")
	remoteNote(w.mary, "x2", "left the chat", "pwned", messaging.ChatEventLeft)
	if cv := w.chatOf(w.alice, id); cv.Conversation.Name != "Plans" || len(cv.Accounts) != 2 || cv.LastStatus.Text != "hi" {
		t.Fatalf("after a non-member's Notes: name %q, accounts %v, last %q", cv.Conversation.Name, usernames(cv.Accounts), cv.LastStatus.Text)
	}
	remoteNote(w.rick, "r1", "renamed", "<b>Big</b> plans", messaging.ChatEventRenamed)
	if cv := w.chatOf(w.bob, id); cv.Conversation.Name != "Big plans" {
		t.Fatalf("rick's rename: %q", cv.Conversation.Name)
	}
	remoteNote(w.rick, "r2", "left the chat", "Big plans", messaging.ChatEventLeft)
	cv := w.chatOf(w.alice, id)
	if got := usernames(cv.Accounts); len(got) != 1 || got[0] != "bob" {
		t.Fatalf("after rick left: %v", got)
	}
	if _, err := w.svc.Messaging().SendMessage(w.ctx, w.alice, id, messaging.MessageInput{Text: "rick's gone"}); err != nil {
		t.Fatal(err)
	}
	if got := usernames(w.pub.last("Create").Recipients); len(got) != 1 || got[0] != "bob" {
		t.Fatalf("sent to %v after rick left", got)
	}
}
