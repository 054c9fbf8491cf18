package supporters

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"plaza/models"
	"plaza/models/store"
)

// applyWebhook is the payments area's Billing hook: it runs inside the
// webhook's transaction, after the event id was recorded (so a replay
// never gets here). Every effect is monotone — a period end only grows,
// an invoice is recorded once, canceled is final, and a state set by a
// newer event is not undone by an older one — so deliveries in any order
// end in the same subscription.
func (s *Service) applyWebhook(ctx context.Context, tx *store.Store, ev *models.ProviderEvent) (bool, error) {
	be := ev.Billing
	if be == nil {
		return false, nil
	}
	sub, err := s.webhookSubscription(ctx, tx, be)
	if errors.Is(err, store.ErrNotFound) {
		// Acknowledged (Stripe would retry for days) but nothing changes.
		s.log.WarnContext(ctx, "billing webhook for an unknown subscription ignored", slog.String("event", be.ID), slog.String("type", be.Type))
		return true, nil
	}
	if err != nil {
		return true, err
	}
	sa, err := tx.StripeAccountOf(ctx, sub.CreatorID)
	if err != nil || (be.StripeAccountID != "" && be.StripeAccountID != sa.StripeAccountID) {
		s.log.WarnContext(ctx, "billing webhook for another account ignored", slog.String("event", be.ID), slog.Int64("subscription", sub.ID))
		return true, nil
	}
	if sub.StripeSubscriptionID == "" && be.StripeSubscriptionID != "" {
		sub.StripeSubscriptionID = be.StripeSubscriptionID
	}
	if sub.StripeCustomerID == "" && be.StripeCustomerID != "" {
		sub.StripeCustomerID = be.StripeCustomerID
	}
	before := *sub
	var paidInvoice *models.SubscriptionInvoice
	newer := !be.Created.Before(sub.LastEventAt)
	setState := func(st models.SubscriptionState) {
		if sub.State == models.SubscriptionCanceled {
			return
		}
		if newer || sub.State == models.SubscriptionPending {
			sub.State = st
		}
	}
	switch be.Type {
	case "checkout.session.completed":
		if sub.State == models.SubscriptionPending {
			sub.State = models.SubscriptionActive
		}
	case "invoice.paid", "invoice.payment_failed":
		paid := be.Type == "invoice.paid"
		if paid && be.Amount != sub.Amount {
			s.log.WarnContext(ctx, "invoice amount differs from the tier", slog.String("event", be.ID), slog.Int64("subscription", sub.ID))
			return true, nil
		}
		ref := be.InvoiceID
		if !paid {
			ref = "failed:" + be.InvoiceID
		}
		inv := &models.SubscriptionInvoice{CreatedAt: be.Created, SubscriptionID: sub.ID, InvoiceRef: ref,
			Amount: be.Amount, Currency: sub.Currency, Paid: paid, PeriodStart: be.PeriodStart, PeriodEnd: be.PeriodEnd}
		fresh, err := tx.AddInvoice(ctx, inv)
		if err != nil {
			return true, err
		}
		if !fresh {
			return true, nil
		}
		if paid {
			paidInvoice = inv
			s.extend(sub, be)
			setState(models.SubscriptionActive)
		} else if sub.State == models.SubscriptionActive && newer {
			sub.State = models.SubscriptionPastDue
		}
	case "customer.subscription.updated":
		s.extend(sub, be)
		switch be.Status {
		case "active", "trialing":
			setState(models.SubscriptionActive)
		case "past_due", "unpaid":
			if sub.State != models.SubscriptionPending {
				setState(models.SubscriptionPastDue)
			}
		case "canceled", "incomplete_expired":
			sub.State = models.SubscriptionCanceled
		}
	case "customer.subscription.deleted":
		if sub.State != models.SubscriptionCanceled {
			sub.State = models.SubscriptionCanceled
			at := be.Created
			sub.CanceledAt = &at
		}
	}
	if newer {
		sub.LastEventAt = be.Created
	}
	sub.UpdatedAt = s.clock.Now()
	if err := tx.SaveSubscription(ctx, sub); err != nil {
		return true, err
	}
	return true, s.announce(ctx, tx, before, sub, paidInvoice)
}

func (s *Service) extend(sub *models.Subscription, be *models.BillingEvent) {
	if be.PeriodEnd.IsZero() {
		return
	}
	if sub.CurrentPeriodEnd == nil || be.PeriodEnd.After(*sub.CurrentPeriodEnd) {
		end := be.PeriodEnd
		sub.CurrentPeriodEnd = &end
	}
}

// webhookSubscription finds the subscription an event is about: by
// Stripe's id once known, else by the Plaza id Checkout carried.
func (s *Service) webhookSubscription(ctx context.Context, tx *store.Store, be *models.BillingEvent) (*models.Subscription, error) {
	if be.StripeSubscriptionID != "" {
		sub, err := tx.SubscriptionByStripeIDForUpdate(ctx, be.StripeSubscriptionID)
		if err == nil || !errors.Is(err, store.ErrNotFound) {
			return sub, err
		}
	}
	id, err := strconv.ParseInt(be.SubscriptionRef, 10, 64)
	if err != nil {
		return nil, store.ErrNotFound
	}
	sub, err := tx.SubscriptionByIDForUpdate(ctx, id)
	if err == nil && (sub.Remote || (sub.StripeSubscriptionID != "" && be.StripeSubscriptionID != "" && sub.StripeSubscriptionID != be.StripeSubscriptionID)) {
		return nil, store.ErrNotFound
	}
	return sub, err
}
