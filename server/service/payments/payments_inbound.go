package payments

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// ReceivePaymentActivity handles received payment activities: Offer (payee side),
// Accept/Reject of an Offer we sent, Create/Update of a Receipt (payer
// side). It reports false for anything else.
func (s *Service) ReceivePaymentActivity(ctx context.Context, tx *store.Store, act *models.APActivity, signer *models.Account) (bool, error) {
	if s.pay == nil || s.pay.decode == nil {
		return false, nil
	}
	switch act.Type {
	case "Offer":
	case "Accept", "Reject":
		if act.Object == nil || act.Object.ID == "" || act.Activity != nil {
			return false, nil
		}
		if _, err := tx.PaymentByOfferURI(ctx, act.Object.ID); err != nil {
			if act.Type == "Reject" && s.ownRequest(ctx, tx, act.Object.ID) != nil {
				break // a payer declining one of our requests
			}
			return false, nil // not one of our Offers: a Follow answer
		}
	case "Create", "Update":
		if act.Object == nil || (act.Object.Type != "Receipt" && act.Object.Type != "Proposal") {
			return false, nil
		}
	default:
		return false, nil
	}
	p, err := s.pay.decode([]byte(act.Raw))
	if err != nil {
		s.log.InfoContext(ctx, "payment activity unreadable", slog.String("activity", act.ID), slog.String("error", err.Error()))
		return true, nil
	}
	if p.Actor != signer.URI {
		return true, fmt.Errorf("%w: payment activity not by its signer", core.ErrForbidden)
	}
	if p.Request != nil || (p.Type == "Reject" && s.ownRequest(ctx, tx, p.OfferID) != nil) {
		if s.requests == nil {
			return true, nil // no requests area wired: nothing to apply it to
		}
		return true, s.requests.Receive(ctx, tx, p, signer) // the requests area
	}
	switch p.Type {
	case "Offer":
		return true, s.inOffer(ctx, tx, p, signer)
	case "Accept", "Reject":
		return true, s.inOfferAnswer(ctx, tx, p, signer)
	default:
		return true, s.inReceipt(ctx, tx, p, signer)
	}
}

// inOffer is the payee's side of an Offer: check it, then Accept with an
// Agreement and a pay link, or Reject with a reason.
func (s *Service) inOffer(ctx context.Context, tx *store.Store, o *models.APPayment, payer *models.Account) error {
	payee := s.proposalOwner(ctx, tx, o.ProposalID)
	req := s.ownRequest(ctx, tx, o.ProposalID)
	if req != nil {
		if a, err := tx.AccountByID(ctx, req.RequesterID); err == nil && a.SuspendedAt == nil {
			payee = a
		}
	}
	if payee == nil {
		s.log.InfoContext(ctx, "offer for no local proposal ignored", slog.String("activity", o.ActivityID))
		return nil
	}
	now := s.clock.Now()
	p := &models.Payment{
		ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, PayerID: payer.ID, PayeeID: payee.ID,
		OfferURI: o.OfferID, ProposalURI: o.ProposalID, Note: core.TruncateBytes(core.StripHTML(o.Content), 1000), ContextURI: o.Context,
		State: models.PaymentOffered,
	}
	if o.ReturnURL != "" && core.HostOf(o.ReturnURL) == core.HostOf(payer.URI) {
		p.ReturnURL = o.ReturnURL
	}
	if o.Message != "" && core.HostOf(o.Message) == core.HostOf(payer.URI) {
		p.NoteURI = o.Message // sent from a chat: the payer's message carries the card
	}
	reject := func(reason error) error {
		s.log.InfoContext(ctx, "offer rejected", slog.String("activity", o.ActivityID), slog.String("reason", reason.Error()))
		p.Currency = o.Currency
		out := s.paymentOut(p, payer, payee)
		out.Reason = strings.TrimPrefix(reason.Error(), core.ErrValidation.Error()+": ")
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Reject", ID: s.urls.Base() + "/payments/rejections/" + core.IDString(tx.NewID()), Actor: payee, Payment: out})
	}
	if _, err := tx.PaymentByOfferURI(ctx, o.OfferID); err == nil {
		return nil // answered already
	}
	if req == nil && (payee.PaymentsURI == "" || payee.PaymentsURI != o.ProposalID) {
		return reject(fmt.Errorf("%w: @%s cannot receive payments", core.ErrValidation, payee.Username))
	}
	sa, err := s.ChargeableAccount(ctx, tx, payee)
	if err != nil {
		if errors.Is(err, core.ErrValidation) {
			return reject(err)
		}
		return err
	}
	blocked, err := tx.Blocks(ctx, payee.ID, payer.ID)
	if err != nil {
		return err
	}
	if blocked {
		return reject(fmt.Errorf("%w: payments from you are not accepted", core.ErrValidation))
	}
	amount, currency, err := s.checkAmount(o.Amount, o.Currency)
	if err != nil {
		return reject(err)
	}
	p.Amount, p.Currency = amount, currency
	if req != nil && req.PayerID != payer.ID {
		return reject(fmt.Errorf("%w: this request was made to someone else", core.ErrValidation))
	}
	if req != nil && (req.Amount != amount || req.Currency != currency) {
		return reject(fmt.Errorf("%w: the payment does not match the request (%s %s asked)", core.ErrValidation, FormatAmount(req.Amount, req.Currency), req.Currency))
	}
	if err := s.checkDaily(ctx, tx, payer.ID, payee.ID, amount, currency); err != nil {
		return reject(err)
	}
	p.ExpiresAt = now.Add(s.pay.cfg.AgreementTTL)
	if !o.EndTime.IsZero() {
		if !o.EndTime.After(now) {
			return reject(fmt.Errorf("%w: the offer has expired", core.ErrValidation))
		}
		if o.EndTime.Before(p.ExpiresAt) {
			p.ExpiresAt = o.EndTime
		}
	}
	if err := s.fillAgreement(p, sa); err != nil {
		return err
	}
	if req != nil {
		if err := s.linkRequest(ctx, tx, p, req.ID); err != nil {
			if errors.Is(err, core.ErrConflict) || errors.Is(err, core.ErrValidation) || errors.Is(err, ErrExpired) {
				return reject(fmt.Errorf("%w: %s", core.ErrValidation, strings.TrimPrefix(strings.TrimPrefix(err.Error(), "conflict: "), "expired: ")))
			}
			return err
		}
	}
	if err := tx.CreatePayment(ctx, p); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return err
	}
	if _, err := s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentOffered, Cause: o.OfferID, Amount: amount}); err != nil {
		return err
	}
	acceptID := p.AgreementURI + "/accept"
	if _, err := s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentAccepted, Cause: acceptID, Amount: amount}); err != nil {
		return err
	}
	return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Accept", ID: acceptID, Actor: payee, Payment: s.paymentOut(p, payer, payee)})
}

// proposalOwner is the local user whose Proposal id this is, nil if none.
// It reads through tx: on SQLite a second connection taken inside a write
// transaction can wait for ever behind writers that each hold one.
func (s *Service) proposalOwner(ctx context.Context, tx *store.Store, proposalID string) *models.Account {
	actor, ok := strings.CutSuffix(proposalID, "/proposal")
	if !ok {
		return nil
	}
	name, ok := s.urls.UsernameFromActor(actor)
	if !ok {
		return nil
	}
	a, err := tx.LocalAccountByUsername(ctx, name)
	if err != nil || a.SuspendedAt != nil {
		return nil
	}
	return a
}

// inOfferAnswer is the payer's side of the payee's Accept or Reject.
func (s *Service) inOfferAnswer(ctx context.Context, tx *store.Store, a *models.APPayment, signer *models.Account) error {
	p, err := tx.PaymentByOfferURI(ctx, a.OfferID)
	if err != nil {
		return nil
	}
	if p.PayeeID != signer.ID {
		return fmt.Errorf("%w: answer to an Offer not made to the signer", core.ErrForbidden)
	}
	if a.Type == "Reject" {
		if !canMove(p.State, models.PaymentRejected) {
			s.log.InfoContext(ctx, "late Reject ignored", slog.String("activity", a.ActivityID), slog.String("state", string(p.State)))
			return nil
		}
		p.Reason = core.TruncateBytes(core.StripHTML(a.Reason), 500)
		changed, err := s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentRejected, Cause: a.ActivityID, Amount: p.Amount, Detail: p.Reason})
		if err != nil || !changed {
			return err
		}
		payer, err := tx.AccountByID(ctx, p.PayerID)
		if err != nil {
			return err
		}
		return s.core.NotifyPayment(ctx, tx, payer, signer.ID, nil, core.PaymentSubject{PaymentID: p.ID, State: string(models.PaymentRejected)})
	}
	// The pay link must be on the payee's own host: the payer's browser is
	// only ever sent there.
	if a.AgreementID == "" || a.AgreementURL == "" || core.HostOf(a.AgreementURL) != core.HostOf(signer.URI) || core.HostOf(a.AgreementID) != core.HostOf(signer.URI) {
		return fmt.Errorf("%w: Accept without an Agreement and pay link on the payee's host", core.ErrForbidden)
	}
	if !strings.HasPrefix(a.AgreementURL, "https://") && !strings.HasPrefix(a.AgreementURL, "http://") {
		return fmt.Errorf("%w: pay link is not a web address", core.ErrForbidden)
	}
	if !canMove(p.State, models.PaymentAccepted) {
		return nil // answered already, or overtaken
	}
	p.AgreementURI, p.PayURL = a.AgreementID, a.AgreementURL
	if !a.EndTime.IsZero() && a.EndTime.Before(p.ExpiresAt) {
		p.ExpiresAt = a.EndTime
	}
	_, err = s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentAccepted, Cause: a.ActivityID, Amount: p.Amount})
	return err
}

// receiptStates are the statuses a Receipt may carry.
var receiptStates = []models.PaymentState{models.PaymentSucceeded, models.PaymentRefunded, models.PaymentPartiallyRefunded,
	models.PaymentDisputed, models.PaymentFailed, models.PaymentExpired}

// inReceipt is the payer's side of a Receipt: the payee's word on what
// happened, kept only when newer than the last one applied.
func (s *Service) inReceipt(ctx context.Context, tx *store.Store, r *models.APPayment, signer *models.Account) error {
	p, err := tx.PaymentByAgreementURI(ctx, r.AgreementID)
	if errors.Is(err, store.ErrNotFound) || r.AgreementID == "" {
		return nil
	}
	if err != nil {
		return err
	}
	if p.PayeeID != signer.ID {
		return fmt.Errorf("%w: receipt for a payment not made to the signer", core.ErrForbidden)
	}
	state := models.PaymentState(r.Status)
	if !slices.Contains(receiptStates, state) {
		return nil
	}
	if !strings.EqualFold(r.Currency, p.Currency) {
		return nil
	}
	if amt, err := ParseAmount(r.Amount, p.Currency); err != nil || amt != p.Amount {
		s.log.WarnContext(ctx, "receipt amount differs from the offer", slog.String("activity", r.ActivityID))
		return nil
	}
	updated := r.Updated
	if updated.IsZero() {
		updated = r.Published
	}
	if updated.IsZero() || (p.ReceiptUpdatedAt != nil && !updated.After(*p.ReceiptUpdatedAt)) {
		return nil // older than what we have
	}
	refunded := int64(0)
	if r.AmountRefunded != "" {
		refunded, _ = ParseAmount(r.AmountRefunded, p.Currency)
	}
	if state == models.PaymentRefunded && refunded == 0 {
		refunded = p.Amount
	}
	if refunded > p.Amount {
		s.log.WarnContext(ctx, "receipt refunds more than was paid", slog.String("activity", r.ActivityID))
		return nil
	}
	p.ReceiptUpdatedAt = &updated
	// A receipt is the payee's whole story at `updated`: one that says
	// refunded or disputed says the payment succeeded first, even when the
	// receipt that said so is late (and then older than this one).
	if paymentPhase[state] > paymentPhase[models.PaymentSucceeded] && paymentPhase[p.State] < paymentPhase[models.PaymentSucceeded] {
		if _, err := s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentSucceeded, Cause: r.ActivityID + "#succeeded", Amount: p.Amount, OccurredAt: updated, Detail: receiptDetail}); err != nil {
			return err
		}
	}
	changed, err := s.record(ctx, tx, p, models.PaymentEvent{State: state, Cause: r.ActivityID, Amount: refunded, OccurredAt: updated, Detail: receiptDetail})
	if err != nil {
		return err
	}
	if err := tx.SavePayment(ctx, p); err != nil {
		return err
	}
	if !changed {
		return nil
	}
	payer, err := tx.AccountByID(ctx, p.PayerID)
	if err != nil {
		return err
	}
	return s.core.NotifyPayment(ctx, tx, payer, signer.ID, nil, core.PaymentSubject{PaymentID: p.ID, State: string(p.State)})
}
