package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"plaza/models/store/storetest"
)

// The Plaza binary is built once for all tests of the package.
var plazaBuild struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if plazaBuild.dir != "" {
		_ = os.RemoveAll(plazaBuild.dir)
	}
	os.Exit(code)
}

func plazaBinary(t *testing.T) string {
	t.Helper()
	plazaBuild.once.Do(func() {
		plazaBuild.dir, plazaBuild.err = os.MkdirTemp("", "plaza-bench-test-")
		if plazaBuild.err != nil {
			return
		}
		plazaBuild.path = filepath.Join(plazaBuild.dir, "plaza")
		out, err := exec.Command("go", "build", "-o", plazaBuild.path, "plaza/cmd/plaza").CombinedOutput()
		if err != nil {
			plazaBuild.err = errors.New("go build plaza: " + err.Error() + "\n" + string(out))
		}
	})
	if plazaBuild.err != nil {
		t.Fatal(plazaBuild.err)
	}
	return plazaBuild.path
}

// startTestPlaza runs the built binary on the database the tests run on.
func startTestPlaza(t *testing.T) *Plaza {
	t.Helper()
	db := storetest.Config(t)
	p, err := StartPlaza(context.Background(), PlazaConfig{Binary: plazaBinary(t), Driver: string(db.Driver), DSN: db.DSN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("plaza output:\n%s", truncate(p.Logs(), 4000))
		}
		p.Stop()
	})
	return p
}

func newTestBench(p *Plaza) *Bench {
	hc := newHTTPClient(4)
	return &Bench{API: &API{Base: p.Base, Token: p.Token, HTTP: hc}, HTTP: hc, RSS: RSSProbe{PID: p.PID},
		Timeout: 30 * time.Second, Concurrency: 4, FirstOctet: 30, KeyBits: 2048, SharedInbox: true, Nonce: newNonce()}
}

// withNonce counts the statuses of a timeline page that this run wrote.
func withNonce(t *testing.T, b *Bench, path string) []Status {
	t.Helper()
	page, err := b.API.Timeline(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	var out []Status
	for _, s := range page {
		if strings.Contains(s.Content, b.Nonce) {
			out = append(out, s)
		}
	}
	return out
}

func wantDone(t *testing.T, res *Result, ok int) {
	t.Helper()
	if res.OK != ok || res.Errors != 0 {
		t.Fatalf("%s: %d ok, %d errors (first: %s), want %d ok", res.Name, res.OK, res.Errors, res.FirstErr, ok)
	}
	if res.RSSEndKB <= 0 {
		t.Errorf("%s: server RSS not read", res.Name)
	}
}

// TestScenarios runs every scenario with tiny counts against a real Plaza
// on loopback and checks, through the client API, that it did its work.
func TestScenarios(t *testing.T) {
	p := startTestPlaza(t)
	b := newTestBench(p)
	ctx := context.Background()

	t.Run("post", func(t *testing.T) {
		wantDone(t, b.Post(ctx, 20), 20)
		if got := withNonce(t, b, "/api/v1/timelines/public?local=true&limit=40"); len(got) != 20 {
			t.Fatalf("local timeline holds %d of the 20 posted statuses", len(got))
		}
	})
	t.Run("timelines", func(t *testing.T) {
		results := b.Timelines(ctx, 5)
		if len(results) != len(TimelinePaths) {
			t.Fatalf("%d results for %d timelines", len(results), len(TimelinePaths))
		}
		for _, res := range results {
			wantDone(t, res, 5)
		}
		if got := withNonce(t, b, "/api/v1/timelines/home"); len(got) == 0 {
			t.Fatal("home timeline read empty after posting")
		}
	})
	t.Run("inbox", func(t *testing.T) {
		wantDone(t, b.Inbox(ctx, 2, 2, 20), 20)
		// 20 timed activities and one untimed per actor.
		got := withNonce(t, b, "/api/v1/timelines/public?remote=true&limit=40")
		remote := 0
		for _, s := range got {
			if strings.Contains(s.Content, "plaza-bench inbox") && strings.Contains(s.Account.Acct, "@127.0.0.") {
				remote++
			}
		}
		if remote != 24 {
			t.Fatalf("public timeline holds %d of the 24 delivered statuses", remote)
		}
	})
	for _, shared := range []bool{true, false} {
		name := map[bool]string{true: "fanout shared inbox", false: "fanout personal inboxes"}[shared]
		t.Run(name, func(t *testing.T) {
			b.SharedInbox = shared
			defer func() { b.SharedInbox = true }()
			res := b.Fanout(ctx, 2, 2, 2)
			wantDone(t, res, 2) // OK counts a post only once every follower's inbox had its Create
			if me, err := b.API.Me(ctx); err != nil || me.FollowersCount != 0 {
				t.Fatalf("after the run the fake followers are undone: %+v %v", me, err)
			}
		})
	}
	t.Run("seed", func(t *testing.T) {
		res := b.Seed(ctx, SeedConfig{Statuses: 20, Heavy: 12, Local: 3, Instances: 2, Actors: 2, Follow: true})
		wantDone(t, res, 23)
		home := withNonce(t, b, "/api/v1/timelines/home?limit=40")
		seeded, heavy := 0, 0
		for _, s := range home {
			if strings.Contains(s.Content, "plaza-bench seed") {
				seeded++
				if strings.HasPrefix(s.Account.Acct, "bench0@127.0.0.30:") {
					heavy++
				}
			}
		}
		if seeded != 23 || heavy != 12 {
			t.Fatalf("home timeline holds %d of 23 seeded statuses, %d of 12 by the heavy account", seeded, heavy)
		}
	})
	t.Run("command line", func(t *testing.T) {
		var out, errOut bytes.Buffer
		err := run(ctx, []string{"--target", p.Base, "--token", p.Token, "--scenarios", "post", "--posts", "3"}, &out, &errOut)
		if err != nil || !strings.Contains(out.String(), "3 requests ok, 0 errors") {
			t.Fatalf("run: %v\n%s%s", err, out.String(), errOut.String())
		}
	})
}

// TestRefusesNonLoopbackTarget: without --allow-non-loopback nothing is
// sent to an address outside 127.0.0.0/8 and ::1.
func TestRefusesNonLoopbackTarget(t *testing.T) {
	for _, target := range []string{"http://192.0.2.1:8080", "https://10.1.2.3", "http://[2001:db8::1]/"} {
		err := run(context.Background(), []string{"--target", target, "--token", "x"}, &bytes.Buffer{}, &bytes.Buffer{})
		if !errors.Is(err, errNotLoopback) {
			t.Errorf("%s: got %v, want the loopback refusal", target, err)
		}
	}
	for _, target := range []string{"http://127.0.0.1:1", "http://[::1]:1", "http://localhost:1"} {
		if err := checkLoopback(context.Background(), target, false); err != nil {
			t.Errorf("%s: %v", target, err)
		}
	}
}
