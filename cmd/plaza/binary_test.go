package main

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"plaza/models/store/storetest"
)

// TestBinaryServesDiscovery builds the real binary and runs it the way the
// README says: `plaza user create`, then `plaza serve`, configured only by
// environment variables, on the database driver the tests run on. WebFinger,
// NodeInfo and the new user's actor must be served.
func TestBinaryServesDiscovery(t *testing.T) {
	dir := t.TempDir()
	bin := buildBinary(t)
	// Pick a free port on a loopback address of its own.
	ln, err := net.Listen("tcp", "127.0.0.4:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	db := storetest.Config(t)
	env := append(os.Environ(),
		"PLAZA_HOST="+addr, "PLAZA_LISTEN="+addr,
		"PLAZA_DATABASE_DRIVER="+db.Driver, "PLAZA_DATABASE_DSN="+db.DSN,
		"PLAZA_STORAGE_PATH="+filepath.Join(dir, "media"),
	)
	runCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Dir = env, dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("plaza %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	if out := runCmd("migrate"); !strings.Contains(out, "migrated") {
		t.Fatalf("migrate printed %q", out)
	}
	runCmd("user", "create", "--username", "alice", "--email", "alice@example.test", "--password", "correct horse battery")
	if token := strings.TrimSpace(runCmd("user", "token", "--username", "alice", "--scopes", "read write")); len(token) < 32 {
		t.Fatalf("user token printed %q", token)
	}

	ctx, cancel := context.WithCancel(context.Background())
	serve := exec.CommandContext(ctx, bin, "serve")
	serve.Env, serve.Dir = env, dir
	serve.Cancel = func() error { return serve.Process.Signal(os.Interrupt) }
	serve.WaitDelay = 10 * time.Second
	var logs strings.Builder
	serve.Stdout, serve.Stderr = &logs, &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cancel()
		_ = serve.Wait()
		if t.Failed() {
			t.Logf("server output:\n%s", logs.String())
		}
	}()
	base := "http://" + addr
	waitFor(t, 30*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	})

	status, body := get(t, base+"/.well-known/webfinger?resource=acct:alice@"+addr, "")
	if status != 200 || !strings.Contains(body, `"href":"`+base+`/users/alice"`) {
		t.Fatalf("webfinger: %d %s", status, body)
	}
	status, body = get(t, base+"/.well-known/nodeinfo", "")
	if status != 200 || !strings.Contains(body, base+"/nodeinfo/2.1") {
		t.Fatalf("nodeinfo index: %d %s", status, body)
	}
	status, body = get(t, base+"/nodeinfo/2.1", "")
	var ni struct {
		Software struct{ Name string }
		Usage    struct{ Users struct{ Total int } }
	}
	if status != 200 || json.Unmarshal([]byte(body), &ni) != nil || ni.Software.Name != "plaza" || ni.Usage.Users.Total != 1 {
		t.Fatalf("nodeinfo 2.1: %d %s", status, body)
	}
	status, body = get(t, base+"/users/alice", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`)
	var actor struct {
		ID        string `json:"id"`
		Type      string `json:"type"`
		PublicKey struct {
			Owner        string `json:"owner"`
			PublicKeyPem string `json:"publicKeyPem"`
		} `json:"publicKey"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &actor) != nil || actor.ID != base+"/users/alice" ||
		actor.Type != "Person" || actor.PublicKey.Owner != actor.ID || !strings.Contains(actor.PublicKey.PublicKeyPem, "PUBLIC KEY") {
		t.Fatalf("actor: %d %s", status, body)
	}
	status, body = get(t, base+"/users/alice", "text/html")
	if status != 200 || !strings.Contains(body, "@alice@"+addr) || !strings.Contains(body, `rel="alternate"`) {
		t.Fatalf("profile page: %d %s", status, body)
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
