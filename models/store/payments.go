package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// CreatePayment inserts a payment; a second one for the same Offer id is
// ErrConflict.
func (s *Store) CreatePayment(ctx context.Context, p *models.Payment) error {
	if p.ID == 0 {
		p.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(p).Error, "create payment")
}

// PaymentByID returns one payment.
func (s *Store) PaymentByID(ctx context.Context, id int64) (*models.Payment, error) {
	var p models.Payment
	err := s.conn(ctx).Where("id = ?", id).Take(&p).Error
	return &p, translate(err, "payment by id")
}

// PaymentByIDForUpdate returns one payment, locked until the transaction
// ends (PostgreSQL; SQLite serialises writers anyway).
func (s *Store) PaymentByIDForUpdate(ctx context.Context, id int64) (*models.Payment, error) {
	var p models.Payment
	q := s.conn(ctx)
	if s.driver == DriverPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id = ?", id).Take(&p).Error
	return &p, translate(err, "payment by id")
}

// PaymentByOfferURI finds the payment made for an Offer.
func (s *Store) PaymentByOfferURI(ctx context.Context, uri string) (*models.Payment, error) {
	var p models.Payment
	err := s.conn(ctx).Where("offer_uri = ?", uri).Take(&p).Error
	return &p, translate(err, "payment by offer")
}

// PaymentByAgreementURI finds the payment of an Agreement.
func (s *Store) PaymentByAgreementURI(ctx context.Context, uri string) (*models.Payment, error) {
	var p models.Payment
	err := s.conn(ctx).Where("agreement_uri = ?", uri).Take(&p).Error
	return &p, translate(err, "payment by agreement")
}

// PaymentByPaymentIntent finds the payment a Stripe PaymentIntent paid.
func (s *Store) PaymentByPaymentIntent(ctx context.Context, pi string) (*models.Payment, error) {
	var p models.Payment
	err := s.conn(ctx).Where("payment_intent_id = ? AND payment_intent_id <> ''", pi).Take(&p).Error
	return &p, translate(err, "payment by payment intent")
}

// SavePayment writes every field of p.
func (s *Store) SavePayment(ctx context.Context, p *models.Payment) error {
	return translate(s.conn(ctx).Save(p).Error, "save payment")
}

// PaymentFilter narrows a history listing.
type PaymentFilter struct {
	AccountID int64
	// Role is "sent", "received" or "" for both.
	Role     string
	State    models.PaymentState
	Currency string
	Limit    int
	// CounterpartID keeps payments with that account; ChatContext those
	// sent in (or paying a request of) the chat with that context; From
	// and Until bound created_at.
	CounterpartID int64
	ChatContext   string
	From, Until   time.Time
}

// PaymentsOf lists the payments an account made or received, newest first.
func (s *Store) PaymentsOf(ctx context.Context, f PaymentFilter) ([]models.Payment, error) {
	q := s.conn(ctx).Model(&models.Payment{})
	switch f.Role {
	case "sent":
		q = q.Where("payer_id = ?", f.AccountID)
	case "received":
		q = q.Where("payee_id = ?", f.AccountID)
	default:
		q = q.Where("(payer_id = ? OR payee_id = ?)", f.AccountID, f.AccountID)
	}
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	if f.Currency != "" {
		q = q.Where("currency = ?", f.Currency)
	}
	if f.CounterpartID != 0 {
		q = q.Where("(payer_id = ? OR payee_id = ?)", f.CounterpartID, f.CounterpartID)
	}
	if f.ChatContext != "" {
		q = q.Where("(note_uri IN (?) OR request_id IN (?))",
			s.conn(ctx).Model(&models.Status{}).Select("uri").Where("context_uri = ?", f.ChatContext),
			s.conn(ctx).Model(&models.PaymentRequest{}).Select("id").Where("context_uri = ?", f.ChatContext))
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From)
	}
	if !f.Until.IsZero() {
		q = q.Where("created_at < ?", f.Until)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	var out []models.Payment
	err := q.Order("id DESC").Limit(f.Limit).Find(&out).Error
	return out, translate(err, "payments of account")
}

// SumPaymentsSince adds up the amounts in currency of the payments where
// payer (and payee, when not 0) took part since t, leaving out those that
// did not happen (rejected, failed, expired).
func (s *Store) SumPaymentsSince(ctx context.Context, payerID, payeeID int64, currency string, t time.Time) (int64, error) {
	var sum *int64
	q := s.conn(ctx).Model(&models.Payment{}).Select("SUM(amount)").
		Where("payer_id = ? AND currency = ? AND created_at >= ? AND state NOT IN ?", payerID, currency, t,
			[]models.PaymentState{models.PaymentRejected, models.PaymentFailed, models.PaymentExpired})
	if payeeID != 0 {
		q = q.Where("payee_id = ?", payeeID)
	}
	if err := q.Scan(&sum).Error; err != nil {
		return 0, translate(err, "sum payments")
	}
	if sum == nil {
		return 0, nil
	}
	return *sum, nil
}

// AddPaymentEvent appends to a payment's log. It reports false when an
// event with the same cause is already there (a replay).
func (s *Store) AddPaymentEvent(ctx context.Context, e *models.PaymentEvent) (bool, error) {
	if e.ID == 0 {
		e.ID = s.NewID()
	}
	res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(e)
	if res.Error != nil {
		return false, translate(res.Error, "add payment event")
	}
	return res.RowsAffected == 1, nil
}

// PaymentEvents returns a payment's log, oldest first.
func (s *Store) PaymentEvents(ctx context.Context, paymentID int64) ([]models.PaymentEvent, error) {
	var out []models.PaymentEvent
	err := s.conn(ctx).Where("payment_id = ?", paymentID).Order("occurred_at, id").Find(&out).Error
	return out, translate(err, "payment events")
}

// RecordWebhookEvent records a Stripe event id; false means it was seen.
func (s *Store) RecordWebhookEvent(ctx context.Context, e *models.WebhookEvent) (bool, error) {
	res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(e)
	if res.Error != nil {
		return false, translate(res.Error, "record webhook event")
	}
	return res.RowsAffected == 1, nil
}

// StripeAccountOf returns the connected account of a local account.
func (s *Store) StripeAccountOf(ctx context.Context, accountID int64) (*models.StripeAccount, error) {
	var a models.StripeAccount
	err := s.conn(ctx).Where("account_id = ?", accountID).Take(&a).Error
	return &a, translate(err, "stripe account")
}

// StripeAccountByStripeID finds a connected account by Stripe's id.
func (s *Store) StripeAccountByStripeID(ctx context.Context, id string) (*models.StripeAccount, error) {
	var a models.StripeAccount
	err := s.conn(ctx).Where("stripe_account_id = ?", id).Take(&a).Error
	return &a, translate(err, "stripe account")
}

// SaveStripeAccount inserts or updates a connected account.
func (s *Store) SaveStripeAccount(ctx context.Context, a *models.StripeAccount) error {
	return translate(s.conn(ctx).Save(a).Error, "save stripe account")
}

// SetAccountPaymentsURI sets or clears the payment link an actor publishes.
func (s *Store) SetAccountPaymentsURI(ctx context.Context, accountID int64, uri string) error {
	err := s.conn(ctx).Model(&models.Account{}).Where("id = ?", accountID).
		Updates(map[string]any{"payments_uri": uri, "updated_at": time.Now().UTC()}).Error
	return translate(err, "set payments uri")
}

// LockPayer takes a row lock on a payer's account until the transaction
// ends, so that a per-day limit is counted and a new payment inserted by one
// transaction at a time (PostgreSQL; SQLite transactions already begin
// IMMEDIATE and so write one at a time).
func (s *Store) LockPayer(ctx context.Context, accountID int64) error {
	if s.driver != DriverPostgres {
		return nil
	}
	var id int64
	err := s.conn(ctx).Raw("SELECT id FROM accounts WHERE id = ? FOR UPDATE", accountID).Scan(&id).Error
	return translate(err, "lock payer")
}

// CreatePaymentRefund records a requested refund.
func (s *Store) CreatePaymentRefund(ctx context.Context, r *models.PaymentRefund) error {
	if r.ID == 0 {
		r.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(r).Error, "create payment refund")
}

// SavePaymentRefund writes every field of r.
func (s *Store) SavePaymentRefund(ctx context.Context, r *models.PaymentRefund) error {
	return translate(s.conn(ctx).Save(r).Error, "save payment refund")
}

// SumPaymentRefunds adds up the amounts of a payment's refunds in state.
func (s *Store) SumPaymentRefunds(ctx context.Context, paymentID int64, state models.RefundState) (int64, error) {
	var sum *int64
	err := s.conn(ctx).Model(&models.PaymentRefund{}).Select("SUM(amount)").
		Where("payment_id = ? AND state = ?", paymentID, state).Scan(&sum).Error
	if err != nil {
		return 0, translate(err, "sum payment refunds")
	}
	if sum == nil {
		return 0, nil
	}
	return *sum, nil
}

// SetReceiptToken stores a payment's public receipt token, once: a token
// already set is kept and returned.
func (s *Store) SetReceiptToken(ctx context.Context, id int64, token string) (string, error) {
	err := s.conn(ctx).Model(&models.Payment{}).Where("id = ? AND receipt_token = ''", id).Update("receipt_token", token).Error
	if err != nil {
		return "", translate(err, "set receipt token")
	}
	p, err := s.PaymentByID(ctx, id)
	if err != nil {
		return "", err
	}
	return p.ReceiptToken, nil
}
