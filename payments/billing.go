package payments

// Stripe Billing for supporter subscriptions: Products and Prices on the
// creator's connected account, Checkout in subscription mode, the customer
// portal, cancel, and the Billing webhooks reduced to models.BillingEvent.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/stripe/stripe-go/v76"

	"plaza/models"
)

// SubscriptionMetadataKey carries the Plaza subscription id on Checkout
// Sessions and Subscriptions (and so on their invoices).
const SubscriptionMetadataKey = "plaza_subscription"

// CreateTierPrice makes the Product and monthly Price of a supporter tier on
// the creator's connected account, keyed by the tier id.
func (s *Stripe) CreateTierPrice(ctx context.Context, stripeAccountID string, tierID int64, name string, amount int64, currency string) (productID, priceID string, err error) {
	ref := strconv.FormatInt(tierID, 10)
	pp := &stripe.ProductParams{Name: stripe.String(name)}
	pp.AddMetadata("plaza_tier", ref)
	pp.Context = ctx
	pp.SetStripeAccount(stripeAccountID)
	pp.SetIdempotencyKey(idempotency("product", ref))
	prod, err := s.api.Products.New(pp)
	if err != nil {
		return "", "", fmt.Errorf("stripe: create product: %w", err)
	}
	rp := &stripe.PriceParams{
		Product:    stripe.String(prod.ID),
		Currency:   stripe.String(lower(currency)),
		UnitAmount: stripe.Int64(amount),
		Recurring:  &stripe.PriceRecurringParams{Interval: stripe.String(string(stripe.PriceRecurringIntervalMonth))},
	}
	rp.AddMetadata("plaza_tier", ref)
	rp.Context = ctx
	rp.SetStripeAccount(stripeAccountID)
	rp.SetIdempotencyKey(idempotency("price", ref))
	pr, err := s.api.Prices.New(rp)
	if err != nil {
		return "", "", fmt.Errorf("stripe: create price: %w", err)
	}
	return prod.ID, pr.ID, nil
}

// CreateSubscriptionCheckout opens Checkout in subscription mode on the
// creator's connected account, keyed by the Plaza subscription id.
func (s *Stripe) CreateSubscriptionCheckout(ctx context.Context, in models.CheckoutSubscriptionRequest) (models.CheckoutSession, error) {
	ref := strconv.FormatInt(in.SubscriptionID, 10)
	sd := &stripe.CheckoutSessionSubscriptionDataParams{}
	sd.AddMetadata(SubscriptionMetadataKey, ref)
	if s.cfg.FeeBasisPoints > 0 {
		sd.ApplicationFeePercent = stripe.Float64(float64(s.cfg.FeeBasisPoints) / 100)
	}
	p := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		ClientReferenceID: stripe.String(ref),
		SuccessURL:        stripe.String(in.SuccessURL),
		CancelURL:         stripe.String(in.CancelURL),
		SubscriptionData:  sd,
		LineItems:         []*stripe.CheckoutSessionLineItemParams{{Price: stripe.String(in.PriceID), Quantity: stripe.Int64(1)}},
	}
	p.AddMetadata(SubscriptionMetadataKey, ref)
	p.Context = ctx
	p.SetStripeAccount(in.StripeAccountID)
	p.SetIdempotencyKey(idempotency("subcheckout", ref))
	sess, err := s.api.CheckoutSessions.New(p)
	if err != nil {
		return models.CheckoutSession{}, fmt.Errorf("stripe: create subscription checkout: %w", err)
	}
	return models.CheckoutSession{ID: sess.ID, URL: sess.URL}, nil
}

// PortalURL opens a Billing Portal session for the customer on the
// creator's connected account.
func (s *Stripe) PortalURL(ctx context.Context, stripeAccountID, customerID, returnURL string) (string, error) {
	p := &stripe.BillingPortalSessionParams{Customer: stripe.String(customerID), ReturnURL: stripe.String(returnURL)}
	p.Context = ctx
	p.SetStripeAccount(stripeAccountID)
	sess, err := s.api.BillingPortalSessions.New(p)
	if err != nil {
		return "", fmt.Errorf("stripe: billing portal: %w", err)
	}
	return sess.URL, nil
}

// CancelSubscription cancels a subscription now; the state change comes
// back as customer.subscription.deleted.
func (s *Stripe) CancelSubscription(ctx context.Context, stripeAccountID, subscriptionID string) error {
	p := &stripe.SubscriptionCancelParams{}
	p.Context = ctx
	p.SetStripeAccount(stripeAccountID)
	p.SetIdempotencyKey(idempotency("subcancel", subscriptionID))
	if _, err := s.api.Subscriptions.Cancel(subscriptionID, p); err != nil {
		return fmt.Errorf("stripe: cancel subscription: %w", err)
	}
	return nil
}

// IsBillingEvent reports whether a webhook type is one the supporter
// ledger applies.
func IsBillingEvent(typ string, raw json.RawMessage) bool {
	switch typ {
	case "invoice.paid", "invoice.payment_failed", "customer.subscription.updated", "customer.subscription.deleted":
		return true
	case "checkout.session.completed":
		var cs struct {
			Mode string `json:"mode"`
		}
		return json.Unmarshal(raw, &cs) == nil && cs.Mode == string(stripe.CheckoutSessionModeSubscription)
	}
	return false
}

// DecodeBillingEvent reads a Billing event's object (already verified by
// ParseWebhook, which keeps it in ProviderEvent.Raw).
func DecodeBillingEvent(ev *models.ProviderEvent) (*models.BillingEvent, error) {
	out := &models.BillingEvent{ID: ev.ID, Type: ev.Type, Created: ev.Created, StripeAccountID: ev.StripeAccountID}
	switch ev.Type {
	case "checkout.session.completed":
		var cs stripe.CheckoutSession
		if err := json.Unmarshal(ev.Raw, &cs); err != nil {
			return nil, fmt.Errorf("%w: checkout session: %w", ErrBadWebhook, err)
		}
		out.SubscriptionRef = cs.ClientReferenceID
		if out.SubscriptionRef == "" {
			out.SubscriptionRef = cs.Metadata[SubscriptionMetadataKey]
		}
		if cs.Subscription != nil {
			out.StripeSubscriptionID = cs.Subscription.ID
		}
		if cs.Customer != nil {
			out.StripeCustomerID = cs.Customer.ID
		}
		out.Amount, out.Currency = cs.AmountTotal, string(cs.Currency)
	case "invoice.paid", "invoice.payment_failed":
		var inv stripe.Invoice
		if err := json.Unmarshal(ev.Raw, &inv); err != nil {
			return nil, fmt.Errorf("%w: invoice: %w", ErrBadWebhook, err)
		}
		out.InvoiceID = inv.ID
		if inv.SubscriptionDetails != nil {
			out.SubscriptionRef = inv.SubscriptionDetails.Metadata[SubscriptionMetadataKey]
		}
		if inv.Subscription != nil {
			out.StripeSubscriptionID = inv.Subscription.ID
		}
		if inv.Customer != nil {
			out.StripeCustomerID = inv.Customer.ID
		}
		out.Amount, out.Currency = inv.AmountDue, string(inv.Currency)
		if ev.Type == "invoice.paid" {
			out.Amount = inv.AmountPaid
		}
		// The period paid for is the line's, not the invoice's (which, for a
		// subscription invoice, is the period just ended).
		if inv.Lines != nil && len(inv.Lines.Data) > 0 && inv.Lines.Data[0].Period != nil {
			out.PeriodStart = time.Unix(inv.Lines.Data[0].Period.Start, 0).UTC()
			out.PeriodEnd = time.Unix(inv.Lines.Data[0].Period.End, 0).UTC()
		} else {
			out.PeriodStart, out.PeriodEnd = time.Unix(inv.PeriodStart, 0).UTC(), time.Unix(inv.PeriodEnd, 0).UTC()
		}
	case "customer.subscription.updated", "customer.subscription.deleted":
		var sub stripe.Subscription
		if err := json.Unmarshal(ev.Raw, &sub); err != nil {
			return nil, fmt.Errorf("%w: subscription: %w", ErrBadWebhook, err)
		}
		out.StripeSubscriptionID = sub.ID
		out.SubscriptionRef = sub.Metadata[SubscriptionMetadataKey]
		if sub.Customer != nil {
			out.StripeCustomerID = sub.Customer.ID
		}
		out.Status = string(sub.Status)
		if sub.CurrentPeriodEnd > 0 {
			out.PeriodEnd = time.Unix(sub.CurrentPeriodEnd, 0).UTC()
		}
		if ev.Type == "customer.subscription.deleted" {
			out.Status = string(stripe.SubscriptionStatusCanceled)
		}
	default:
		return nil, fmt.Errorf("%w: not a billing event: %s", ErrBadWebhook, ev.Type)
	}
	return out, nil
}
