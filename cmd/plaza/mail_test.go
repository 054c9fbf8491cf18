package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"
	"github.com/pquerna/otp/totp"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/server/mail/mailpit"
	"plaza/server/service/accounts"
	"plaza/server/service/moderation"
)

// mailInstance runs an instance that sends email to a fresh mailpit.
func mailInstance(t *testing.T, ip string, opts ...func(*Config)) (*instance, *mailpit.Server) {
	t.Helper()
	mp := mailpit.Start(t)
	opts = append([]func(*Config){func(c *Config) {
		c.Mail = MailConfig{Host: mp.SMTPHost, Port: mp.SMTPPort, TLS: "none", From: "Plaza <noreply@plaza.test>",
			Username: "plaza", Password: "smtp-secret"}
	}}, opts...)
	return startInstanceAt(t, ip+":0", storetest.Config(t), opts...), mp
}

// webClient is a browser: a cookie jar, no redirects followed.
type webClient struct {
	t  *testing.T
	in *instance
	c  *http.Client
}

func newWebClient(t *testing.T, in *instance) *webClient {
	jar, _ := cookiejar.New(nil)
	return &webClient{t: t, in: in, c: &http.Client{Jar: jar, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (w *webClient) get(path string) (int, string) {
	w.t.Helper()
	u := path
	if !strings.HasPrefix(path, "http") {
		u = w.in.url(path)
	}
	res, err := w.c.Get(u)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var csrfField = regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`)

// post sends a form from page (whose CSRF token it carries).
func (w *webClient) post(page, path string, form url.Values) (int, string) {
	w.t.Helper()
	_, body := w.get(page)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		w.t.Fatalf("no CSRF field on %s: %s", page, body)
	}
	form.Set("authenticity_token", m[1])
	res, err := w.c.PostForm(w.in.url(path), form)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (w *webClient) signIn(username, password string) (int, string) {
	w.t.Helper()
	return w.post("/auth/sign_in", "/auth/sign_in", url.Values{"username": {username}, "password": {password}})
}

var mailLink = regexp.MustCompile(`http://[^\s"<>]+\?token=[A-Za-z0-9_-]+`)

func linkIn(t *testing.T, m *mailpit.Message, path string) string {
	t.Helper()
	for _, l := range mailLink.FindAllString(m.Text, -1) {
		if strings.Contains(l, path+"?") {
			if !strings.Contains(m.HTML, l) {
				t.Fatalf("the HTML part lacks the link %s: %s", l, m.HTML)
			}
			return l
		}
	}
	t.Fatalf("no %s link in %q", path, m.Text)
	return ""
}

func openSignUp(c *Config) { c.Instance.OpenRegistrations = true }

// TestSignUpConfirmedByEmail: a sign-up cannot sign in until the link
// emailed to it (through mailpit) is followed; the link works once.
func TestSignUpConfirmedByEmail(t *testing.T) {
	a, mp := mailInstance(t, "127.0.0.2", openSignUp)
	w := newWebClient(t, a)
	status, body := w.post("/auth/sign_up", "/auth/sign_up", url.Values{"username": {"dora"}, "email": {"dora@mail.test"},
		"password": {"dora password 1"}, "password_confirmation": {"dora password 1"}})
	if status != http.StatusOK || !strings.Contains(body, "Check your email") {
		t.Fatalf("sign-up: %d %s", status, body)
	}
	if status, body := w.signIn("dora", "dora password 1"); status != http.StatusForbidden || !strings.Contains(body, "Confirm your email") || !strings.Contains(body, `id="resend"`) {
		t.Fatalf("unconfirmed sign-in: %d %s", status, body)
	}
	msg := mp.WaitFor(t, "dora@mail.test", "Confirm your account")
	link := linkIn(t, msg, "/auth/confirm")
	if status, body := w.get(link); status != http.StatusOK || !strings.Contains(body, "Account confirmed") {
		t.Fatalf("confirm: %d %s", status, body)
	}
	if status, _ := w.get(link); status != http.StatusNotFound {
		t.Fatalf("a confirmation link used twice: %d", status)
	}
	if status, _ := w.signIn("dora", "dora password 1"); status != http.StatusSeeOther {
		t.Fatalf("confirmed sign-in: %d", status)
	}
	// The resend form sends a new link to an unconfirmed account only.
	w2 := newWebClient(t, a)
	w2.post("/auth/confirmation/new", "/auth/confirmation", url.Values{"email": {"dora@mail.test"}})
	if n := mp.Count(t, "dora@mail.test"); n != 1 {
		t.Fatalf("%d emails to a confirmed account, want 1", n)
	}
}

// TestPasswordResetByEmail: the emailed link sets a new password once; the
// old password, the old browser session and the old access token stop
// working.
func TestPasswordResetByEmail(t *testing.T) {
	a, mp := mailInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	old := newWebClient(t, a)
	if status, _ := old.signIn("alice", "correct horse battery"); status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", status)
	}
	token, err := a.svc.Accounts().CreateToken(context.Background(), "alice", "read")
	if err != nil {
		t.Fatal(err)
	}
	w := newWebClient(t, a)
	if status, body := w.post("/auth/password/new", "/auth/password", url.Values{"email": {"ALICE@example.test"}}); status != http.StatusOK || !strings.Contains(body, "Check your email") {
		t.Fatalf("reset request: %d %s", status, body)
	}
	msg := mp.WaitFor(t, "alice@example.test", "Reset your password")
	if strings.Contains(msg.Text, "smtp-secret") {
		t.Fatal("the SMTP password leaked into the email")
	}
	link := linkIn(t, msg, "/auth/password/edit")
	u, _ := url.Parse(link)
	status, body := w.post(link, "/auth/password/edit", url.Values{"token": {u.Query().Get("token")},
		"password": {"a brand new one"}, "password_confirmation": {"a brand new one"}})
	if status != http.StatusOK || !strings.Contains(body, "Password changed") {
		t.Fatalf("reset: %d %s", status, body)
	}
	if status, _ := newWebClient(t, a).signIn("alice", "correct horse battery"); status != http.StatusUnauthorized {
		t.Fatalf("old password after reset: %d", status)
	}
	if status, _ := newWebClient(t, a).signIn("alice", "a brand new one"); status != http.StatusSeeOther {
		t.Fatalf("new password: %d", status)
	}
	if status, _ := old.get("/settings/profile"); status != http.StatusSeeOther {
		t.Fatalf("the session from before the reset still works: %d", status)
	}
	req, _ := http.NewRequest(http.MethodGet, a.url("/api/v1/accounts/verify_credentials"), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the access token from before the reset: %d", res.StatusCode)
	}
	if status, _ := w.get(link); status != http.StatusNotFound {
		t.Fatalf("a reset link used twice: %d", status)
	}
}

// TestApprovalModeAndInvites: with approval required a confirmed sign-up
// waits, the admin is told by email and approves it; an invite link opens
// sign-up while registrations are closed and skips approval.
func TestApprovalModeAndInvites(t *testing.T) {
	a, mp := mailInstance(t, "127.0.0.2", func(c *Config) {
		c.Instance.OpenRegistrations = true
	})
	if _, err := a.svc.Accounts().CreateUser(context.Background(), accounts.CreateUserInput{
		Username: "root", Email: "root@mail.test", Password: "root password", Admin: true}); err != nil {
		t.Fatal(err)
	}
	root := mailTestAccount(t, a, "root")
	if err := a.svc.Moderation().SaveSettings(context.Background(), root, moderation.InstanceSettings{
		Name: "Plaza", RegistrationsMode: moderation.RegistrationsApproval}); err != nil {
		t.Fatal(err)
	}
	w := newWebClient(t, a)
	w.post("/auth/sign_up", "/auth/sign_up", url.Values{"username": {"erin"}, "email": {"erin@mail.test"},
		"password": {"erin password"}, "password_confirmation": {"erin password"}})
	w.get(linkIn(t, mp.WaitFor(t, "erin@mail.test", "Confirm your account"), "/auth/confirm"))
	if status, body := w.signIn("erin", "erin password"); status != http.StatusForbidden || !strings.Contains(body, "approval") {
		t.Fatalf("sign-in while waiting: %d %s", status, body)
	}
	notice := mp.WaitFor(t, "root@mail.test", "New sign-up waiting")
	if !strings.Contains(notice.Text, "erin") || !strings.Contains(notice.HTML, "erin@mail.test") {
		t.Fatalf("admin notice: %s", notice.Text)
	}
	admin := newWebClient(t, a)
	admin.signIn("root", "root password")
	_, page := admin.get("/admin/invites")
	m := regexp.MustCompile(`action="(/admin/users/\d+/approve)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no pending sign-up on the admin page: %s", page)
	}
	if status, _ := admin.post("/admin/invites", m[1], url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("approve: %d", status)
	}
	mp.WaitFor(t, "erin@mail.test", "is approved")
	if status, _ := w.signIn("erin", "erin password"); status != http.StatusSeeOther {
		t.Fatalf("sign-in after approval: %d", status)
	}

	// Close registrations; an invite still opens sign-up, once.
	if err := a.svc.Moderation().SaveSettings(context.Background(), root, moderation.InstanceSettings{
		Name: "Plaza", RegistrationsMode: moderation.RegistrationsClosed}); err != nil {
		t.Fatal(err)
	}
	if status, body := admin.post("/admin/invites", "/admin/invites", url.Values{"max_uses": {"1"}, "expires_in_days": {"7"}}); status != http.StatusSeeOther {
		t.Fatalf("create invite: %d %s", status, body)
	}
	_, page = admin.get("/admin/invites")
	m = regexp.MustCompile(`<code class="invite-link">([^<]+)</code>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no invite link: %s", page)
	}
	invite := htmlUnescape(m[1])
	v := newWebClient(t, a)
	if status, _ := v.get("/auth/sign_up"); status != http.StatusForbidden {
		t.Fatalf("closed sign-up without invite: %d", status)
	}
	status, body := v.post(invite, "/auth/sign_up", url.Values{"invite": {strings.SplitN(invite, "invite=", 2)[1]},
		"username": {"fay"}, "email": {"fay@mail.test"}, "password": {"fay password"}, "password_confirmation": {"fay password"}})
	if status != http.StatusOK || !strings.Contains(body, "Check your email") {
		t.Fatalf("invited sign-up: %d %s", status, body)
	}
	v.get(linkIn(t, mp.WaitFor(t, "fay@mail.test", "Confirm your account"), "/auth/confirm"))
	if status, _ := v.signIn("fay", "fay password"); status != http.StatusSeeOther {
		t.Fatalf("invited account signs in without approval: %d", status)
	}
	if status, _ := newWebClient(t, a).get(invite); status != http.StatusForbidden {
		t.Fatalf("a used-up invite still opens sign-up: %d", status)
	}
}

func mailTestAccount(t *testing.T, a *instance, name string) *models.Account {
	t.Helper()
	acct, err := a.svc.Accounts().LocalUser(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return acct
}

// TestEmailChangeConfirmedByNewAddress: the new address takes effect only
// through the link sent to it.
func TestEmailChangeConfirmedByNewAddress(t *testing.T) {
	a, mp := mailInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	w := newWebClient(t, a)
	w.signIn("alice", "correct horse battery")
	if status, body := w.post("/settings/security", "/settings/email", url.Values{"email": {"alice@new.test"}, "password": {"wrong password"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("email change with a wrong password: %d %s", status, body)
	}
	if status, _ := w.post("/settings/security", "/settings/email", url.Values{"email": {"alice@new.test"}, "password": {"correct horse battery"}}); status != http.StatusSeeOther {
		t.Fatalf("email change: %d", status)
	}
	_, page := w.get("/settings/security")
	if !strings.Contains(page, `id="current-email">alice@example.test<`) {
		t.Fatalf("the address changed before confirmation: %s", page)
	}
	link := linkIn(t, mp.WaitFor(t, "alice@new.test", "Confirm your new email"), "/auth/confirm_email")
	if status, body := w.get(link); status != http.StatusOK || !strings.Contains(body, "Address changed") {
		t.Fatalf("confirm new address: %d %s", status, body)
	}
	_, page = w.get("/settings/security")
	if !strings.Contains(page, `id="current-email">alice@new.test<`) {
		t.Fatalf("the new address is not in use: %s", page)
	}
}

// enableTOTP turns two-factor sign-in on for a signed-in browser and
// returns the secret and the recovery codes.
func enableTOTP(t *testing.T, w *webClient) (string, []string) {
	t.Helper()
	w.post("/settings/security", "/settings/two_factor/begin", url.Values{})
	_, page := w.get("/settings/security")
	m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "otpauth://totp/") {
		t.Fatalf("no TOTP secret on the settings page: %s", page)
	}
	code, err := totp.GenerateCode(m[1], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	status, page := w.post("/settings/security", "/settings/two_factor/enable", url.Values{"code": {code}})
	codes := regexp.MustCompile(`<li><code>([a-z2-7]{8}-[a-z2-7]{8})</code></li>`).FindAllStringSubmatch(page, -1)
	if status != http.StatusOK || len(codes) != 10 {
		t.Fatalf("enable TOTP: %d, %d codes: %s", status, len(codes), page)
	}
	var out []string
	for _, c := range codes {
		out = append(out, c[1])
	}
	if _, again := w.get("/settings/security"); strings.Contains(again, out[0]) {
		t.Fatal("the recovery codes are shown twice")
	}
	return m[1], out
}

func wrongCode(secret string) string {
	good, _ := totp.GenerateCode(secret, time.Now())
	if good == "000000" {
		return "111111"
	}
	return "000000"
}

var stepField = regexp.MustCompile(`name="step" value="([^"]+)"`)

// TestTOTPWebSignIn: after the password the web form asks for the code; a
// wrong code is refused, a recovery code works exactly once, the app's code
// works.
func TestTOTPWebSignIn(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	w := newWebClient(t, a)
	w.signIn("alice", "correct horse battery")
	secret, codes := enableTOTP(t, w)

	step := func(w *webClient) string {
		status, page := w.signIn("alice", "correct horse battery")
		m := stepField.FindStringSubmatch(page)
		if status != http.StatusOK || m == nil {
			t.Fatalf("password step: %d %s", status, page)
		}
		return m[1]
	}
	b := newWebClient(t, a)
	st := step(b)
	if status, _ := b.get("/settings/profile"); status != http.StatusSeeOther {
		t.Fatal("signed in after the password alone")
	}
	if status, _ := b.post("/auth/sign_in", "/auth/sign_in/code", url.Values{"step": {st}, "code": {wrongCode(secret)}}); status != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d", status)
	}
	if status, _ := b.post("/auth/sign_in", "/auth/sign_in/code", url.Values{"step": {st}, "code": {codes[3]}}); status != http.StatusSeeOther {
		t.Fatalf("recovery code: %d", status)
	}
	if status, _ := b.get("/settings/profile"); status != http.StatusOK {
		t.Fatalf("not signed in after the recovery code: %d", status)
	}
	c := newWebClient(t, a)
	st = step(c)
	if status, _ := c.post("/auth/sign_in", "/auth/sign_in/code", url.Values{"step": {st}, "code": {codes[3]}}); status != http.StatusUnauthorized {
		t.Fatalf("a recovery code used twice: %d", status)
	}
	good, _ := totp.GenerateCode(secret, time.Now())
	if status, _ := c.post("/auth/sign_in", "/auth/sign_in/code", url.Values{"step": {st}, "code": {good}}); status != http.StatusSeeOther {
		t.Fatalf("app code: %d", status)
	}
	// Turning it off needs the password and a code.
	if status, _ := w.post("/settings/security", "/settings/two_factor/disable", url.Values{"password": {"correct horse battery"}, "code": {wrongCode(secret)}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("disable with a wrong code: %d", status)
	}
	if status, _ := w.post("/settings/security", "/settings/two_factor/disable", url.Values{"password": {"correct horse battery"}, "code": {codes[5]}}); status != http.StatusSeeOther {
		t.Fatalf("disable: %d", status)
	}
	if status, _ := newWebClient(t, a).signIn("alice", "correct horse battery"); status != http.StatusSeeOther {
		t.Fatalf("sign-in after disabling: %d", status)
	}
}

// TestTOTPOAuthSignIn: the OAuth sign-in form asks for the code after the
// password; wrong codes are refused, a recovery code works once.
func TestTOTPOAuthSignIn(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	w := newWebClient(t, a)
	w.signIn("alice", "correct horse battery")
	secret, codes := enableTOTP(t, w)
	app, err := mastodon.RegisterApp(context.Background(), &mastodon.AppConfig{
		Server: a.url(""), ClientName: "totp test", Scopes: "read", RedirectURIs: testRedirectURI})
	if err != nil {
		t.Fatal(err)
	}
	authorize := func(code string) (int, string) {
		b := newWebClient(t, a)
		params := url.Values{"response_type": {"code"}, "client_id": {app.ClientID}, "redirect_uri": {testRedirectURI}, "scope": {"read"}, "state": {"s"}}
		_, page := b.get("/oauth/authorize?" + params.Encode())
		hidden := func(page string) url.Values {
			form := url.Values{}
			for _, tag := range regexp.MustCompile(`<input[^>]*type="hidden"[^>]*>`).FindAllString(page, -1) {
				n := regexp.MustCompile(`name="([^"]*)"`).FindStringSubmatch(tag)
				v := regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(tag)
				if n != nil && v != nil {
					form.Set(n[1], htmlUnescape(v[1]))
				}
			}
			form.Set("decision", "authorize")
			return form
		}
		form := hidden(page)
		form.Set("username", "alice")
		form.Set("password", "correct horse battery")
		res, err := b.c.PostForm(a.url("/oauth/authorize"), form)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `name="second_step"`) || strings.Contains(string(body), `name="password"`) {
			t.Fatalf("password step: %d %s", res.StatusCode, body)
		}
		form = hidden(string(body))
		form.Set("code", code)
		res, err = b.c.PostForm(a.url("/oauth/authorize"), form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		return res.StatusCode, res.Header.Get("Location")
	}
	if status, _ := authorize(wrongCode(secret)); status != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d", status)
	}
	if status, loc := authorize(codes[0]); status != http.StatusFound || !strings.Contains(loc, "code=") {
		t.Fatalf("recovery code: %d %q", status, loc)
	}
	if status, _ := authorize(codes[0]); status != http.StatusUnauthorized {
		t.Fatalf("a recovery code used twice: %d", status)
	}
}

// TestReportNoticeEmailsAdmins: the notifier the reports area calls after a
// report commits emails every admin (and nobody else).
func TestReportNoticeEmailsAdmins(t *testing.T) {
	a, mp := mailInstance(t, "127.0.0.2")
	if _, err := a.svc.Accounts().CreateUser(context.Background(), accounts.CreateUserInput{
		Username: "root", Email: "root@mail.test", Password: "root password", Admin: true}); err != nil {
		t.Fatal(err)
	}
	a.createUser(t, "alice")
	a.svc.Accounts().ReportFiled(context.Background(), "@spammer@b.test", "selling things")
	m := mp.WaitFor(t, "root@mail.test", "New report")
	if !strings.Contains(m.Text, "@spammer@b.test") || !strings.Contains(m.Text, "selling things") || !strings.Contains(m.HTML, "/admin/reports") {
		t.Fatalf("report notice: %s / %s", m.Text, m.HTML)
	}
	if n := mp.Count(t, "alice@example.test"); n != 0 {
		t.Fatalf("a non-admin got %d report notices", n)
	}
}
