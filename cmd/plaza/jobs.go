package main

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// job is background work the server runs at a fixed interval while it
// serves. What a job does must be safe to repeat and safe to run in two
// processes at once: the database, not the process, holds its state.
type job struct {
	name  string
	every time.Duration
	run   func(ctx context.Context) error
}

// jobs lists the server's periodic work.
func (a *app) jobs() []job {
	return []job{
		{"publish scheduled statuses", 15 * time.Second, func(ctx context.Context) error {
			n, err := a.svc.Scheduled().PublishDue(ctx)
			if n > 0 {
				a.log.Info("scheduled statuses published", slog.Int("count", n))
			}
			return err
		}},
		{"forget old web push claims", time.Hour, func(ctx context.Context) error {
			return a.svc.Push().PruneClaims(ctx)
		}},
	}
}

// runJobs runs every job until ctx is done and returns when all have
// stopped. A failing run is logged and tried again at the next tick.
func (a *app) runJobs(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range a.jobs() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(j.every)
			defer t.Stop()
			for {
				if err := j.run(ctx); err != nil && ctx.Err() == nil {
					a.log.Error("background job failed", slog.String("job", j.name), slog.Any("error", err))
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	wg.Wait()
}
