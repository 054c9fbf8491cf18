package store

import (
	"context"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// AddRemoteOrder inserts the mirror of a remote order unless one with its
// Receipt id exists (the unique index decides); it reports whether it did.
func (s *Store) AddRemoteOrder(ctx context.Context, o *models.RemoteOrder) (bool, error) {
	if o.ID == 0 {
		o.ID = s.NewID()
	}
	res := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "receipt_uri"}}, DoNothing: true}).Create(o)
	if err := translate(res.Error, "add remote order"); err != nil {
		return false, err
	}
	return res.RowsAffected == 1, nil
}

// RemoteOrderByReceiptForUpdate returns the mirror of a Receipt, locked
// until the transaction ends.
func (s *Store) RemoteOrderByReceiptForUpdate(ctx context.Context, receiptURI string) (*models.RemoteOrder, error) {
	var o models.RemoteOrder
	q := s.conn(ctx)
	if s.driver == DriverPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("receipt_uri = ?", receiptURI).Take(&o).Error
	return &o, translate(err, "remote order by receipt")
}

// SaveRemoteOrder writes every field of a remote order's mirror.
func (s *Store) SaveRemoteOrder(ctx context.Context, o *models.RemoteOrder) error {
	return translate(s.conn(ctx).Save(o).Error, "save remote order")
}

// RemoteOrdersOf returns a local buyer's remote orders, newest first, in
// the given states (none: all).
func (s *Store) RemoteOrdersOf(ctx context.Context, buyerID int64, states []models.OrderState, limit int) ([]*models.RemoteOrder, error) {
	var out []*models.RemoteOrder
	q := s.conn(ctx).Where("buyer_id = ?", buyerID)
	if len(states) > 0 {
		q = q.Where("state IN ?", states)
	}
	err := q.Order("id DESC").Limit(limit).Find(&out).Error
	return out, translate(err, "remote orders of")
}
