package federation

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
)

// testCfg allows loopback so httptest servers are reachable.
func testCfg() Config {
	return Config{AllowPrivateAddresses: true, Scheme: "http", RequestTimeout: 5 * time.Second, UserAgent: "Plaza-test"}
}

// testKey is a generated key pair with its parsed forms.
type testKey struct {
	privPEM, pubPEM string
	signer          Signer
}

func newTestKey(t *testing.T, keyID string) testKey {
	t.Helper()
	priv, pub, err := GenerateKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ParsePrivateKeyPEM(priv)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{privPEM: priv, pubPEM: pub, signer: Signer{KeyID: keyID, PrivateKey: pk}}
}

// fakeRemote is another server on loopback: it serves JSON documents by
// path, WebFinger, and counts requests per path.
type fakeRemote struct {
	t    *testing.T
	srv  *httptest.Server
	mu   sync.Mutex
	docs map[string][]byte
	hits map[string]int
	// lastSignature is the Signature header of the latest request.
	lastSignature string
}

func newFakeRemote(t *testing.T) *fakeRemote {
	t.Helper()
	f := &fakeRemote{t: t, docs: map[string][]byte{}, hits: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeRemote) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits[r.URL.Path]++
	f.lastSignature = r.Header.Get("Signature")
	if r.URL.Path == "/.well-known/webfinger" {
		res := r.URL.Query().Get("resource")
		user := strings.TrimSuffix(strings.TrimPrefix(res, "acct:"), "@"+f.host())
		if _, ok := f.docs["/users/"+user]; !ok || user == res {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/jrd+json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"subject": res,
			"links": []any{
				map[string]any{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": f.url("/@" + user)},
				map[string]any{"rel": "self", "type": "application/activity+json", "href": f.url("/users/" + user)},
			},
		})
		return
	}
	doc, ok := f.docs[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/activity+json")
	_, _ = w.Write(doc)
}

func (f *fakeRemote) host() string           { return f.srv.Listener.Addr().String() }
func (f *fakeRemote) url(path string) string { return "http://" + f.host() + path }

func (f *fakeRemote) set(path string, doc any) {
	f.t.Helper()
	b, ok := doc.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(doc); err != nil {
			f.t.Fatal(err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs[path] = b
}

func (f *fakeRemote) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

// addActor publishes a Mastodon-shaped actor /users/<name> with key
// <actor>#main-key and returns the account as the remote sees it.
func (f *fakeRemote) addActor(t *testing.T, name string, k testKey) *models.Account {
	t.Helper()
	uri := f.url("/users/" + name)
	acc := &models.Account{
		Username: name, ActorType: models.ActorPerson, DisplayName: strings.ToUpper(name),
		Note: "<p>hi <script>alert(1)</script></p>", URI: uri, URL: f.url("/@" + name),
		InboxURI: uri + "/inbox", SharedInbox: f.url("/inbox"), OutboxURI: uri + "/outbox",
		FollowersURI: uri + "/followers", FollowingURI: uri + "/following", FeaturedURI: uri + "/collections/featured",
		PublicKeyID: uri + "#main-key", PublicKeyPEM: k.pubPEM, CreatedAt: time.Now(), Discoverable: true,
	}
	f.set("/users/"+name, ActorDocument(acc))
	return acc
}

// rig is one Plaza side: store, transport, resolver, inbox, and what the
// inbox handed to the business layer.
type rig struct {
	st       *store.Store
	tr       *Transport
	res      *Resolver
	inbox    *Inbox
	mu       sync.Mutex
	received []*models.InboxActivity
	decoded  []*models.APActivity
}

func newRig(t *testing.T, cfg Config) *rig {
	t.Helper()
	r := &rig{st: storetest.Open(t), tr: NewTransport(cfg)}
	instance := newTestKey(t, "http://plaza.test/actor#main-key")
	r.res = NewResolver(cfg, r.tr, r.st, func(context.Context) (Signer, error) { return instance.signer, nil })
	r.inbox = NewInbox(cfg, r.res, r)
	return r
}

func (r *rig) ReceiveActivity(_ context.Context, a *models.InboxActivity, act *models.APActivity, _ *models.Account) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.received = append(r.received, a)
	r.decoded = append(r.decoded, act)
	return nil
}
