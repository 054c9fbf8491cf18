package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"plaza/models/store/storetest"
	"plaza/server/service"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/web"
	"plaza/static"
	"plaza/templates"
)

// site is a web UI on a fresh database, served over HTTP.
type site struct {
	t   *testing.T
	svc *service.Service
	srv *httptest.Server
}

func newSite(t *testing.T) *site {
	t.Helper()
	gin.SetMode(gin.TestMode)
	svc := service.New(core.Config{Host: "plaza.test", Protocol: "http", InstanceName: "Plaza"}, core.Deps{Store: storetest.Open(t)})
	h, err := web.New(web.Config{MediaDir: t.TempDir()}, svc, templates.FS, static.FS, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	h.Mount(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &site{t: t, svc: svc, srv: srv}
}

func (s *site) user(name string, admin bool) int64 {
	s.t.Helper()
	a, err := s.svc.Accounts().CreateUser(context.Background(), accounts.CreateUserInput{Username: name, Email: name + "@example.com", Password: "correct horse", Admin: admin})
	if err != nil {
		s.t.Fatal(err)
	}
	return a.ID
}

// browser is one visitor's cookies; it does not follow redirects, so
// tests see them.
type browser struct {
	s *site
	c *http.Client
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var tokenPattern = regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`)

// get returns the status and body of a page, or for a redirect its
// Location.
func (b *browser) get(path string) (int, string) {
	b.s.t.Helper()
	resp, err := b.c.Get(b.s.srv.URL + path)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return resp.StatusCode, resp.Header.Get("Location")
	}
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// post submits a form from page from (for its CSRF token) and returns the
// status and Location.
func (b *browser) post(from, path string, form url.Values) (int, string) {
	b.s.t.Helper()
	_, page := b.get(from)
	m := tokenPattern.FindStringSubmatch(page)
	if m == nil {
		b.s.t.Fatalf("no form token on %s", from)
	}
	form.Set("authenticity_token", m[1])
	resp, err := b.c.PostForm(b.s.srv.URL+path, form)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location")
}

func (s *site) signIn(name string) *browser {
	s.t.Helper()
	b := s.browser()
	status, loc := b.post("/auth/sign_in", "/auth/sign_in", url.Values{"username": {name}, "password": {"correct horse"}})
	if status != http.StatusSeeOther || loc != "/home" {
		s.t.Fatalf("sign-in of %s: %d %s", name, status, loc)
	}
	return b
}

func TestAdminPagesForAdmins(t *testing.T) {
	s := newSite(t)
	s.user("root", true)
	bob := s.user("bob", false)
	root := s.signIn("root")
	bobBrowser := s.signIn("bob")

	status, body := root.get("/home")
	if status != http.StatusOK || !strings.Contains(body, `href="/admin/users"`) {
		t.Fatalf("admin menu link missing: %d", status)
	}
	for _, path := range []string{"/admin/users", "/admin/domains", "/admin/settings"} {
		if status, _ := root.get(path); status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, status)
		}
	}
	_, body = root.get("/admin/users")
	if !strings.Contains(body, "bob@example.com") || !strings.Contains(body, `/admin/users/`+strconv.FormatInt(bob, 10)+`/suspend`) {
		t.Fatal("users page does not list bob with a suspend button")
	}

	id := strconv.FormatInt(bob, 10)
	status, loc := root.post("/admin/users", "/admin/users/"+id+"/suspend", url.Values{"back": {"/admin/users"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/users") {
		t.Fatalf("suspend: %d %s", status, loc)
	}
	if _, err := s.svc.Accounts().LocalUser(context.Background(), "bob"); err == nil {
		t.Fatal("bob is not suspended")
	}
	// Bob's browser is signed out: his pages send him to sign in.
	if status, loc := bobBrowser.get("/home"); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/auth/sign_in") {
		t.Fatalf("bob's session after suspension: %d %s", status, loc)
	}
	_, body = root.get("/admin/users")
	if !strings.Contains(body, `/admin/users/`+id+`/unsuspend`) {
		t.Fatal("no unsuspend button")
	}
	if status, _ := root.post("/admin/users", "/admin/users/"+id+"/unsuspend", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("unsuspend: %d", status)
	}
	if _, err := s.svc.Accounts().LocalUser(context.Background(), "bob"); err != nil {
		t.Fatalf("bob still suspended: %v", err)
	}

	if status, loc := root.post("/admin/domains", "/admin/domains", url.Values{"domain": {"Spam.Example"}, "reason": {"spam"}}); status != http.StatusSeeOther || loc != "/admin/domains?notice=blocked" {
		t.Fatalf("block: %d %s", status, loc)
	}
	if status, _ := root.post("/admin/domains", "/admin/domains", url.Values{"domain": {"not a domain"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("bad domain: %d", status)
	}
	_, body = root.get("/admin/domains")
	m := regexp.MustCompile(`action="/admin/domains/(\d+)/delete"`).FindStringSubmatch(body)
	if !strings.Contains(body, "spam.example") || m == nil {
		t.Fatal("domain block not listed")
	}
	if status, _ := root.post("/admin/domains", "/admin/domains/"+m[1]+"/delete", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("unblock: %d", status)
	}
	if _, body = root.get("/admin/domains"); strings.Contains(body, "<strong>spam.example</strong>") {
		t.Fatal("domain still listed after unblocking")
	}

	form := url.Values{"name": {"Town Square"}, "description": {"Hello."}, "open_registrations": {"1"}}
	if status, loc := root.post("/admin/settings", "/admin/settings", form); status != http.StatusSeeOther || loc != "/admin/settings?notice=saved" {
		t.Fatalf("save settings: %d %s", status, loc)
	}
	visitor := s.browser()
	if status, body := visitor.get("/about"); status != http.StatusOK || !strings.Contains(body, "Town Square") || !strings.Contains(body, `href="/auth/sign_up"`) {
		t.Fatalf("about page does not show the settings: %d", status)
	}
	if status, _ := visitor.get("/auth/sign_up"); status != http.StatusOK {
		t.Fatalf("sign-up form with open registrations: %d", status)
	}
}

func TestAdminPagesRefuseOthers(t *testing.T) {
	s := newSite(t)
	rootID := s.user("root", true)
	s.user("bob", false)
	bob := s.signIn("bob")
	visitor := s.browser()

	if _, body := bob.get("/home"); strings.Contains(body, `href="/admin/users"`) {
		t.Fatal("non-admin sees the admin link")
	}
	for _, path := range []string{"/admin/users", "/admin/domains", "/admin/settings"} {
		if status, _ := bob.get(path); status != http.StatusForbidden {
			t.Errorf("bob GET %s: %d, want 403", path, status)
		}
		if status, loc := visitor.get(path); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/auth/sign_in") {
			t.Errorf("visitor GET %s: %d %s, want sign-in", path, status, loc)
		}
	}
	id := strconv.FormatInt(rootID, 10)
	if status, _ := bob.post("/home", "/admin/users/"+id+"/suspend", url.Values{}); status != http.StatusForbidden {
		t.Fatalf("bob suspends root: %d", status)
	}
	if status, _ := bob.post("/home", "/admin/settings", url.Values{"name": {"Mine"}}); status != http.StatusForbidden {
		t.Fatalf("bob saves settings: %d", status)
	}
	if _, err := s.svc.Accounts().LocalUser(context.Background(), "root"); err != nil {
		t.Fatalf("root suspended by bob: %v", err)
	}
	if name, _, _ := s.svc.Moderation().InstanceInfo(context.Background()); name != "Plaza" {
		t.Fatalf("bob renamed the instance: %q", name)
	}
}

// A sign-in link whose next= a browser would read as another host lands on
// a page of this site instead.
func TestSignInNextStaysLocal(t *testing.T) {
	s := newSite(t)
	s.user("alice", false)
	for _, next := range []string{"/%09/evil.example", "/\\evil.example", "//evil.example", "/%2F/evil.example", "https://evil.example", "/\t/evil.example"} {
		b := s.browser()
		status, loc := b.post("/auth/sign_in?next="+url.QueryEscape(next), "/auth/sign_in",
			url.Values{"username": {"alice"}, "password": {"correct horse"}, "next": {next}})
		if status != http.StatusSeeOther || loc != "/home" {
			t.Errorf("sign-in with next=%q: %d to %q, want 303 to /home", next, status, loc)
		}
	}
	b := s.browser()
	status, loc := b.post("/auth/sign_in", "/auth/sign_in", url.Values{"username": {"alice"}, "password": {"correct horse"}, "next": {"/@alice?x=1"}})
	if status != http.StatusSeeOther || loc != "/@alice?x=1" {
		t.Errorf("sign-in with next=/@alice?x=1: %d to %q", status, loc)
	}
}
