package service_test

import (
	"testing"

	"plaza/models"
	"plaza/server/service/core"
)

// TestGoldenMastodonDirectMessageIsAChat: a Mastodon DM (no Plaza
// metadata) from a stranger waits in Requests; accepted, it is a chat with
// its author, and the Mastodon reply in the same conversation joins it.
func TestGoldenMastodonDirectMessageIsAChat(t *testing.T) {
	g := newGoldenWorld(t)
	g.deliver("mastodon/create_direct_note.json")
	first, err := g.st.StatusWithAccountByURI(g.ctx, "http://mastodon.example.org/users/admin/statuses/99512778738411900")
	if err != nil {
		t.Fatal(err)
	}
	if first.Visibility != models.VisibilityDirect {
		t.Fatalf("visibility %s", first.Visibility)
	}
	if g.hasNotification(models.NotifyMention) {
		t.Fatal("a stranger's DM notified")
	}
	reqs, err := g.svc.Messaging().Requests(g.ctx, g.lain, core.Page{})
	if err != nil || len(reqs) != 1 || reqs[0].Account.URI != "http://mastodon.example.org/users/admin" || reqs[0].LastStatus.ID != first.ID {
		t.Fatalf("requests: %+v, %v", reqs, err)
	}
	if err := g.svc.Messaging().AcceptRequest(g.ctx, g.lain, reqs[0].Request.ID); err != nil {
		t.Fatal(err)
	}
	g.deliver("mastodon/create_direct_reply.json")
	if !g.hasNotification(models.NotifyMention) {
		t.Fatal("the reply after accepting did not notify")
	}
	chats, err := g.svc.Messaging().Conversations(g.ctx, g.lain, core.Page{})
	if err != nil || len(chats) != 1 {
		t.Fatalf("chats: %d, %v", len(chats), err)
	}
	c := chats[0]
	if len(c.Accounts) != 1 || c.Accounts[0].Username != "admin" || c.Conversation.Name != "" || c.UnreadCount != 2 ||
		c.Conversation.ContextURI != "tag:mastodon.example.org,2018-02-12:objectId=20:objectType=Conversation" {
		t.Fatalf("chat: %+v", c)
	}
	msgs, err := g.svc.Messaging().Messages(g.ctx, g.lain, c.AccountConversation.ConversationID, core.Page{})
	if err != nil || len(msgs) != 2 || msgs[1].Status.ID != first.ID || msgs[0].Status.InReplyToID == nil || *msgs[0].Status.InReplyToID != first.ID {
		t.Fatalf("messages: %d, %v", len(msgs), err)
	}
}
