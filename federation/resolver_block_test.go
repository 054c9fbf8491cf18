package federation

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"plaza/models"
)

// totalHits is every request the fake remote received, on any path.
func (f *fakeRemote) totalHits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.hits {
		n += c
	}
	return n
}

// TestResolverNeverAsksABlockedDomain: once a domain is blocked, no look-up
// (WebFinger, actor, key, object) sends it a request or stores anything of
// it, and a copy cached before the block is not handed out either.
func TestResolverNeverAsksABlockedDomain(t *testing.T) {
	remote := newFakeRemote(t)
	k := newTestKey(t, remote.url("/users/eve#main-key"))
	eve := remote.addActor(t, "eve", k)
	remote.set("/notes/1", map[string]any{"id": remote.url("/notes/1"), "type": "Note", "attributedTo": eve.URI, "content": "hi"})
	r := newRig(t, testCfg())
	ctx := context.Background()
	if err := r.st.CreateDomainBlock(ctx, &models.DomainBlock{CreatedAt: time.Now(), Domain: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}

	lookups := map[string]func() error{
		"handle": func() error { _, err := r.res.ResolveHandle(ctx, "eve@"+remote.host()); return err },
		"actor":  func() error { _, err := r.res.ResolveActor(ctx, eve.URI, false); return err },
		"key":    func() error { _, _, err := r.res.PublicKey(ctx, eve.PublicKeyID, false); return err },
		"object": func() error { _, err := r.res.FetchObject(ctx, remote.url("/notes/1")); return err },
	}
	for name, lookup := range lookups {
		if err := lookup(); !errors.Is(err, ErrDomainBlocked) {
			t.Errorf("%s: err = %v, want ErrDomainBlocked", name, err)
		}
	}
	if n := remote.totalHits(); n != 0 {
		t.Fatalf("the blocked server received %d requests", n)
	}
	if _, err := r.st.AccountByURI(ctx, eve.URI); err == nil {
		t.Fatal("an account of the blocked domain was stored")
	}

	// Known before the block: still not handed out.
	cached := *eve
	cached.Domain, cached.FetchedAt = remote.host(), time.Now()
	if err := r.st.UpsertRemoteAccount(ctx, &cached); err != nil {
		t.Fatal(err)
	}
	if _, err := r.res.ResolveActor(ctx, eve.URI, false); !errors.Is(err, ErrDomainBlocked) {
		t.Errorf("cached actor: err = %v, want ErrDomainBlocked", err)
	}
	if _, err := r.res.ResolveHandle(ctx, "eve@"+remote.host()); !errors.Is(err, ErrDomainBlocked) {
		t.Errorf("cached handle: err = %v, want ErrDomainBlocked", err)
	}
}

// TestTransportNeverReachesABlockedDomain: with the domain blocks as its
// host check, the transport refuses a request to a blocked server, a
// redirect to one from an unblocked server, and a delivery to one — none
// of them reaches it.
func TestTransportNeverReachesABlockedDomain(t *testing.T) {
	blocked := newFakeRemote(t)
	blocked.set("/notes/1", map[string]any{"id": blocked.url("/notes/1"), "type": "Note"})
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, blocked.url("/notes/1"), http.StatusFound)
	}))
	t.Cleanup(redirector.Close)

	r := newRig(t, testCfg())
	ctx := context.Background()
	if err := r.st.CreateDomainBlock(ctx, &models.DomainBlock{CreatedAt: time.Now(), Domain: blocked.host()}); err != nil {
		t.Fatal(err)
	}
	cfg := testCfg()
	cfg.RefuseHost = RefuseBlockedDomains(r.st)
	tr := NewTransport(cfg)

	if _, err := tr.Get(ctx, redirector.URL+"/x", Signer{}, ""); !errors.Is(err, ErrDomainBlocked) {
		t.Errorf("redirect to a blocked server: err = %v, want ErrDomainBlocked", err)
	}
	if _, err := tr.Get(ctx, blocked.url("/notes/1"), Signer{}, ""); !errors.Is(err, ErrDomainBlocked) {
		t.Errorf("GET of a blocked server: err = %v, want ErrDomainBlocked", err)
	}
	if err := tr.Post(ctx, blocked.url("/inbox"), Signer{}, []byte(`{}`)); !errors.Is(err, ErrDomainBlocked) {
		t.Errorf("POST to a blocked server: err = %v, want ErrDomainBlocked", err)
	}
	if n := blocked.totalHits(); n != 0 {
		t.Fatalf("the blocked server received %d requests", n)
	}
	// Without the check, the redirect is followed (the test's server works).
	if _, err := NewTransport(testCfg()).Get(ctx, redirector.URL+"/x", Signer{}, ""); err != nil {
		t.Fatalf("redirect without a host check: %v", err)
	}
}
