package store

import (
	"context"

	"gorm.io/gorm/clause"

	"plaza/models"
)

func (s *Store) lockingUpdate() clause.Expression {
	if s.driver == DriverPostgres {
		return clause.Locking{Strength: "UPDATE"}
	}
	return nil
}

// LockTiersOf locks the creator's account row until the transaction ends,
// so two tier creations cannot both see fewer than the limit; it returns
// how many active tiers the creator has.
func (s *Store) LockTiersOf(ctx context.Context, creatorID int64) (int64, error) {
	q := s.conn(ctx)
	if l := s.lockingUpdate(); l != nil {
		q = q.Clauses(l)
	}
	var a models.Account
	if err := q.Select("id").Where("id = ?", creatorID).Take(&a).Error; err != nil {
		return 0, translate(err, "lock creator")
	}
	var n int64
	err := s.conn(ctx).Model(&models.SupporterTier{}).Where("creator_id = ? AND active = ?", creatorID, true).Count(&n).Error
	return n, translate(err, "count tiers")
}

// CreateTier inserts a tier.
func (s *Store) CreateTier(ctx context.Context, t *models.SupporterTier) error {
	if t.ID == 0 {
		t.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(t).Error, "create tier")
}

// SaveTier writes a tier back.
func (s *Store) SaveTier(ctx context.Context, t *models.SupporterTier) error {
	return translate(s.conn(ctx).Save(t).Error, "save tier")
}

// TierByID returns one tier.
func (s *Store) TierByID(ctx context.Context, id int64) (*models.SupporterTier, error) {
	var t models.SupporterTier
	return &t, translate(s.conn(ctx).Where("id = ?", id).Take(&t).Error, "tier by id")
}

// TiersOf lists a creator's active tiers, cheapest first.
func (s *Store) TiersOf(ctx context.Context, creatorID int64) ([]*models.SupporterTier, error) {
	var out []*models.SupporterTier
	err := s.conn(ctx).Where("creator_id = ? AND active = ?", creatorID, true).Order("amount, id").Find(&out).Error
	return out, translate(err, "tiers of")
}

// CreateSubscription inserts a subscription; a second one for the same
// Agreement is ErrConflict.
func (s *Store) CreateSubscription(ctx context.Context, sub *models.Subscription) error {
	if sub.ID == 0 {
		sub.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(sub).Error, "create subscription")
}

// SaveSubscription writes a subscription back.
func (s *Store) SaveSubscription(ctx context.Context, sub *models.Subscription) error {
	return translate(s.conn(ctx).Save(sub).Error, "save subscription")
}

func (s *Store) subscriptionWhere(ctx context.Context, lock bool, query string, arg any) (*models.Subscription, error) {
	q := s.conn(ctx)
	if l := s.lockingUpdate(); lock && l != nil {
		q = q.Clauses(l)
	}
	var sub models.Subscription
	return &sub, translate(q.Where(query, arg).Take(&sub).Error, "subscription")
}

// SubscriptionByIDForUpdate returns one subscription, locked.
func (s *Store) SubscriptionByIDForUpdate(ctx context.Context, id int64) (*models.Subscription, error) {
	return s.subscriptionWhere(ctx, true, "id = ?", id)
}

// SubscriptionByStripeIDForUpdate finds a subscription by its Stripe id, locked.
func (s *Store) SubscriptionByStripeIDForUpdate(ctx context.Context, stripeID string) (*models.Subscription, error) {
	if stripeID == "" {
		return nil, ErrNotFound
	}
	return s.subscriptionWhere(ctx, true, "stripe_subscription_id = ?", stripeID)
}

// SubscriptionByAgreementForUpdate finds a subscription by its Agreement id, locked.
func (s *Store) SubscriptionByAgreementForUpdate(ctx context.Context, uri string) (*models.Subscription, error) {
	return s.subscriptionWhere(ctx, true, "agreement_uri = ?", uri)
}

// SubscriptionsOf lists the subscriptions where the account is the
// supporter (asCreator false) or the creator, newest first.
func (s *Store) SubscriptionsOf(ctx context.Context, accountID int64, asCreator bool) ([]*models.Subscription, error) {
	col := "supporter_id"
	if asCreator {
		col = "creator_id"
	}
	var out []*models.Subscription
	err := s.conn(ctx).Where(col+" = ? AND state <> ?", accountID, models.SubscriptionPending).Order("id DESC").Limit(500).Find(&out).Error
	return out, translate(err, "subscriptions of")
}

// ActiveSupporterIDs returns the accounts with an active subscription to
// the creator (the audience of a supporter-only post).
func (s *Store) ActiveSupporterIDs(ctx context.Context, creatorID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.Subscription{}).Distinct("supporter_id").
		Where("creator_id = ? AND state = ?", creatorID, models.SubscriptionActive).Pluck("supporter_id", &ids).Error
	return ids, translate(err, "active supporters")
}

// IsSupporter reports whether viewer has an active subscription to creator.
func (s *Store) IsSupporter(ctx context.Context, viewerID, creatorID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Subscription{}).
		Where("supporter_id = ? AND creator_id = ? AND state = ?", viewerID, creatorID, models.SubscriptionActive).Count(&n).Error
	return n > 0, translate(err, "is supporter")
}

// AddInvoice records a billed period once; false when its reference was
// recorded before (a replay).
func (s *Store) AddInvoice(ctx context.Context, inv *models.SubscriptionInvoice) (bool, error) {
	if inv.ID == 0 {
		inv.ID = s.NewID()
	}
	// ON CONFLICT keeps a PostgreSQL transaction usable after a replay.
	res := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "invoice_ref"}}, DoNothing: true}).Create(inv)
	if err := translate(res.Error, "add invoice"); err != nil {
		return false, err
	}
	return res.RowsAffected == 1, nil
}

// InvoicesOf lists the billed periods of the given subscriptions, newest first.
func (s *Store) InvoicesOf(ctx context.Context, subscriptionIDs []int64) ([]*models.SubscriptionInvoice, error) {
	var out []*models.SubscriptionInvoice
	if len(subscriptionIDs) == 0 {
		return out, nil
	}
	err := s.conn(ctx).Where("subscription_id IN ?", subscriptionIDs).Order("period_start DESC, id DESC").Limit(5000).Find(&out).Error
	return out, translate(err, "invoices of")
}

// MirrorByAgreementForUpdate finds a remote subscription's mirror by its
// Agreement id, locked until the transaction ends.
func (s *Store) MirrorByAgreementForUpdate(ctx context.Context, agreementURI string) (*models.SupporterMirror, error) {
	q := s.conn(ctx)
	if l := s.lockingUpdate(); l != nil {
		q = q.Clauses(l)
	}
	var m models.SupporterMirror
	err := q.Where("agreement_uri = ?", agreementURI).Take(&m).Error
	return &m, translate(err, "mirror by agreement")
}

// SaveMirror inserts or updates a mirror.
func (s *Store) SaveMirror(ctx context.Context, m *models.SupporterMirror) error {
	if m.ID == 0 {
		m.ID = s.NewID()
		return translate(s.conn(ctx).Create(m).Error, "create mirror")
	}
	return translate(s.conn(ctx).Save(m).Error, "save mirror")
}

// MirrorsOf lists a local supporter's remote subscriptions, newest first.
func (s *Store) MirrorsOf(ctx context.Context, supporterID int64) ([]*models.SupporterMirror, error) {
	var out []*models.SupporterMirror
	err := s.conn(ctx).Where("supporter_id = ?", supporterID).Order("id DESC").Limit(500).Find(&out).Error
	return out, translate(err, "mirrors of")
}
