package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"plaza/models/store/storetest"
)

// TestDebugListenerIsOffByDefault: without debug.listen nothing profiles,
// and a bad address fails at start naming the key.
func TestDebugListenerIsOffByDefault(t *testing.T) {
	cfg, err := LoadConfig("", envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Debug.Listen != "" {
		t.Fatalf("debug.listen defaults to %q, want off", cfg.Debug.Listen)
	}
	if ln, err := listenDebug(cfg.Debug); ln != nil || err != nil {
		t.Fatalf("listenDebug(default) = %v, %v; want no listener", ln, err)
	}
	_, err = LoadConfig("", envMap(map[string]string{"PLAZA_DEBUG_LISTEN": "6060"}))
	checkErr(t, "debug.listen without host", err, "debug.listen")
}

// TestDebugListenerServesPprofApart runs the binary with debug.listen set:
// /debug/pprof/ answers there, and the main listener knows nothing of it.
func TestDebugListenerServesPprofApart(t *testing.T) {
	bin := buildBinary(t)
	addr, debugAddr := freeAddr(t, "127.0.0.5"), freeAddr(t, "127.0.0.5")
	db := storetest.Config(t)
	ctx, cancel := context.WithCancel(context.Background())
	serve := exec.CommandContext(ctx, bin, "serve")
	serve.Env = append(os.Environ(), "PLAZA_HOST="+addr, "PLAZA_LISTEN="+addr, "PLAZA_DEBUG_LISTEN="+debugAddr,
		"PLAZA_DATABASE_DRIVER="+db.Driver, "PLAZA_DATABASE_DSN="+db.DSN,
		"PLAZA_STORAGE_PATH="+filepath.Join(t.TempDir(), "media"))
	serve.Dir = t.TempDir()
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
	for _, a := range []string{addr, debugAddr} {
		waitFor(t, 30*time.Second, func() bool {
			c, err := net.DialTimeout("tcp", a, time.Second)
			if err == nil {
				c.Close()
			}
			return err == nil
		})
	}

	status, body := get(t, "http://"+debugAddr+"/debug/pprof/", "")
	if status != 200 || !strings.Contains(body, "goroutine") {
		t.Fatalf("debug listener /debug/pprof/: %d %.200s", status, body)
	}
	if status, body := get(t, "http://"+debugAddr+"/debug/pprof/goroutine?debug=1", ""); status != 200 || !strings.Contains(body, "goroutine profile") {
		t.Fatalf("debug listener goroutine profile: %d %.200s", status, body)
	}
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine?debug=1", "/debug/pprof/cmdline"} {
		if status, _ := get(t, "http://"+addr+path, ""); status != 404 {
			t.Errorf("main listener %s: %d, want 404", path, status)
		}
	}
}
