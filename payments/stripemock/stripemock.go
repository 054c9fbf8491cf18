// Package stripemock starts a real stripe-mock server for tests, once per
// test binary, on a free loopback port.
package stripemock

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"
)

var (
	once     sync.Once
	baseURL  string
	startErr error
)

// URL returns the base URL of a running stripe-mock, starting it on first
// use. The process lives as long as the test binary. A missing binary fails
// the test with how to install it.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() { baseURL, startErr = start() })
	if startErr != nil {
		t.Fatalf("stripe-mock: %v", startErr)
	}
	return baseURL
}

func binary() (string, error) {
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = string(trim(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "stripe-mock")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	// Not installed: build the pinned version from the Go module proxy, so
	// `go test ./...` works on a fresh machine.
	if out, err := exec.Command("go", "install", Module).CombinedOutput(); err != nil {
		return "", fmt.Errorf("binary not found in PATH or $(go env GOPATH)/bin, and go install %s failed: %v\n%s", Module, err, out)
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "stripe-mock")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("go install %s did not produce $(go env GOPATH)/bin/stripe-mock", Module)
}

// Module is the pinned stripe-mock the tests run.
const Module = "github.com/stripe/stripe-mock@v0.203.0"

func trim(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func start() (string, error) {
	bin, err := binary()
	if err != nil {
		return "", err
	}
	httpAddr, err := freeAddr()
	if err != nil {
		return "", err
	}
	httpsAddr, err := freeAddr()
	if err != nil {
		return "", err
	}
	cmd := exec.Command(bin, "-http-addr", httpAddr, "-https-addr", httpsAddr)
	// The mock dies with the test binary.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start %s: %w", bin, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", httpAddr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return "http://" + httpAddr, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	return "", fmt.Errorf("did not start listening on %s", httpAddr)
}

// Sign returns the Stripe-Signature header of payload signed with secret
// at ts, as Stripe signs webhooks.
func Sign(payload []byte, secret string, ts time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: ts}).Header
}

// Event builds the JSON of a Stripe event of typ whose data.object is obj.
func Event(id, typ, account string, created time.Time, obj map[string]any) []byte {
	ev := map[string]any{
		"id": id, "object": "event", "type": typ, "created": created.Unix(), "api_version": "2023-10-16",
		"livemode": false, "pending_webhooks": 1, "data": map[string]any{"object": obj},
	}
	if account != "" {
		ev["account"] = account
	}
	b, _ := json.Marshal(ev)
	return b
}
