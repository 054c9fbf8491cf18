package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
)

// chatWith waits until owner on in has a chat whose last message's text
// starts with text, and returns it.
func (in *instance) chatWith(t *testing.T, owner *models.Account, text string) messaging.ConversationView {
	t.Helper()
	var found messaging.ConversationView
	eventually(t, owner.Username+"'s chat shows "+text, func() bool {
		list, err := in.svc.Messaging().Conversations(context.Background(), owner, core.Page{})
		for _, cv := range list {
			if cv.LastStatus != nil && strings.HasPrefix(cv.LastStatus.Text, text) {
				found = cv
				return true
			}
		}
		return err == nil && false
	})
	return found
}

func names(list []*models.Account) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.Username+"@"+a.Domain)
	}
	slices.Sort(out)
	return out
}

// TestFederatedGroupChat: alice@A starts a named chat with bob@B and
// carol@A; everyone's messages reach everyone in one chat; the chat name
// travels with the Notes; bob's Note is a Mastodon-shaped direct message.
func TestFederatedGroupChat(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	carol := a.createUser(t, "carol")
	bob := b.createUser(t, "bob")
	dave := b.createUser(t, "dave")

	chat, err := a.svc.Messaging().StartChat(ctx, alice, messaging.StartChatInput{
		Handles: []string{"bob@" + b.host, "carol"}, Name: "Weekend", Text: "hello group"})
	if err != nil {
		t.Fatal(err)
	}
	id := chat.AccountConversation.ConversationID

	// Neither bob nor carol follows alice: the chat waits in their Requests,
	// with no mention notification.
	b.acceptRequest(t, bob, "alice")
	a.acceptRequest(t, carol, "alice")
	if hasNotification(t, b, bob, models.NotifyMention) || hasNotification(t, a, carol, models.NotifyMention) {
		t.Fatal("a held message notified")
	}
	onB := b.chatWith(t, bob, "hello group")
	if onB.Conversation.Name != "Weekend" || onB.Conversation.ContextURI != chat.Conversation.ContextURI {
		t.Fatalf("bob's chat: name %q, context %s", onB.Conversation.Name, onB.Conversation.ContextURI)
	}
	if got, want := names(onB.Accounts), []string{"alice@" + a.host, "carol@" + a.host}; !slices.Equal(got, want) {
		t.Fatalf("bob's chat members %v, want %v", got, want)
	}

	// bob answers from B: it reaches alice and carol in the same chat.
	msg, err := b.svc.Messaging().SendMessage(ctx, bob, onB.AccountConversation.ConversationID, messaging.MessageInput{Text: "hi from bob"})
	if err != nil {
		t.Fatal(err)
	}
	for who, unread := range map[*models.Account]int64{alice: 1, carol: 2} {
		cv := a.chatWith(t, who, "hi from bob")
		if cv.AccountConversation.ConversationID != id || cv.UnreadCount != unread {
			t.Fatalf("%s: bob's message in chat %d (want %d), unread %d", who.Username, cv.AccountConversation.ConversationID, id, cv.UnreadCount)
		}
	}
	// On the wire: a direct Note to every other member, with the context.
	ds, err := b.store.DeliveriesByActivity(ctx, msg.URI+"/activity")
	if err != nil || len(ds) == 0 {
		t.Fatalf("deliveries of bob's message: %d, %v", len(ds), err)
	}
	var create struct {
		Object struct {
			To       []string `json:"to"`
			Cc       []string `json:"cc"`
			Context  string   `json:"context"`
			ChatName *string  `json:"chatName"`
		} `json:"object"`
	}
	if err := json.Unmarshal([]byte(ds[0].Payload), &create); err != nil {
		t.Fatal(err)
	}
	to := slices.Sorted(slices.Values(create.Object.To))
	if want := slices.Sorted(slices.Values([]string{alice.URI, carol.URI})); !slices.Equal(to, want) || len(create.Object.Cc) != 0 ||
		create.Object.Context != chat.Conversation.ContextURI || create.Object.ChatName == nil || *create.Object.ChatName != "Weekend" {
		t.Fatalf("bob's Note: %s", ds[0].Payload)
	}

	// carol answers on A: bob gets it.
	if _, err := a.svc.Messaging().SendMessage(ctx, carol, id, messaging.MessageInput{Text: "hi from carol"}); err != nil {
		t.Fatal(err)
	}
	b.chatWith(t, bob, "hi from carol")

	// alice renames the chat: the name reaches B with the notice.
	if _, err := a.svc.Messaging().Rename(ctx, alice, id, "Long weekend"); err != nil {
		t.Fatal(err)
	}
	if cv := b.chatWith(t, bob, "renamed the chat to “Long weekend”"); cv.Conversation.Name != "Long weekend" {
		t.Fatalf("bob's chat name %q", cv.Conversation.Name)
	}

	// alice adds dave@B: he gets the chat (a request: he does not follow
	// her), and B learns he is a member, so bob's next message reaches him.
	if _, err := a.svc.Messaging().AddMember(ctx, alice, id, 0, "dave@"+b.host); err != nil {
		t.Fatal(err)
	}
	b.acceptRequest(t, dave, "alice")
	if cv := b.chatWith(t, bob, "added @dave"); !slices.Contains(names(cv.Accounts), "dave@") {
		t.Fatalf("dave not a member on B: %v", names(cv.Accounts))
	}
	if _, err := b.svc.Messaging().SendMessage(ctx, bob, onB.AccountConversation.ConversationID, messaging.MessageInput{Text: "hi dave"}); err != nil {
		t.Fatal(err)
	}
	if cv := b.chatWith(t, dave, "hi dave"); cv.AccountConversation.ConversationID != onB.AccountConversation.ConversationID {
		t.Fatal("dave got bob's message in another chat")
	}
	a.chatWith(t, carol, "hi dave")

	// carol leaves: bob sees her notice; alice's next message goes to bob only.
	if err := a.svc.Messaging().Leave(ctx, carol, id); err != nil {
		t.Fatal(err)
	}
	// B learns it from the notice's plaza:chatEvent: bob's messages stop going to carol.
	if cv := b.chatWith(t, bob, "left the chat"); slices.Contains(names(cv.Accounts), "carol@"+a.host) {
		t.Fatalf("carol still a member on B: %v", names(cv.Accounts))
	}
	fromBob, err := b.svc.Messaging().SendMessage(ctx, bob, onB.AccountConversation.ConversationID, messaging.MessageInput{Text: "bye carol"})
	if err != nil {
		t.Fatal(err)
	}
	if mentioned, err := b.store.MentionedIDs(ctx, fromBob.ID); err != nil || len(mentioned) != 2 {
		t.Fatalf("bob's message after carol left addressed %v, %v", mentioned, err)
	}
	a.chatWith(t, alice, "bye carol")
	last, err := a.svc.Messaging().SendMessage(ctx, alice, id, messaging.MessageInput{Text: "just us"})
	if err != nil {
		t.Fatal(err)
	}
	b.chatWith(t, bob, "just us")
	if mentioned, err := a.store.MentionedIDs(ctx, last.ID); err != nil || slices.Contains(mentioned, carol.ID) {
		t.Fatalf("alice's message after carol left addressed %v, %v", mentioned, err)
	}
	if _, err := a.svc.Messaging().Messages(ctx, carol, id, core.Page{}); err == nil {
		t.Fatal("carol reads the chat she left")
	}
}
