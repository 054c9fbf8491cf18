package mastoapi_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/social"
)

// wsEvent is a message the streaming WebSocket sends: an event on streams,
// or an error answering a request.
type wsEvent struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
	Error   string   `json:"error"`
	Status  int      `json:"status"`
}

// wsClient is alice's streaming WebSocket, read by one goroutine.
type wsClient struct {
	t    *testing.T
	ctx  context.Context
	conn *websocket.Conn
	msgs chan wsEvent
}

func dialStreaming(t *testing.T, ctx context.Context, in *smInstance) *wsClient {
	t.Helper()
	wsURL := "ws" + strings.TrimPrefix(in.srv.URL, "http") + "/api/v1/streaming?access_token=" + in.token
	conn, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	c := &wsClient{t: t, ctx: ctx, conn: conn, msgs: make(chan wsEvent, 64)}
	go func() {
		defer close(c.msgs)
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				return
			}
			var m wsEvent
			if json.Unmarshal(data, &m) == nil {
				c.msgs <- m
			}
		}
	}()
	return c
}

func (c *wsClient) write(msg string) {
	c.t.Helper()
	if err := c.conn.Write(c.ctx, websocket.MessageText, []byte(msg)); err != nil {
		c.t.Fatal(err)
	}
}

// next returns the next message, failing the test when the deadline of
// the test's context passes first.
func (c *wsClient) next() wsEvent {
	c.t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.t.Fatal("stream closed")
		}
		return m
	case <-c.ctx.Done():
		c.t.Fatal("no message before the deadline")
	}
	return wsEvent{}
}

// collect reads messages until it has one of each wanted "stream event"
// pair, skipping others, and returns what it saw.
func (c *wsClient) collect(want ...string) []string {
	c.t.Helper()
	var seen []string
	for !containsAll(seen, want) {
		m := c.next()
		seen = append(seen, strings.Join(m.Stream, ",")+" "+m.Event)
	}
	return seen
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// TestStreamingEventKinds follows each kind of event to the streams
// Mastodon sends it on: notifications to user and user:notification,
// conversations to direct only, edits as status.update, and refused
// requests answered with an error on the open connection.
func TestStreamingEventKinds(t *testing.T) {
	in := smStart(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	bob, err := in.svc.Accounts().CreateUser(ctx, accounts.CreateUserInput{Username: "bob", Email: "bob@example.com", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	ws := dialStreaming(t, ctx, in)
	for _, stream := range []string{"user", "user:notification", "direct"} {
		ws.write(`{"type":"subscribe","stream":"` + stream + `"}`)
	}
	// Requests are read in order, so these answers also say that the
	// subscriptions above are in place.
	ws.write(`{"type":"subscribe","stream":"nonsense"}`)
	if m := ws.next(); m.Error != "Unknown stream type" || m.Status != 400 {
		t.Fatalf("unknown stream: %+v", m)
	}
	ws.write(`{"type":"dance"}`)
	if m := ws.next(); m.Error != "Unknown message type" || m.Status != 400 {
		t.Fatalf("unknown request: %+v", m)
	}
	ws.write(`not json`)
	if m := ws.next(); m.Error != "Invalid JSON" {
		t.Fatalf("invalid JSON: %+v", m)
	}

	post, err := in.svc.Social().CreateStatus(ctx, in.alice, social.CreateStatusInput{Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	ws.collect("user update")
	if _, err := in.svc.Social().Favourite(ctx, bob, post.ID); err != nil {
		t.Fatal(err)
	}
	ws.collect("user notification", "user:notification notification")

	if _, err := in.svc.Social().EditStatus(ctx, in.alice, post.ID, social.EditStatusInput{Text: "hello again"}); err != nil {
		t.Fatal(err)
	}
	ws.collect("user status.update")

	// alice follows bob, so his DM is no message request.
	if _, err := in.svc.Social().Follow(ctx, in.alice, bob); err != nil {
		t.Fatal(err)
	}
	if _, err := in.svc.Social().CreateStatus(ctx, bob, social.CreateStatusInput{Text: "@alice psst", Visibility: models.VisibilityDirect}); err != nil {
		t.Fatal(err)
	}
	seen := ws.collect("direct conversation", "user notification")
	if slices.Contains(seen, "direct update") {
		t.Errorf("the direct stream carried a status update: %v", seen)
	}

	// After unsubscribing from the user streams, a new like reaches nobody.
	// Events and answers to requests are written by different goroutines,
	// so earlier events may still come: the like is told apart by type.
	ws.write(`{"type":"unsubscribe","stream":"user"}`)
	ws.write(`{"type":"unsubscribe","stream":"user:notification"}`)
	ws.write(`{"type":"dance"}`)
	for m := ws.next(); m.Error == ""; m = ws.next() {
	}
	if _, err := in.svc.Social().Unfavourite(ctx, bob, post.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := in.svc.Social().Favourite(ctx, bob, post.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := in.svc.Social().DeleteStatus(ctx, in.alice, post.ID); err != nil {
		t.Fatal(err)
	}
	for {
		m := ws.next()
		var n struct{ Type string }
		if m.Event == "notification" && json.Unmarshal([]byte(m.Payload), &n) == nil && n.Type == "favourite" {
			t.Fatalf("a like reached an unsubscribed stream: %+v", m)
		}
		if m.Event == "delete" && m.Payload == idString(post.ID) {
			if got := strings.Join(m.Stream, ","); got != "direct" {
				t.Fatalf("delete on %q, want only direct", got)
			}
			return
		}
	}
}
