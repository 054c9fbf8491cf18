package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
	"plaza/server/service/accounts"
)

// instance is one running Plaza in a test: its own loopback address, HTTP
// listener and database.
type instance struct {
	*app
	host string // ip:port, also the ActivityPub host
}

// startInstance runs a Plaza on ip (e.g. "127.0.0.2") with a fresh database
// on the driver the tests run on; it stops when t ends.
func startInstance(t testing.TB, ip string) *instance {
	t.Helper()
	return startInstanceAt(t, ip+":0", storetest.Config(t))
}

// startInstanceAt runs a Plaza listening on addr (host:port; port 0 picks
// one) with the given database, so a test can stop an instance and start it
// again on the same address and data. Deliveries are polled and retried
// quickly so tests need not wait.
func startInstanceAt(t testing.TB, addr string, db store.Config, opts ...func(*Config)) *instance {
	t.Helper()
	in, stop := launchInstance(t, addr, db, opts...)
	t.Cleanup(stop)
	return in
}

// launchInstance starts an instance and returns a stop function that shuts
// it down (idempotent).
func launchInstance(t testing.TB, addr string, db store.Config, opts ...func(*Config)) (*instance, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	cfg := testConfig(ln.Addr().String(), db)
	cfg.Storage.Path = filepath.Join(t.TempDir(), "media")
	for _, o := range opts {
		o(&cfg)
	}
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
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("serve %s: %v", cfg.Host, err)
			}
			_ = st.Close()
		})
	}
	return &instance{app: a, host: cfg.Host}, stop
}

// testConfig is the configuration of a test instance on host.
func testConfig(host string, db store.Config) Config {
	cfg := DefaultConfig()
	cfg.Host, cfg.Listen, cfg.Protocol = host, host, "http"
	cfg.Federation.AllowPrivateAddresses = true
	cfg.Federation.DeliveryPollInterval = 50 * time.Millisecond
	cfg.Federation.DeliveryBackoff = 200 * time.Millisecond
	cfg.Federation.DeliveryLease = 3 * time.Second
	cfg.Database.Driver, cfg.Database.DSN = db.Driver, db.DSN
	// Tests make many requests from 127.0.0.1 in seconds; the rate-limit
	// tests set their own limits.
	cfg.HTTP.API.Limit, cfg.HTTP.SignIn.Limit, cfg.HTTP.SignUp.Limit, cfg.HTTP.Media.Limit, cfg.HTTP.Inbox.Limit = 0, 0, 0, 0, 0
	return cfg
}

func (in *instance) url(path string) string { return "http://" + in.host + path }

// createUser makes a local user on the instance.
func (in *instance) createUser(t testing.TB, username string) *models.Account {
	t.Helper()
	acct, err := in.svc.Accounts().CreateUser(context.Background(), accounts.CreateUserInput{
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
