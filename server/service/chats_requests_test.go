package service_test

import (
	"errors"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
)

// requestsOf returns the usernames of a's pending message requests.
func (w *world) requestsOf(a *models.Account) []messaging.RequestView {
	w.t.Helper()
	list, err := w.svc.Messaging().Requests(w.ctx, a, core.Page{})
	if err != nil {
		w.t.Fatal(err)
	}
	return list
}

func (w *world) chatCount(a *models.Account) int {
	w.t.Helper()
	list, err := w.svc.Messaging().Conversations(w.ctx, a, core.Page{})
	if err != nil {
		w.t.Fatal(err)
	}
	return len(list)
}

// dmFrom delivers a direct Note of a remote author to the given addressees.
func (w *world) dmFrom(author *models.Account, id, text string, to ...*models.Account) *models.Status {
	w.t.Helper()
	var uris []string
	for _, a := range to {
		uris = append(uris, a.URI)
	}
	n := note(author, id, "<p>"+text+"</p>", uris, nil)
	w.mustReceive(author, &models.APActivity{Type: "Create", Object: n})
	return w.statusByURI(n.ID)
}

func TestMessageRequestsFromStrangers(t *testing.T) {
	w := newWorld(t)

	// A stranger's DM with a new context makes a chat of its addressees, held.
	dm := w.dmFrom(w.rick, "r1", "hello carol and bob", w.carol, w.bob)
	if has(w.notifications(w.carol), "mention:rick") || w.chatCount(w.carol) != 0 {
		t.Fatal("the held DM notified or shows in carol's chats")
	}
	reqs := w.requestsOf(w.carol)
	if len(reqs) != 1 || reqs[0].Account.ID != w.rick.ID || reqs[0].Request.MessagesCount != 1 || reqs[0].LastStatus.ID != dm.ID {
		t.Fatalf("carol's requests: %+v", reqs)
	}
	// The held chat can be previewed; it has its addressees as members.
	msgs, err := w.svc.Messaging().Messages(w.ctx, w.carol, reqs[0].ConversationID, core.Page{})
	if err != nil || len(msgs) != 1 {
		t.Fatalf("preview: %d, %v", len(msgs), err)
	}
	if members, _ := w.svc.Messaging().Members(w.ctx, w.carol, reqs[0].ConversationID); len(members) != 3 {
		t.Fatalf("members of the held chat: %d", len(members))
	}
	w.dmFrom(w.rick, "r2", "still there?", w.carol)
	if reqs := w.requestsOf(w.carol); len(reqs) != 1 || reqs[0].Request.MessagesCount != 2 {
		t.Fatalf("second message: %+v", reqs)
	}
	// Accept: both of rick's chats move into the list; his later DMs are not held.
	if err := w.svc.Messaging().AcceptRequest(w.ctx, w.carol, reqs[0].Request.ID); err != nil {
		t.Fatal(err)
	}
	if w.chatCount(w.carol) != 2 || len(w.requestsOf(w.carol)) != 0 {
		t.Fatal("accepted request not in carol's chats")
	}
	w.dmFrom(w.rick, "r3", "new thread", w.carol)
	if w.chatCount(w.carol) != 3 || !has(w.notifications(w.carol), "mention:rick") {
		t.Fatal("a DM after accepting was held")
	}
	if err := w.svc.Messaging().AcceptRequest(w.ctx, w.carol, reqs[0].Request.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("accepting twice: %v", err)
	}

	// Dismiss hides it; a new message opens it again.
	reqs = w.requestsOf(w.bob)
	if len(reqs) != 1 {
		t.Fatalf("bob's requests: %+v", reqs)
	}
	if err := w.svc.Messaging().DismissRequest(w.ctx, w.alice, reqs[0].Request.ID, false); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("alice dismisses bob's request: %v", err)
	}
	if err := w.svc.Messaging().DismissRequest(w.ctx, w.bob, reqs[0].Request.ID, false); err != nil {
		t.Fatal(err)
	}
	if len(w.requestsOf(w.bob)) != 0 || w.chatCount(w.bob) != 0 {
		t.Fatal("dismissed request still shows")
	}

	// Dismiss and block: mary is blocked, her next DM is dropped.
	w.dmFrom(w.mary, "m1", "buy my stuff", w.bob)
	reqs = w.requestsOf(w.bob)
	if len(reqs) != 1 || reqs[0].Account.ID != w.mary.ID {
		t.Fatalf("bob's requests: %+v", reqs)
	}
	if err := w.svc.Messaging().DismissRequest(w.ctx, w.bob, reqs[0].Request.ID, true); err != nil {
		t.Fatal(err)
	}
	if blocked, _ := w.st.Blocks(w.ctx, w.bob.ID, w.mary.ID); !blocked || w.pub.last("Block") == nil {
		t.Fatal("mary not blocked")
	}
	w.dmFrom(w.mary, "m2", "again", w.bob)
	if len(w.requestsOf(w.bob)) != 0 || w.chatCount(w.bob) != 0 {
		t.Fatal("a blocked sender's DM reached bob")
	}

	// Local: a chat alice starts is held for bob (who does not follow her)
	// but not for carol (who does); a reply in a chat bob started is not held.
	if _, err := w.svc.Social().Follow(w.ctx, w.carol, w.alice); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Messaging().StartChat(w.ctx, w.alice, messaging.StartChatInput{MemberIDs: []int64{w.bob.ID, w.carol.ID}, Text: "party?"}); err != nil {
		t.Fatal(err)
	}
	if reqs := w.requestsOf(w.bob); len(reqs) != 1 || reqs[0].Account.ID != w.alice.ID {
		t.Fatalf("bob's requests after alice's chat: %+v", reqs)
	}
	if len(w.requestsOf(w.carol)) != 0 || w.chatCount(w.carol) != 4 {
		t.Fatal("carol follows alice, yet her chat was held")
	}
	stranger, err := messaging.IsStranger(w.ctx, w.st, w.bob, w.alice)
	if err != nil || !stranger {
		t.Fatalf("alice to bob: stranger %v, %v", stranger, err)
	}
	chat, err := w.svc.Messaging().StartChat(w.ctx, w.bob, messaging.StartChatInput{Handles: []string{"mary@remote.test", "rick@remote.test"}, Text: "hi"})
	if !errors.Is(err, core.ErrValidation) {
		t.Fatalf("bob starts a chat with mary he blocked: %v", err)
	}
	chat, err = w.svc.Messaging().StartChat(w.ctx, w.bob, messaging.StartChatInput{Handles: []string{"rick@remote.test"}, Text: "hi rick"})
	if err != nil {
		t.Fatal(err)
	}
	reply := note(w.rick, "r4", "<p>hi bob</p>", []string{w.bob.URI}, nil)
	reply.Context = chat.Conversation.ContextURI
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: reply})
	if cv := w.chatOf(w.bob, chat.AccountConversation.ConversationID); cv.LastStatus.URI != reply.ID || cv.UnreadCount != 1 {
		t.Fatalf("rick's answer in bob's chat: %+v", cv)
	}
	// Answering a request accepts it.
	reqs = w.requestsOf(w.bob)
	if _, err := w.svc.Messaging().SendMessage(w.ctx, w.bob, reqs[0].ConversationID, messaging.MessageInput{Text: "sure"}); err != nil {
		t.Fatal(err)
	}
	if len(w.requestsOf(w.bob)) != 0 {
		t.Fatal("answering did not accept the request")
	}
}
