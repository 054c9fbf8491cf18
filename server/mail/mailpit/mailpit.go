// Package mailpit starts a real mailpit SMTP server for tests on free
// loopback ports and reads what it received through its HTTP API.
package mailpit

import (
	"encoding/json"
	"fmt"
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
)

// Module is the pinned mailpit the tests run.
const Module = "github.com/axllent/mailpit@v1.33.1"

// Server is one running mailpit.
type Server struct {
	SMTPHost string
	SMTPPort int
	api      string
}

// Start runs a mailpit for the test and stops it when the test ends. A
// missing binary is built with go install, so a fresh machine needs nothing.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatalf("mailpit: %v", err)
	}
	smtpAddr, httpAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin, "--smtp", smtpAddr, "--listen", httpAddr,
		"--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--disable-version-check", "--quiet")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("mailpit: start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	s := &Server{api: "http://" + httpAddr}
	host, port, _ := net.SplitHostPort(smtpAddr)
	s.SMTPHost = host
	s.SMTPPort, _ = strconv.Atoi(port)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(s.api + "/api/v1/messages"); err == nil {
			res.Body.Close()
			if c, err := net.DialTimeout("tcp", smtpAddr, 200*time.Millisecond); err == nil {
				c.Close()
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("mailpit did not start on %s / %s", smtpAddr, httpAddr)
	return nil
}

// Message is one delivered email as mailpit parsed it.
type Message struct {
	ID      string
	Subject string
	To      []struct{ Address string }
	Text    string
	HTML    string
}

// WaitFor returns the newest message to addr whose subject contains
// subject, waiting up to 10 seconds for it to arrive.
func (s *Server) WaitFor(t testing.TB, addr, subject string) *Message {
	t.Helper()
	return s.WaitForText(t, addr, subject, "")
}

// WaitForText is WaitFor for the newest such message whose text also
// contains text.
func (s *Server) WaitForText(t testing.TB, addr, subject, text string) *Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var list struct{ Messages []Message }
		s.get(t, "/api/v1/messages", &list)
		for _, m := range list.Messages { // newest first
			if len(m.To) > 0 && strings.EqualFold(m.To[0].Address, addr) && strings.Contains(m.Subject, subject) {
				var full Message
				s.get(t, "/api/v1/message/"+m.ID, &full)
				if strings.Contains(full.Text, text) {
					return &full
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no email to %s with subject %q and text %q arrived", addr, subject, text)
	return nil
}

func (s *Server) Count(t testing.TB, addr string) int {
	t.Helper()
	var list struct{ Messages []Message }
	s.get(t, "/api/v1/messages", &list)
	n := 0
	for _, m := range list.Messages {
		if len(m.To) > 0 && strings.EqualFold(m.To[0].Address, addr) {
			n++
		}
	}
	return n
}

func (s *Server) get(t testing.TB, path string, v any) {
	t.Helper()
	res, err := http.Get(s.api + path)
	if err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("mailpit %s: status %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func binary() (string, error) {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, nil
	}
	gobin := func() []string {
		out, err := exec.Command("go", "env", "GOPATH").Output()
		if err != nil {
			return nil
		}
		var dirs []string
		for _, d := range filepath.SplitList(strings.TrimSpace(string(out))) {
			dirs = append(dirs, filepath.Join(d, "bin", "mailpit"))
		}
		return dirs
	}
	for _, p := range gobin() {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if out, err := exec.Command("go", "install", Module).CombinedOutput(); err != nil {
		return "", fmt.Errorf("not in PATH or $(go env GOPATH)/bin, and go install %s failed: %v\n%s", Module, err, out)
	}
	for _, p := range gobin() {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("go install %s did not produce $(go env GOPATH)/bin/mailpit", Module)
}
