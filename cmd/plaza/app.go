package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"plaza/federation"
	"plaza/models"
	"plaza/models/store"
	"plaza/server"
	"plaza/server/apub"
	"plaza/server/mastoapi"
	"plaza/server/metrics"
	"plaza/server/ratelimit"
	"plaza/server/service"
	"plaza/server/service/backfill"
	"plaza/server/service/core"
	"plaza/server/service/media"
	"plaza/server/service/remotemedia"
	"plaza/server/web"
	"plaza/server/webpush"
	"plaza/static"
	"plaza/templates"
)

// version is Plaza's release, reported in NodeInfo and the User-Agent.
const version = "0.1.0"

// app is one wired Plaza instance: store, business layer, federation and
// HTTP. Tests build several in one process.
type app struct {
	cfg       Config
	log       *slog.Logger
	store     *store.Store
	svc       *service.Service
	resolver  *federation.Resolver
	deliverer *federation.Deliverer
	handler   http.Handler
	av        media.AVTools // ffmpeg and ffprobe, found once at start
}

// openStore opens and migrates the configured database and checks that it
// belongs to the configured host (startup.go).
func openStore(ctx context.Context, cfg Config) (*store.Store, error) {
	if cfg.Database.Driver == store.DriverSQLite {
		if err := checkSQLitePath(cfg.Database.DSN); err != nil {
			return nil, err
		}
	}
	st, err := store.Open(store.Config{Driver: cfg.Database.Driver, DSN: cfg.Database.DSN, MaxOpenConns: cfg.Database.MaxOpenConns})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	if err := checkInstanceHost(ctx, st, cfg.Host); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}

func serviceConfig(cfg Config) core.Config {
	return core.Config{
		Host:                cfg.Host,
		Protocol:            cfg.Protocol,
		InstanceName:        cfg.Instance.Name,
		InstanceDescription: cfg.Instance.Description,
		ContactEmail:        cfg.Instance.ContactEmail,
		OpenRegistrations:   cfg.Instance.OpenRegistrations,
		ExtendedDescription: cfg.Instance.ExtendedDescription,
		PrivacyPolicy:       cfg.Instance.PrivacyPolicy,
		TermsOfService:      cfg.Instance.TermsOfService,
		Version:             version,
		SuspensionGrace:     cfg.Moderation.SuspensionGrace,
	}
}

// newOfflineService is the business layer for CLI commands that never
// federate (creating users and tokens).
func newOfflineService(cfg Config, st *store.Store, log *slog.Logger) *service.Service {
	return service.New(serviceConfig(cfg), service.Deps{Store: st, Log: log})
}

// newApp wires every package of one instance on an open store.
func newApp(ctx context.Context, cfg Config, st *store.Store, log *slog.Logger) (*app, error) {
	var stats *metrics.Metrics
	if cfg.Metrics.Enabled {
		stats = metrics.New(cfg.Metrics.Token, log)
	}
	fedCfg := federation.Config{
		AllowPrivateAddresses:  cfg.Federation.AllowPrivateAddresses,
		RequestTimeout:         cfg.Federation.RequestTimeout,
		MaxResponseBytes:       cfg.Federation.MaxResponseBytes,
		SignatureMaxAge:        cfg.Federation.SignatureMaxAge,
		PaymentSignatureMaxAge: cfg.Federation.PaymentSignatureMaxAge,
		ActorRefreshAfter:      cfg.Federation.ActorRefreshAfter,
		Scheme:                 cfg.Protocol,
		UserAgent:              fmt.Sprintf("Plaza/%s (+%s://%s/)", version, cfg.Protocol, cfg.Host),
		Logger:                 log,
		RefuseHost:             federation.RefuseBlockedDomains(st),
	}
	deliveryCfg := federation.DeliveryConfig{
		Workers:      cfg.Federation.DeliveryWorkers,
		PollInterval: cfg.Federation.DeliveryPollInterval,
		Lease:        cfg.Federation.DeliveryLease,
		BaseBackoff:  cfg.Federation.DeliveryBackoff,
		MaxAge:       cfg.Federation.DeliveryMaxAge,
	}
	if stats != nil {
		fedCfg.ObserveInbox = func(typ string, err error) { stats.InboxActivity(typ, strconv.Itoa(apub.ErrorStatus(err))) }
		deliveryCfg.OnOutcome = stats.DeliveryOutcome
	}
	st.SetAllowListMode(cfg.Federation.AllowlistMode)
	transport := federation.NewTransport(fedCfg)
	keys := newKeyring(st)
	resolver := federation.NewResolver(fedCfg, transport, st, keys.instanceSigner)
	encoder := federation.NewEncoder(st)
	svc := service.New(serviceConfig(cfg), service.Deps{
		Store:     st,
		Publisher: federation.NewPublisher(encoder, log),
		Fetcher:   resolver,
		Log:       log,
	})
	// A remote actor's Emoji tags (its name's and bio's emoji) are kept.
	resolver.SetActorHook(func(ctx context.Context, acc *models.Account, tags []models.APTag) error {
		return svc.Emoji().StoreRemote(ctx, st, acc.Domain, tags)
	})
	// Web Push goes out through the same SSRF guard as federation.
	svc.Push().SetSender(webpush.Sender{Client: transport.Client(), Subscriber: svc.Core().URLs().Base()})
	// mail: SMTP sender for sign-up, password and admin emails.
	if err := enableMail(cfg, svc, log); err != nil {
		return nil, err
	}
	// payments: Stripe adapter and payment flow (cmd/plaza/payments.go).
	if err := enablePayments(cfg, svc); err != nil {
		return nil, err
	}
	// Quote requests and their answers are read by federation's decoder.
	svc.Quotes().SetDecoder(federation.IsQuoteActivity, federation.DecodeQuote)
	// Remote avatars, headers and attachments are served from this
	// instance, fetched through the guarded transport.
	svc.RemoteMedia().Enable(remotemedia.Config{Dir: cfg.Storage.Path, MaxBytes: cfg.Storage.RemoteMediaMaxBytes}, transport)
	instanceActor, err := svc.Accounts().EnsureInstanceActor(ctx)
	if err != nil {
		return nil, err
	}
	keys.instanceActorID = instanceActor.ID
	inbox := federation.NewInbox(fedCfg, resolver, svc)
	deliverer := federation.NewDeliverer(deliveryCfg, st, transport, keys.signer, log)

	// One sign-in count per address for the web and the OAuth forms.
	signIn := ratelimit.New(cfg.HTTP.SignIn.Rule())
	av := media.FindAVTools(cfg.Storage.FFmpegPath, cfg.Storage.FFprobePath)
	if !av.Installed() {
		log.Warn("ffmpeg or ffprobe not found: video and audio uploads are refused", slog.String("ffmpeg", cfg.Storage.FFmpegPath))
	}
	pages, err := web.New(web.Config{MediaDir: cfg.Storage.Path, MaxUploadBytes: cfg.Storage.MaxUploadBytes, AV: av,
		SignIn: signIn, SignUp: ratelimit.New(cfg.HTTP.SignUp.Rule())}, svc, templates.FS, static.FS, log)
	if err != nil {
		return nil, err
	}
	// payments: pages, pay link and webhook, signed in through the web
	// session (or a bearer token).
	payPages, err := web.NewPayPages(svc, templates.FS, pages.SessionUser, log)
	if err != nil {
		return nil, err
	}
	ap := apub.New(apub.Config{InboxMaxBodyBytes: cfg.Federation.InboxMaxBodyBytes, Version: version, PaymentsEnabled: svc.Payments().PaymentsEnabled(),
		AuthorizedFetch: cfg.Federation.AuthorizedFetch, Logger: log}, svc, inbox, encoder, pages)
	api := mastoapi.New(mastoapi.Config{MediaPath: cfg.Storage.Path, MaxUploadBytes: cfg.Storage.MaxUploadBytes, AV: av, Version: version,
		SignIn: signIn}, svc, pages.Templates(), log)
	limits, err := server.NewRateLimits(server.RateLimitConfig{TrustedProxies: cfg.HTTP.TrustedProxies,
		API: cfg.HTTP.API.Rule(), Media: cfg.HTTP.Media.Rule(), Inbox: cfg.HTTP.Inbox.Rule()})
	if err != nil {
		return nil, fmt.Errorf("config: http.trusted_proxies: %w", err)
	}
	bodies := server.BodyLimits{Upload: cfg.Storage.MaxUploadBytes, Inbox: cfg.Federation.InboxMaxBodyBytes}
	health := server.Health{Log: log, Ready: func(ctx context.Context) error { _, err := st.SchemaVersion(ctx); return err }}
	areas := []server.Mounter{health, ap, api, pages, ap.PaymentRoutes(), payPages} // payments: last two
	if stats != nil {
		stats.SetSource(healthSource(svc))
		areas = append(areas, stats)
	}
	router := server.NewRouter(log, limits, bodies, areas...)
	return &app{cfg: cfg, log: log, store: st, svc: svc, resolver: resolver, deliverer: deliverer, handler: router, av: av}, nil
}

// The resolver reads remote outboxes for the backfill area.
var _ backfill.OutboxFetcher = (*federation.Resolver)(nil)

// keyring hands out parsed signing keys of local accounts, parsing each PEM
// once.
type keyring struct {
	store           *store.Store
	instanceActorID int64
	mu              sync.Mutex
	parsed          map[int64]federation.Signer
}

func newKeyring(st *store.Store) *keyring {
	return &keyring{store: st, parsed: map[int64]federation.Signer{}}
}

// signer returns the key of a local account.
func (k *keyring) signer(ctx context.Context, accountID int64) (federation.Signer, error) {
	k.mu.Lock()
	s, ok := k.parsed[accountID]
	k.mu.Unlock()
	if ok {
		return s, nil
	}
	acct, err := k.store.AccountByID(ctx, accountID)
	if err != nil {
		return federation.Signer{}, fmt.Errorf("signing key of account %d: %w", accountID, err)
	}
	if !acct.IsLocal() || acct.PrivateKeyPEM == "" {
		return federation.Signer{}, fmt.Errorf("signing key of account %d: not a local account", accountID)
	}
	key, err := federation.ParsePrivateKeyPEM(acct.PrivateKeyPEM)
	if err != nil {
		return federation.Signer{}, fmt.Errorf("signing key of account %d: %w", accountID, err)
	}
	s = federation.Signer{KeyID: acct.PublicKeyID, PrivateKey: key}
	k.mu.Lock()
	k.parsed[accountID] = s
	k.mu.Unlock()
	return s, nil
}

// instanceSigner returns the instance actor's key, for the server's own
// fetches.
func (k *keyring) instanceSigner(ctx context.Context) (federation.Signer, error) {
	if k.instanceActorID == 0 {
		return federation.Signer{}, fmt.Errorf("instance actor not ready")
	}
	return k.signer(ctx, k.instanceActorID)
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
	// The delivery workers stop with the server, whichever way it ends.
	ctx, stopDeliveries := context.WithCancel(ctx)
	deliveriesDone := make(chan struct{})
	go func() {
		defer close(deliveriesDone)
		if a.cfg.Federation.DeliveryWorkers == 0 {
			// federation.delivery_workers: 0 leaves the queue to other
			// processes sharing the database.
			a.log.Info("delivery workers off: this process queues deliveries but sends none")
			return
		}
		if err := a.deliverer.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("delivery worker stopped", slog.Any("error", err))
		}
	}()
	jobsDone := make(chan struct{})
	go func() { defer close(jobsDone); a.runJobs(ctx) }()
	pushDone := make(chan struct{})
	go func() {
		defer close(pushDone)
		if err := a.svc.Push().Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("web push stopped", slog.Any("error", err))
		}
	}()
	mediaDone := make(chan struct{})
	go func() {
		defer close(mediaDone)
		a.svc.Media().RunProcessor(ctx, media.MediaConfig{Dir: a.cfg.Storage.Path, MaxBytes: a.cfg.Storage.MaxUploadBytes, AV: &a.av}, 30*time.Second)
	}()
	pollsDone := make(chan struct{})
	go func() {
		defer close(pollsDone)
		a.svc.Polls().Run(ctx, a.cfg.Polls.ExpiryInterval)
	}()
	defer func() {
		stopDeliveries()
		<-deliveriesDone
		<-jobsDone
		<-pushDone
		<-pollsDone
		<-mediaDone
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("plaza shutting down", slog.String("cause", context.Cause(ctx).Error()))
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

// healthSource reads the database gauges of /metrics.
func healthSource(svc *service.Service) metrics.Source {
	return func(ctx context.Context) (metrics.Snapshot, error) {
		h, err := svc.Moderation().Health(ctx)
		return metrics.Snapshot{DeliveriesPending: h.DeliveriesPending, OldestPending: h.OldestPending,
			InstancesFailing: h.InstancesFailing, PaymentsByState: h.PaymentsByState, Pool: h.Pool}, err
	}
}
