package store

import (
	"context"
	"database/sql"
	"time"

	"plaza/models"
)

// What an operator watches (the /metrics gauges). Each query is bounded by
// what is pending or failing now, not by history, but for the payments by
// state, which the state index answers.

// DeliveryQueueStats counts pending deliveries and says when the oldest of
// them was queued (zero when none is).
func (s *Store) DeliveryQueueStats(ctx context.Context) (pending int64, oldest time.Time, err error) {
	db := s.conn(ctx).Model(&models.Delivery{}).Where("state = ?", models.DeliveryPending)
	if err := db.Count(&pending).Error; err != nil {
		return 0, time.Time{}, translate(err, "delivery queue stats")
	}
	if pending == 0 {
		return 0, time.Time{}, nil
	}
	var first models.Delivery
	if err := s.conn(ctx).Select("created_at").Where("state = ?", models.DeliveryPending).
		Order("created_at").Take(&first).Error; err != nil {
		return 0, time.Time{}, translate(err, "delivery queue stats")
	}
	return pending, first.CreatedAt, nil
}

// FailingInstances counts the remote instances marked failing.
func (s *Store) FailingInstances(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.InstanceHealth{}).Where("failing_since IS NOT NULL").Count(&n).Error
	return n, translate(err, "failing instances")
}

// PaymentCountsByState counts payments in each state.
func (s *Store) PaymentCountsByState(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		State string
		N     int64
	}
	if err := s.conn(ctx).Model(&models.Payment{}).Select("state, COUNT(*) AS n").Group("state").Scan(&rows).Error; err != nil {
		return nil, translate(err, "payments by state")
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}

// PoolStats reports the connection pool.
func (s *Store) PoolStats() sql.DBStats {
	db, err := s.db.DB()
	if err != nil {
		return sql.DBStats{}
	}
	return db.Stats()
}
