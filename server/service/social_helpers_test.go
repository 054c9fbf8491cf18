package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
	"plaza/server/service"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// recorder is a Publisher that keeps what it is given.
type recorder struct {
	mu  sync.Mutex
	out []*models.Outgoing
}

func (r *recorder) Publish(_ context.Context, tx *store.Store, out *models.Outgoing) error {
	if tx == nil {
		return errors.New("publish outside a transaction")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out = append(r.out, out)
	return nil
}

func (r *recorder) types() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ts []string
	for _, o := range r.out {
		ts = append(ts, o.Type)
	}
	return ts
}

func (r *recorder) last(typ string) *models.Outgoing {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.out) - 1; i >= 0; i-- {
		if r.out[i].Type == typ {
			return r.out[i]
		}
	}
	return nil
}

// fetcher is a Fetcher over fixed data.
type fetcher struct {
	st      *store.Store
	objects map[string]*models.APObject
}

func (f *fetcher) ResolveActor(ctx context.Context, uri string, _ bool) (*models.Account, error) {
	return f.st.AccountByURI(ctx, uri)
}

func (f *fetcher) ResolveHandle(ctx context.Context, handle string) (*models.Account, error) {
	user, host, _ := strings.Cut(handle, "@")
	return f.st.AccountByUsernameDomain(ctx, user, host)
}

func (f *fetcher) FetchObject(_ context.Context, uri string) (*models.APObject, error) {
	if o, ok := f.objects[uri]; ok {
		return o, nil
	}
	return nil, fmt.Errorf("fetch %s: 404", uri)
}

// world is a Plaza instance with three local users and two remote ones.
type world struct {
	t                 *testing.T
	ctx               context.Context
	svc               *service.Service
	st                *store.Store
	pub               *recorder
	fetch             *fetcher
	alice, bob, carol *models.Account
	rick, mary        *models.Account // remote: remote.test
	activitySeq       int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := storetest.Open(t)
	w := &world{t: t, ctx: context.Background(), st: st, pub: &recorder{}, fetch: &fetcher{st: st, objects: map[string]*models.APObject{}}}
	w.svc = service.New(core.Config{Host: "plaza.test", Protocol: "https", InstanceName: "Plaza"},
		core.Deps{Store: st, Publisher: w.pub, Fetcher: w.fetch})
	w.alice = w.user("alice")
	w.bob = w.user("bob")
	w.carol = w.user("carol")
	w.rick = w.remote("rick")
	w.mary = w.remote("mary")
	return w
}

func (w *world) user(name string) *models.Account {
	w.t.Helper()
	a, err := w.svc.Accounts().CreateUser(w.ctx, accounts.CreateUserInput{Username: name, Email: name + "@example.com", Password: "correct horse"})
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *world) remote(name string) *models.Account {
	w.t.Helper()
	base := "https://remote.test/users/" + name
	a := &models.Account{Username: name, Domain: "remote.test", ActorType: models.ActorPerson, URI: base, URL: "https://remote.test/@" + name,
		InboxURI: base + "/inbox", SharedInbox: "https://remote.test/inbox", FollowersURI: base + "/followers",
		PublicKeyID: base + "#main-key", PublicKeyPEM: "-"}
	if err := w.st.UpsertRemoteAccount(w.ctx, a); err != nil {
		w.t.Fatal(err)
	}
	return a
}

// post makes a local status or fails the test.
func (w *world) post(author *models.Account, in social.CreateStatusInput) *models.Status {
	w.t.Helper()
	st, err := w.svc.Social().CreateStatus(w.ctx, author, in)
	if err != nil {
		w.t.Fatalf("post %q: %v", in.Text, err)
	}
	return st
}

// receive delivers an activity from signer to the shared inbox.
func (w *world) receive(signer *models.Account, act *models.APActivity) error {
	w.t.Helper()
	if act.ID == "" {
		w.activitySeq++
		act.ID = fmt.Sprintf("%s/activities/%d", signer.URI, w.activitySeq)
	}
	if act.Actor == "" {
		act.Actor = signer.URI
	}
	in := &models.InboxActivity{ActivityURI: act.ID, Type: act.Type, ActorURI: act.Actor, Raw: "{}"}
	return w.svc.ReceiveActivity(w.ctx, in, act, signer)
}

func (w *world) mustReceive(signer *models.Account, act *models.APActivity) {
	w.t.Helper()
	if err := w.receive(signer, act); err != nil {
		w.t.Fatalf("receive %s: %v", act.Type, err)
	}
}

// note is a remote Note of author.
func note(author *models.Account, id, content string, to, cc []string) *models.APObject {
	return &models.APObject{ID: author.URI + "/statuses/" + id, Type: "Note", AttributedTo: author.URI, Content: content, To: to, Cc: cc}
}

func (w *world) status(id int64) *models.Status {
	w.t.Helper()
	st, err := w.st.StatusWithAccount(w.ctx, id)
	if err != nil {
		w.t.Fatalf("status %d: %v", id, err)
	}
	return st
}

func (w *world) statusByURI(uri string) *models.Status {
	w.t.Helper()
	st, err := w.st.StatusWithAccountByURI(w.ctx, uri)
	if err != nil {
		w.t.Fatalf("status %s: %v", uri, err)
	}
	return st
}

func (w *world) notifications(a *models.Account) []string {
	w.t.Helper()
	ns, err := w.svc.Social().Notifications(w.ctx, a, core.Page{Limit: 40}, nil, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, n := range ns {
		out = append(out, string(n.Notification.Type)+":"+n.From.Username)
	}
	return out
}

func (w *world) canSee(viewer *models.Account, st *models.Status) bool {
	w.t.Helper()
	ok, err := w.svc.Core().CanSee(w.ctx, viewer, st)
	if err != nil {
		w.t.Fatal(err)
	}
	return ok
}

func ids(list []*models.Status) []int64 {
	out := make([]int64, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

func contains(list []*models.Status, id int64) bool {
	for _, s := range list {
		if s.ID == id {
			return true
		}
	}
	return false
}

func has(list []string, want string) bool {
	for _, s := range list {
		if s == want {
			return true
		}
	}
	return false
}
