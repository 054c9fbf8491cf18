package requests

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// Receive applies a request activity payments passed on: a Proposal's
// Create or Update (p.Request), or a payer's Reject of one of ours.
func (s *Service) Receive(ctx context.Context, tx *store.Store, p *models.APPayment, signer *models.Account) error {
	if p.Request == nil {
		return s.inRequestReject(ctx, tx, p.OfferID, signer)
	}
	p.Request.Type, p.Request.Actor, p.Request.ActivityID = p.Type, p.Actor, p.ActivityID
	return s.inRequest(ctx, tx, p.Request, signer)
}

// inRequest is the payer's side of a request Proposal (Create: a new
// request; Update: its new status). Everything it names must be on the
// signer's own host (docs/SECURITY.md, origin rules); a request that does
// not hold is dropped and changes nothing.
func (s *Service) inRequest(ctx context.Context, tx *store.Store, a *models.APRequest, signer *models.Account) error {
	host := core.HostOf(signer.URI)
	for _, u := range []string{a.ProposalID, a.NoteID, a.PayURL} {
		if u != "" && core.HostOf(u) != host {
			return fmt.Errorf("%w: request names %s, not on the requester's host", core.ErrForbidden, u)
		}
	}
	if (a.Attributed != "" && a.Attributed != signer.URI) || (a.Receiver != "" && a.Receiver != signer.URI) {
		return fmt.Errorf("%w: request for someone other than its signer", core.ErrForbidden)
	}
	if a.PayURL != "" && !strings.HasPrefix(a.PayURL, "https://") && !strings.HasPrefix(a.PayURL, "http://") {
		return fmt.Errorf("%w: pay link is not a web address", core.ErrForbidden)
	}
	if a.Type == "Update" {
		return s.inRequestUpdate(ctx, tx, a, signer)
	}
	name, ok := s.urls.UsernameFromActor(a.Payer)
	if !ok {
		s.log.InfoContext(ctx, "request for no local account ignored", slog.String("activity", a.ActivityID))
		return nil
	}
	payer, err := tx.LocalAccountByUsername(ctx, name)
	if err != nil || payer.SuspendedAt != nil {
		return nil
	}
	if _, err := tx.PaymentRequestByProposal(ctx, a.ProposalID); err == nil {
		return nil // a replay
	}
	if _, ok := payments.CurrencyExponent(a.Currency); !ok {
		s.log.InfoContext(ctx, "request in an unknown currency ignored", slog.String("activity", a.ActivityID))
		return nil
	}
	currency := strings.ToUpper(a.Currency)
	amount, err := payments.ParseAmount(a.Amount, currency)
	if err != nil {
		s.log.InfoContext(ctx, "request with a bad amount ignored", slog.String("activity", a.ActivityID), slog.String("error", err.Error()))
		return nil
	}
	now := s.clock.Now()
	ttl, _, _ := s.requestLimits()
	expires := now.Add(ttl)
	if !a.EndTime.IsZero() {
		if !a.EndTime.After(now) {
			return nil
		}
		if a.EndTime.Before(expires) {
			expires = a.EndTime
		}
	}
	if blocked, err := tx.Blocks(ctx, payer.ID, signer.ID); err != nil || blocked {
		return err
	}
	if err := s.checkRequestRate(ctx, tx, signer, []*models.Account{payer}, now); err != nil {
		s.log.InfoContext(ctx, "request over the rate limit ignored", slog.String("activity", a.ActivityID), slog.String("error", err.Error()))
		return nil
	}
	r := &models.PaymentRequest{
		ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, RequesterID: signer.ID, PayerID: payer.ID,
		ProposalURI: a.ProposalID, NoteURI: a.NoteID, ContextURI: a.Context,
		Amount: amount, Currency: currency, Note: core.TruncateBytes(core.StripHTML(a.Content), 1000),
		ExpiresAt: expires, State: models.RequestOpen, PayURL: a.PayURL,
	}
	if err := tx.CreatePaymentRequest(ctx, r); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil
		}
		return err
	}
	if err := s.notifyRequest(ctx, tx, payer, signer, payments.LocalStatusID(ctx, tx, r.NoteURI), r.ID); err != nil {
		return err
	}
	return payments.EmitCard(ctx, tx, r.NoteURI)
}

// inRequestUpdate applies the requester's word on a request's status:
// paid, cancelled or expired. The amount may never change.
func (s *Service) inRequestUpdate(ctx context.Context, tx *store.Store, a *models.APRequest, signer *models.Account) error {
	r, err := tx.PaymentRequestByProposal(ctx, a.ProposalID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if r.RequesterID != signer.ID || r.PayToken != "" {
		return fmt.Errorf("%w: update of a request not made by the signer", core.ErrForbidden)
	}
	if amt, err := payments.ParseAmount(a.Amount, r.Currency); err != nil || amt != r.Amount || !strings.EqualFold(a.Currency, r.Currency) {
		s.log.WarnContext(ctx, "request update changes the amount: ignored", slog.String("activity", a.ActivityID))
		return nil
	}
	to := models.RequestState(a.Status)
	switch to {
	case models.RequestPaid, models.RequestCancelled, models.RequestExpired:
	default:
		return nil
	}
	if r.State == to || r.State == models.RequestPaid {
		return nil // paid is final
	}
	r.State, r.UpdatedAt = to, s.clock.Now()
	if err := tx.SavePaymentRequest(ctx, r); err != nil {
		return err
	}
	return s.afterRequestChange(ctx, tx, r)
}

// inRequestReject is the requester's side of a payer declining.
func (s *Service) inRequestReject(ctx context.Context, tx *store.Store, proposalID string, signer *models.Account) error {
	r, err := tx.PaymentRequestByProposal(ctx, proposalID)
	if err != nil {
		return nil
	}
	if r.PayerID != signer.ID || r.PayToken == "" {
		return fmt.Errorf("%w: decline of a request not made to the signer", core.ErrForbidden)
	}
	if RequestStateAt(r, s.clock.Now()) != models.RequestOpen {
		return nil
	}
	if r.PaymentID != 0 {
		if p, err := tx.PaymentByID(ctx, r.PaymentID); err == nil && payments.MoneyMoved(p.State) {
			return nil
		}
	}
	r.State, r.UpdatedAt = models.RequestDeclined, s.clock.Now()
	if err := tx.SavePaymentRequest(ctx, r); err != nil {
		return err
	}
	return s.afterRequestChange(ctx, tx, r)
}

// Own is the local request a Proposal id names (one this instance made),
// nil when none.
func (s *Service) Own(ctx context.Context, tx *store.Store, proposalID string) *models.PaymentRequest {
	if proposalID == "" || core.HostOf(proposalID) != strings.ToLower(s.cfg.Host) {
		return nil
	}
	r, err := tx.PaymentRequestByProposal(ctx, proposalID)
	if err != nil || r.PayToken == "" {
		return nil
	}
	return r
}
