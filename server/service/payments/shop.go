package payments

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// PaymentHook is told, inside the transaction that made it, of every
// payment state the ledger moves to (succeeded, refunded, failed, expired,
// ...); the shop area marks orders with it. An error rolls the change back.
type PaymentHook func(ctx context.Context, tx *store.Store, p *models.Payment) error

// SetPaymentHook installs the hook (the root wires the shop's in).
func (s *Service) SetPaymentHook(h PaymentHook) { s.hook = h }

// CheckAmount validates an exact decimal amount and a currency against the
// instance's currencies and per-payment limit; it returns minor units and
// the upper-case currency, core.ErrValidation with a sentence otherwise.
func (s *Service) CheckAmount(amount, currency string) (int64, string, error) {
	if s.pay == nil {
		return 0, "", fmt.Errorf("%w: payments are not enabled here", core.ErrValidation)
	}
	return s.checkAmount(amount, currency)
}

// SalePayment is an accepted payment to a local payee for something sold
// on this instance (an order of a listing).
type SalePayment struct {
	Payer, Payee *models.Account
	Amount       int64
	Currency     string
	Note         string
	// Cause names what the payment is for (the order's URI); it is the
	// payment's Offer id, so one order makes one payment.
	Cause string
	// ReturnURL is where Stripe sends the buyer back (the order page).
	ReturnURL string
	// Guest: the buyer has no account here; no receipt activity goes out.
	Guest bool
}

// CreateSalePayment records, in tx, a payment of a sale as offered and
// accepted at once (the payee's own instance is where it is bought), with
// its pay token, ready for OpenCheckout. The payee must be able to take
// charges.
func (s *Service) CreateSalePayment(ctx context.Context, tx *store.Store, in SalePayment) (*models.Payment, error) {
	if !s.PaymentsEnabled() {
		return nil, fmt.Errorf("%w: payments are not enabled here", core.ErrValidation)
	}
	sa, err := s.chargeableAccount(ctx, tx, in.Payee)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	p := &models.Payment{
		ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, PayerID: in.Payer.ID, PayeeID: in.Payee.ID,
		Amount: in.Amount, Currency: in.Currency, Note: payTruncate(in.Note, 1000), ExpiresAt: now.Add(s.pay.cfg.AgreementTTL),
		State: models.PaymentOffered, OfferURI: in.Cause, ProposalURI: in.Cause, ContextURI: in.Cause,
		Guest: in.Guest, ReturnURL: in.ReturnURL,
	}
	if err := s.fillAgreement(p, sa); err != nil {
		return nil, err
	}
	if err := tx.CreatePayment(ctx, p); err != nil {
		return nil, err
	}
	if _, err := s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentOffered, Cause: in.Cause, Amount: p.Amount, Detail: "order"}); err != nil {
		return nil, err
	}
	if _, err := s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentAccepted, Cause: p.AgreementURI, Amount: p.Amount}); err != nil {
		return nil, err
	}
	return p, nil
}
