package payviews

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// PublicRequest is what the public pay page of a request shows: no
// account needed, the token in its address is the only key.
type PublicRequest struct {
	Request    *models.PaymentRequest
	Requester  *models.Account
	Amount     string
	State      string
	StateLabel string
	// CanPay is true while the request may be paid.
	CanPay bool
}

// PublicRequestByToken returns the request behind a public pay page; an
// unknown token is core.ErrNotFound.
func (s *Service) PublicRequestByToken(ctx context.Context, token string) (*PublicRequest, error) {
	if !s.pay.PaymentsEnabled() || len(token) < 16 {
		return nil, fmt.Errorf("%w: request", core.ErrNotFound)
	}
	r, err := s.store.PaymentRequestByToken(ctx, token)
	if err != nil {
		return nil, core.NotFound(err, "request")
	}
	requester, err := s.store.AccountByID(ctx, r.RequesterID)
	if err != nil {
		return nil, core.NotFound(err, "request")
	}
	var p *models.Payment
	if r.PaymentID != 0 {
		p, _ = s.store.PaymentByID(ctx, r.PaymentID)
	}
	state := requestCardState(r, p, s.clock.Now())
	return &PublicRequest{Request: r, Requester: requester, Amount: payments.FormatAmount(r.Amount, r.Currency),
		State: state, StateLabel: CardLabel(state), CanPay: state == CardAwaitingPayment}, nil
}
