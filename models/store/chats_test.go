package store_test

import (
	"context"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
)

// TestBackfillChats: direct conversations stored before chats become chats
// with their messages and members; a read one keeps its marker.
func TestBackfillChats(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	alice, bob := localAccount("alice"), localAccount("bob")
	for _, a := range []*models.Account{alice, bob} {
		a.ID = s.NewID()
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	conv, err := s.ConversationByContext(ctx, "https://example.test/contexts/1")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, author := range []*models.Account{alice, bob} {
		st := &models.Status{ID: s.NewID(), CreatedAt: now.Add(time.Duration(i) * time.Minute), UpdatedAt: now, URI: "https://example.test/s/" + author.Username,
			AccountID: author.ID, Local: true, Visibility: models.VisibilityDirect, ContextURI: conv.ContextURI}
		if err := s.CreateStatus(ctx, st); err != nil {
			t.Fatal(err)
		}
		other := bob
		if author == bob {
			other = alice
		}
		if err := s.CreateMention(ctx, &models.Mention{StatusID: st.ID, AccountID: other.ID}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, st.ID)
	}
	if err := s.TouchAccountConversation(ctx, &models.AccountConversation{AccountID: alice.ID, ConversationID: conv.ID, LastStatusID: ids[1], Unread: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchAccountConversation(ctx, &models.AccountConversation{AccountID: bob.ID, ConversationID: conv.ID, LastStatusID: ids[1]}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateAccountConversation(ctx, bob.ID, conv.ID, false, false); err != nil {
		t.Fatal(err)
	}
	for range 2 { // idempotent
		if err := s.BackfillChats(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ChatMessageIDs(ctx, conv.ID, store.Page{Limit: 10})
	if err != nil || len(got) != 2 || got[0] != ids[1] {
		t.Fatalf("messages: %v, %v", got, err)
	}
	members, err := s.ChatMembers(ctx, conv.ID)
	if err != nil || len(members) != 2 || members[0].AccountID != alice.ID || !members[0].Active() {
		t.Fatalf("members: %+v, %v", members, err)
	}
	unread, err := s.UnreadCounts(ctx, alice.ID, []int64{conv.ID})
	if err != nil || unread[conv.ID] != 1 {
		t.Fatalf("alice's unread: %v, %v", unread, err)
	}
	if unread, _ := s.UnreadCounts(ctx, bob.ID, []int64{conv.ID}); unread[conv.ID] != 0 {
		t.Fatalf("bob's unread: %v", unread)
	}
}
