package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"plaza/models/store/storetest"
)

// hardMemoryLimit is the address space plaza serve gets in
// TestBinarySurvivesBombsUnderMemoryLimit (RLIMIT_AS): past it, an
// allocation fails and the Go runtime kills the process.
const hardMemoryLimit = 1 << 30

// TestBinarySurvivesBombsUnderMemoryLimit runs the real binary with
// GOMEMLIMIT=512MiB and a hard limit of 1 GiB, and sends it what used to
// kill it: the GIF of the report (150 frames of 6000×6000, 5.4 GB once
// decoded, a few MB on the wire) and a 900 MB JSON status, with and without
// a Content-Length, made on the fly. All are refused, and the server still
// answers.
//
// The hard limit is RLIMIT_AS, set by util-linux's prlimit, which then
// execs plaza: it needs no privilege, unlike a cgroup (these machines and
// CI have cgroup v1 trees that belong to the sandbox, not to the test).
// RLIMIT_AS counts address space that is reserved but never touched, which
// a cgroup's limit does not: glibc reserves 64 MiB for each thread's malloc
// arena, so MALLOC_ARENA_MAX=2 keeps the limit close to memory really used
// (without it an idle plaza already takes about 1 GB of address space).
func TestBinarySurvivesBombsUnderMemoryLimit(t *testing.T) {
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("prlimit (util-linux) is not installed, so plaza serve cannot be given a hard memory limit")
	}
	dir := t.TempDir()
	bin := buildBinary(t)
	addr := freeAddr(t, "127.0.0.5")
	db := storetest.Config(t)
	env := append(os.Environ(),
		"GOMEMLIMIT=512MiB", "MALLOC_ARENA_MAX=2",
		"PLAZA_HOST="+addr, "PLAZA_LISTEN="+addr, "PLAZA_PROTOCOL=http",
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
	runCmd("user", "create", "--username", "alice", "--email", "alice@example.test", "--password", "correct horse battery")
	token := strings.TrimSpace(runCmd("user", "token", "--username", "alice", "--scopes", "read write"))

	ctx, cancel := context.WithCancel(context.Background())
	serve := exec.CommandContext(ctx, prlimit, "--as="+strconv.Itoa(hardMemoryLimit), "--", bin, "serve")
	serve.Env, serve.Dir = env, dir
	serve.Cancel = func() error { return serve.Process.Signal(os.Interrupt) }
	serve.WaitDelay = 10 * time.Second
	var logs strings.Builder
	serve.Stdout, serve.Stderr = &logs, &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- serve.Wait() }()
	defer func() {
		cancel()
		<-exited
		if t.Failed() {
			t.Logf("server output:\n%s", logs.String())
		}
	}()
	waitFor(t, 30*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	limits, err := os.ReadFile("/proc/" + strconv.Itoa(serve.Process.Pid) + "/limits")
	if err != nil || !strings.Contains(string(limits), strconv.Itoa(hardMemoryLimit)) {
		t.Fatalf("plaza serve runs without the hard limit: %v\n%s", err, limits)
	}

	bomb := gifBomb(t, 6000, 6000, 150)
	if len(bomb) > 8<<20 {
		t.Fatalf("the GIF is %d bytes, want a few MB", len(bomb))
	}
	body, ct := multipartForm(t, nil, "file", bomb)
	if status, out := sendRaw(t, addr, "POST", "/api/v2/media", bearer(token, "Content-Type", ct), body, int64(body.Len())); status != http.StatusUnprocessableEntity {
		t.Fatalf("the GIF: %d %s, want 422", status, out)
	}
	const huge = 900 << 20
	for _, size := range []int64{huge, -1} {
		header := bearer(token, "Content-Type", "application/json")
		if status, out := sendRaw(t, addr, "POST", "/api/v1/statuses", header, jsonFiller(huge), size); status != http.StatusRequestEntityTooLarge {
			t.Fatalf("900 MB of JSON (Content-Length %d): %d %s, want 413", size, status, out)
		}
	}

	select {
	case err := <-exited:
		exited <- err
		t.Fatalf("plaza serve died: %v", err)
	default:
	}
	if err := serve.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("plaza serve is gone: %v", err)
	}
	if status, body := get(t, "http://"+addr+"/api/v1/instance", ""); status != http.StatusOK {
		t.Fatalf("instance after the attacks: %d %s", status, body)
	}
	body, ct = multipartForm(t, nil, "file", testPNG(t))
	if status, out := sendRaw(t, addr, "POST", "/api/v2/media", bearer(token, "Content-Type", ct), body, int64(body.Len())); status != http.StatusOK {
		t.Fatalf("an ordinary upload after the attacks: %d %s", status, out)
	}
}
