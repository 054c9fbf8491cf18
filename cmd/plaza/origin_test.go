package main

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"plaza/federation"
	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/social"
)

// fakeServer is another fediverse server on loopback that the test scripts:
// it serves the documents it is given (actors, notes, WebFinger), records
// every request it receives, and posts activities signed with its actors'
// own keys — an honest instance or a hostile one.
type fakeServer struct {
	t        *testing.T
	host     string
	mu       sync.Mutex
	docs     map[string][]byte
	requests []string
}

// fakeActor is an actor of a fakeServer with its private key.
type fakeActor struct {
	uri, keyID string
	key        *rsa.PrivateKey
}

func startFakeServer(t *testing.T, ip string) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatalf("listen on %s: %v", ip, err)
	}
	f := &fakeServer{t: t, host: ln.Addr().String(), docs: map[string][]byte{}}
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return f
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	path := r.URL.Path
	if path == "/.well-known/webfinger" {
		user := strings.TrimSuffix(strings.TrimPrefix(r.URL.Query().Get("resource"), "acct:"), "@"+f.host)
		path = "/webfinger/" + user
	}
	doc, ok := f.docs[path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/activity+json")
	_, _ = w.Write(doc)
}

func (f *fakeServer) url(path string) string { return "http://" + f.host + path }

func (f *fakeServer) set(path string, doc any) {
	f.t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		f.t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs[path] = b
}

// received lists the requests the server got ("GET /path").
func (f *fakeServer) received() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

// addActor publishes /users/<name> (with WebFinger) and returns it.
func (f *fakeServer) addActor(t *testing.T, name string) fakeActor {
	t.Helper()
	priv, pub, err := federation.GenerateKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	key, err := federation.ParsePrivateKeyPEM(priv)
	if err != nil {
		t.Fatal(err)
	}
	uri := f.url("/users/" + name)
	acc := &models.Account{Username: name, ActorType: models.ActorPerson, URI: uri, URL: f.url("/@" + name),
		InboxURI: uri + "/inbox", SharedInbox: f.url("/inbox"), OutboxURI: uri + "/outbox",
		FollowersURI: uri + "/followers", FollowingURI: uri + "/following",
		PublicKeyID: uri + "#main-key", PublicKeyPEM: pub, CreatedAt: time.Now()}
	f.set("/users/"+name, federation.ActorDocument(acc))
	f.set("/webfinger/"+name, map[string]any{"subject": "acct:" + name + "@" + f.host,
		"links": []any{map[string]any{"rel": "self", "type": "application/activity+json", "href": uri}}})
	return fakeActor{uri: uri, keyID: acc.PublicKeyID, key: key}
}

// deliver posts a signed activity of actor to in's shared inbox.
func (f *fakeServer) deliver(t *testing.T, in *instance, actor fakeActor, activity map[string]any) int {
	t.Helper()
	activity["@context"] = "https://www.w3.org/ns/activitystreams"
	activity["actor"] = actor.uri
	body, err := json.Marshal(activity)
	if err != nil {
		t.Fatal(err)
	}
	status, _ := inboxPost{body: body, keyID: actor.keyID, key: actor.key, date: time.Now(), inboxURL: in.url("/inbox")}.do(t)
	return status
}

// noteDoc is a public Note.
func noteDoc(id, author, content string) map[string]any {
	return map[string]any{"id": id, "type": "Note", "attributedTo": author, "content": "<p>" + content + "</p>",
		"to": []string{models.PublicAddress}, "published": time.Now().UTC().Format(time.RFC3339)}
}

// apiGet is a GET on the client API as the holder of token.
func apiGet(t *testing.T, in *instance, token, path string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, in.url(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
	}
	return string(body)
}

func mustToken(t *testing.T, in *instance, username string) string {
	t.Helper()
	tok, err := in.svc.Accounts().CreateToken(context.Background(), username, "read write")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func storedOn(in *instance, uri string) bool {
	_, err := in.store.StatusWithAccountByURI(context.Background(), uri)
	return err == nil
}

// TestAnnounceCannotImpersonate: a hostile server announces notes it hosts
// that name a local user, or an account of a third server, as their
// author. Nothing is stored: her profile in the API and her outbox stay
// empty, and the third server's account has no such post. An embedded
// object that lies loses to what its origin serves.
func TestAnnounceCannotImpersonate(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	hostile := startFakeServer(t, "127.0.0.4")
	eve := hostile.addActor(t, "eve")
	third := startFakeServer(t, "127.0.0.5")
	tom := third.addActor(t, "tom")

	asAlice, asTom := hostile.url("/notes/as-alice"), hostile.url("/notes/as-tom")
	hostile.set("/notes/as-alice", noteDoc(asAlice, alice.URI, "alice never wrote this"))
	hostile.set("/notes/as-tom", noteDoc(asTom, tom.uri, "tom never wrote this"))
	evesOwn, tomsOwn := hostile.url("/notes/eve"), third.url("/notes/tom")
	hostile.set("/notes/eve", noteDoc(evesOwn, eve.uri, "what eve serves"))
	third.set("/notes/tom", noteDoc(tomsOwn, tom.uri, "what tom wrote"))

	seq := 0
	announce := func(object any) {
		t.Helper()
		seq++
		status := hostile.deliver(t, a, eve, map[string]any{"id": hostile.url("/announces/" + strconv.Itoa(seq)), "type": "Announce",
			"object": object, "to": []string{models.PublicAddress}})
		if status >= 300 {
			t.Fatalf("announce %d: status %d", seq, status)
		}
	}
	announce(asAlice)
	announce(noteDoc(asAlice, alice.URI, "alice never wrote this"))
	announce(asTom)
	announce(noteDoc(asTom, tom.uri, "tom never wrote this"))

	for _, id := range []string{asAlice, asTom} {
		if storedOn(a, id) {
			t.Errorf("%s stored", id)
		}
	}
	token := mustToken(t, a, "alice")
	if got := apiGet(t, a, token, "/api/v1/accounts/"+strconv.FormatInt(alice.ID, 10)+"/statuses"); got != "[]" {
		t.Errorf("alice's statuses in the API: %s", got)
	}
	if _, outbox := get(t, a.url("/users/alice/outbox?page=true"), "application/activity+json"); strings.Contains(outbox, "never wrote") || !strings.Contains(outbox, `"orderedItems":[]`) {
		t.Errorf("alice's outbox: %s", outbox)
	}
	if status, page := get(t, a.url("/@alice"), "text/html"); status != http.StatusOK || strings.Contains(page, "never wrote") {
		t.Errorf("alice's profile page (%d) shows the impersonation", status)
	}
	if acct, err := a.store.AccountByURI(context.Background(), tom.uri); err == nil {
		if got := apiGet(t, a, token, "/api/v1/accounts/"+strconv.FormatInt(acct.ID, 10)+"/statuses"); got != "[]" {
			t.Errorf("tom's statuses in the API: %s", got)
		}
	}

	// Embedded copies that lie, of eve's own note and of tom's on the third
	// server: what each origin serves is stored, with its own author.
	announce(noteDoc(evesOwn, eve.uri, "an embedded lie"))
	announce(noteDoc(tomsOwn, tom.uri, "an embedded lie about tom"))
	for id, want := range map[string]string{evesOwn: "what eve serves", tomsOwn: "what tom wrote"} {
		st, err := a.store.StatusWithAccountByURI(context.Background(), id)
		if err != nil {
			t.Fatalf("%s not stored: %v", id, err)
		}
		if !strings.Contains(st.Content, want) || !sameOrigin(st.Account.URI, id) {
			t.Errorf("%s stored as %q by %s, want %q", id, st.Content, st.Account.URI, want)
		}
	}
}

func sameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host == ub.Host
}

// TestForgedCreateCannotTakeOverObjectID: a Create whose object id is on
// another server than its signer's, or on ours, is refused with 403 and
// stores nothing; the real owner's post with that id, arriving later, is
// stored, and its owner can update and delete it.
func TestForgedCreateCannotTakeOverObjectID(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	hostile := startFakeServer(t, "127.0.0.4")
	eve := hostile.addActor(t, "eve")
	victim := startFakeServer(t, "127.0.0.5")
	vic := victim.addActor(t, "vic")

	id := victim.url("/notes/1")
	ours := alice.URI + "/statuses/1"
	for _, obj := range []map[string]any{noteDoc(id, eve.uri, "forged"), noteDoc(ours, eve.uri, "forged too")} {
		status := hostile.deliver(t, a, eve, map[string]any{"id": hostile.url("/creates/" + url.PathEscape(obj["id"].(string))), "type": "Create", "object": obj})
		if status != http.StatusForbidden {
			t.Errorf("forged Create of %s: status %d, want 403", obj["id"], status)
		}
	}
	if storedOn(a, id) || storedOn(a, ours) {
		t.Fatal("a forged Create was stored")
	}

	send := func(typ string, object any) {
		t.Helper()
		if status := victim.deliver(t, a, vic, map[string]any{"id": victim.url("/activities/" + typ), "type": typ, "object": object}); status >= 300 {
			t.Fatalf("%s by the owner: status %d", typ, status)
		}
	}
	send("Create", noteDoc(id, vic.uri, "the real one"))
	st, err := a.store.StatusWithAccountByURI(ctx, id)
	if err != nil || st.Account.URI != vic.uri || !strings.Contains(st.Content, "the real one") {
		t.Fatalf("the real post: %+v, %v", st, err)
	}
	send("Update", noteDoc(id, vic.uri, "edited by its owner"))
	if st, err := a.store.StatusWithAccountByURI(ctx, id); err != nil || !strings.Contains(st.Content, "edited by its owner") {
		t.Fatalf("after the owner's Update: %+v, %v", st, err)
	}
	send("Delete", map[string]any{"id": id, "type": "Tombstone"})
	if storedOn(a, id) {
		t.Fatal("the owner's Delete did not remove the post")
	}
}

// TestBlockedDomainIsNeverFetched: nothing of a blocked domain arrives by
// another path — a boost by an unblocked server, a mention, a local post
// naming one of its accounts, a search with resolve — and the blocked
// server never receives a request.
func TestBlockedDomainIsNeverFetched(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	root, err := a.svc.Accounts().CreateUser(ctx, accounts.CreateUserInput{Username: "root", Email: "root@example.test", Password: "correct horse battery", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	blocked := startFakeServer(t, "127.0.0.6")
	bea := blocked.addActor(t, "bea")
	beasNote := blocked.url("/notes/1")
	blocked.set("/notes/1", noteDoc(beasNote, bea.uri, "words from a blocked server"))
	friendly := startFakeServer(t, "127.0.0.7")
	fred := friendly.addActor(t, "fred")
	if _, err := a.svc.Moderation().BlockDomain(ctx, root, "127.0.0.6", "test"); err != nil {
		t.Fatal(err)
	}

	// Boosted by fred, by reference and embedded.
	for i, obj := range []any{beasNote, noteDoc(beasNote, bea.uri, "words from a blocked server")} {
		if status := friendly.deliver(t, a, fred, map[string]any{"id": friendly.url("/announces/" + strconv.Itoa(i)), "type": "Announce",
			"object": obj, "to": []string{models.PublicAddress}}); status >= 300 {
			t.Fatalf("fred's Announce: status %d", status)
		}
	}
	// Mentioned by fred, in a tag and in cc.
	fredsNote := noteDoc(friendly.url("/notes/hi-bea"), fred.uri, "hi bea")
	fredsNote["cc"] = []string{bea.uri}
	fredsNote["tag"] = []any{map[string]any{"type": "Mention", "href": bea.uri, "name": "@bea@" + blocked.host}}
	if status := friendly.deliver(t, a, fred, map[string]any{"id": friendly.url("/creates/1"), "type": "Create", "object": fredsNote}); status >= 300 {
		t.Fatalf("fred's Create: status %d", status)
	}
	if !storedOn(a, friendly.url("/notes/hi-bea")) {
		t.Fatal("fred's note was not stored")
	}
	// Mentioned by alice, and searched for.
	if _, err := a.svc.Social().CreateStatus(ctx, mustAccount(t, a, "alice"), social.CreateStatusInput{Text: "hello @bea@" + blocked.host}); err != nil {
		t.Fatal(err)
	}
	token := mustToken(t, a, "alice")
	for _, q := range []string{"@bea@" + blocked.host, bea.uri, beasNote} {
		got := apiGet(t, a, token, "/api/v2/search?resolve=true&q="+url.QueryEscape(q))
		if got != `{"accounts":[],"statuses":[],"hashtags":[]}` {
			t.Errorf("search %s: %s", q, got)
		}
	}

	// bea writes herself: refused before her key is fetched.
	if status := blocked.deliver(t, a, bea, map[string]any{"id": blocked.url("/creates/1"), "type": "Create",
		"object": noteDoc(blocked.url("/notes/2"), bea.uri, "straight from a blocked server")}); status < 400 || status >= 500 {
		t.Errorf("Create from the blocked server: status %d, want 4xx", status)
	}

	if got := blocked.received(); len(got) != 0 {
		t.Errorf("the blocked server received %v", got)
	}
	if storedOn(a, beasNote) || storedOn(a, blocked.url("/notes/2")) {
		t.Error("the blocked server's note was stored")
	}
	if _, err := a.store.AccountByURI(ctx, bea.uri); err == nil {
		t.Error("the blocked server's account was stored")
	}
}

func mustAccount(t *testing.T, in *instance, username string) *models.Account {
	t.Helper()
	acct, err := in.svc.Accounts().LookupAccount(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return acct
}
