package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"plaza/server/service/accounts"
)

// TestSavedInstanceSettingsShowEverywhere: what an admin saves in the web
// UI (name, description, registrations mode, rules, contact) is what
// /api/v1/instance, /api/v2/instance, NodeInfo and the landing page show;
// the configuration only gave the first values.
func TestSavedInstanceSettingsShowEverywhere(t *testing.T) {
	in := startInstance(t, "127.0.0.9")
	if _, err := in.svc.Accounts().CreateUser(context.Background(), accounts.CreateUserInput{
		Username: "root", Email: "root@example.test", Password: "correct horse battery", Admin: true}); err != nil {
		t.Fatal(err)
	}
	// Before: the configuration's defaults.
	_, v1 := get(t, in.url("/api/v1/instance"), "application/json")
	if !strings.Contains(v1, `"title":"`+in.cfg.Instance.Name+`"`) {
		t.Fatalf("default title not from the config: %s", v1)
	}

	admin := signInBrowser(t, in, "root", "correct horse battery")
	form := url.Values{
		"authenticity_token": {formToken(t, admin, in.url("/admin/settings"))},
		"name":               {"Harbour Town"}, "description": {"Boats and the people who love them."},
		"registrations_mode": {"approval"}, "rules": {"Be kind.\n\n  No spam.  \n"},
		"contact_email": {"harbourmaster@example.test"},
	}
	noRedirect := *admin
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := noRedirect.PostForm(in.url("/admin/settings"), form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", res.StatusCode)
	}
	// A bad mode is refused and changes nothing.
	form.Set("authenticity_token", formToken(t, admin, in.url("/admin/settings")))
	form.Set("registrations_mode", "sometimes")
	form.Set("name", "Not Saved")
	if res, err := noRedirect.PostForm(in.url("/admin/settings"), form); err != nil || res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad mode: %v %v", res.StatusCode, err)
	}

	var i1 struct {
		Title, Description, Email string
		Registrations             bool
		ApprovalRequired          bool `json:"approval_required"`
		Rules                     []struct{ ID, Text string }
	}
	_, v1 = get(t, in.url("/api/v1/instance"), "application/json")
	if err := json.Unmarshal([]byte(v1), &i1); err != nil {
		t.Fatal(err)
	}
	if i1.Title != "Harbour Town" || i1.Description != "Boats and the people who love them." || i1.Email != "harbourmaster@example.test" ||
		!i1.Registrations || !i1.ApprovalRequired || len(i1.Rules) != 2 || i1.Rules[0].Text != "Be kind." || i1.Rules[1].ID != "2" || i1.Rules[1].Text != "No spam." {
		t.Fatalf("/api/v1/instance = %+v", i1)
	}

	var i2 struct {
		Title, Description string
		Registrations      struct {
			Enabled          bool
			ApprovalRequired bool `json:"approval_required"`
		}
		Contact struct{ Email string }
		Rules   []struct{ ID, Text string }
	}
	_, v2 := get(t, in.url("/api/v2/instance"), "application/json")
	if err := json.Unmarshal([]byte(v2), &i2); err != nil {
		t.Fatal(err)
	}
	if i2.Title != "Harbour Town" || i2.Description != "Boats and the people who love them." || !i2.Registrations.Enabled ||
		!i2.Registrations.ApprovalRequired || i2.Contact.Email != "harbourmaster@example.test" || len(i2.Rules) != 2 || i2.Rules[1].Text != "No spam." {
		t.Fatalf("/api/v2/instance = %s", v2)
	}

	if _, rules := get(t, in.url("/api/v1/instance/rules"), "application/json"); rules != `[{"hint":"","id":"1","text":"Be kind."},{"hint":"","id":"2","text":"No spam."}]` {
		t.Fatalf("/api/v1/instance/rules = %s", rules)
	}

	var ni struct {
		OpenRegistrations bool
		Metadata          struct{ NodeName, NodeDescription string }
	}
	_, nb := get(t, in.url("/nodeinfo/2.1"), "application/json")
	if err := json.Unmarshal([]byte(nb), &ni); err != nil {
		t.Fatal(err)
	}
	if ni.Metadata.NodeName != "Harbour Town" || ni.Metadata.NodeDescription != "Boats and the people who love them." || !ni.OpenRegistrations {
		t.Fatalf("nodeinfo = %s", nb)
	}

	status, page := get(t, in.url("/"), "text/html")
	for _, want := range []string{"Harbour Town", "Boats and the people who love them.", "<li>Be kind.</li>", "<li>No spam.</li>", "mailto:harbourmaster@example.test"} {
		if status != http.StatusOK || !strings.Contains(page, want) {
			t.Fatalf("landing page (%d) lacks %q", status, want)
		}
	}

	// Closed is saved and shown too.
	form.Set("authenticity_token", formToken(t, admin, in.url("/admin/settings")))
	form.Set("registrations_mode", "closed")
	form.Set("name", "Harbour Town")
	if res, err := noRedirect.PostForm(in.url("/admin/settings"), form); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save closed: %v", err)
	}
	_, nb = get(t, in.url("/nodeinfo/2.1"), "application/json")
	_, v2 = get(t, in.url("/api/v2/instance"), "application/json")
	if !strings.Contains(nb, `"openRegistrations":false`) || !strings.Contains(v2, `"registrations":{"approval_required":false,"enabled":false`) {
		t.Fatalf("closed not shown: %s\n%s", nb, v2)
	}
}
