// Package supporters holds monthly supporter subscriptions: a creator's
// tiers (Stripe Products and Prices on the creator's connected account),
// supporting through Checkout in subscription mode, cancel, the ledger of
// billed periods driven only by Stripe Billing webhooks, and the creator's
// and supporter's pages. Supporter-only posts read IsSupporter through the
// store's one visibility rule. It reaches payments only through its
// exported API.
package supporters

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// MaxTiers is how many active tiers a creator may have.
const MaxTiers = 3

// maxDescription bounds a tier's description, in characters.
const maxDescription = 500

// Billing is Stripe Billing on connected accounts; payments.Stripe
// implements it.
type Billing interface {
	CreateTierPrice(ctx context.Context, stripeAccountID string, tierID int64, name string, amount int64, currency string) (productID, priceID string, err error)
	CreateSubscriptionCheckout(ctx context.Context, in models.CheckoutSubscriptionRequest) (models.CheckoutSession, error)
	PortalURL(ctx context.Context, stripeAccountID, customerID, returnURL string) (string, error)
	CancelSubscription(ctx context.Context, stripeAccountID, subscriptionID string) error
}

// Service is the supporters area.
type Service struct {
	core      *core.Base
	pay       *payments.Service
	billing   Billing // nil: this instance does not sell subscriptions
	store     *store.Store
	clock     core.Clock
	log       *slog.Logger
	urls      core.URLs
	decode    SupporterDecoder // nil: remote subscriptions are not mirrored
	recognize func(*models.APActivity) bool
}

// New builds the area; Enable turns selling on.
func New(c *core.Base, pay *payments.Service) *Service {
	return &Service{core: c, pay: pay, store: c.Store(), clock: c.Clock(), log: c.Log(), urls: c.URLs()}
}

// Enable lets local creators sell subscriptions through b, and routes the
// Billing webhooks to this area (the one hook in payments).
func (s *Service) Enable(b Billing) {
	s.billing = b
	s.pay.SetBillingHook(s.applyWebhook)
}

// Enabled reports whether creators here may sell subscriptions.
func (s *Service) Enabled() bool { return s.billing != nil && s.pay.PaymentsEnabled() }

// TierInput is a tier a creator sets up.
type TierInput struct {
	Amount      string // exact decimal, major units
	Currency    string
	Description string
}

// CreateTier validates and makes a tier: the Stripe Product and Price
// first (keyed by the new tier's id, so a retry makes no second one), then
// the row, in a transaction that holds the creator's row so a fourth tier
// is refused even under concurrent requests.
func (s *Service) CreateTier(ctx context.Context, creator *models.Account, in TierInput) (*models.SupporterTier, error) {
	if !s.Enabled() {
		return nil, fmt.Errorf("%w: this instance does not sell subscriptions", core.ErrValidation)
	}
	if !creator.IsLocal() {
		return nil, fmt.Errorf("%w: only local accounts have tiers", core.ErrForbidden)
	}
	cur := strings.ToUpper(strings.TrimSpace(in.Currency))
	if _, ok := payments.CurrencyExponent(cur); !ok || !slices.Contains(s.pay.PaymentCurrencies(), cur) {
		return nil, fmt.Errorf("%w: unknown currency %q (this instance takes %s)", core.ErrValidation, in.Currency, strings.Join(s.pay.PaymentCurrencies(), ", "))
	}
	amount, err := payments.ParseAmount(strings.TrimSpace(in.Amount), cur)
	if err != nil {
		return nil, fmt.Errorf("%w: price: %w", core.ErrValidation, err)
	}
	if amount <= 0 {
		return nil, fmt.Errorf("%w: price must be more than zero", core.ErrValidation)
	}
	desc := strings.TrimSpace(in.Description)
	if len([]rune(desc)) > maxDescription {
		return nil, fmt.Errorf("%w: description is longer than %d characters", core.ErrValidation, maxDescription)
	}
	sa, err := s.store.StripeAccountOf(ctx, creator.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !sa.ChargesEnabled) {
		return nil, fmt.Errorf("%w: connect a Stripe account that can take charges first", core.ErrValidation)
	}
	if err != nil {
		return nil, err
	}
	// A cheap check before Stripe is called, so a creator at the limit
	// makes no orphan Product; the transaction below is the real one.
	tiers, err := s.store.TiersOf(ctx, creator.ID)
	if err != nil {
		return nil, err
	}
	if len(tiers) >= MaxTiers {
		return nil, errTooManyTiers
	}
	now := s.clock.Now()
	t := &models.SupporterTier{ID: s.store.NewID(), CreatedAt: now, UpdatedAt: now, CreatorID: creator.ID, Amount: amount, Currency: cur, Description: desc, Active: true}
	name := "Support @" + creator.Username + " (" + payments.FormatAmount(amount, cur) + " " + cur + " a month)"
	t.StripeProductID, t.StripePriceID, err = s.billing.CreateTierPrice(ctx, sa.StripeAccountID, t.ID, name, amount, cur)
	if err != nil {
		return nil, fmt.Errorf("create tier: %w", err)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		n, err := tx.LockTiersOf(ctx, creator.ID)
		if err != nil {
			return err
		}
		if n >= MaxTiers {
			return errTooManyTiers
		}
		return tx.CreateTier(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

var errTooManyTiers = fmt.Errorf("%w: a creator may have at most %d tiers", core.ErrValidation, MaxTiers)

// Tiers lists a creator's tiers.
func (s *Service) Tiers(ctx context.Context, creator *models.Account) ([]*models.SupporterTier, error) {
	return s.store.TiersOf(ctx, creator.ID)
}

// Subscribe starts supporter's subscription to a tier and returns it
// (pending) with the Checkout URL to send them to. Nothing is active until Stripe's webhooks
// say it is paid. supporter may be a remote account (it reached this
// instance's support page).
func (s *Service) Subscribe(ctx context.Context, supporter *models.Account, tierID int64, returnURL string) (*models.Subscription, string, error) {
	if !s.Enabled() {
		return nil, "", fmt.Errorf("%w: this instance does not sell subscriptions", core.ErrValidation)
	}
	t, err := s.store.TierByID(ctx, tierID)
	if err != nil || !t.Active {
		return nil, "", fmt.Errorf("%w: tier", core.ErrNotFound)
	}
	if t.CreatorID == supporter.ID {
		return nil, "", fmt.Errorf("%w: you cannot support yourself", core.ErrValidation)
	}
	if ok, err := s.store.IsSupporter(ctx, supporter.ID, t.CreatorID); err != nil || ok {
		if err != nil {
			return nil, "", err
		}
		return nil, "", fmt.Errorf("%w: you already support this creator", core.ErrConflict)
	}
	sa, err := s.store.StripeAccountOf(ctx, t.CreatorID)
	if err != nil {
		return nil, "", fmt.Errorf("%w: creator cannot take payments", core.ErrValidation)
	}
	now := s.clock.Now()
	sub := &models.Subscription{ID: s.store.NewID(), CreatedAt: now, UpdatedAt: now, TierID: t.ID, CreatorID: t.CreatorID, SupporterID: supporter.ID,
		Amount: t.Amount, Currency: t.Currency, State: models.SubscriptionPending, LastEventAt: time.Unix(0, 0).UTC()}
	sub.AgreementURI = s.AgreementURI(sub.ID)
	sess, err := s.billing.CreateSubscriptionCheckout(ctx, models.CheckoutSubscriptionRequest{
		SubscriptionID: sub.ID, StripeAccountID: sa.StripeAccountID, PriceID: t.StripePriceID,
		SuccessURL: returnURL, CancelURL: returnURL,
	})
	if err != nil {
		return nil, "", fmt.Errorf("subscribe: %w", err)
	}
	sub.CheckoutSessionID = sess.ID
	if err := s.store.CreateSubscription(ctx, sub); err != nil {
		return nil, "", err
	}
	return sub, sess.URL, nil
}

// AgreementURI is the FEP-0837 Agreement id of a subscription made here.
func (s *Service) AgreementURI(id int64) string {
	return s.urls.Base() + "/supporters/agreements/" + strconv.FormatInt(id, 10)
}

// Cancel asks Stripe to end the subscription (the supporter's or the
// creator's own); it ends when customer.subscription.deleted arrives.
func (s *Service) Cancel(ctx context.Context, viewer *models.Account, id int64) error {
	sub, sa, err := s.ownSubscription(ctx, viewer, id)
	if err != nil {
		return err
	}
	if sub.State == models.SubscriptionCanceled {
		return fmt.Errorf("%w: the subscription has already ended", core.ErrConflict)
	}
	if sub.StripeSubscriptionID == "" {
		return fmt.Errorf("%w: the subscription is not paid yet", core.ErrConflict)
	}
	return s.billing.CancelSubscription(ctx, sa.StripeAccountID, sub.StripeSubscriptionID)
}

// PortalURL opens Stripe's customer portal for the supporter.
func (s *Service) PortalURL(ctx context.Context, viewer *models.Account, id int64, returnURL string) (string, error) {
	sub, sa, err := s.ownSubscription(ctx, viewer, id)
	if err != nil {
		return "", err
	}
	if sub.StripeCustomerID == "" {
		return "", fmt.Errorf("%w: the subscription is not paid yet", core.ErrConflict)
	}
	return s.billing.PortalURL(ctx, sa.StripeAccountID, sub.StripeCustomerID, returnURL)
}

func (s *Service) ownSubscription(ctx context.Context, viewer *models.Account, id int64) (*models.Subscription, *models.StripeAccount, error) {
	if !s.Enabled() {
		return nil, nil, fmt.Errorf("%w: subscription", core.ErrNotFound)
	}
	var sub *models.Subscription
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		sub, err = tx.SubscriptionByIDForUpdate(ctx, id)
		return err
	})
	if err != nil || sub.Remote || (sub.SupporterID != viewer.ID && sub.CreatorID != viewer.ID) {
		return nil, nil, fmt.Errorf("%w: subscription", core.ErrNotFound)
	}
	sa, err := s.store.StripeAccountOf(ctx, sub.CreatorID)
	if err != nil {
		return nil, nil, fmt.Errorf("creator's connected account: %w", err)
	}
	return sub, sa, nil
}
