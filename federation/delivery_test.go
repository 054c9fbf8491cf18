package federation

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"plaza/models"
)

// inboxServer answers every POST with code and counts signed ones.
func inboxServer(t *testing.T, code int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var signed atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.Header.Get("Signature"), `keyId="https://plaza.test/users/alice#main-key"`) &&
			r.Header.Get("Digest") != "" {
			signed.Add(1)
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(srv.Close)
	return srv, &signed
}

// quiet drops the worker's logs in tests.
var quiet = slog.New(slog.DiscardHandler)

func TestDeliverer(t *testing.T) {
	key := newTestKey(t, "https://plaza.test/users/alice#main-key")
	for _, tc := range []struct {
		code     int
		state    string
		attempts int
	}{
		{http.StatusAccepted, models.DeliveryDelivered, 1},
		{http.StatusServiceUnavailable, models.DeliveryPending, 1},
		{http.StatusTooManyRequests, models.DeliveryPending, 1},
		{http.StatusGone, models.DeliveryFailed, 1},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			r := newRig(t, testCfg())
			ctx := context.Background()
			srv, signed := inboxServer(t, tc.code)
			d := &models.Delivery{ActivityURI: "https://plaza.test/act/1", InboxURL: srv.URL + "/inbox", Domain: hostOf(srv.URL),
				SignerAccountID: 7, Payload: `{"type":"Create"}`}
			if err := r.st.EnqueueDelivery(ctx, d); err != nil {
				t.Fatal(err)
			}
			dv := NewDeliverer(DeliveryConfig{BaseBackoff: time.Minute}, r.st, r.tr, func(_ context.Context, id int64) (Signer, error) {
				if id != 7 {
					return Signer{}, fmt.Errorf("unknown signer %d", id)
				}
				return key.signer, nil
			}, quiet)
			before := time.Now()
			if n, err := dv.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("RunOnce = %d, %v", n, err)
			}
			if signed.Load() != 1 {
				t.Errorf("inbox got %d signed POSTs, want 1", signed.Load())
			}
			ds, err := r.st.DeliveriesByActivity(ctx, d.ActivityURI)
			if err != nil {
				t.Fatal(err)
			}
			got := ds[0]
			if got.State != tc.state || got.Attempts != tc.attempts || got.LockedBy != "" {
				t.Fatalf("delivery = %s attempts %d locked by %q, want %s %d", got.State, got.Attempts, got.LockedBy, tc.state, tc.attempts)
			}
			switch tc.state {
			case models.DeliveryDelivered:
				if got.DeliveredAt == nil {
					t.Error("DeliveredAt not set")
				}
			case models.DeliveryPending:
				// First retry after BaseBackoff ±10%.
				wait := got.NextAttemptAt.Sub(before)
				if wait < 54*time.Second || wait > 67*time.Second || got.LastStatus != tc.code || !strings.Contains(got.LastError, fmt.Sprint(tc.code)) {
					t.Errorf("retry in %s, status %d, error %q", wait, got.LastStatus, got.LastError)
				}
				// Not due: a second run does nothing.
				if n, _ := dv.RunOnce(ctx); n != 0 {
					t.Errorf("retried %d before due", n)
				}
			case models.DeliveryFailed:
				if got.LastStatus != tc.code {
					t.Errorf("LastStatus %d", got.LastStatus)
				}
			}
		})
	}
}

func TestDelivererGivesUpAndSlowsDown(t *testing.T) {
	r := newRig(t, testCfg())
	ctx := context.Background()
	srv, _ := inboxServer(t, http.StatusBadGateway)
	domain := hostOf(srv.URL)
	signers := func(context.Context, int64) (Signer, error) { return Signer{}, nil }
	dv := NewDeliverer(DeliveryConfig{BaseBackoff: time.Second, MaxAge: 3 * time.Hour}, r.st, r.tr, signers, quiet)

	// An instance past the failure threshold is retried at most hourly.
	for range failingThreshold {
		if _, err := r.st.RecordDeliveryOutcome(ctx, domain, false, time.Now(), failingThreshold); err != nil {
			t.Fatal(err)
		}
	}
	young := &models.Delivery{ActivityURI: "https://plaza.test/act/young", InboxURL: srv.URL + "/inbox", Domain: domain, Payload: "{}"}
	// Created long ago: the next retry would fall past MaxAge.
	old := &models.Delivery{ActivityURI: "https://plaza.test/act/old", InboxURL: srv.URL + "/inbox", Domain: domain, Payload: "{}",
		CreatedAt: time.Now().Add(-2*time.Hour - 59*time.Minute)}
	for _, d := range []*models.Delivery{young, old} {
		if err := r.st.EnqueueDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dv.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	y, _ := r.st.DeliveriesByActivity(ctx, young.ActivityURI)
	if y[0].State != models.DeliveryPending || time.Until(y[0].NextAttemptAt) < 59*time.Minute {
		t.Errorf("failing instance retried at %s", y[0].NextAttemptAt)
	}
	o, _ := r.st.DeliveriesByActivity(ctx, old.ActivityURI)
	if o[0].State != models.DeliveryFailed {
		t.Errorf("expired delivery is %s", o[0].State)
	}
}

func TestDeliverersNeverShareARow(t *testing.T) {
	r := newRig(t, testCfg())
	ctx := context.Background()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	const n = 40
	for i := range n {
		if err := r.st.EnqueueDelivery(ctx, &models.Delivery{ActivityURI: fmt.Sprintf("https://plaza.test/act/%d", i),
			InboxURL: srv.URL + "/inbox", Domain: hostOf(srv.URL), Payload: "{}"}); err != nil {
			t.Fatal(err)
		}
	}
	signers := func(context.Context, int64) (Signer, error) { return Signer{}, nil }
	done := make(chan int, 2)
	for _, name := range []string{"a", "b"} {
		dv := NewDeliverer(DeliveryConfig{Name: name, Workers: 3}, r.st, r.tr, signers, quiet)
		go func() {
			total := 0
			for {
				k, err := dv.RunOnce(ctx)
				if err != nil {
					t.Error(err)
				}
				if k == 0 {
					done <- total
					return
				}
				total += k
			}
		}()
	}
	if total := <-done + <-done; total != n || hits.Load() != n {
		t.Errorf("attempted %d, inbox hit %d times, want %d each", total, hits.Load(), n)
	}
	if p, _ := r.st.PendingDeliveries(ctx, 100); len(p) != 0 {
		t.Errorf("%d still pending", len(p))
	}
}

// TestDeliveryBackoffGrowsUpToTheCap: against an inbox that always fails,
// each retry is scheduled about twice as far out as the one before (±10%
// jitter), and once the doubling passes 12h the wait stays at 12h. The
// deliverer's clock is moved to each scheduled time, so nothing sleeps.
func TestDeliveryBackoffGrowsUpToTheCap(t *testing.T) {
	r := newRig(t, testCfg())
	ctx := context.Background()
	srv, _ := inboxServer(t, http.StatusServiceUnavailable)
	signers := func(context.Context, int64) (Signer, error) { return Signer{}, nil }
	// A base of 1h keeps the "failing instance: at most hourly" floor out
	// of the way; MaxAge keeps the delivery alive for the whole run.
	const base = time.Hour
	dv := NewDeliverer(DeliveryConfig{BaseBackoff: base, MaxAge: 365 * 24 * time.Hour}, r.st, r.tr, signers, quiet)
	d := &models.Delivery{ActivityURI: "https://plaza.test/act/backoff", InboxURL: srv.URL + "/inbox", Domain: hostOf(srv.URL), Payload: "{}"}
	if err := r.st.EnqueueDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}
	clock := time.Now()
	dv.now = func() time.Time { return clock }

	var delays []time.Duration
	for attempt := 1; attempt <= 7; attempt++ {
		if n, err := dv.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("attempt %d: RunOnce = %d, %v", attempt, n, err)
		}
		ds, err := r.st.DeliveriesByActivity(ctx, d.ActivityURI)
		if err != nil {
			t.Fatal(err)
		}
		got := ds[0]
		if got.State != models.DeliveryPending || got.Attempts != attempt {
			t.Fatalf("after attempt %d: %s with %d attempts", attempt, got.State, got.Attempts)
		}
		delay := got.NextAttemptAt.Sub(clock)
		delays = append(delays, delay)
		want := min(base<<(attempt-1), maxBackoff)
		if delay < want*9/10-time.Second || delay > want*11/10+time.Second {
			t.Errorf("attempt %d: next try in %s, want %s ±10%%", attempt, delay, want)
		}
		if attempt > 1 && base<<(attempt-1) <= maxBackoff && delay <= delays[attempt-2] {
			t.Errorf("attempt %d: next try in %s, not later than the previous %s", attempt, delay, delays[attempt-2])
		}
		// Due exactly now, not a moment before.
		clock = got.NextAttemptAt.Add(-time.Second)
		if n, _ := dv.RunOnce(ctx); n != 0 {
			t.Fatalf("attempt %d: retried %s early", attempt, time.Second)
		}
		clock = got.NextAttemptAt
	}
	t.Logf("delays: %v", delays)
}
