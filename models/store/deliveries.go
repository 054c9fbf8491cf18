package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"plaza/models"
)

// EnqueueDelivery queues one POST; its id and CreatedAt are set here when
// zero. Delivery workers are woken once the transaction commits (see
// DeliveriesQueued).
func (s *Store) EnqueueDelivery(ctx context.Context, d *models.Delivery) error {
	if d.ID == 0 {
		d.ID = s.NewID()
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = time.Now().UTC()
	}
	if d.State == "" {
		d.State = models.DeliveryPending
	}
	if d.NextAttemptAt.IsZero() {
		d.NextAttemptAt = d.CreatedAt
	}
	if err := s.conn(ctx).Create(d).Error; err != nil {
		return translate(err, "enqueue delivery")
	}
	return s.signalDeliveriesQueued(ctx)
}

// ClaimDueDeliveries leases up to limit due deliveries to worker until
// now+lease, oldest due first, and returns them. Several processes may call
// it at once: on PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED, so
// concurrent claimers take different rows instead of waiting; SQLite's
// transactions start with the write lock (_txlock=immediate), so claims
// are serialised. A lease that runs out (a crashed worker) frees the row.
func (s *Store) ClaimDueDeliveries(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int) ([]models.Delivery, error) {
	now = now.UTC()
	until := now.Add(lease)
	var claimed []models.Delivery
	err := s.WithTx(ctx, func(tx *Store) error {
		q := tx.conn(ctx).Model(&models.Delivery{}).
			Where("state = ? AND next_attempt_at <= ?", models.DeliveryPending, now).
			Where("locked_until IS NULL OR locked_until < ?", now).
			Order("next_attempt_at").Limit(limit)
		if tx.driver == DriverPostgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var ids []int64
		if err := q.Pluck("id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		if err := tx.conn(ctx).Model(&models.Delivery{}).Where("id IN ?", ids).
			Updates(map[string]any{"locked_until": until, "locked_by": worker}).Error; err != nil {
			return err
		}
		return tx.conn(ctx).Where("id IN ?", ids).Order("next_attempt_at").Find(&claimed).Error
	})
	return claimed, translate(err, "claim deliveries")
}

// MarkDelivered records a successful POST.
func (s *Store) MarkDelivered(ctx context.Context, id int64, at time.Time) error {
	at = at.UTC()
	return s.updateDelivery(ctx, id, "mark delivered", map[string]any{
		"state": models.DeliveryDelivered, "delivered_at": at, "attempts": gorm.Expr("attempts + 1"),
		"last_error": "", "last_status": 0, "locked_until": nil, "locked_by": "",
	})
}

// MarkDeliveryRetry records a failed attempt and when to try again.
func (s *Store) MarkDeliveryRetry(ctx context.Context, id int64, attempts int, next time.Time, lastErr string, status int) error {
	return s.updateDelivery(ctx, id, "mark delivery retry", map[string]any{
		"attempts": attempts, "next_attempt_at": next.UTC(), "last_error": lastErr, "last_status": status,
		"locked_until": nil, "locked_by": "",
	})
}

// MarkDeliveryFailed gives up on a delivery.
func (s *Store) MarkDeliveryFailed(ctx context.Context, id int64, lastErr string, status int) error {
	return s.updateDelivery(ctx, id, "mark delivery failed", map[string]any{
		"state": models.DeliveryFailed, "attempts": gorm.Expr("attempts + 1"), "last_error": lastErr,
		"last_status": status, "locked_until": nil, "locked_by": "",
	})
}

func (s *Store) updateDelivery(ctx context.Context, id int64, what string, fields map[string]any) error {
	res := s.conn(ctx).Model(&models.Delivery{}).Where("id = ?", id).Updates(fields)
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(gorm.ErrRecordNotFound, what)
	}
	return translate(res.Error, what)
}

// DeliveriesByActivity lists the deliveries of one activity, by inbox.
func (s *Store) DeliveriesByActivity(ctx context.Context, activityURI string) ([]models.Delivery, error) {
	var ds []models.Delivery
	err := s.conn(ctx).Where("activity_uri = ?", activityURI).Order("inbox_url").Find(&ds).Error
	return ds, translate(err, "deliveries by activity")
}

// PendingDeliveries lists up to limit deliveries not yet delivered or given
// up, next due first.
func (s *Store) PendingDeliveries(ctx context.Context, limit int) ([]models.Delivery, error) {
	var ds []models.Delivery
	err := s.conn(ctx).Where("state = ?", models.DeliveryPending).Order("next_attempt_at").Limit(limit).Find(&ds).Error
	return ds, translate(err, "pending deliveries")
}

// RecordDeliveryOutcome updates a remote instance's health after a
// delivery: a success clears its failures; the failingThreshold-th failure
// in a row marks it failing.
func (s *Store) RecordDeliveryOutcome(ctx context.Context, domain string, ok bool, at time.Time, failingThreshold int) (*models.InstanceHealth, error) {
	at = at.UTC()
	var h models.InstanceHealth
	err := s.WithTx(ctx, func(tx *Store) error {
		// Insert-if-missing first so that concurrent workers then all lock
		// the same row instead of racing to create it.
		if err := tx.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).
			Create(&models.InstanceHealth{Domain: domain}).Error; err != nil {
			return err
		}
		q := tx.conn(ctx)
		if tx.driver == DriverPostgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Where("domain = ?", domain).Take(&h).Error; err != nil {
			return err
		}
		if ok {
			h.ConsecutiveFailures = 0
			h.LastSuccessAt = &at
			h.FailingSince = nil
		} else {
			h.ConsecutiveFailures++
			h.LastFailureAt = &at
			if h.ConsecutiveFailures >= failingThreshold && h.FailingSince == nil {
				h.FailingSince = &at
			}
		}
		return tx.conn(ctx).Save(&h).Error
	})
	return &h, translate(err, "record delivery outcome")
}

// InstanceHealthByDomain returns what is known of a remote instance's
// deliveries; ErrNotFound when nothing was ever delivered there.
func (s *Store) InstanceHealthByDomain(ctx context.Context, domain string) (*models.InstanceHealth, error) {
	var h models.InstanceHealth
	err := s.conn(ctx).Where("domain = ?", domain).Take(&h).Error
	return &h, translate(err, "instance health")
}
