package service_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/server/service"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
)

func newService(t *testing.T) *service.Service {
	t.Helper()
	return service.New(core.Config{Host: "plaza.test", Protocol: "https", InstanceName: "Plaza"}, core.Deps{Store: storetest.Open(t)})
}

func TestCreateUserMakesKeysAndAddresses(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	a, err := svc.Accounts().CreateUser(ctx, accounts.CreateUserInput{Username: "alice", Email: "alice@example.com", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	if a.URI != "https://plaza.test/users/alice" || a.InboxURI != a.URI+"/inbox" || a.SharedInbox != "https://plaza.test/inbox" ||
		a.PublicKeyID != a.URI+"#main-key" || a.URL != "https://plaza.test/@alice" {
		t.Fatalf("addresses: %+v", a)
	}
	block, _ := pem.Decode([]byte(a.PrivateKeyPEM))
	if block == nil {
		t.Fatal("private key is not PEM")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if bits := key.(interface{ Size() int }).Size() * 8; bits != 2048 {
		t.Fatalf("key size %d, want 2048", bits)
	}
	if _, err := svc.Accounts().CheckPassword(ctx, "ALICE", "correct horse"); err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if _, err := svc.Accounts().CheckPassword(ctx, "alice", "wrong horse"); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestCreateUserRejectsBadInput(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	if _, err := svc.Accounts().CreateUser(ctx, accounts.CreateUserInput{Username: "alice", Email: "alice@example.com", Password: "correct horse"}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		in   accounts.CreateUserInput
		want error
	}{
		{"empty username", accounts.CreateUserInput{Username: "", Email: "x@example.com", Password: "correct horse"}, core.ErrValidation},
		{"dot in username", accounts.CreateUserInput{Username: "a.b", Email: "x@example.com", Password: "correct horse"}, core.ErrValidation},
		{"31 characters", accounts.CreateUserInput{Username: "abcdefghijabcdefghijabcdefghija", Email: "x@example.com", Password: "correct horse"}, core.ErrValidation},
		{"bad email", accounts.CreateUserInput{Username: "bob", Email: "not an email", Password: "correct horse"}, core.ErrValidation},
		{"short password", accounts.CreateUserInput{Username: "bob", Email: "bob@example.com", Password: "short"}, core.ErrValidation},
		{"taken username, other case", accounts.CreateUserInput{Username: "Alice", Email: "a2@example.com", Password: "correct horse"}, core.ErrConflict},
		{"taken email", accounts.CreateUserInput{Username: "bob", Email: "ALICE@example.com", Password: "correct horse"}, core.ErrConflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := svc.Accounts().CreateUser(ctx, tc.in); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// Nothing half-written: the failed "bob"s left no account behind.
	if _, err := svc.Accounts().LocalUser(ctx, "bob"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("bob exists after failed creations: %v", err)
	}
	u, err := svc.Moderation().Usage(ctx)
	if err != nil || u.Users != 1 {
		t.Fatalf("usage = %+v, %v; want 1 user", u, err)
	}
}

func TestTokens(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	if _, err := svc.Accounts().CreateUser(ctx, accounts.CreateUserInput{Username: "alice", Email: "alice@example.com", Password: "correct horse"}); err != nil {
		t.Fatal(err)
	}
	secret, err := svc.Accounts().CreateToken(ctx, "alice", "read write:statuses follow")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.Accounts().Authenticate(ctx, secret)
	if err != nil || tok.Account.Username != "alice" || tok.Scopes != "read write:statuses follow" {
		t.Fatalf("authenticate: %+v, %v", tok, err)
	}
	if _, err := svc.Accounts().Authenticate(ctx, secret+"x"); !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("wrong secret: %v", err)
	}
	if _, err := svc.Accounts().CreateToken(ctx, "alice", "read everything"); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("unknown scope: %v", err)
	}
	if _, err := svc.Accounts().CreateToken(ctx, "nobody", "read"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestInstanceActorIsCreatedOnce(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	first, err := svc.Accounts().EnsureInstanceActor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := svc.Accounts().EnsureInstanceActor(ctx)
	if err != nil || again.ID != first.ID {
		t.Fatalf("second call: %v, id %d vs %d", err, again.ID, first.ID)
	}
	if first.ActorType != models.ActorApplication || first.URI != "https://plaza.test/actor" {
		t.Fatalf("instance actor: %+v", first)
	}
	// It is not a user: no profile, no WebFinger as a person, not counted.
	if _, err := svc.Accounts().LocalUser(ctx, accounts.InstanceActorUsername); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("instance actor visible as a user: %v", err)
	}
	if u, _ := svc.Moderation().Usage(ctx); u.Users != 0 {
		t.Fatalf("instance actor counted as a user")
	}
}
