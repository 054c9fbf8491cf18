package service_test

import (
	"errors"
	"testing"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/moderation"
)

func (w *world) admin(name string) *models.Account {
	w.t.Helper()
	a, err := w.svc.Accounts().CreateUser(w.ctx, accounts.CreateUserInput{Username: name, Email: name + "@example.com", Password: "correct horse", Admin: true})
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func TestAdminMethodsRefuseNonAdmins(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		name string
		call func(acct *models.Account) error
	}{
		{"users", func(a *models.Account) error {
			_, err := w.svc.Moderation().AdminUsers(w.ctx, a, core.Page{})
			return err
		}},
		{"suspend", func(a *models.Account) error { return w.svc.Moderation().SuspendUser(w.ctx, a, w.bob.ID) }},
		{"unsuspend", func(a *models.Account) error { return w.svc.Moderation().UnsuspendUser(w.ctx, a, w.bob.ID) }},
		{"block", func(a *models.Account) error {
			_, err := w.svc.Moderation().BlockDomain(w.ctx, a, "remote.test", "")
			return err
		}},
		{"unblock", func(a *models.Account) error { return w.svc.Moderation().UnblockDomain(w.ctx, a, 1) }},
		{"blocks", func(a *models.Account) error { _, err := w.svc.Moderation().DomainBlocks(w.ctx, a); return err }},
		{"settings", func(a *models.Account) error { return w.svc.Moderation().SaveInstanceSettings(w.ctx, a, "x", "", true) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(w.alice); !errors.Is(err, core.ErrForbidden) {
				t.Fatalf("local user: err = %v, want forbidden", err)
			}
			if err := tc.call(w.rick); !errors.Is(err, core.ErrForbidden) {
				t.Fatalf("remote account: err = %v, want forbidden", err)
			}
			if err := tc.call(nil); !errors.Is(err, core.ErrUnauthorized) {
				t.Fatalf("nobody: err = %v, want unauthorized", err)
			}
		})
	}
	if _, err := w.svc.Accounts().LocalUser(w.ctx, "bob"); err != nil {
		t.Fatalf("bob was suspended by a non-admin: %v", err)
	}
}

func TestSuspendUser(t *testing.T) {
	w := newWorld(t)
	root := w.admin("root")
	token, err := w.svc.Accounts().CreateToken(w.ctx, "bob", "read write")
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := w.svc.Accounts().StartWebSession(w.ctx, w.bob, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Moderation().SuspendUser(w.ctx, root, root.ID); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("self-suspension: %v", err)
	}
	if err := w.svc.Moderation().SuspendUser(w.ctx, root, w.rick.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("remote account: %v", err)
	}
	if err := w.svc.Moderation().SuspendUser(w.ctx, root, w.bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Accounts().Authenticate(w.ctx, token); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("token of a suspended user: %v", err)
	}
	if _, err := w.svc.Accounts().WebSession(w.ctx, secret); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("session of a suspended user: %v", err)
	}
	if _, err := w.svc.Accounts().LocalUser(w.ctx, "bob"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("suspended user found: %v", err)
	}
	if _, err := w.svc.Accounts().CheckPassword(w.ctx, "bob", "correct horse"); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("suspended user signs in: %v", err)
	}
	users, err := w.svc.Moderation().AdminUsers(w.ctx, root, core.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, u := range users {
		if u.Account.ID == w.bob.ID {
			found = u.Account.SuspendedAt != nil && u.Email == "bob@example.com" && !u.Admin
		}
	}
	if len(users) != 4 || !found {
		t.Fatalf("users: %d, bob listed as suspended: %v", len(users), found)
	}

	if err := w.svc.Moderation().UnsuspendUser(w.ctx, root, w.bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Accounts().CheckPassword(w.ctx, "bob", "correct horse"); err != nil {
		t.Fatalf("reinstated user cannot sign in: %v", err)
	}
	// The old token stays revoked.
	if _, err := w.svc.Accounts().Authenticate(w.ctx, token); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("token usable again: %v", err)
	}
}

func TestNormalizeDomain(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Example.ORG", "example.org"},
		{" https://Example.org/about ", "example.org"},
		{"@someone@social.example.", "social.example"},
		{"127.0.0.2:8080", "127.0.0.2:8080"},
		{"", ""},
		{"exa mple.org", ""},
		{"%.org", ""},
		{"example.org:99999", ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := moderation.NormalizeDomain(tc.in)
			if tc.want == "" {
				if !errors.Is(err, core.ErrValidation) {
					t.Fatalf("got %q, %v; want a validation error", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestDomainBlockDropsInboundAndFollows(t *testing.T) {
	w := newWorld(t)
	root := w.admin("root")
	w.mustReceive(w.rick, &models.APActivity{Type: "Follow", Object: &models.APObject{ID: w.alice.URI}})
	if ok, _ := w.st.IsFollowing(w.ctx, w.rick.ID, w.alice.ID); !ok {
		t.Fatal("rick does not follow alice")
	}

	b, err := w.svc.Moderation().BlockDomain(w.ctx, root, "https://REMOTE.test/", "spam")
	if err != nil {
		t.Fatal(err)
	}
	if b.Domain != "remote.test" || b.Reason != "spam" {
		t.Fatalf("block: %+v", b)
	}
	if _, err := w.svc.Moderation().BlockDomain(w.ctx, root, "remote.test", ""); !errors.Is(err, core.ErrConflict) {
		t.Fatalf("second block: %v", err)
	}
	if _, err := w.svc.Moderation().BlockDomain(w.ctx, root, "plaza.test", ""); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("own domain: %v", err)
	}
	if ok, _ := w.st.IsFollowing(w.ctx, w.rick.ID, w.alice.ID); ok {
		t.Fatal("follow from the blocked domain kept")
	}

	// What rick sends now changes nothing and is not an error (the sender
	// would only retry).
	obj := note(w.rick, "blocked", "<p>hello</p>", []string{models.PublicAddress}, nil)
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: obj})
	if _, err := w.st.StatusWithAccountByURI(w.ctx, obj.ID); err == nil {
		t.Fatal("status from a blocked domain stored")
	}
	w.mustReceive(w.rick, &models.APActivity{Type: "Follow", Object: &models.APObject{ID: w.alice.URI}})
	if _, err := w.st.FollowBetween(w.ctx, w.rick.ID, w.alice.ID); err == nil {
		t.Fatal("follow from a blocked domain stored")
	}

	// The publisher asks the store; subdomains and ports are covered.
	for domain, want := range map[string]bool{"remote.test": true, "a.remote.test": true, "remote.test:8443": true, "notremote.test": false, "": false} {
		if got, err := w.st.IsDomainBlocked(w.ctx, domain); err != nil || got != want {
			t.Errorf("IsDomainBlocked(%q) = %v, %v; want %v", domain, got, err, want)
		}
	}

	blocks, err := w.svc.Moderation().DomainBlocks(w.ctx, root)
	if err != nil || len(blocks) != 1 {
		t.Fatalf("blocks: %v %v", blocks, err)
	}
	if err := w.svc.Moderation().UnblockDomain(w.ctx, root, blocks[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Moderation().UnblockDomain(w.ctx, root, blocks[0].ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("second unblock: %v", err)
	}
	obj = note(w.rick, "after", "<p>hello again</p>", []string{models.PublicAddress}, nil)
	w.mustReceive(w.rick, &models.APActivity{Type: "Create", Object: obj})
	if _, err := w.st.StatusWithAccountByURI(w.ctx, obj.ID); err != nil {
		t.Fatalf("status after unblocking: %v", err)
	}
}

func TestInstanceSettingsOverrideConfig(t *testing.T) {
	w := newWorld(t)
	root := w.admin("root")
	name, desc, open := w.svc.Moderation().InstanceInfo(w.ctx)
	if name != "Plaza" || desc != "" || open {
		t.Fatalf("defaults: %q %q %v", name, desc, open)
	}
	if _, err := w.svc.Accounts().SignUp(w.ctx, "newbie", "newbie@example.com", "correct horse"); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("sign-up while closed: %v", err)
	}
	if err := w.svc.Moderation().SaveInstanceSettings(w.ctx, root, "  ", "", true); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("empty name: %v", err)
	}
	for range 2 { // saving again replaces
		if err := w.svc.Moderation().SaveInstanceSettings(w.ctx, root, "Town Square", "A friendly place.", true); err != nil {
			t.Fatal(err)
		}
	}
	name, desc, open = w.svc.Moderation().InstanceInfo(w.ctx)
	if name != "Town Square" || desc != "A friendly place." || !open {
		t.Fatalf("saved: %q %q %v", name, desc, open)
	}
	if w.svc.Config().InstanceName != "Plaza" {
		t.Fatal("Config() changed")
	}
	if _, err := w.svc.Accounts().SignUp(w.ctx, "newbie", "newbie@example.com", "correct horse"); err != nil {
		t.Fatalf("sign-up while open: %v", err)
	}
}
