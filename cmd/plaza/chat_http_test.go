package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/server/service/social"
)

// chatIDOf reads the chat id from a /chats/ID address.
func chatIDOf(t *testing.T, u *url.URL) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(u.Path, "/chats/"), 10, 64)
	if err != nil {
		t.Fatalf("not a chat address: %s", u)
	}
	return id
}

// TestChatWithoutJavaScript drives the chat pages as a browser without
// JavaScript does, over real HTTP on two instances: members are chosen
// explicitly and checked, every form posts and redirects back (PRG), the
// list shows unread chats until they are opened, a stranger's chat waits
// in Requests until accepted, and the old addresses lead to the chats.
func TestChatWithoutJavaScript(t *testing.T) {
	a, b := startInstance(t, "127.0.0.2"), startInstance(t, "127.0.0.3")
	a.createUser(t, "alice")
	carol := a.createUser(t, "carol")
	bob := b.createUser(t, "bob")
	ctx := context.Background()
	alice := newPayBrowser(t, a, "alice")
	carolB := newPayBrowser(t, a, "carol")

	// No recipients, an unknown one: the form comes back with the error
	// beside the field, and nothing is sent.
	for _, tc := range []struct{ members, want string }{
		{"", "Choose at least one person"},
		{"@nobody@" + b.host, "No account @nobody@" + b.host},
		{"@alice", "other than yourself"},
	} {
		code, body, _ := alice.post(a.url("/chats/new"), a.url("/chats"), url.Values{"members": {tc.members}, "status": {"hello?"}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) || !strings.Contains(body, `id="chat-members-error"`) {
			t.Fatalf("members %q: %d, want 422 with %q beside the field", tc.members, code, tc.want)
		}
	}
	if list, _ := a.svc.Messaging().Conversations(ctx, carol, servicePage()); len(list) != 0 {
		t.Fatalf("a refused chat reached carol: %d chats", len(list))
	}
	// The generic post form refuses a direct post: it has no recipients.
	code, body, _ := alice.post(a.url("/compose"), a.url("/statuses"), url.Values{"status": {"@carol psst"}, "visibility": {"direct"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Chats") {
		t.Fatalf("direct post from the post form: %d, want 422 pointing to Chats", code)
	}
	// The profile's Message button and the old addresses lead to chats.
	_, _, resp := alice.get(a.url("/compose?to=@bob@" + b.host))
	if resp.Request.URL.Path != "/chats/new" || resp.Request.URL.Query().Get("to") != "@bob@"+b.host {
		t.Fatalf("/compose?to= ends at %s, want the new chat form", resp.Request.URL)
	}

	// Alice starts a group chat with bob on B and carol here.
	code, body, resp = alice.post(a.url("/chats/new"), a.url("/chats"), url.Values{
		"members": {"@bob@" + b.host + ", carol"}, "status": {"Dinner on Friday?"}})
	if code != http.StatusOK || !strings.Contains(body, "Dinner on Friday?") || !strings.Contains(body, `id="composer"`) {
		t.Fatalf("start chat: %d at %s", code, resp.Request.URL)
	}
	chatID := chatIDOf(t, resp.Request.URL)
	// Bob on B does not follow alice: the chat waits in his requests.
	b.acceptRequest(t, bob, "alice")
	eventually(t, "the chat reaches bob on B", func() bool {
		list, err := b.svc.Messaging().Conversations(ctx, bob, servicePage())
		return err == nil && len(list) == 1 && strings.Contains(list[0].LastStatus.Content, "Dinner on Friday?")
	})

	// Carol neither: her list shows one request; she reads it and accepts,
	// and the chat is hers, unread until she opens it.
	_, list, _ := carolB.get(a.url("/chats"))
	if !strings.Contains(list, `id="requests-link"`) || strings.Contains(list, "Dinner on Friday?") {
		t.Fatalf("carol's chat list should show the request only:\n%s", list)
	}
	_, reqs, _ := carolB.get(a.url("/chats/requests"))
	reqLink := regexp.MustCompile(`href="(/chats/requests/\d+)"`).FindStringSubmatch(reqs)
	if reqLink == nil || !strings.Contains(reqs, "Dinner on Friday?") {
		t.Fatalf("carol's requests:\n%s", reqs)
	}
	code, body, resp = carolB.post(a.url(reqLink[1]), a.url(reqLink[1]+"/accept"), url.Values{})
	if code != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/chats/") || !strings.Contains(body, `id="composer"`) {
		t.Fatalf("accept: %d at %s", code, resp.Request.URL)
	}
	_, list, _ = carolB.get(a.url("/chats"))
	if strings.Contains(list, `id="requests-link"`) || !strings.Contains(list, "Dinner on Friday?") {
		t.Fatalf("carol's chat list after accepting:\n%s", list)
	}
	carolChat := regexp.MustCompile(`href="/chats/(\d+)" class="chat-link"`).FindStringSubmatch(list)
	if carolChat == nil {
		t.Fatal("no chat link in carol's list")
	}
	_, _, resp = carolB.get(a.url("/conversations/" + carolChat[1]))
	if resp.Request.URL.Path != "/chats/"+carolChat[1] {
		t.Fatalf("old conversation address ends at %s", resp.Request.URL)
	}
	if _, list, _ = carolB.get(a.url("/chats")); strings.Contains(list, `class="unread-badge"`) {
		t.Fatal("the chat is still unread after carol opened it")
	}

	// Carol answers with the form: post, redirect to the chat, get.
	page := a.url("/chats/" + carolChat[1])
	carolB.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	code, _, resp = carolB.post(page, page+"/messages", url.Values{"status": {"Friday works!"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/chats/"+carolChat[1]+"#m-") {
		t.Fatalf("send: %d to %q, want 303 back to the chat", code, resp.Header.Get("Location"))
	}
	code, _, _ = carolB.post(page, page+"/messages", url.Values{"status": {"   "}})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("empty message: %d, want 422", code)
	}
	// A reply to an earlier message than the last one quotes it.
	_, carolPage, _ := carolB.get(page)
	first := regexp.MustCompile(`id="m-(\d+)"`).FindStringSubmatch(carolPage)
	if first == nil {
		t.Fatal("no message ids on carol's chat page")
	}
	if code, _, _ = carolB.post(page, page+"/messages", url.Values{"status": {"Shall I book?"}, "in_reply_to_id": {first[1]}}); code != http.StatusSeeOther {
		t.Fatalf("reply: %d", code)
	}
	_, chatPage, _ := alice.get(a.url("/chats/" + strconv.FormatInt(chatID, 10)))
	for _, want := range []string{"Dinner on Friday?", "Friday works!", `class="msg mine`, `class="msg theirs`, `class="day-sep"`,
		`<a class="quote" href="#m-` + first[1] + `"><strong>alice</strong> Dinner on Friday?</a>`} {
		if !strings.Contains(chatPage, want) {
			t.Fatalf("alice's chat page lacks %q", want)
		}
	}
	// A stranger cannot open it, nor its stream, nor post to it.
	a.createUser(t, "dave")
	dave := newPayBrowser(t, a, "dave")
	for _, p := range []string{"", "/events"} {
		if code, _, _ := dave.get(page + p); code != http.StatusNotFound {
			t.Fatalf("dave opens %s%s: %d, want 404", page, p, code)
		}
	}
	if code, _, _ := dave.post(a.url("/chats"), page+"/messages", url.Values{"status": {"let me in"}}); code != http.StatusNotFound {
		t.Fatalf("dave posts to the chat: %d, want 404", code)
	}

	// The members panel: a wrong handle comes back beside the field; carol
	// adds dave, names the chat, and leaves it.
	code, body, _ = carolB.post(page, page+"/members", url.Values{"handle": {"@nobody"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="add-member-error"`) {
		t.Fatalf("add nobody: %d", code)
	}
	for _, step := range []struct {
		path string
		form url.Values
		to   string
	}{
		{"/members", url.Values{"handle": {"@dave"}}, "/chats/" + carolChat[1] + "?notice=added"},
		{"/name", url.Values{"name": {"Friday dinner"}}, "/chats/" + carolChat[1] + "?notice=saved"},
	} {
		code, _, resp = carolB.post(page, page+step.path, step.form)
		if code != http.StatusSeeOther || resp.Header.Get("Location") != step.to {
			t.Fatalf("%s: %d to %q", step.path, code, resp.Header.Get("Location"))
		}
	}
	if _, ap, _ := alice.get(a.url("/chats/" + strconv.FormatInt(chatID, 10))); !strings.Contains(ap, `<h1 id="chat-title">Friday dinner</h1>`) {
		t.Fatal("alice's chat page lacks the new name")
	}
	// Dave does not follow carol: the chat he was added to is a request.
	_, daveList, _ := dave.get(a.url("/chats/requests"))
	if !strings.Contains(daveList, "carol") {
		t.Fatalf("dave's requests lack the chat he was added to:\n%s", daveList)
	}
	code, _, resp = carolB.post(page, page+"/leave", url.Values{})
	if code != http.StatusSeeOther || resp.Header.Get("Location") != "/chats?notice=left" {
		t.Fatalf("leave: %d to %q", code, resp.Header.Get("Location"))
	}
	if code, _, _ := carolB.get(page); code != http.StatusNotFound {
		t.Fatalf("carol opens the chat she left: %d, want 404", code)
	}
}

// sseEvent is one server-sent event as read off the wire.
type sseEvent struct {
	name, id string
	data     map[string]string
}

// openStream opens a chat's event stream with the browser's cookies,
// sending lastID as Last-Event-ID when set; events arrive on the channel
// until ctx ends.
func openStream(ctx context.Context, t *testing.T, b *payBrowser, u, lastID string) <-chan sseEvent {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	client := &http.Client{Jar: b.client.Jar} // no timeout: a stream stays open
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("open stream: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 64)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					out <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "id: "):
				ev.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.data)
			}
		}
	}()
	return out
}

// next returns the next event, failing the test after a deadline.
func next(t *testing.T, ch <-chan sseEvent, what string) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatalf("%s: the stream ended", what)
		}
		return ev
	case <-time.After(15 * time.Second):
		t.Fatalf("%s: no event", what)
	}
	return sseEvent{}
}

// TestChatEventsCatchUp holds the live stream of a chat page over real
// HTTP: each new message is an event whose id is the message id; a stream
// reopened with Last-Event-ID first replays what was sent while it was
// closed, and nothing before; edits and deletes of the chat's messages
// follow, with no id, so the cursor stays.
func TestChatEventsCatchUp(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	alice, carol := a.createUser(t, "alice"), a.createUser(t, "carol")
	ctx := context.Background()
	first := a.post(t, alice, "@carol first", models.VisibilityDirect, nil)
	a.acceptRequest(t, carol, "alice")
	list, err := a.svc.Messaging().Conversations(ctx, carol, servicePage())
	if err != nil || len(list) != 1 {
		t.Fatalf("carol's chats: %d, %v", len(list), err)
	}
	events := a.url("/chats/" + strconv.FormatInt(list[0].AccountConversation.ConversationID, 10) + "/events")
	carolB := newPayBrowser(t, a, "carol")

	sctx, stop := context.WithCancel(ctx)
	stream := openStream(sctx, t, carolB, events+"?after="+strconv.FormatInt(first.ID, 10), "")
	second := a.post(t, alice, "@carol second", models.VisibilityDirect, &first.ID)
	ev := next(t, stream, "second message")
	if ev.name != "message" || ev.id != strconv.FormatInt(second.ID, 10) || !strings.Contains(ev.data["html"], "second") {
		t.Fatalf("first event: %+v, want message %d", ev, second.ID)
	}
	if _, err := a.svc.Social().EditStatus(ctx, alice, second.ID, social.EditStatusInput{Text: "@carol second, edited"}); err != nil {
		t.Fatal(err)
	}
	ev = next(t, stream, "edit")
	if ev.name != "edit" || ev.id != "" || !strings.Contains(ev.data["html"], "edited") {
		t.Fatalf("edit event: %+v", ev)
	}
	stop()

	// While carol's page is away, two messages and a delete.
	third := a.post(t, alice, "@carol third", models.VisibilityDirect, &second.ID)
	fourth := a.post(t, alice, "@carol fourth", models.VisibilityDirect, &third.ID)
	sctx, stop = context.WithCancel(ctx)
	t.Cleanup(stop) // before the instance stops: it waits for open streams
	stream = openStream(sctx, t, carolB, events+"?after="+strconv.FormatInt(first.ID, 10), strconv.FormatInt(second.ID, 10))
	for _, want := range []*models.Status{third, fourth} {
		ev = next(t, stream, "replayed message")
		if ev.name != "message" || ev.id != strconv.FormatInt(want.ID, 10) {
			t.Fatalf("replay: %+v, want message %d (Last-Event-ID wins over ?after)", ev, want.ID)
		}
	}
	if _, err := a.svc.Social().DeleteStatus(ctx, alice, third.ID); err != nil {
		t.Fatal(err)
	}
	ev = next(t, stream, "delete")
	if ev.name != "delete" || ev.data["id"] != strconv.FormatInt(third.ID, 10) {
		t.Fatalf("delete event: %+v", ev)
	}
	// The chat list's stream replays the chats active after Last-Event-ID
	// too: carol's list page, away since the second message, hears of it.
	lctx, lstop := context.WithCancel(ctx)
	t.Cleanup(lstop)
	listStream := openStream(lctx, t, carolB, a.url("/chats/events"), strconv.FormatInt(second.ID, 10))
	if ev = next(t, listStream, "chat row"); ev.name != "chat" || ev.id != strconv.FormatInt(fourth.ID, 10) || ev.data["moved"] != "1" || !strings.Contains(ev.data["html"], "fourth") {
		t.Fatalf("list replay: %+v", ev)
	}
	lstop()
	// A post elsewhere is not told to this chat.
	a.post(t, alice, "public news", models.VisibilityPublic, nil)
	fifth := a.post(t, alice, "@carol fifth", models.VisibilityDirect, &fourth.ID)
	if ev = next(t, stream, "fifth"); ev.id != strconv.FormatInt(fifth.ID, 10) {
		t.Fatalf("after a public post: %+v, want message %d", ev, fifth.ID)
	}
}
