package mastoapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"plaza/server/service/messaging"
)

type conversationJSON struct {
	ID       string `json:"id"`
	Unread   bool   `json:"unread"`
	Accounts []struct {
		ID string `json:"id"`
	} `json:"accounts"`
	LastStatus *statusJSON `json:"last_status"`
}

func accountIDs(c conversationJSON) []string {
	var out []string
	for _, a := range c.Accounts {
		out = append(out, a.ID)
	}
	slices.Sort(out)
	return out
}

// TestNotificationRequestsAndGroupConversations: a group DM from someone
// bob and carol do not follow waits in Mastodon's notification requests;
// accepted, it is one conversation listing all other members; the read
// marker is the same for the client API and the service (the web UI).
func TestNotificationRequestsAndGroupConversations(t *testing.T) {
	r := newStatusRig(t)
	ctx := context.Background()
	dm := r.post(t, "alice", "status=%40bob+%40carol+plans%3F&visibility=direct")

	var convs []conversationJSON
	r.as(t, "bob", http.MethodGet, "/api/v1/conversations", "").decode(t, http.StatusOK, &convs)
	if len(convs) != 0 {
		t.Fatalf("a held DM in bob's conversations: %+v", convs)
	}
	var notes []json.RawMessage
	r.as(t, "bob", http.MethodGet, "/api/v1/notifications", "").decode(t, http.StatusOK, &notes)
	if len(notes) != 0 {
		t.Fatalf("a held DM notified: %s", notes)
	}
	var raw []map[string]json.RawMessage
	r.as(t, "bob", http.MethodGet, "/api/v1/notifications/requests", "").decode(t, http.StatusOK, &raw)
	if len(raw) != 1 {
		t.Fatalf("bob's requests: %v", raw)
	}
	for _, key := range []string{"id", "created_at", "updated_at", "account", "notifications_count", "last_status"} {
		if _, ok := raw[0][key]; !ok {
			t.Fatalf("notification request without %q: %v", key, raw[0])
		}
	}
	type requestJSON struct {
		ID                 string `json:"id"`
		NotificationsCount string `json:"notifications_count"`
		Account            struct {
			ID string `json:"id"`
		} `json:"account"`
		LastStatus statusJSON `json:"last_status"`
	}
	var req requestJSON
	r.as(t, "bob", http.MethodGet, "/api/v1/notifications/requests/"+string(trimQuotes(raw[0]["id"])), "").decode(t, http.StatusOK, &req)
	if req.NotificationsCount != "1" || req.Account.ID != r.ids["alice"] || req.LastStatus.ID != dm.ID {
		t.Fatalf("bob's request: %+v", req)
	}
	var merged struct{ Merged bool }
	r.as(t, "bob", http.MethodGet, "/api/v1/notifications/requests/merged", "").decode(t, http.StatusOK, &merged)
	if !merged.Merged {
		t.Fatal("merged: false")
	}

	// Someone else's request, an unknown id, a token without write.
	for _, c := range []struct {
		user, path string
		status     int
	}{
		{"carol", "/api/v1/notifications/requests/" + req.ID + "/accept", http.StatusNotFound},
		{"bob", "/api/v1/notifications/requests/12345/accept", http.StatusNotFound},
	} {
		if res := r.as(t, c.user, http.MethodPost, c.path, ""); res.status != c.status {
			t.Fatalf("%s POST %s: %d %s", c.user, c.path, res.status, res.body)
		}
	}
	if res := r.call(t, http.MethodPost, "/api/v1/notifications/requests/"+req.ID+"/accept", r.token(t, "bob", "read"), ""); res.status != http.StatusForbidden {
		t.Fatalf("accept with a read token: %d", res.status)
	}

	r.as(t, "bob", http.MethodPost, "/api/v1/notifications/requests/"+req.ID+"/accept", "").decode(t, http.StatusOK, nil)
	r.as(t, "bob", http.MethodGet, "/api/v1/conversations", "").decode(t, http.StatusOK, &convs)
	want := []string{r.ids["alice"], r.ids["carol"]}
	slices.Sort(want)
	if len(convs) != 1 || !convs[0].Unread || !slices.Equal(accountIDs(convs[0]), want) || convs[0].LastStatus.ID != dm.ID {
		t.Fatalf("bob's conversations after accepting: %+v", convs)
	}

	// carol dismisses hers through the batch form.
	r.as(t, "carol", http.MethodGet, "/api/v1/notifications/requests", "").decode(t, http.StatusOK, &raw)
	if len(raw) != 1 {
		t.Fatalf("carol's requests: %v", raw)
	}
	r.as(t, "carol", http.MethodPost, "/api/v1/notifications/requests/dismiss", "id[]="+string(trimQuotes(raw[0]["id"]))).decode(t, http.StatusOK, nil)
	r.as(t, "carol", http.MethodGet, "/api/v1/notifications/requests", "").decode(t, http.StatusOK, &raw)
	r.as(t, "carol", http.MethodGet, "/api/v1/conversations", "").decode(t, http.StatusOK, &convs)
	if len(raw) != 0 || len(convs) != 0 {
		t.Fatalf("after dismissing: %d requests, %d conversations", len(raw), len(convs))
	}

	// The read marker: read through the API, seen read by the service, and
	// unread again after a new message sent through the service.
	bob, _ := r.svc.Accounts().LocalUser(ctx, "bob")
	alice, _ := r.svc.Accounts().LocalUser(ctx, "alice")
	convID, _ := strconv.ParseInt(convs0(t, r, "bob").ID, 10, 64)
	if cv, err := r.svc.Messaging().ConversationByID(ctx, bob, convID); err != nil || cv.UnreadCount != 1 {
		t.Fatalf("service unread before: %+v %v", cv.UnreadCount, err)
	}
	var read conversationJSON
	r.as(t, "bob", http.MethodPost, "/api/v1/conversations/"+strconv.FormatInt(convID, 10)+"/read", "").decode(t, http.StatusOK, &read)
	if read.Unread {
		t.Fatal("still unread after read")
	}
	if cv, err := r.svc.Messaging().ConversationByID(ctx, bob, convID); err != nil || cv.UnreadCount != 0 || cv.AccountConversation.Unread {
		t.Fatalf("service unread after API read: %d %v", cv.UnreadCount, err)
	}
	if _, err := r.svc.Messaging().SendMessage(ctx, alice, convID, messaging.MessageInput{Text: "7pm"}); err != nil {
		t.Fatal(err)
	}
	if c := convs0(t, r, "bob"); !c.Unread || c.LastStatus == nil || c.LastStatus.Content != "<p>7pm</p>" {
		t.Fatalf("after a new message: %+v", c)
	}
	if err := r.svc.Messaging().MarkConversationRead(ctx, bob, convID); err != nil {
		t.Fatal(err)
	}
	if c := convs0(t, r, "bob"); c.Unread {
		t.Fatal("read through the service, unread through the API")
	}
	// Not a member: 404.
	if res := r.as(t, "carol", http.MethodPost, "/api/v1/conversations/"+strconv.FormatInt(convID, 10)+"/read", ""); res.status != http.StatusNotFound {
		t.Fatalf("carol reads a chat she dismissed: %d", res.status)
	}
}

// convs0 returns user's only conversation through the API.
func convs0(t *testing.T, r *statusRig, user string) conversationJSON {
	t.Helper()
	var convs []conversationJSON
	r.as(t, user, http.MethodGet, "/api/v1/conversations", "").decode(t, http.StatusOK, &convs)
	if len(convs) != 1 {
		t.Fatalf("%s's conversations: %+v", user, convs)
	}
	return convs[0]
}

func trimQuotes(raw json.RawMessage) []byte {
	var s string
	_ = json.Unmarshal(raw, &s)
	return []byte(s)
}
