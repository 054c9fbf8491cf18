package federation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"sync"
	"time"

	"plaza/models"
	"plaza/models/store"
)

// DeliveryConfig tunes the delivery worker; zero values take defaults.
type DeliveryConfig struct {
	// Workers is how many POSTs run at once (default 2).
	Workers int
	// PollInterval is how often the queue is checked when idle (default 1s).
	// Commits that queue deliveries wake the worker at once (see
	// store.DeliveriesQueued); the poll catches retries falling due, expired
	// leases and wake-ups that were lost.
	PollInterval time.Duration
	// Lease is how long a claimed delivery stays with this process before
	// another may take it (default 2m); it must outlast a POST.
	Lease time.Duration
	// MaxAge is how long after its creation a delivery is given up
	// (default 72h, so retries cover remote outages of over two days).
	MaxAge time.Duration
	// BaseBackoff is the wait after the first failure; it doubles each
	// time, up to 12h (default 30s).
	BaseBackoff time.Duration
	// Name identifies this process's claims (default: random).
	Name string
	// OnOutcome, when set, hears the result of every attempt: delivered,
	// retry, refused (the inbox said never) or expired (given up).
	OnOutcome func(result string)
}

// Delivery tuning that is not worth a setting.
const (
	maxBackoff = 12 * time.Hour
	// failingThreshold consecutive failures mark an instance failing;
	// failingSpacing is then the least wait between its retries.
	failingThreshold = 5
	failingSpacing   = time.Hour
)

func (c DeliveryConfig) withDefaults() DeliveryConfig {
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.Lease <= 0 {
		c.Lease = 2 * time.Minute
	}
	if c.MaxAge <= 0 {
		c.MaxAge = 72 * time.Hour
	}
	if c.BaseBackoff <= 0 {
		c.BaseBackoff = 30 * time.Second
	}
	if c.Name == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		c.Name = "deliverer-" + hex.EncodeToString(b[:])
	}
	return c
}

// Deliverer drains the durable delivery queue: it claims due deliveries,
// POSTs them signed by their account, and records the outcome. Several
// Deliverers (in one or several processes) may share one database.
type Deliverer struct {
	cfg     DeliveryConfig
	st      *store.Store
	t       *Transport
	signers func(ctx context.Context, accountID int64) (Signer, error)
	log     *slog.Logger
	wake    chan struct{}
	now     func() time.Time
	// wakeups subscribes to commits that queued deliveries; tests replace
	// it to lose every wake-up.
	wakeups func(ctx context.Context) (<-chan struct{}, error)
}

// NewDeliverer returns a worker; signers gives the key of a local account.
func NewDeliverer(cfg DeliveryConfig, st *store.Store, t *Transport, signers func(ctx context.Context, accountID int64) (Signer, error), log *slog.Logger) *Deliverer {
	if log == nil {
		log = slog.Default()
	}
	return &Deliverer{cfg: cfg.withDefaults(), st: st, t: t, signers: signers, log: log, wake: make(chan struct{}, 1), now: time.Now,
		wakeups: st.DeliveriesQueued}
}

// Notify wakes the loop early, e.g. after a transaction queued deliveries.
// It never blocks.
func (d *Deliverer) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is done; it returns nil then. It attempts what is
// due at once, then whenever a commit queues deliveries (in this process,
// or in any process on PostgreSQL), and every PollInterval otherwise.
func (d *Deliverer) Run(ctx context.Context) error {
	// Subscribe before the first claim, so nothing committed after that
	// claim goes unheard.
	queued, err := d.wakeups(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		d.log.WarnContext(ctx, "delivery wake-ups unavailable, polling only", slog.Any("error", err))
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-d.wake:
		case _, ok := <-queued:
			if !ok {
				queued = nil // closed as ctx ends
			}
		}
		n, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.ErrorContext(ctx, "delivery batch failed", slog.Any("error", err))
		}
		wait := d.cfg.PollInterval
		if n == d.batchSize() {
			wait = 0 // a full batch: more may be due right away
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
	}
}

// batchSize is how many deliveries one RunOnce claims at most. A smaller
// batch took every row due at the claim; rows queued since have woken the
// worker.
func (d *Deliverer) batchSize() int { return d.cfg.Workers * 8 }

// RunOnce claims one batch of due deliveries, attempts them all and
// returns how many it attempted.
func (d *Deliverer) RunOnce(ctx context.Context) (int, error) {
	batch, err := d.st.ClaimDueDeliveries(ctx, d.cfg.Name, d.now(), d.cfg.Lease, d.batchSize())
	if err != nil {
		return 0, fmt.Errorf("deliver: %w", err)
	}
	jobs := make(chan models.Delivery)
	var wg sync.WaitGroup
	for range min(d.cfg.Workers, len(batch)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for dl := range jobs {
				d.attempt(ctx, dl)
			}
		}()
	}
	for _, dl := range batch {
		jobs <- dl
	}
	close(jobs)
	wg.Wait()
	return len(batch), nil
}

// attempt POSTs one delivery and records what happened. Its own errors
// are logged: the lease makes a lost update retry later anyway.
func (d *Deliverer) attempt(ctx context.Context, dl models.Delivery) {
	log := d.log.With(slog.Int64("delivery_id", dl.ID), slog.String("inbox", dl.InboxURL), slog.String("activity", dl.ActivityURI))
	err := d.post(ctx, dl)
	now := d.now()
	if err == nil {
		if err := d.st.MarkDelivered(ctx, dl.ID, now); err != nil {
			log.ErrorContext(ctx, "mark delivered", slog.Any("error", err))
		}
		if _, err := d.st.RecordDeliveryOutcome(ctx, dl.Domain, true, now, failingThreshold); err != nil {
			log.ErrorContext(ctx, "record instance health", slog.Any("error", err))
		}
		log.DebugContext(ctx, "delivered")
		d.outcome("delivered")
		return
	}
	if ctx.Err() != nil {
		return // shutting down: the lease runs out and the row is retried
	}

	status := 0
	var se *StatusError
	if errors.As(err, &se) {
		status = se.Code
	}
	if permanent(status) {
		// The inbox refused this activity itself (gone, forbidden, bad
		// request): retrying cannot help, and the instance is not down.
		if err := d.st.MarkDeliveryFailed(ctx, dl.ID, err.Error(), status); err != nil {
			log.ErrorContext(ctx, "mark delivery failed", slog.Any("error", err))
		}
		log.InfoContext(ctx, "delivery refused, giving up", slog.Int("status", status), slog.Any("error", err))
		d.outcome("refused")
		return
	}

	health, herr := d.st.RecordDeliveryOutcome(ctx, dl.Domain, false, now, failingThreshold)
	if herr != nil {
		log.ErrorContext(ctx, "record instance health", slog.Any("error", herr))
	}
	attempts := dl.Attempts + 1
	next := now.Add(d.backoff(attempts))
	if herr == nil && health.FailingSince != nil && next.Sub(now) < failingSpacing {
		next = now.Add(failingSpacing)
	}
	if next.Sub(dl.CreatedAt) > d.cfg.MaxAge {
		if err := d.st.MarkDeliveryFailed(ctx, dl.ID, err.Error(), status); err != nil {
			log.ErrorContext(ctx, "mark delivery failed", slog.Any("error", err))
		}
		log.WarnContext(ctx, "delivery expired, giving up", slog.Int("attempts", attempts), slog.Any("error", err))
		d.outcome("expired")
		return
	}
	if err := d.st.MarkDeliveryRetry(ctx, dl.ID, attempts, next, err.Error(), status); err != nil {
		log.ErrorContext(ctx, "mark delivery retry", slog.Any("error", err))
	}
	log.InfoContext(ctx, "delivery failed, will retry", slog.Int("attempts", attempts), slog.Time("next_attempt_at", next), slog.Any("error", err))
	d.outcome("retry")
}

func (d *Deliverer) outcome(result string) {
	if d.cfg.OnOutcome != nil {
		d.cfg.OnOutcome(result)
	}
}

func (d *Deliverer) post(ctx context.Context, dl models.Delivery) error {
	signer, err := d.signers(ctx, dl.SignerAccountID)
	if err != nil {
		return fmt.Errorf("signer %d: %w", dl.SignerAccountID, err)
	}
	return d.t.Post(ctx, dl.InboxURL, signer, []byte(dl.Payload))
}

// permanent reports whether an HTTP status means "never": a 4xx other than
// 408 Request Timeout and 429 Too Many Requests.
func permanent(status int) bool {
	return status >= 400 && status < 500 && status != 408 && status != 429
}

// backoff is BaseBackoff·2^(attempts-1), capped at 12h, ±10% jitter so
// deliveries that failed together do not retry together.
func (d *Deliverer) backoff(attempts int) time.Duration {
	exp := math.Pow(2, float64(max(attempts-1, 0)))
	wait := time.Duration(math.Min(float64(d.cfg.BaseBackoff)*exp, float64(maxBackoff)))
	jitter := (mrand.Float64()*0.2 - 0.1) * float64(wait)
	return wait + time.Duration(jitter)
}
