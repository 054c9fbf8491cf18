package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/server/service"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
)

// webRig is a service with a clock the test moves, open registrations as
// asked, and alice.
type webRig struct {
	svc   *service.Service
	clock *stepClock
	alice *models.Account
}

func newWebRig(t *testing.T, open bool) webRig {
	t.Helper()
	clock := &stepClock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	svc := service.New(core.Config{Host: "plaza.test", Protocol: "https", InstanceName: "Plaza", OpenRegistrations: open},
		core.Deps{Store: storetest.Open(t), Clock: clock})
	alice, err := svc.Accounts().CreateUser(context.Background(), accounts.CreateUserInput{Username: "alice", Email: "alice@example.test", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	return webRig{svc: svc, clock: clock, alice: alice}
}

func (r webRig) start(t *testing.T) (string, *models.WebSession) {
	t.Helper()
	secret, ws, err := r.svc.Accounts().StartWebSession(context.Background(), r.alice, "test browser")
	if err != nil {
		t.Fatal(err)
	}
	return secret, ws
}

func TestWebSessionLifecycle(t *testing.T) {
	ctx := context.Background()
	r := newWebRig(t, false)
	secret, ws := r.start(t)
	if secret == "" || ws.CSRFToken == "" || secret == ws.CSRFToken {
		t.Fatalf("secret %q, CSRF token %q: want two different secrets", secret, ws.CSRFToken)
	}

	got, err := r.svc.Accounts().WebSession(ctx, secret)
	if err != nil || got.ID != ws.ID || got.Account == nil || got.Account.ID != r.alice.ID || got.CSRFToken != ws.CSRFToken {
		t.Fatalf("look up: %+v, %v", got, err)
	}
	for _, bad := range []string{"", "not-a-session", secret + "x"} {
		if _, err := r.svc.Accounts().WebSession(ctx, bad); !errors.Is(err, core.ErrUnauthorized) {
			t.Errorf("secret %q: %v, want ErrUnauthorized", bad, err)
		}
	}

	// Use keeps a session alive; idleness ends it.
	r.clock.Advance(accounts.WebSessionIdle - time.Hour)
	if _, err := r.svc.Accounts().WebSession(ctx, secret); err != nil {
		t.Fatalf("session used within the idle time: %v", err)
	}
	r.clock.Advance(accounts.WebSessionIdle - time.Hour)
	if _, err := r.svc.Accounts().WebSession(ctx, secret); err != nil {
		t.Fatalf("session used again within the idle time: %v", err)
	}
	r.clock.Advance(accounts.WebSessionIdle + time.Minute)
	if _, err := r.svc.Accounts().WebSession(ctx, secret); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("idle session: %v, want ErrUnauthorized", err)
	}

	// Signing out ends the session and no other.
	s1, ws1 := r.start(t)
	s2, _ := r.start(t)
	if err := r.svc.Accounts().EndWebSession(ctx, ws1); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Accounts().WebSession(ctx, s1); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("ended session: %v, want ErrUnauthorized", err)
	}
	if _, err := r.svc.Accounts().WebSession(ctx, s2); err != nil {
		t.Fatalf("other session after sign-out: %v", err)
	}
}

func TestSignUp(t *testing.T) {
	ctx := context.Background()
	closed := newWebRig(t, false)
	if _, err := closed.svc.Accounts().SignUp(ctx, "bob", "bob@example.test", "correct horse"); !errors.Is(err, core.ErrForbidden) {
		t.Fatalf("sign-up with closed registrations: %v, want ErrForbidden", err)
	}

	open := newWebRig(t, true)
	cases := []struct {
		name, username, email, password string
		want                            error
	}{
		{"ok", "bob", "bob@example.test", "correct horse", nil},
		{"username taken", "alice", "other@example.test", "correct horse", core.ErrConflict},
		{"username taken in another case", "ALICE", "other@example.test", "correct horse", core.ErrConflict},
		{"email taken", "carol", "alice@example.test", "correct horse", core.ErrConflict},
		{"bad username", "no spaces", "dave@example.test", "correct horse", core.ErrValidation},
		{"empty username", "", "dave@example.test", "correct horse", core.ErrValidation},
		{"bad email", "dave", "not-an-email", "correct horse", core.ErrValidation},
		{"short password", "dave", "dave@example.test", "short", core.ErrValidation},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			acct, err := open.svc.Accounts().SignUp(ctx, c.username, c.email, c.password)
			if c.want == nil {
				if err != nil {
					t.Fatalf("sign up: %v", err)
				}
				if acct.Username != c.username || !acct.IsLocal() {
					t.Fatalf("account %+v", acct)
				}
				if _, err := open.svc.Accounts().CheckPassword(ctx, c.username, c.password); err != nil {
					t.Fatalf("new account cannot sign in: %v", err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("sign up: %v, want %v", err, c.want)
			}
		})
	}
}

func TestChangePasswordSignsOutOtherSessions(t *testing.T) {
	ctx := context.Background()
	r := newWebRig(t, false)
	here, ws := r.start(t)
	other, _ := r.start(t)

	if err := r.svc.Accounts().ChangePassword(ctx, r.alice, "wrong horse", "a new password", ws.ID); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("wrong current password: %v, want ErrValidation", err)
	}
	if err := r.svc.Accounts().ChangePassword(ctx, r.alice, "correct horse", "short", ws.ID); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("short new password: %v, want ErrValidation", err)
	}
	if _, err := r.svc.Accounts().WebSession(ctx, other); err != nil {
		t.Fatalf("a refused change signed out: %v", err)
	}

	if err := r.svc.Accounts().ChangePassword(ctx, r.alice, "correct horse", "a new password", ws.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Accounts().WebSession(ctx, here); err != nil {
		t.Fatalf("the session that changed the password: %v", err)
	}
	if _, err := r.svc.Accounts().WebSession(ctx, other); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("other session after the change: %v, want ErrUnauthorized", err)
	}
	if _, err := r.svc.Accounts().CheckPassword(ctx, "alice", "correct horse"); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("old password: %v, want ErrUnauthorized", err)
	}
	if _, err := r.svc.Accounts().CheckPassword(ctx, "alice", "a new password"); err != nil {
		t.Fatalf("new password: %v", err)
	}

	// keep 0 ends every session.
	if err := r.svc.Accounts().ChangePassword(ctx, r.alice, "a new password", "another password", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Accounts().WebSession(ctx, here); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("session after a change that keeps none: %v, want ErrUnauthorized", err)
	}
}
