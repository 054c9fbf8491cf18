package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// TestReportInTheWebUI: a user reports a post from its Report button; an
// admin sees it, assigns it, limits the account from it (which resolves
// it), and the audit log shows both; the reporter is told.
func TestReportInTheWebUI(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	s.user("root", true)
	bobID := s.user("bob", false)
	aliceID := s.user("alice", false)
	alice, _ := s.svc.Core().Store().AccountByID(ctx, aliceID)
	post, err := s.svc.Social().CreateStatus(ctx, alice, social.CreateStatusInput{Text: "buy watches", Visibility: models.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	bob := s.signIn("bob")
	_, page := bob.get("/@alice")
	reportLink := "/report?account=" + strconv.FormatInt(aliceID, 10)
	if !strings.Contains(page, `href="`+reportLink+`"`) || !strings.Contains(page, "&amp;status="+strconv.FormatInt(post.ID, 10)) {
		t.Fatal("no Report button on the profile and its posts")
	}
	form := url.Values{"account_id": {strconv.FormatInt(aliceID, 10)}, "status_id": {strconv.FormatInt(post.ID, 10)}, "category": {"spam"}, "comment": {"watch spam"}}
	if status, loc := bob.post(reportLink, "/report", form); status != http.StatusSeeOther || loc != "/home?notice=reported" {
		t.Fatalf("file report: %d %s", status, loc)
	}
	// Without the form token it is refused.
	form.Del("authenticity_token")
	resp, err := bob.c.PostForm(s.srv.URL+"/report", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("report without CSRF token: %d", resp.StatusCode)
	}
	if status, _ := bob.get("/admin/reports"); status == http.StatusOK {
		t.Fatal("a non-admin sees the reports page")
	}

	root := s.signIn("root")
	_, page = root.get("/admin/reports")
	m := regexp.MustCompile(`id="report-(\d+)"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "watch spam") || !strings.Contains(page, "@alice") {
		t.Fatalf("report not listed:\n%s", page)
	}
	id := m[1]
	if status, _ := root.post("/admin/reports", "/admin/reports/"+id+"/assign_to_self", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("assign: %d", status)
	}
	if _, page = root.get("/admin/reports"); !strings.Contains(page, "Assigned to @root") {
		t.Fatal("assignment not shown")
	}
	action := url.Values{"type": {"silence"}, "report_id": {id}}
	if status, _ := root.post("/admin/reports", "/admin/accounts/"+strconv.FormatInt(aliceID, 10)+"/action", action); status != http.StatusSeeOther {
		t.Fatalf("action: %d", status)
	}
	if a, _ := s.svc.Core().Store().AccountByID(ctx, aliceID); a.SilencedAt == nil {
		t.Fatal("alice is not limited")
	}
	if _, page = root.get("/admin/reports"); strings.Contains(page, `id="report-`+id+`"`) {
		t.Fatal("the report is still open")
	}
	if _, page = root.get("/admin/reports?resolved=1"); !strings.Contains(page, `id="report-`+id+`"`) {
		t.Fatal("the report is not among the resolved")
	}
	_, page = root.get("/admin/audit")
	for _, want := range []string{"report_assign_to_self", "silence", "report_resolve", "@alice"} {
		if !strings.Contains(page, want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
	bobAcct, _ := s.svc.Core().Store().AccountByID(ctx, bobID)
	ns, err := s.svc.Social().Notifications(ctx, bobAcct, core.Page{Limit: 10}, nil, nil)
	if err != nil || len(ns) == 0 || ns[0].Notification.Type != models.NotifyReportResolved {
		t.Fatalf("bob was not told: %+v %v", ns, err)
	}
	if _, page = bob.get("/notifications"); !strings.Contains(page, "your report, which the moderators have now resolved") {
		t.Fatal("the notification is not on bob's page")
	}
}

// TestAboutServersListsPublicReasons: the about page of moderated servers
// shows each block's public reason, never the private one.
func TestAboutServersListsPublicReasons(t *testing.T) {
	s := newSite(t)
	s.user("root", true)
	root := s.signIn("root")
	if status, _ := root.post("/admin/domains", "/admin/domains", url.Values{"domain": {"spam.example"}, "reason": {"private note"}}); status != http.StatusSeeOther {
		t.Fatalf("block: %d", status)
	}
	status, page := s.browser().get("/about/servers")
	if status != http.StatusOK || !strings.Contains(page, "spam.example") || !strings.Contains(page, "Suspended") || strings.Contains(page, "private note") {
		t.Fatalf("about servers: %d\n%s", status, page)
	}
}
