package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"plaza/models/store/storetest"
	"plaza/payments/stripemock"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
)

var receiptLink = regexp.MustCompile(`Receipt: <a href="(http://[^"]+/payments/r/\d+/[0-9a-f]+)"`)

// TestPaymentNoteJoinsTheirChat: bob@B and alice@A already chat; bob pays
// alice with a note. The note lands in that chat on both sides, not in a
// new conversation, and its receipt link opens for alice with no session
// on B; a wrong token is not found.
func TestPaymentNoteJoinsTheirChat(t *testing.T) {
	ctx := context.Background()
	api := stripemock.URL(t)
	const secretA, secretB = "whsec_receipt_a", "whsec_receipt_b"
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(api, secretA))
	b := startInstanceAt(t, "127.0.0.3:0", storetest.Config(t), withStripe(api, secretB))
	alice := a.createUser(t, "alice")
	bob := b.createUser(t, "bob")
	connectStripe(t, a, "alice", secretA)
	aliceHandle := "@alice@" + a.host

	// alice follows bob, so his chat is not held as a message request.
	bobOnA := a.resolve(t, "bob@"+b.host)
	if _, err := a.svc.Social().Follow(ctx, alice, bobOnA); err != nil {
		t.Fatal(err)
	}
	eventually(t, "alice follows bob", func() bool {
		rel, err := a.svc.Social().Relationship(ctx, alice, bobOnA)
		return err == nil && rel.Following
	})
	chat, err := b.svc.Messaging().StartChat(ctx, bob, messaging.StartChatInput{Handles: []string{"alice@" + a.host}, Text: "lunch was great"})
	if err != nil {
		t.Fatal(err)
	}
	var aliceChat int64
	eventually(t, "the chat reaches alice", func() bool {
		list, _ := a.svc.Messaging().Conversations(ctx, alice, core.Page{})
		if len(list) == 1 {
			aliceChat = list[0].AccountConversation.ConversationID
		}
		return len(list) == 1
	})

	bobBrowser := newPayBrowser(t, b, "bob", a)
	code, body, resp := bobBrowser.post(b.url("/payments/new?to="+url.QueryEscape(aliceHandle)), b.url("/payments/new"),
		url.Values{"to": {aliceHandle}, "amount": {"7.50"}, "currency": {"USD"}, "note": {"my half of lunch"}, "dm": {"1"}})
	if code != http.StatusOK || !strings.Contains(resp.Request.URL.Path, "/payments/p/") {
		t.Fatalf("offer: %d %s\n%s", code, resp.Request.URL, body)
	}

	// On B the note is the chat's newest message; bob has no second conversation.
	bobChats, err := b.svc.Messaging().Conversations(ctx, bob, core.Page{})
	if err != nil || len(bobChats) != 1 || bobChats[0].AccountConversation.ConversationID != chat.AccountConversation.ConversationID ||
		!strings.Contains(bobChats[0].LastStatus.Text, "my half of lunch") {
		t.Fatalf("bob's conversations after paying: %d, %v", len(bobChats), err)
	}
	// On A it arrives in alice's copy of the same chat.
	var noteText string
	eventually(t, "the payment note reaches alice's chat", func() bool {
		msgs, err := a.svc.Messaging().Messages(ctx, alice, aliceChat, core.Page{Limit: 5})
		for _, m := range msgs {
			if strings.Contains(m.Status.Content, "my half of lunch") {
				noteText = m.Status.Content
			}
		}
		return err == nil && noteText != ""
	})
	if list, _ := a.svc.Messaging().Conversations(ctx, alice, core.Page{}); len(list) != 1 {
		t.Fatalf("alice has %d conversations, want the one chat", len(list))
	}

	m := receiptLink.FindStringSubmatch(noteText)
	if m == nil || !strings.HasPrefix(m[1], "http://"+b.host+"/") {
		t.Fatalf("no receipt link on the payer's instance in %q", noteText)
	}
	// alice opens it as a visitor of B: no session, no cookie.
	status, page := sendRaw(t, b.host, "GET", strings.TrimPrefix(m[1], "http://"+b.host), http.Header{"Accept": {"text/html"}}, nil, -1)
	if status != http.StatusOK || !strings.Contains(page, `id="receipt-amount">7.50 USD`) || !strings.Contains(page, "@alice@"+a.host) {
		t.Fatalf("public receipt: %d\n%s", status, page)
	}
	forged := m[1][:len(m[1])-4] + "0000"
	if status, _ := sendRaw(t, b.host, "GET", strings.TrimPrefix(forged, "http://"+b.host), http.Header{"Accept": {"text/html"}}, nil, -1); status != http.StatusNotFound {
		t.Fatalf("a receipt with a wrong token: %d, want 404", status)
	}
}
