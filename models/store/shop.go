package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"plaza/models"
)

// CreateListing inserts a listing.
func (s *Store) CreateListing(ctx context.Context, l *models.Listing) error {
	if l.ID == 0 {
		l.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(l).Error, "create listing")
}

// SaveListing writes every field of a listing.
func (s *Store) SaveListing(ctx context.Context, l *models.Listing) error {
	return translate(s.conn(ctx).Save(l).Error, "save listing")
}

// ListingByID returns one listing.
func (s *Store) ListingByID(ctx context.Context, id int64) (*models.Listing, error) {
	var l models.Listing
	err := s.conn(ctx).Where("id = ?", id).Take(&l).Error
	return &l, translate(err, "listing by id")
}

// ListingByIDForUpdate returns one listing, locked until the transaction
// ends (PostgreSQL; SQLite serialises writers anyway).
func (s *Store) ListingByIDForUpdate(ctx context.Context, id int64) (*models.Listing, error) {
	var l models.Listing
	q := s.conn(ctx)
	if s.driver == DriverPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id = ?", id).Take(&l).Error
	return &l, translate(err, "listing by id")
}

// ListingByStatusID returns the listing a post carries.
func (s *Store) ListingByStatusID(ctx context.Context, statusID int64) (*models.Listing, error) {
	var l models.Listing
	err := s.conn(ctx).Where("status_id = ? AND status_id <> 0", statusID).Take(&l).Error
	return &l, translate(err, "listing by status")
}

// ListingsOf returns a seller's listings, newest first; open only unless
// all.
func (s *Store) ListingsOf(ctx context.Context, sellerID int64, all bool, limit int) ([]*models.Listing, error) {
	var out []*models.Listing
	q := s.conn(ctx).Where("seller_id = ?", sellerID)
	if !all {
		q = q.Where("state = ?", models.ListingOpen)
	}
	err := q.Order("id DESC").Limit(limit).Find(&out).Error
	return out, translate(err, "listings of")
}

// SearchListings finds open listings whose title or description contains
// every word, newest first.
func (s *Store) SearchListings(ctx context.Context, words []string, limit int) ([]*models.Listing, error) {
	var out []*models.Listing
	q := s.conn(ctx).Where("state = ?", models.ListingOpen)
	for _, w := range words {
		pat := "%" + likePrefix(strings.ToLower(w))
		q = q.Where(`(LOWER(title) LIKE ? ESCAPE '\' OR LOWER(description) LIKE ? ESCAPE '\')`, pat, pat)
	}
	err := q.Order("id DESC").Limit(limit).Find(&out).Error
	return out, translate(err, "search listings")
}

// TakeStock takes n off a listing's stock if at least n is left, in one
// conditional UPDATE, so concurrent orders never drive it below zero. A
// listing without a stock count always has enough. It reports whether the
// stock was taken.
func (s *Store) TakeStock(ctx context.Context, listingID, n int64) (bool, error) {
	res := s.conn(ctx).Model(&models.Listing{}).
		Where("id = ? AND state = ? AND (stock IS NULL OR stock >= ?)", listingID, models.ListingOpen, n).
		Update("stock", gorm.Expr("CASE WHEN stock IS NULL THEN NULL ELSE stock - ? END", n))
	if res.Error != nil {
		return false, fmt.Errorf("take stock: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ReturnStock puts n back on a listing's stock (an order released).
func (s *Store) ReturnStock(ctx context.Context, listingID, n int64) error {
	err := s.conn(ctx).Model(&models.Listing{}).Where("id = ? AND stock IS NOT NULL", listingID).
		Update("stock", gorm.Expr("stock + ?", n)).Error
	return translate(err, "return stock")
}

// CreateOrder inserts an order; a second one for the same payment is
// ErrConflict.
func (s *Store) CreateOrder(ctx context.Context, o *models.Order) error {
	if o.ID == 0 {
		o.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(o).Error, "create order")
}

// SaveOrder writes every field of an order.
func (s *Store) SaveOrder(ctx context.Context, o *models.Order) error {
	return translate(s.conn(ctx).Save(o).Error, "save order")
}

// OrderByIDForUpdate returns one order, locked until the transaction ends.
func (s *Store) OrderByIDForUpdate(ctx context.Context, id int64) (*models.Order, error) {
	var o models.Order
	q := s.conn(ctx)
	if s.driver == DriverPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id = ?", id).Take(&o).Error
	return &o, translate(err, "order by id")
}

// OrderByID returns one order.
func (s *Store) OrderByID(ctx context.Context, id int64) (*models.Order, error) {
	var o models.Order
	err := s.conn(ctx).Where("id = ?", id).Take(&o).Error
	return &o, translate(err, "order by id")
}

// OrderByToken returns the order of a buyer's order page.
func (s *Store) OrderByToken(ctx context.Context, token string) (*models.Order, error) {
	var o models.Order
	err := s.conn(ctx).Where("token = ?", token).Take(&o).Error
	return &o, translate(err, "order by token")
}

// OrderByPaymentForUpdate returns the order a payment pays, locked.
func (s *Store) OrderByPaymentForUpdate(ctx context.Context, paymentID int64) (*models.Order, error) {
	var o models.Order
	q := s.conn(ctx)
	if s.driver == DriverPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("payment_id = ?", paymentID).Take(&o).Error
	return &o, translate(err, "order by payment")
}

// OrdersOf returns a seller's (seller true) or a buyer's orders, newest
// first, in the given states (none: every state but pending and expired).
func (s *Store) OrdersOf(ctx context.Context, accountID int64, seller bool, states []models.OrderState, limit int) ([]*models.Order, error) {
	var out []*models.Order
	col := "buyer_id"
	if seller {
		col = "seller_id"
	}
	q := s.conn(ctx).Where(col+" = ?", accountID)
	if len(states) > 0 {
		q = q.Where("state IN ?", states)
	} else {
		q = q.Where("state NOT IN ?", []models.OrderState{models.OrderPending, models.OrderExpired})
	}
	err := q.Order("id DESC").Limit(limit).Find(&out).Error
	return out, translate(err, "orders of")
}
