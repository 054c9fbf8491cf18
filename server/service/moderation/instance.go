package moderation

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"plaza/models"
)

// Usage is what NodeInfo reports about the instance.
type Usage struct {
	Users      int64
	LocalPosts int64
}

// Usage counts active local users and posts.
func (s *Service) Usage(ctx context.Context) (Usage, error) {
	users, err := s.store.CountLocalAccounts(ctx, models.ActorPerson)
	if err != nil {
		return Usage{}, fmt.Errorf("usage: %w", err)
	}
	posts, err := s.store.CountLocalStatuses(ctx)
	if err != nil {
		return Usage{}, fmt.Errorf("usage: %w", err)
	}
	return Usage{Users: users, LocalPosts: posts}, nil
}

// Health is what an operator watches, read from the database.
type Health struct {
	DeliveriesPending int64
	OldestPending     time.Time // zero when nothing is pending
	InstancesFailing  int64
	PaymentsByState   map[string]int64
	Pool              sql.DBStats
}

// Health reads the delivery queue, failing instances, payments by state
// and the connection pool.
func (s *Service) Health(ctx context.Context) (Health, error) {
	var h Health
	var err error
	if h.DeliveriesPending, h.OldestPending, err = s.store.DeliveryQueueStats(ctx); err != nil {
		return Health{}, fmt.Errorf("health: %w", err)
	}
	if h.InstancesFailing, err = s.store.FailingInstances(ctx); err != nil {
		return Health{}, fmt.Errorf("health: %w", err)
	}
	if h.PaymentsByState, err = s.store.PaymentCountsByState(ctx); err != nil {
		return Health{}, fmt.Errorf("health: %w", err)
	}
	h.Pool = s.store.PoolStats()
	return h, nil
}
