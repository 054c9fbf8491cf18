package payments

import (
	"context"
	"fmt"
	"strconv"

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
	sa, err := s.ChargeableAccount(ctx, tx, in.Payee)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	p := &models.Payment{
		ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, PayerID: in.Payer.ID, PayeeID: in.Payee.ID,
		Amount: in.Amount, Currency: in.Currency, Note: core.TruncateBytes(in.Note, 1000), ExpiresAt: now.Add(s.pay.cfg.AgreementTTL),
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

// CreateGuestPayment records, in tx, the payment of request r from its
// public pay page: offered and accepted at once by the requester's
// instance, merchant of record, for whoever holds the link. The caller
// holds r's lock (the requests area).
func (s *Service) CreateGuestPayment(ctx context.Context, tx *store.Store, r *models.PaymentRequest) (*models.Payment, error) {
	requester, err := tx.AccountByID(ctx, r.RequesterID)
	if err != nil {
		return nil, err
	}
	sa, err := s.ChargeableAccount(ctx, tx, requester)
	if err != nil {
		return nil, err
	}
	if err := s.checkDaily(ctx, tx, r.PayerID, 0, r.Amount, r.Currency); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	p := &models.Payment{
		ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, PayerID: r.PayerID, PayeeID: r.RequesterID,
		Amount: r.Amount, Currency: r.Currency, Note: r.Note, ExpiresAt: now.Add(s.pay.cfg.AgreementTTL),
		State: models.PaymentOffered, ProposalURI: r.ProposalURI, Guest: true, ReturnURL: r.PayURL,
	}
	p.OfferURI = r.ProposalURI + "/guest/" + strconv.FormatInt(p.ID, 10)
	if err := s.fillAgreement(p, sa); err != nil {
		return nil, err
	}
	if err := s.linkRequest(ctx, tx, p, r.ID); err != nil {
		return nil, err
	}
	if err := tx.CreatePayment(ctx, p); err != nil {
		return nil, err
	}
	if _, err := s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentOffered, Cause: p.OfferURI, Amount: p.Amount, Detail: "public pay page"}); err != nil {
		return nil, err
	}
	_, err = s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentAccepted, Cause: p.AgreementURI, Amount: p.Amount})
	return p, err
}
