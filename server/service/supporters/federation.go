package supporters

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// SupporterDecoder reads a supporter activity's own fields from its raw
// JSON; federation.DecodeSupporter implements it.
type SupporterDecoder func(raw []byte) (*models.APSupporter, error)

// ErrForged is a supporter activity that does not come from the
// subscription's creator on the Agreement's host, or is for no local
// supporter.
var ErrForged = fmt.Errorf("%w: supporter activity", core.ErrForbidden)

// SetDecoder lets this instance receive remote subscriptions' activities:
// recognize tells them by shape, d reads them.
func (s *Service) SetDecoder(recognize func(*models.APActivity) bool, d SupporterDecoder) {
	s.recognize, s.decode = recognize, d
}

// announce sends a remote supporter what changed in their subscription:
// Create of the Agreement when it starts, Create of a Receipt for a newly
// paid invoice, Update of the Agreement on renewal, lapse and cancel.
func (s *Service) announce(ctx context.Context, tx *store.Store, before models.Subscription, sub *models.Subscription, paid *models.SubscriptionInvoice) error {
	supporter, err := tx.AccountByID(ctx, sub.SupporterID)
	if err != nil {
		return fmt.Errorf("announce subscription %d: %w", sub.ID, err)
	}
	if supporter.IsLocal() {
		return nil // a local supporter reads the ledger itself
	}
	creator, err := tx.AccountByID(ctx, sub.CreatorID)
	if err != nil {
		return fmt.Errorf("announce subscription %d: %w", sub.ID, err)
	}
	out := &models.SupporterOut{Subscription: sub, Creator: creator, Supporter: supporter, Amount: payments.FormatAmount(sub.Amount, sub.Currency)}
	started := before.State == models.SubscriptionPending && sub.State != models.SubscriptionPending
	if started {
		if err := s.publish(ctx, tx, "Create", sub.AgreementURI+"/create", creator, out); err != nil {
			return err
		}
	}
	if paid != nil {
		r := *out
		r.Invoice, r.ReceiptURI = paid, sub.AgreementURI+"/receipts/"+paid.InvoiceRef
		if err := s.publish(ctx, tx, "Create", r.ReceiptURI+"/create", creator, &r); err != nil {
			return err
		}
	}
	if started || before.State == models.SubscriptionPending {
		return nil
	}
	if before.State == sub.State && timeEq(before.CurrentPeriodEnd, sub.CurrentPeriodEnd) {
		return nil
	}
	return s.publish(ctx, tx, "Update", sub.AgreementURI+"/updates/"+core.IDString(tx.NewID()), creator, out)
}

func (s *Service) publish(ctx context.Context, tx *store.Store, typ, id string, creator *models.Account, so *models.SupporterOut) error {
	if err := s.core.Publish(ctx, tx, &models.Outgoing{Type: typ, ID: id, Actor: creator, Supporter: so}); err != nil {
		return fmt.Errorf("publish %s %s: %w", typ, id, err)
	}
	return nil
}

func timeEq(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// ReceiveActivity handles a remote subscription's Agreement and Receipt
// activities on the supporter's instance. It reports false for anything
// else.
func (s *Service) ReceiveActivity(ctx context.Context, tx *store.Store, act *models.APActivity, signer *models.Account) (bool, error) {
	if s.decode == nil || !s.recognize(act) {
		return false, nil
	}
	p, err := s.decode([]byte(act.Raw))
	if err != nil {
		return true, fmt.Errorf("supporter activity %s: %w", act.ID, err)
	}
	supporter, err := s.checkOrigin(ctx, tx, p, signer)
	if err != nil {
		s.log.WarnContext(ctx, "supporter activity refused", slog.String("activity", p.ActivityID), slog.String("error", err.Error()))
		return true, err
	}
	m, err := tx.MirrorByAgreementForUpdate(ctx, p.AgreementID)
	if errors.Is(err, store.ErrNotFound) {
		m = &models.SupporterMirror{CreatedAt: s.clock.Now(), SupporterID: supporter.ID, CreatorID: signer.ID, AgreementURI: p.AgreementID,
			Amount: p.Amount, Currency: p.Currency, State: models.SubscriptionActive}
	} else if err != nil {
		return true, fmt.Errorf("supporter activity %s: %w", p.ActivityID, err)
	}
	if m.SupporterID != supporter.ID || m.CreatorID != signer.ID {
		return true, fmt.Errorf("%w: %s names another subscription", ErrForged, p.ActivityID)
	}
	if p.ObjectType == "Receipt" {
		return true, s.inReceipt(ctx, tx, m, p)
	}
	return true, s.inAgreement(ctx, tx, m, p)
}

// checkOrigin: the signer is the activity's actor and the creator, on the
// Agreement's host, and the supporter is a local account.
func (s *Service) checkOrigin(ctx context.Context, tx *store.Store, p *models.APSupporter, signer *models.Account) (*models.Account, error) {
	if p.Actor != signer.URI || (p.Creator != "" && p.Creator != signer.URI) {
		return nil, fmt.Errorf("%w: %s is not signed by the creator", ErrForged, p.ActivityID)
	}
	if host(p.AgreementID) == "" || host(p.AgreementID) != host(signer.URI) || (p.ReceiptID != "" && host(p.ReceiptID) != host(signer.URI)) {
		return nil, fmt.Errorf("%w: %s names an Agreement on another host than its creator's", ErrForged, p.ActivityID)
	}
	supporter, err := tx.AccountByURI(ctx, p.Supporter)
	if err != nil || !supporter.IsLocal() {
		return nil, fmt.Errorf("%w: %s is for no supporter of this instance", ErrForged, p.ActivityID)
	}
	return supporter, nil
}

func host(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "https" && p.Scheme != "http" {
		return ""
	}
	return p.Host
}

// inAgreement applies an Agreement's state: the newest one wins, and
// canceled is final.
func (s *Service) inAgreement(ctx context.Context, tx *store.Store, m *models.SupporterMirror, p *models.APSupporter) error {
	st := models.SubscriptionState(p.State)
	switch st {
	case models.SubscriptionActive, models.SubscriptionPastDue, models.SubscriptionCanceled:
	default:
		return fmt.Errorf("%w: Agreement %s: unknown state %q", core.ErrValidation, p.AgreementID, p.State)
	}
	if m.ID != 0 && (m.State == models.SubscriptionCanceled || p.Updated.Before(m.LastActivityAt)) {
		return nil
	}
	m.State, m.LastActivityAt = st, p.Updated
	if p.Amount != "" {
		m.Amount, m.Currency = p.Amount, p.Currency
	}
	if !p.PeriodEnd.IsZero() {
		end := p.PeriodEnd
		m.CurrentPeriodEnd = &end
	}
	m.UpdatedAt = s.clock.Now()
	return tx.SaveMirror(ctx, m)
}

// inReceipt records a paid period once (keyed by the Receipt's id).
func (s *Service) inReceipt(ctx context.Context, tx *store.Store, m *models.SupporterMirror, p *models.APSupporter) error {
	amount, err := payments.ParseAmount(p.Amount, p.Currency)
	if err != nil {
		return fmt.Errorf("%w: Receipt %s: %w", core.ErrValidation, p.ReceiptID, err)
	}
	if m.ID == 0 {
		m.UpdatedAt = s.clock.Now()
		if err := tx.SaveMirror(ctx, m); err != nil {
			return err
		}
	}
	fresh, err := tx.AddInvoice(ctx, &models.SubscriptionInvoice{CreatedAt: s.clock.Now(), SubscriptionID: m.ID, InvoiceRef: p.ReceiptID,
		Amount: amount, Currency: p.Currency, Paid: true, PeriodStart: p.PeriodStart, PeriodEnd: p.PeriodEnd})
	if err != nil || !fresh {
		return err
	}
	if m.State != models.SubscriptionCanceled && (m.CurrentPeriodEnd == nil || p.PeriodEnd.After(*m.CurrentPeriodEnd)) {
		end := p.PeriodEnd
		m.CurrentPeriodEnd, m.UpdatedAt = &end, s.clock.Now()
		return tx.SaveMirror(ctx, m)
	}
	return nil
}
