package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/server/service"
)

// instance is one running Plaza in a test: its own loopback address, HTTP
// listener and database.
type instance struct {
	*app
	host string // ip:port, also the ActivityPub host
}

// startInstance runs a Plaza on ip (e.g. "127.0.0.2") with a fresh database
// on the driver the tests run on; it stops when t ends.
func startInstance(t *testing.T, ip string) *instance {
	t.Helper()
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatalf("listen on %s: %v", ip, err)
	}
	cfg := DefaultConfig()
	cfg.Host = ln.Addr().String()
	cfg.Listen = cfg.Host
	cfg.Protocol = "http"
	cfg.Federation.AllowPrivateAddresses = true
	db := storetest.Config(t)
	cfg.Database.Driver, cfg.Database.DSN = db.Driver, db.DSN

	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := openStore(ctx, cfg)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	a, err := newApp(ctx, cfg, st, log)
	if err != nil {
		t.Fatalf("new app: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve %s: %v", cfg.Host, err)
		}
		_ = st.Close()
	})
	return &instance{app: a, host: cfg.Host}
}

func (in *instance) url(path string) string { return "http://" + in.host + path }

// createUser makes a local user on the instance.
func (in *instance) createUser(t *testing.T, username string) *models.Account {
	t.Helper()
	acct, err := in.svc.CreateUser(context.Background(), service.CreateUserInput{
		Username: username, Email: username + "@example.test", Password: "correct horse battery",
	})
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	return acct
}

// testClient is a plain HTTP client with a deadline, for requests the test
// itself makes.
var testClient = &http.Client{Timeout: 10 * time.Second}
