// Package payments is Plaza's Stripe adapter, the only package that imports
// stripe-go: connected accounts (Account Links onboarding), Checkout
// Sessions as direct charges on the payee's account, refunds, and webhook
// verification that turns Stripe events into ledger events.
package payments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"github.com/stripe/stripe-go/v76/webhook"

	"plaza/models"
)

// ErrBadWebhook is returned for a webhook whose signature, age or body is
// not acceptable.
var ErrBadWebhook = errors.New("bad webhook")

// Config holds the Stripe settings of one instance.
type Config struct {
	SecretKey     string
	WebhookSecret string
	// APIURL overrides Stripe's API base URL (stripe-mock in tests).
	APIURL string
	// FeeBasisPoints is the platform's application fee, 1/100 of a percent.
	FeeBasisPoints int64
	// WebhookTolerance is how old a signed webhook may be; 0 is Stripe's 5m.
	WebhookTolerance time.Duration
	HTTPClient       *http.Client
}

// Stripe talks to Stripe with one client of its own: no global stripe.Key.
type Stripe struct {
	cfg Config
	api *client.API
}

// MetadataKey is the metadata key that carries the Plaza payment id on
// PaymentIntents and Checkout Sessions.
const MetadataKey = "plaza_payment"

// NewStripe builds the adapter.
func NewStripe(cfg Config) (*Stripe, error) {
	if cfg.SecretKey == "" {
		return nil, errors.New("payments: stripe secret key is empty")
	}
	if cfg.WebhookSecret == "" {
		return nil, errors.New("payments: stripe webhook secret is empty")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	bcfg := &stripe.BackendConfig{HTTPClient: hc, LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelError}}
	if cfg.APIURL != "" {
		bcfg.URL = stripe.String(cfg.APIURL)
	}
	backends := &stripe.Backends{
		API:     stripe.GetBackendWithConfig(stripe.APIBackend, bcfg),
		Connect: stripe.GetBackendWithConfig(stripe.ConnectBackend, bcfg),
		Uploads: stripe.GetBackendWithConfig(stripe.UploadsBackend, bcfg),
	}
	return &Stripe{cfg: cfg, api: client.New(cfg.SecretKey, backends)}, nil
}

// idempotency makes the deterministic key of a Stripe call, so a retry of
// the same Plaza action never makes a second object.
func idempotency(parts ...string) string {
	key := "plaza"
	for _, p := range parts {
		key += "-" + p
	}
	return key
}

// CreateAccount makes the connected (Express) account of a local account.
func (s *Stripe) CreateAccount(ctx context.Context, accountID int64, email string) (string, error) {
	p := &stripe.AccountParams{Type: stripe.String(string(stripe.AccountTypeExpress))}
	if email != "" {
		p.Email = stripe.String(email)
	}
	p.Capabilities = &stripe.AccountCapabilitiesParams{
		CardPayments: &stripe.AccountCapabilitiesCardPaymentsParams{Requested: stripe.Bool(true)},
		Transfers:    &stripe.AccountCapabilitiesTransfersParams{Requested: stripe.Bool(true)},
	}
	p.AddMetadata("plaza_account", strconv.FormatInt(accountID, 10))
	p.Context = ctx
	p.SetIdempotencyKey(idempotency("account", strconv.FormatInt(accountID, 10)))
	acct, err := s.api.Accounts.New(p)
	if err != nil {
		return "", fmt.Errorf("stripe: create account: %w", err)
	}
	return acct.ID, nil
}

// OnboardingLink returns an Account Link that takes the user through
// Stripe's onboarding; links are short-lived, so the key changes with the
// five-minute window.
func (s *Stripe) OnboardingLink(ctx context.Context, stripeAccountID, refreshURL, returnURL string) (string, error) {
	p := &stripe.AccountLinkParams{
		Account:    stripe.String(stripeAccountID),
		RefreshURL: stripe.String(refreshURL),
		ReturnURL:  stripe.String(returnURL),
		Type:       stripe.String("account_onboarding"),
	}
	p.Context = ctx
	window := time.Now().Unix() / 300
	p.SetIdempotencyKey(idempotency("link", stripeAccountID, strconv.FormatInt(window, 10)))
	link, err := s.api.AccountLinks.New(p)
	if err != nil {
		return "", fmt.Errorf("stripe: account link: %w", err)
	}
	return link.URL, nil
}

// AccountStatus reads whether a connected account may take charges.
func (s *Stripe) AccountStatus(ctx context.Context, stripeAccountID string) (chargesEnabled, detailsSubmitted bool, err error) {
	p := &stripe.AccountParams{}
	p.Context = ctx
	acct, err := s.api.Accounts.GetByID(stripeAccountID, p)
	if err != nil {
		return false, false, fmt.Errorf("stripe: account status: %w", err)
	}
	return acct.ChargesEnabled, acct.DetailsSubmitted, nil
}

// CreateCheckout makes a Checkout Session as a direct charge on the payee's
// connected account, keyed by the payment id.
func (s *Stripe) CreateCheckout(ctx context.Context, in models.CheckoutRequest) (models.CheckoutSession, error) {
	ref := strconv.FormatInt(in.PaymentID, 10)
	pi := &stripe.CheckoutSessionPaymentIntentDataParams{Description: stripe.String(in.Description)}
	pi.AddMetadata(MetadataKey, ref)
	if fee := in.Amount * s.cfg.FeeBasisPoints / 10000; fee > 0 {
		pi.ApplicationFeeAmount = stripe.Int64(fee)
	}
	p := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(ref),
		SuccessURL:        stripe.String(in.SuccessURL),
		CancelURL:         stripe.String(in.CancelURL),
		PaymentIntentData: pi,
		LineItems: []*stripe.CheckoutSessionLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(lower(in.Currency)),
				UnitAmount:  stripe.Int64(in.Amount),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(in.Description)},
			},
		}},
	}
	if !in.ExpiresAt.IsZero() {
		// Stripe accepts 30 minutes to 24 hours from now.
		exp := in.ExpiresAt
		if min := time.Now().Add(31 * time.Minute); exp.Before(min) {
			exp = min
		}
		if max := time.Now().Add(23 * time.Hour); exp.After(max) {
			exp = max
		}
		p.ExpiresAt = stripe.Int64(exp.Unix())
	}
	p.AddMetadata(MetadataKey, ref)
	p.Context = ctx
	p.SetStripeAccount(in.StripeAccountID)
	p.SetIdempotencyKey(idempotency("checkout", ref))
	sess, err := s.api.CheckoutSessions.New(p)
	if err != nil {
		return models.CheckoutSession{}, fmt.Errorf("stripe: create checkout session: %w", err)
	}
	return models.CheckoutSession{ID: sess.ID, URL: sess.URL}, nil
}

// Refund gives (part of) a payment back, on the payee's account.
func (s *Stripe) Refund(ctx context.Context, in models.RefundRequest) (string, error) {
	p := &stripe.RefundParams{PaymentIntent: stripe.String(in.PaymentIntentID), Amount: stripe.Int64(in.Amount)}
	p.AddMetadata(MetadataKey, strconv.FormatInt(in.PaymentID, 10))
	p.Context = ctx
	p.SetStripeAccount(in.StripeAccountID)
	// One key per requested refund: a retry of the same request never
	// refunds twice, and two requests for the same amount are two refunds.
	p.SetIdempotencyKey(idempotency("refund", strconv.FormatInt(in.PaymentID, 10), strconv.FormatInt(in.RefundID, 10)))
	r, err := s.api.Refunds.New(p)
	if err != nil {
		return "", fmt.Errorf("stripe: refund: %w", err)
	}
	return r.ID, nil
}

// ParseWebhook verifies a webhook's raw body against its Stripe-Signature
// header and reduces the event to what the ledger needs. Events Plaza does
// not use come back with an empty State.
func (s *Stripe) ParseWebhook(body []byte, signature string) (*models.ProviderEvent, error) {
	opts := webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true, Tolerance: s.cfg.WebhookTolerance}
	ev, err := webhook.ConstructEventWithOptions(body, signature, s.cfg.WebhookSecret, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadWebhook, err)
	}
	if ev.ID == "" || ev.Data == nil {
		return nil, fmt.Errorf("%w: event without id or data", ErrBadWebhook)
	}
	out := &models.ProviderEvent{ID: ev.ID, Type: string(ev.Type), Created: time.Unix(ev.Created, 0).UTC(), StripeAccountID: ev.Account}
	raw := ev.Data.Raw
	out.Raw = raw
	if IsBillingEvent(out.Type, raw) {
		// Decoded here, so the business layer never reads Stripe's shapes.
		be, err := DecodeBillingEvent(out)
		if err != nil {
			return nil, err
		}
		out.Billing = be
	}
	switch ev.Type {
	case "checkout.session.completed", "checkout.session.async_payment_succeeded",
		"checkout.session.async_payment_failed", "checkout.session.expired":
		var cs stripe.CheckoutSession
		if err := json.Unmarshal(raw, &cs); err != nil {
			return nil, fmt.Errorf("%w: checkout session: %w", ErrBadWebhook, err)
		}
		out.SessionID, out.Amount = cs.ID, cs.AmountTotal
		out.PaymentRef = cs.ClientReferenceID
		if out.PaymentRef == "" {
			out.PaymentRef = cs.Metadata[MetadataKey]
		}
		if cs.PaymentIntent != nil {
			out.PaymentIntentID = cs.PaymentIntent.ID
		}
		switch ev.Type {
		case "checkout.session.completed":
			if cs.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid || cs.PaymentStatus == stripe.CheckoutSessionPaymentStatusNoPaymentRequired {
				out.State = models.PaymentSucceeded
			}
		case "checkout.session.async_payment_succeeded":
			out.State = models.PaymentSucceeded
		case "checkout.session.async_payment_failed":
			out.State = models.PaymentFailed
		case "checkout.session.expired":
			out.State = models.PaymentExpired
		}
	case "charge.refunded":
		var ch stripe.Charge
		if err := json.Unmarshal(raw, &ch); err != nil {
			return nil, fmt.Errorf("%w: charge: %w", ErrBadWebhook, err)
		}
		out.Amount, out.AmountRefunded = ch.Amount, ch.AmountRefunded
		out.PaymentRef = ch.Metadata[MetadataKey]
		if ch.PaymentIntent != nil {
			out.PaymentIntentID = ch.PaymentIntent.ID
		}
		out.State = models.PaymentPartiallyRefunded
		if ch.Refunded || (ch.Amount > 0 && ch.AmountRefunded >= ch.Amount) {
			out.State = models.PaymentRefunded
		}
	case "charge.dispute.created", "charge.dispute.updated", "charge.dispute.funds_withdrawn":
		var d stripe.Dispute
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("%w: dispute: %w", ErrBadWebhook, err)
		}
		out.Amount = d.Amount
		out.PaymentRef = d.Metadata[MetadataKey]
		if d.PaymentIntent != nil {
			out.PaymentIntentID = d.PaymentIntent.ID
		}
		out.State = models.PaymentDisputed
	case "account.updated":
		var a stripe.Account
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, fmt.Errorf("%w: account: %w", ErrBadWebhook, err)
		}
		out.StripeAccountID = a.ID
		out.ChargesEnabled, out.DetailsSubmitted = a.ChargesEnabled, a.DetailsSubmitted
	}
	return out, nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
