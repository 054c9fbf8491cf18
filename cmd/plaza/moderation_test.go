package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/moderation"
	"plaza/server/service/reports"
)

func newJar() http.CookieJar {
	jar, _ := cookiejar.New(nil)
	return jar
}

func corePage() core.Page { return core.Page{Limit: 40} }

// apiJSON sends a JSON request to the client API as the holder of token
// and returns the status and body.
func apiJSON(t *testing.T, in *instance, token, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, in.url(path), r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, out
}

func (in *instance) createAdmin(t *testing.T, username string) *models.Account {
	t.Helper()
	a, err := in.svc.Accounts().CreateUser(context.Background(), accounts.CreateUserInput{
		Username: username, Email: username + "@example.test", Password: "correct horse battery", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func token(t *testing.T, in *instance, username, scopes string) string {
	t.Helper()
	tok, err := in.svc.Accounts().CreateToken(context.Background(), username, scopes)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// signInStatus posts the web sign-in form and returns the final status.
func signInStatus(t *testing.T, in *instance, username, password string) int {
	t.Helper()
	client := &http.Client{Jar: newJar(), Timeout: testClient.Timeout}
	res, err := client.Get(in.url("/auth/sign_in"))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field on the sign-in page")
	}
	res, err = client.PostForm(in.url("/auth/sign_in"), url.Values{
		"authenticity_token": {string(m[1])}, "username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestReportForwardSuspendStory is issue 15's story over two real
// instances: carol@B reports alice@A with forwarding; A gets it as a Flag
// from B's instance actor; A's admin suspends alice from the report; B gets
// alice's actor Delete and her posts go; alice can sign in on A no more,
// neither in the browser nor with her token.
func TestReportForwardSuspendStory(t *testing.T) {
	ctx := context.Background()
	a, mp := mailInstance(t, "127.0.0.2") // A emails its admins through a real SMTP server
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	root := a.createAdmin(t, "root")
	bob := a.createUser(t, "bob") // a local reporter on A
	carol := b.createUser(t, "carol")
	aliceToken := token(t, a, "alice", "read write")

	aliceOnB := b.resolve(t, "alice@"+a.host)
	if _, err := b.svc.Social().Follow(ctx, carol, aliceOnB); err != nil {
		t.Fatal(err)
	}
	eventually(t, "carol follows alice", func() bool {
		rel, err := b.svc.Social().Relationship(ctx, carol, aliceOnB)
		return err == nil && rel.Following
	})
	post := a.post(t, alice, "buy cheap watches", models.VisibilityPublic, nil)
	eventually(t, "alice's post on carol's home", func() bool { return homeHas(t, b, carol, post.URI) })
	postOnB, err := b.statusByURI(carol, post.URI)
	if err != nil {
		t.Fatal(err)
	}

	// carol reports alice on B, forwarding it.
	status, body := apiJSON(t, b, token(t, b, "carol", "write:reports"), http.MethodPost, "/api/v1/reports", map[string]any{
		"account_id": strconv.FormatInt(aliceOnB.ID, 10), "status_ids": []string{strconv.FormatInt(postOnB.ID, 10)},
		"comment": "spam watches", "category": "spam", "forward": true})
	if status != http.StatusOK {
		t.Fatalf("POST /api/v1/reports: %d %s", status, body)
	}
	var filed struct {
		ID, Category, Comment string
		Forwarded             bool
		StatusIDs             []string            `json:"status_ids"`
		TargetAccount         struct{ ID string } `json:"target_account"`
	}
	if err := json.Unmarshal(body, &filed); err != nil {
		t.Fatal(err)
	}
	if !filed.Forwarded || filed.Category != "spam" || filed.TargetAccount.ID != strconv.FormatInt(aliceOnB.ID, 10) || len(filed.StatusIDs) != 1 {
		t.Fatalf("report entity %s", body)
	}
	// A report without the scope is refused.
	if status, _ := apiJSON(t, b, token(t, b, "carol", "read"), http.MethodPost, "/api/v1/reports", map[string]any{"account_id": aliceOnB.ID}); status != http.StatusForbidden {
		t.Fatalf("report with a read token: %d", status)
	}

	// bob, on A, reports alice too.
	if status, body := apiJSON(t, a, token(t, a, "bob", "write"), http.MethodPost, "/api/v1/reports", map[string]any{
		"account_id": alice.ID, "comment": "me too"}); status != http.StatusOK {
		t.Fatalf("bob's report: %d %s", status, body)
	}

	// A's admin sees the Flag as a report from B's instance actor.
	adminToken := token(t, a, "root", "admin:read admin:write")
	type adminAccount struct {
		ID, Username string
		Domain       *string
		Suspended    bool
	}
	type adminReport struct {
		ID            string
		ActionTaken   bool `json:"action_taken"`
		Comment       string
		Account       adminAccount
		TargetAccount adminAccount `json:"target_account"`
		Statuses      []struct{ URI string }
	}
	var flagged adminReport
	eventually(t, "the Flag reaches A", func() bool {
		status, body := apiJSON(t, a, adminToken, http.MethodGet, "/api/v1/admin/reports", nil)
		if status != http.StatusOK {
			t.Fatalf("admin reports: %d %s", status, body)
		}
		var list []adminReport
		if err := json.Unmarshal(body, &list); err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			if r.Account.Domain != nil && *r.Account.Domain == b.host {
				flagged = r
				return true
			}
		}
		return false
	})
	if flagged.Account.Username != accounts.InstanceActorUsername || flagged.Comment != "spam watches" ||
		flagged.TargetAccount.ID != strconv.FormatInt(alice.ID, 10) || len(flagged.Statuses) != 1 || flagged.Statuses[0].URI != post.URI {
		t.Fatalf("flag as a report: %+v", flagged)
	}
	// A's admin is emailed about the forwarded report.
	notice := mp.WaitForText(t, "root@example.test", "New report", "spam watches")
	if !strings.Contains(notice.Text, "@alice") || !strings.Contains(notice.Text, "spam watches") || !strings.Contains(notice.HTML, "/admin/reports") {
		t.Fatalf("report email: %s", notice.Text)
	}
	// A non-admin's token with admin scopes is refused.
	if status, _ := apiJSON(t, a, token(t, a, "bob", "admin:read"), http.MethodGet, "/api/v1/admin/reports", nil); status != http.StatusForbidden {
		t.Fatalf("bob on the admin API: %d", status)
	}
	if status, body := apiJSON(t, a, adminToken, http.MethodPost, "/api/v1/admin/reports/"+flagged.ID+"/assign_to_self", nil); status != http.StatusOK {
		t.Fatalf("assign: %d %s", status, body)
	}

	// The admin suspends alice from the report.
	status, body = apiJSON(t, a, adminToken, http.MethodPost, "/api/v1/admin/accounts/"+flagged.TargetAccount.ID+"/action",
		map[string]any{"type": "suspend", "report_id": flagged.ID})
	if status != http.StatusOK {
		t.Fatalf("suspend: %d %s", status, body)
	}
	status, body = apiJSON(t, a, adminToken, http.MethodGet, "/api/v1/admin/reports/"+flagged.ID, nil)
	var after adminReport
	_ = json.Unmarshal(body, &after)
	if status != http.StatusOK || !after.ActionTaken || !after.TargetAccount.Suspended {
		t.Fatalf("report after the action: %d %s", status, body)
	}

	// B gets alice's Delete: her post is gone from carol's home and from B.
	eventually(t, "alice's post leaves B", func() bool { return !storedOn(b, post.URI) })
	if homeHas(t, b, carol, post.URI) {
		t.Fatal("alice's post still on carol's home")
	}

	// On A alice can no longer sign in, nor use her token; her post is hidden.
	if got := signInStatus(t, a, "alice", "correct horse battery"); got != http.StatusUnauthorized {
		t.Fatalf("alice's sign-in: %d, want 401", got)
	}
	if status, _ := apiJSON(t, a, aliceToken, http.MethodGet, "/api/v1/accounts/verify_credentials", nil); status != http.StatusUnauthorized {
		t.Fatalf("alice's token: %d, want 401", status)
	}
	if status, _ := apiJSON(t, a, "", http.MethodGet, "/api/v1/statuses/"+strconv.FormatInt(post.ID, 10), nil); status != http.StatusNotFound {
		t.Fatalf("alice's post on A: %d, want 404", status)
	}
	if got := signInStatus(t, a, "bob", "correct horse battery"); got != http.StatusOK {
		t.Fatalf("bob's sign-in: %d", got)
	}

	// Resolving bob's report tells bob.
	var bobsReport string
	_, body = apiJSON(t, a, adminToken, http.MethodGet, "/api/v1/admin/reports?resolved=false", nil)
	var open []adminReport
	_ = json.Unmarshal(body, &open)
	for _, r := range open {
		if r.Account.Username == "bob" {
			bobsReport = r.ID
		}
	}
	if bobsReport == "" {
		t.Fatalf("bob's report not open: %s", body)
	}
	if status, body := apiJSON(t, a, adminToken, http.MethodPost, "/api/v1/admin/reports/"+bobsReport+"/resolve", nil); status != http.StatusOK {
		t.Fatalf("resolve: %d %s", status, body)
	}
	if !hasNotification(t, a, bob, models.NotifyReportResolved) {
		t.Fatal("bob was not told his report was resolved")
	}
	// The audit log has the suspension, by root.
	log, err := a.svc.Moderation().AuditLog(ctx, root, corePage())
	if err != nil {
		t.Fatal(err)
	}
	var suspended bool
	for _, e := range log {
		if e.Action == "suspend" && e.TargetID == alice.ID && e.By == "@root" {
			suspended = true
		}
	}
	if !suspended {
		t.Fatalf("audit log has no suspension of alice: %+v", log)
	}
}

// TestAdminCLI runs every moderation command of plaza admin against a
// running instance's database and checks the instance sees the effect.
func TestAdminCLI(t *testing.T) {
	ctx := context.Background()
	db := storetest.Config(t)
	a := startInstanceAt(t, "127.0.0.2:0", db)
	alice := a.createUser(t, "alice")
	a.createUser(t, "bob")
	a.createUser(t, "carol")
	if _, err := a.svc.Reports().File(ctx, alice, reports.Input{AccountID: mustLocal(t, a, "bob").ID, Comment: "rude words"}); err != nil {
		t.Fatal(err)
	}
	cfgPath := writeConfig(t, "host: '"+a.host+"'\ndatabase:\n  driver: "+db.Driver+"\n  dsn: '"+db.DSN+"'\n")
	cli := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(ctx, append([]string{"--config", cfgPath, "admin"}, args...), &out, &errOut); err != nil {
			t.Fatalf("admin %v: %v (%s)", args, err, errOut.String())
		}
		return out.String()
	}
	const pw = "correct horse battery"

	if out := cli("account", "list"); !strings.Contains(out, "alice") || !strings.Contains(out, "bob@example.test") {
		t.Fatalf("account list:\n%s", out)
	}
	cli("account", "role", "alice", "admin")
	if ok, _ := a.svc.Moderation().IsAdmin(ctx, mustLocal(t, a, "alice")); !ok {
		t.Fatal("alice is not an admin after role admin")
	}
	cli("account", "role", "alice", "user")
	if ok, _ := a.svc.Moderation().IsAdmin(ctx, mustLocal(t, a, "alice")); ok {
		t.Fatal("alice is still an admin after role user")
	}

	out := cli("account", "password-reset", "alice")
	m := regexp.MustCompile(`new password for @alice: (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("password-reset output: %s", out)
	}
	if got := signInStatus(t, a, "alice", pw); got != http.StatusUnauthorized {
		t.Fatalf("old password after reset: %d", got)
	}
	if got := signInStatus(t, a, "alice", m[1]); got != http.StatusOK {
		t.Fatalf("new password after reset: %d", got)
	}

	cli("account", "suspend", "bob")
	if got := signInStatus(t, a, "bob", pw); got != http.StatusUnauthorized {
		t.Fatalf("suspended bob signs in: %d", got)
	}
	if out := cli("account", "list"); !regexp.MustCompile(`bob\s+\S+\s+user\s+suspended`).MatchString(out) {
		t.Fatalf("account list after suspend:\n%s", out)
	}
	cli("account", "unsuspend", "bob")
	if got := signInStatus(t, a, "bob", pw); got != http.StatusOK {
		t.Fatalf("unsuspended bob: %d", got)
	}

	cli("account", "delete", "carol")
	if got := signInStatus(t, a, "carol", pw); got != http.StatusUnauthorized {
		t.Fatalf("deleted carol signs in: %d", got)
	}
	if _, err := a.svc.Reports().LocalUserID(ctx, "carol"); err == nil {
		t.Fatal("carol's user row is still there")
	}

	if out := cli("report", "list"); !strings.Contains(out, "@alice") || !strings.Contains(out, "@bob") || !strings.Contains(out, "rude words") {
		t.Fatalf("report list:\n%s", out)
	}
	if out := cli("report", "list", "--resolved"); strings.Contains(out, "rude words") {
		t.Fatalf("open report listed as resolved:\n%s", out)
	}

	cli("domain", "block", "spam.example", "--severity", "silence", "--reject-media", "--public-comment", "spam", "--private-comment", "seen in #42")
	cli("domain", "block", "evil.example", "--obfuscate")
	if out := cli("domain", "list"); !regexp.MustCompile(`spam\.example\s+silence\s+true\s+false\s+spam\s+seen in #42`).MatchString(out) {
		t.Fatalf("domain list:\n%s", out)
	}
	status, body := apiJSON(t, a, "", http.MethodGet, "/api/v1/instance/domain_blocks", nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"domain":"spam.example"`) || !strings.Contains(string(body), `"comment":"spam"`) ||
		strings.Contains(string(body), "seen in") || strings.Contains(string(body), "evil.example") || !strings.Contains(string(body), `"severity":"suspend"`) {
		t.Fatalf("public domain blocks: %d %s", status, body)
	}
	csvPath := filepath.Join(t.TempDir(), "blocks.csv")
	cli("domain", "export", csvPath)
	exported, _ := os.ReadFile(csvPath)
	if !strings.HasPrefix(string(exported), "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n") ||
		!strings.Contains(string(exported), "spam.example,silence,true,false,spam,false") {
		t.Fatalf("export:\n%s", exported)
	}
	cli("domain", "unblock", "spam.example")
	cli("domain", "unblock", "evil.example")
	if out := cli("domain", "list"); strings.Contains(out, "example") {
		t.Fatalf("domain list after unblock:\n%s", out)
	}
	if out := cli("domain", "import", csvPath); !strings.Contains(out, "imported 2") {
		t.Fatalf("import: %s", out)
	}
	if out := cli("domain", "list"); !regexp.MustCompile(`spam\.example\s+silence\s+true`).MatchString(out) || !strings.Contains(out, "evil.example") {
		t.Fatalf("domain list after import:\n%s", out)
	}
	// Every action is in the audit log, as the command line's.
	entries, err := a.svc.Moderation().AuditLog(moderation.OperatorContext(ctx), nil, core.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if e.By == "command line" {
			seen[e.Action] = true
		}
	}
	for _, want := range []string{"set_role", "reset_password", "suspend", "unsuspend", "delete", "block_domain", "unblock_domain"} {
		if !seen[want] {
			t.Errorf("audit log has no %s by the command line: %v", want, seen)
		}
	}
	var out2, errOut bytes.Buffer
	if err := run(ctx, []string{"--config", cfgPath, "admin", "account", "bogus", "x"}, &out2, &errOut); err == nil {
		t.Fatal("unknown account subcommand accepted")
	}
}

func mustLocal(t *testing.T, in *instance, username string) *models.Account {
	t.Helper()
	acct, err := in.store.LocalAccountByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return acct
}
