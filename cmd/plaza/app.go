package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"plaza/federation"
	"plaza/models/store"
	"plaza/server"
	"plaza/server/apub"
	"plaza/server/service"
	"plaza/server/web"
	"plaza/static"
	"plaza/templates"
)

// version is Plaza's release, reported in NodeInfo and the User-Agent.
const version = "0.1.0"

// app is one wired Plaza instance: store, business layer, federation and
// HTTP. Tests build several in one process.
type app struct {
	cfg      Config
	log      *slog.Logger
	store    *store.Store
	svc      *service.Service
	resolver *federation.Resolver
	handler  http.Handler
}

// openStore opens and migrates the configured database.
func openStore(ctx context.Context, cfg Config) (*store.Store, error) {
	st, err := store.Open(store.Config{Driver: cfg.Database.Driver, DSN: cfg.Database.DSN, MaxOpenConns: cfg.Database.MaxOpenConns})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}

func newService(cfg Config, st *store.Store, log *slog.Logger) *service.Service {
	return service.New(service.Config{
		Host:                cfg.Host,
		Protocol:            cfg.Protocol,
		InstanceName:        cfg.Instance.Name,
		InstanceDescription: cfg.Instance.Description,
		ContactEmail:        cfg.Instance.ContactEmail,
		OpenRegistrations:   cfg.Instance.OpenRegistrations,
		Version:             version,
	}, service.Deps{Store: st, Log: log})
}

// newApp wires every package of one instance on an open store.
func newApp(ctx context.Context, cfg Config, st *store.Store, log *slog.Logger) (*app, error) {
	svc := newService(cfg, st, log)
	if _, err := svc.EnsureInstanceActor(ctx); err != nil {
		return nil, err
	}
	fedCfg := federation.Config{
		AllowPrivateAddresses: cfg.Federation.AllowPrivateAddresses,
		RequestTimeout:        cfg.Federation.RequestTimeout,
		MaxResponseBytes:      cfg.Federation.MaxResponseBytes,
		SignatureMaxAge:       cfg.Federation.SignatureMaxAge,
		ActorRefreshAfter:     cfg.Federation.ActorRefreshAfter,
		Scheme:                cfg.Protocol,
		UserAgent:             fmt.Sprintf("Plaza/%s (+%s://%s/)", version, cfg.Protocol, cfg.Host),
	}
	transport := federation.NewTransport(fedCfg)
	resolver := federation.NewResolver(fedCfg, transport, st, instanceSigner(svc))
	inbox := federation.NewInbox(fedCfg, resolver, svc)

	pages, err := web.New(svc, templates.FS, static.FS, log)
	if err != nil {
		return nil, err
	}
	ap := apub.New(apub.Config{InboxMaxBodyBytes: cfg.Federation.InboxMaxBodyBytes, Version: version}, svc, inbox, pages.Profile)
	router := server.NewRouter(log, ap, pages)
	return &app{cfg: cfg, log: log, store: st, svc: svc, resolver: resolver, handler: router}, nil
}

// instanceSigner returns the instance actor's key, parsed once.
func instanceSigner(svc *service.Service) func(ctx context.Context) (federation.Signer, error) {
	var (
		mu     sync.Mutex
		signer federation.Signer
	)
	return func(ctx context.Context) (federation.Signer, error) {
		mu.Lock()
		defer mu.Unlock()
		if signer.PrivateKey != nil {
			return signer, nil
		}
		acct, err := svc.EnsureInstanceActor(ctx)
		if err != nil {
			return federation.Signer{}, err
		}
		key, err := federation.ParsePrivateKeyPEM(acct.PrivateKeyPEM)
		if err != nil {
			return federation.Signer{}, fmt.Errorf("instance actor key: %w", err)
		}
		signer = federation.Signer{KeyID: acct.PublicKeyID, PrivateKey: key}
		return signer, nil
	}
}

// serve runs HTTP on ln until ctx is done, then shuts down gracefully.
func (a *app) serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
