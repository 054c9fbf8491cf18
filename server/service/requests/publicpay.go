package requests

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// publicRequest is the request behind a public pay page; an unknown token
// is core.ErrNotFound.
func (s *Service) publicRequest(ctx context.Context, token string) (*models.PaymentRequest, error) {
	if !s.pay.PaymentsEnabled() || len(token) < 16 {
		return nil, fmt.Errorf("%w: request", core.ErrNotFound)
	}
	r, err := s.store.PaymentRequestByToken(ctx, token)
	if err != nil {
		return nil, core.NotFound(err, "request")
	}
	return r, nil
}

// PayPublicRequest opens Stripe Checkout for a request from its public pay
// page, for whoever holds the link: the requester's instance is merchant of
// record, so no account is needed anywhere. It returns the Checkout URL.
// A payment of the request already at the checkout is reused.
func (s *Service) PayPublicRequest(ctx context.Context, token string) (string, error) {
	pr, err := s.publicRequest(ctx, token)
	if err != nil {
		return "", err
	}
	var p *models.Payment
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		r, err := s.lockOpenRequest(ctx, tx, pr.ID)
		var under errPaymentUnderWay
		if errors.As(err, &under) && under.p.PayToken != "" {
			p = under.p
			return nil
		}
		if err != nil {
			return err
		}
		p, err = s.pay.CreateGuestPayment(ctx, tx, r)
		return err
	})
	if err != nil {
		return "", err
	}
	return s.pay.OpenCheckout(ctx, p.ID, p.PayToken)
}
