package payments

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// publicRequest is the request behind a public pay page; an unknown token
// is core.ErrNotFound.
func (s *Service) publicRequest(ctx context.Context, token string) (*models.PaymentRequest, error) {
	if !s.PaymentsEnabled() || len(token) < 16 {
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
		requester, err := tx.AccountByID(ctx, r.RequesterID)
		if err != nil {
			return err
		}
		sa, err := s.chargeableAccount(ctx, tx, requester)
		if err != nil {
			return err
		}
		if err := s.checkDaily(ctx, tx, r.PayerID, 0, r.Amount, r.Currency); err != nil {
			return err
		}
		now := s.clock.Now()
		p = &models.Payment{
			ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, PayerID: r.PayerID, PayeeID: r.RequesterID,
			Amount: r.Amount, Currency: r.Currency, Note: r.Note, ExpiresAt: now.Add(s.pay.cfg.AgreementTTL),
			State: models.PaymentOffered, ProposalURI: r.ProposalURI, Guest: true, ReturnURL: r.PayURL,
		}
		p.OfferURI = r.ProposalURI + "/guest/" + strconv.FormatInt(p.ID, 10)
		if err := s.fillAgreement(p, sa); err != nil {
			return err
		}
		if err := s.linkRequest(ctx, tx, p, r.ID); err != nil {
			return err
		}
		if err := tx.CreatePayment(ctx, p); err != nil {
			return err
		}
		if _, err := s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentOffered, Cause: p.OfferURI, Amount: p.Amount, Detail: "public pay page"}); err != nil {
			return err
		}
		_, err = s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentAccepted, Cause: p.AgreementURI, Amount: p.Amount})
		return err
	})
	if err != nil {
		return "", err
	}
	return s.OpenCheckout(ctx, p.ID, p.PayToken)
}
