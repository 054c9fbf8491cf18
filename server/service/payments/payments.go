package payments

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
)

// ErrExpired is an agreement whose time to pay has passed.
var ErrExpired = errors.New("expired")

// PaymentProvider is the payment processor of the payee's instance (Stripe,
// through the payments package). Every call that creates something carries
// a deterministic idempotency key made from the ids it gets.
type PaymentProvider interface {
	CreateAccount(ctx context.Context, accountID int64, email string) (string, error)
	OnboardingLink(ctx context.Context, stripeAccountID, refreshURL, returnURL string) (string, error)
	AccountStatus(ctx context.Context, stripeAccountID string) (chargesEnabled, detailsSubmitted bool, err error)
	CreateCheckout(ctx context.Context, in models.CheckoutRequest) (models.CheckoutSession, error)
	Refund(ctx context.Context, in models.RefundRequest) (string, error)
	// ParseWebhook verifies a webhook's raw body and signature header.
	ParseWebhook(body []byte, signature string) (*models.ProviderEvent, error)
}

// PaymentDecoder reads a payment activity's own fields from its raw JSON;
// federation.DecodePayment implements it.
type PaymentDecoder func(raw []byte) (*models.APPayment, error)

// PaymentsConfig holds the instance's payment settings. Limits are exact
// decimals in major units, applied in every currency ("" or "0": none).
type PaymentsConfig struct {
	Currencies   []string
	MaxPayment   string
	MaxPerDay    string
	AgreementTTL time.Duration
	// Requests: how long one stays open, and how many a requester may
	// make, and a target receive, per hour (0: the defaults of the
	// requests area).
	RequestTTL            time.Duration
	RequestsPerHour       int
	RequestsPerTargetHour int
}

type paymentSetup struct {
	cfg        PaymentsConfig
	provider   PaymentProvider // nil: this instance does not take payments
	decode     PaymentDecoder
	maxPayment map[string]int64
	maxPerDay  map[string]int64
}

// EnablePayments turns the payment flow on. provider may be nil: the
// instance then can pay others but not be paid.
func (s *Service) EnablePayments(cfg PaymentsConfig, provider PaymentProvider, decode PaymentDecoder) error {
	if len(cfg.Currencies) == 0 {
		return fmt.Errorf("payments: no currencies")
	}
	if cfg.AgreementTTL <= 0 {
		cfg.AgreementTTL = 24 * time.Hour
	}
	ps := &paymentSetup{cfg: cfg, provider: provider, decode: decode, maxPayment: map[string]int64{}, maxPerDay: map[string]int64{}}
	for i, c := range cfg.Currencies {
		c = strings.ToUpper(strings.TrimSpace(c))
		cfg.Currencies[i] = c
		if _, ok := CurrencyExponent(c); !ok {
			return fmt.Errorf("payments: unknown currency %q", c)
		}
		for _, l := range []struct {
			v   string
			dst map[string]int64
		}{{cfg.MaxPayment, ps.maxPayment}, {cfg.MaxPerDay, ps.maxPerDay}} {
			if l.v == "" || l.v == "0" {
				continue
			}
			n, err := ParseAmount(l.v, c)
			if err != nil {
				return fmt.Errorf("payments: limit %q: %w", l.v, err)
			}
			l.dst[c] = n
		}
	}
	ps.cfg = cfg
	s.pay = ps
	return nil
}

// PaymentsEnabled reports whether this instance takes payments (Stripe is
// configured).
func (s *Service) PaymentsEnabled() bool { return s.pay != nil && s.pay.provider != nil }

// PaymentCurrencies lists the currencies payments may be made in.
func (s *Service) PaymentCurrencies() []string {
	if s.pay == nil {
		return nil
	}
	return slices.Clone(s.pay.cfg.Currencies)
}

// ---- ledger ----------------------------------------------------------

// paymentTransitions is the one table of where a payment may go from each
// state (PAYMENTS.md, "Ledger"). Every state change — inbound activities,
// webhooks, local actions — goes through it, by way of deriveState: a
// payment only moves forward, so a late Reject, an old receipt or an
// out-of-order webhook can never undo a payment that succeeded.
// IsPaymentState reports whether s names a payment state.
func IsPaymentState(s string) bool {
	_, ok := paymentTransitions[models.PaymentState(s)]
	return ok
}

var paymentTransitions = map[models.PaymentState][]models.PaymentState{
	models.PaymentOffered:      {models.PaymentAccepted, models.PaymentRejected, models.PaymentExpired, models.PaymentFailed},
	models.PaymentAccepted:     {models.PaymentCheckoutOpen, models.PaymentSucceeded, models.PaymentFailed, models.PaymentExpired},
	models.PaymentCheckoutOpen: {models.PaymentSucceeded, models.PaymentFailed, models.PaymentExpired},
	// Money that moved wins over a lapsed agreement: Stripe may confirm a
	// payment after the agreement expired here.
	models.PaymentExpired:   {models.PaymentSucceeded},
	models.PaymentFailed:    {models.PaymentSucceeded},
	models.PaymentSucceeded: {models.PaymentPartiallyRefunded, models.PaymentRefunded, models.PaymentDisputed},
	// A partial refund may grow (same state, larger amount).
	models.PaymentPartiallyRefunded: {models.PaymentPartiallyRefunded, models.PaymentRefunded, models.PaymentDisputed},
	models.PaymentDisputed:          {models.PaymentPartiallyRefunded, models.PaymentRefunded},
	models.PaymentRejected:          nil,
	models.PaymentRefunded:          nil,
}

// canMove reports whether the table lets a payment go from one state to
// another.
func canMove(from, to models.PaymentState) bool {
	return slices.Contains(paymentTransitions[from], to)
}

func isRefundState(s models.PaymentState) bool {
	return s == models.PaymentRefunded || s == models.PaymentPartiallyRefunded
}

// receiptDetail marks events taken from a payee's receipt.
const receiptDetail = "receipt"

// paymentPhase orders the states of a payment's story: the agreement, the
// checkout, the outcome, what came after. Events are applied phase by
// phase, and within a phase by when their cause happened, so that clocks of
// different precision (Stripe's seconds, ours) and arrival order cannot
// reorder the story: a refund reported before the payment still comes
// after it.
var paymentPhase = map[models.PaymentState]int{
	models.PaymentOffered: 0, models.PaymentAccepted: 1, models.PaymentRejected: 1, models.PaymentCheckoutOpen: 2,
	models.PaymentSucceeded: 3, models.PaymentFailed: 3, models.PaymentExpired: 3,
	models.PaymentPartiallyRefunded: 4, models.PaymentRefunded: 4, models.PaymentDisputed: 4,
}

// deriveState computes a payment's state and refunded amount from its log
// (ordered by when each cause happened), applying an event only where the
// transition table allows it; applied[i] tells whether events[i] took
// effect. The same log gives the same state whatever order its events
// arrived in.
func deriveState(events []models.PaymentEvent) (state models.PaymentState, refunded int64, applied []bool) {
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return paymentPhase[events[a].State] - paymentPhase[events[b].State] })
	state, applied = models.PaymentOffered, make([]bool, len(events))
	for _, i := range order {
		e := events[i]
		switch {
		case e.State == models.PaymentOffered:
			applied[i] = true // the initial state
		case !canMove(state, e.State):
		case e.State == state && e.Amount <= refunded:
			// a partial refund that does not grow
		default:
			state, applied[i] = e.State, true
			if isRefundState(e.State) && e.Amount > refunded {
				refunded = e.Amount
			}
		}
	}
	return state, refunded, applied
}

// record appends an event and re-derives p's state; it reports whether
// the state changed. A replayed cause changes nothing.
func (s *Service) record(ctx context.Context, tx *store.Store, p *models.Payment, e models.PaymentEvent) (bool, error) {
	e.PaymentID = p.ID
	if e.CreatedAt.IsZero() {
		e.CreatedAt = s.clock.Now()
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = e.CreatedAt
	}
	fresh, err := tx.AddPaymentEvent(ctx, &e)
	if err != nil || !fresh {
		return false, err
	}
	events, err := tx.PaymentEvents(ctx, p.ID)
	if err != nil {
		return false, err
	}
	state, refunded, _ := deriveState(events)
	changed := state != p.State || refunded != p.AmountRefunded
	p.State, p.AmountRefunded, p.UpdatedAt = state, refunded, s.clock.Now()
	if err := tx.SavePayment(ctx, p); err != nil || !changed {
		return changed, err
	}
	if s.requests != nil {
		return true, s.requests.PaymentChanged(ctx, tx, p)
	}
	return true, EmitCard(ctx, tx, p.NoteURI)
}

// MoneyMoved reports whether a payment in state s took money (refunded or
// not).
func MoneyMoved(s models.PaymentState) bool {
	switch s {
	case models.PaymentSucceeded, models.PaymentPartiallyRefunded, models.PaymentRefunded, models.PaymentDisputed:
		return true
	}
	return false
}

// ---- checks shared by both sides ---------------------------------------

// checkAmount validates currency, amount and the per-payment limit.
func (s *Service) checkAmount(amount, currency string) (int64, string, error) {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if currency == "" {
		return 0, "", fmt.Errorf("%w: choose a currency", core.ErrValidation)
	}
	if !slices.Contains(s.pay.cfg.Currencies, currency) {
		return 0, "", fmt.Errorf("%w: the currency %q is not accepted here (accepted: %s)", core.ErrValidation, currency, strings.Join(s.pay.cfg.Currencies, ", "))
	}
	n, err := ParseAmount(amount, currency)
	if err != nil {
		return 0, "", err
	}
	if max := s.pay.maxPayment[currency]; max > 0 && n > max {
		return 0, "", fmt.Errorf("%w: the amount is over the limit of %s %s per payment", core.ErrValidation, FormatAmount(max, currency), currency)
	}
	return n, currency, nil
}

// checkDaily applies the per-day limit to payer's payments (to payee when
// not 0) in the last 24 hours.
func (s *Service) checkDaily(ctx context.Context, tx *store.Store, payerID, payeeID int64, amount int64, currency string) error {
	max := s.pay.maxPerDay[currency]
	if max <= 0 {
		return nil
	}
	// Count and insert one transaction at a time per payer, or ten
	// concurrent payments all see the same sum below the limit.
	if err := tx.LockPayer(ctx, payerID); err != nil {
		return err
	}
	sum, err := tx.SumPaymentsSince(ctx, payerID, payeeID, currency, s.clock.Now().Add(-24*time.Hour))
	if err != nil {
		return err
	}
	if sum+amount > max {
		return fmt.Errorf("%w: this payment would go over the limit of %s %s per day", core.ErrValidation, FormatAmount(max, currency), currency)
	}
	return nil
}

// ChargeableAccount returns the connected account of a local payee that can
// take charges, or a validation error saying the payee cannot be paid.
func (s *Service) ChargeableAccount(ctx context.Context, db *store.Store, payee *models.Account) (*models.StripeAccount, error) {
	if !s.PaymentsEnabled() {
		return nil, fmt.Errorf("%w: @%s cannot receive payments (this instance does not take payments)", core.ErrValidation, payee.Username)
	}
	sa, err := db.StripeAccountOf(ctx, payee.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !sa.ChargesEnabled) {
		return nil, fmt.Errorf("%w: @%s cannot receive payments (no connected Stripe account)", core.ErrValidation, payee.Username)
	}
	return sa, err
}

// ---- connected accounts (payee side) ----------------------------------

// StripeAccount returns acct's connected account, nil when there is none.
func (s *Service) StripeAccount(ctx context.Context, acct *models.Account) (*models.StripeAccount, error) {
	sa, err := s.store.StripeAccountOf(ctx, acct.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return sa, err
}

// ConnectStripe makes (once) acct's connected account and returns the
// onboarding link to send the user to.
func (s *Service) ConnectStripe(ctx context.Context, acct *models.Account) (string, error) {
	if !s.PaymentsEnabled() {
		return "", fmt.Errorf("%w: this instance does not take payments", core.ErrValidation)
	}
	sa, err := s.StripeAccount(ctx, acct)
	if err != nil {
		return "", err
	}
	if sa == nil {
		email := ""
		if u, err := s.store.UserByAccountID(ctx, acct.ID); err == nil {
			email = u.Email
		}
		id, err := s.pay.provider.CreateAccount(ctx, acct.ID, email)
		if err != nil {
			return "", fmt.Errorf("connect stripe: %w", err)
		}
		now := s.clock.Now()
		sa = &models.StripeAccount{AccountID: acct.ID, CreatedAt: now, UpdatedAt: now, StripeAccountID: id}
		if err := s.store.SaveStripeAccount(ctx, sa); err != nil {
			return "", fmt.Errorf("connect stripe: %w", err)
		}
	}
	page := s.urls.Base() + "/payments/stripe"
	link, err := s.pay.provider.OnboardingLink(ctx, sa.StripeAccountID, page+"?refresh=1", page+"?return=1")
	if err != nil {
		return "", fmt.Errorf("connect stripe: %w", err)
	}
	return link, nil
}

// RefreshStripeAccount asks Stripe whether acct's connected account can
// take charges now, and publishes or withdraws the payment link.
func (s *Service) RefreshStripeAccount(ctx context.Context, acct *models.Account) (*models.StripeAccount, error) {
	if !s.PaymentsEnabled() {
		return nil, fmt.Errorf("%w: this instance does not take payments", core.ErrValidation)
	}
	sa, err := s.StripeAccount(ctx, acct)
	if err != nil || sa == nil {
		return nil, err
	}
	charges, details, err := s.pay.provider.AccountStatus(ctx, sa.StripeAccountID)
	if err != nil {
		return nil, fmt.Errorf("check stripe account: %w", err)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		return s.setAccountStatus(ctx, tx, sa, charges, details)
	})
	return sa, err
}

func (s *Service) setAccountStatus(ctx context.Context, tx *store.Store, sa *models.StripeAccount, charges, details bool) error {
	sa.ChargesEnabled, sa.DetailsSubmitted, sa.UpdatedAt = charges, details, s.clock.Now()
	if err := tx.SaveStripeAccount(ctx, sa); err != nil {
		return err
	}
	acct, err := tx.AccountByID(ctx, sa.AccountID)
	if err != nil {
		return err
	}
	link := ""
	if charges {
		link = s.urls.ProposalURI(acct.Username)
	}
	if acct.PaymentsURI == link {
		return nil
	}
	if err := tx.SetAccountPaymentsURI(ctx, acct.ID, link); err != nil {
		return err
	}
	// The actor document changed (its Pay link): followers' servers hear
	// it now, not when their cached copy expires.
	acct.PaymentsURI, acct.UpdatedAt = link, s.clock.Now()
	return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Update",
		ID: acct.URI + "#updates/" + strconv.FormatInt(acct.UpdatedAt.UnixNano(), 10), Actor: acct})
}

// ProposalOf returns the local user whose Proposal is served at username,
// when they take payments.
func (s *Service) ProposalOf(ctx context.Context, username string) (*models.Account, string, error) {
	acct, err := s.accounts.LocalUser(ctx, username)
	if err != nil {
		return nil, "", err
	}
	if !s.PaymentsEnabled() || acct.PaymentsURI == "" {
		return nil, "", fmt.Errorf("%w: proposal", core.ErrNotFound)
	}
	return acct, acct.PaymentsURI, nil
}

// ---- paying (payer side) -----------------------------------------------

// PayTarget finds who a payer wants to pay ("alice", "@alice@host") and
// says whether they can receive payments here: a local user with a
// connected account, or a remote actor that advertises a payment link.
func (s *Service) PayTarget(ctx context.Context, handle string) (*models.Account, error) {
	user, host := core.SplitHandle(handle)
	if user == "" {
		return nil, fmt.Errorf("%w: enter who to pay, like @alice@example.com", core.ErrValidation)
	}
	a, err := s.core.ResolveHandle(ctx, user, host)
	if err != nil {
		return nil, err
	}
	if a == nil || a.SuspendedAt != nil || a.ActorType == models.ActorApplication {
		return nil, fmt.Errorf("%w: account @%s not found", core.ErrNotFound, strings.TrimPrefix(handle, "@"))
	}
	if !a.IsLocal() && s.fetch != nil {
		// The payment link may have appeared or gone since the last fetch.
		if fresh, err := s.fetch.ResolveActor(ctx, a.URI, true); err == nil && fresh != nil {
			a = fresh
		}
	}
	return a, nil
}

// CanReceivePayments reports whether a can be paid from here, and if not,
// why (a sentence for the UI).
func (s *Service) CanReceivePayments(ctx context.Context, a *models.Account) (bool, string) {
	if a.IsLocal() {
		if _, err := s.ChargeableAccount(ctx, s.store, a); err != nil {
			return false, "@" + a.Username + " cannot receive payments."
		}
		return true, ""
	}
	if a.PaymentsURI == "" {
		return false, "@" + a.Username + "@" + a.Domain + " cannot receive payments: their server does not support Plaza payments."
	}
	return true, ""
}

// OfferInput is a payment a local user wants to make.
type OfferInput struct {
	To       string // handle
	Amount   string // exact decimal
	Currency string
	Note     string
	// ContextURI is the post being tipped, if any.
	ContextURI string
	// SendDM also sends the note as a direct message.
	SendDM bool
	// ConversationID sends the payment from a chat: a message in it
	// carries the payment's card.
	ConversationID int64
	// RequestID is the request this payment pays (the requests area's
	// PayRequest); the request must name this payer and amount.
	RequestID int64
}

// OfferPayment starts a payment: validates it, records it and sends the
// Offer (or, to a local payee, accepts it at once). Nothing is recorded
// when the input is refused.
func (s *Service) OfferPayment(ctx context.Context, payer *models.Account, in OfferInput) (*models.Payment, error) {
	if s.pay == nil {
		return nil, fmt.Errorf("%w: payments are not enabled here", core.ErrValidation)
	}
	if len(in.Note) > 1000 {
		return nil, fmt.Errorf("%w: the note is too long (1000 characters at most)", core.ErrValidation)
	}
	amount, currency, err := s.CheckTypedAmount(in.Amount, in.Currency)
	if err != nil {
		return nil, err
	}
	payee, err := s.PayTarget(ctx, in.To)
	if err != nil {
		return nil, err
	}
	if payee.ID == payer.ID {
		return nil, fmt.Errorf("%w: you cannot pay yourself", core.ErrValidation)
	}
	if ok, why := s.CanReceivePayments(ctx, payee); !ok {
		return nil, fmt.Errorf("%w: %s", core.ErrValidation, why)
	}
	if in.ContextURI != "" {
		if st, err := s.store.StatusWithAccountByURI(ctx, in.ContextURI); err != nil || st.AccountID != payee.ID {
			return nil, fmt.Errorf("%w: the post being tipped is not by @%s", core.ErrValidation, payee.Username)
		}
	}
	now := s.clock.Now()
	p := &models.Payment{
		CreatedAt: now, UpdatedAt: now, PayerID: payer.ID, PayeeID: payee.ID,
		Amount: amount, Currency: currency, Note: strings.TrimSpace(in.Note), ContextURI: in.ContextURI,
		ExpiresAt: now.Add(s.pay.cfg.AgreementTTL), State: models.PaymentOffered,
	}
	if in.ConversationID != 0 {
		// Checked before the message is posted, so a refused payment
		// leaves no message behind.
		if err := s.checkDaily(ctx, s.store, payer.ID, 0, amount, currency); err != nil {
			return nil, err
		}
		st, err := s.postPaymentInChat(ctx, payer, payee, p, in.ConversationID)
		if err != nil {
			return nil, err
		}
		p.NoteURI = st.URI
		defer func() {
			if err != nil {
				s.Retract(ctx, payer, st)
			}
		}()
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := s.checkDaily(ctx, tx, payer.ID, 0, amount, currency); err != nil {
			return err
		}
		p.ID = tx.NewID()
		p.OfferURI = s.urls.OfferURI(p.ID)
		p.ReturnURL = s.urls.PaymentPage(p.ID)
		p.ProposalURI = payee.PaymentsURI
		if in.RequestID != 0 {
			if err := s.linkRequest(ctx, tx, p, in.RequestID); err != nil {
				return err
			}
		}
		if payee.IsLocal() {
			if err := s.offerLocal(ctx, tx, p, payer, payee); err != nil {
				return err
			}
			return EmitCard(ctx, tx, p.NoteURI)
		}
		if err := tx.CreatePayment(ctx, p); err != nil {
			return err
		}
		if _, err := s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentOffered, Cause: p.OfferURI, Amount: amount}); err != nil {
			return err
		}
		if err := EmitCard(ctx, tx, p.NoteURI); err != nil {
			return err
		}
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Offer", ID: p.OfferURI, Actor: payer, Payment: s.paymentOut(p, payer, payee)})
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "payment offered", slog.Int64("payment", p.ID), slog.String("payee", payee.URI))
	if in.SendDM && p.Note != "" {
		s.sendPaymentDM(ctx, payer, payee, p)
	}
	return p, nil
}

// offerLocal is a payment between two local accounts: the same checks the
// payee's side makes on an Offer, without the HTTP hops.
func (s *Service) offerLocal(ctx context.Context, tx *store.Store, p *models.Payment, payer, payee *models.Account) error {
	sa, err := s.ChargeableAccount(ctx, tx, payee)
	if err != nil {
		return err
	}
	blocked, err := tx.Blocks(ctx, payee.ID, payer.ID)
	if err != nil {
		return err
	}
	if blocked {
		return fmt.Errorf("%w: @%s does not accept payments from you", core.ErrValidation, payee.Username)
	}
	if err := s.fillAgreement(p, sa); err != nil {
		return err
	}
	if p.RequestID == 0 {
		p.ProposalURI = s.urls.ProposalURI(payee.Username)
	}
	if err := tx.CreatePayment(ctx, p); err != nil {
		return err
	}
	if _, err := s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentOffered, Cause: p.OfferURI, Amount: p.Amount}); err != nil {
		return err
	}
	_, err = s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentAccepted, Cause: p.AgreementURI, Amount: p.Amount})
	return err
}

// fillAgreement makes the payee side's Agreement of p.
func (s *Service) fillAgreement(p *models.Payment, sa *models.StripeAccount) error {
	token, err := core.RandomToken()
	if err != nil {
		return err
	}
	p.PayToken = token
	p.AgreementURI = s.urls.AgreementURI(p.ID)
	p.PayURL = s.urls.PayLink(p.ID, token)
	p.StripeAccountID = sa.StripeAccountID
	return nil
}

func (s *Service) paymentOut(p *models.Payment, payer, payee *models.Account) *models.PaymentOut {
	out := &models.PaymentOut{Payment: p, Payer: payer, Payee: payee, Amount: FormatAmount(p.Amount, p.Currency)}
	if p.ProposalURI != "" {
		out.IntentURI = p.ProposalURI + "#intent"
	}
	if p.AmountRefunded > 0 {
		out.AmountRefunded = FormatAmount(p.AmountRefunded, p.Currency)
	}
	return out
}

// sendPaymentDM sends the payer's note as a direct message, so people on
// any client see it: in the chat of just the two when they have one, else
// as a new direct message. Its link is the payment's public receipt, which
// the payee can open from any server. A failure is logged: the payment
// stands.
func (s *Service) sendPaymentDM(ctx context.Context, payer, payee *models.Account, p *models.Payment) {
	token, err := core.RandomToken()
	if err == nil {
		token, err = s.store.SetReceiptToken(ctx, p.ID, token)
	}
	if err != nil {
		s.log.WarnContext(ctx, "payment note not sent", slog.Int64("payment", p.ID), slog.String("error", err.Error()))
		return
	}
	text := fmt.Sprintf("%s I sent you a payment: %s\nReceipt: %s", core.Handle(payee), p.Note, s.urls.Base()+ReceiptPath(p.ID, token))
	if s.chats != nil {
		if id, cerr := s.chats.ChatWith(ctx, payer, payee); cerr == nil {
			_, err = s.chats.PostInChat(ctx, payer, id, text)
		} else {
			err = s.notes.SendDirect(ctx, payer, text)
		}
	} else {
		err = s.notes.SendDirect(ctx, payer, text)
	}
	if err != nil {
		s.log.WarnContext(ctx, "payment note not sent", slog.Int64("payment", p.ID), slog.String("error", err.Error()))
	}
}

// ReceiptPath is the path of a payment's public receipt.
func ReceiptPath(id int64, token string) string {
	return "/payments/r/" + core.IDString(id) + "/" + token
}

// PublicReceipt returns the payment a receipt link names, for anyone who
// holds the link; core.ErrNotFound for a wrong token.
func (s *Service) PublicReceipt(ctx context.Context, id int64, token string) (*PaymentView, error) {
	p, err := s.store.PaymentByID(ctx, id)
	if err != nil {
		return nil, core.NotFound(err, "payment")
	}
	if p.ReceiptToken == "" || subtle.ConstantTimeCompare([]byte(p.ReceiptToken), []byte(token)) != 1 {
		return nil, fmt.Errorf("%w: payment", core.ErrNotFound)
	}
	return s.paymentView(ctx, nil, p, false)
}

// ---- viewing ---------------------------------------------------------

// PaymentView is a payment with both parties and its log, for its pages.
type PaymentView struct {
	Payment *models.Payment
	Payer   *models.Account
	Payee   *models.Account
	Events  []models.PaymentEvent
	// Amount and Refunded are formatted decimals.
	Amount   string
	Refunded string
	// Sent is true when the viewer is the payer.
	Sent bool
}

// Payment returns a payment its payer or payee may see; to anyone else it
// does not exist (amounts are never public).
func (s *Service) Payment(ctx context.Context, viewer *models.Account, id int64) (*PaymentView, error) {
	p, err := s.store.PaymentByID(ctx, id)
	if err != nil {
		return nil, core.NotFound(err, "payment")
	}
	if viewer == nil || (p.PayerID != viewer.ID && p.PayeeID != viewer.ID) {
		return nil, fmt.Errorf("%w: payment", core.ErrNotFound)
	}
	return s.paymentView(ctx, viewer, p, true)
}

func (s *Service) paymentView(ctx context.Context, viewer *models.Account, p *models.Payment, withEvents bool) (*PaymentView, error) {
	accts, err := s.store.AccountsByIDs(ctx, []int64{p.PayerID, p.PayeeID})
	if err != nil {
		return nil, err
	}
	v := &PaymentView{Payment: p, Payer: accts[p.PayerID], Payee: accts[p.PayeeID], Amount: FormatAmount(p.Amount, p.Currency),
		Refunded: FormatAmount(p.AmountRefunded, p.Currency), Sent: viewer != nil && p.PayerID == viewer.ID}
	if v.Payer == nil || v.Payee == nil {
		return nil, fmt.Errorf("%w: payment", core.ErrNotFound)
	}
	if withEvents {
		events, err := s.store.PaymentEvents(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		// The history shows what happened, not what was refused (a late
		// Reject, a stale webhook).
		_, _, applied := deriveState(events)
		for i, e := range events {
			if applied[i] {
				v.Events = append(v.Events, e)
			}
		}
	}
	return v, nil
}

// PaymentFilter narrows a history.
type PaymentFilter struct {
	Role     string // sent, received or ""
	State    string
	Currency string
}

// Payments lists the payments viewer made or received, newest first.
func (s *Service) Payments(ctx context.Context, viewer *models.Account, f PaymentFilter) ([]*PaymentView, error) {
	switch f.Role {
	case "", "sent", "received":
	default:
		return nil, fmt.Errorf("%w: unknown filter %q", core.ErrValidation, f.Role)
	}
	if _, ok := paymentTransitions[models.PaymentState(f.State)]; f.State != "" && !ok {
		return nil, fmt.Errorf("%w: unknown state %q", core.ErrValidation, f.State)
	}
	list, err := s.store.PaymentsOf(ctx, store.PaymentFilter{AccountID: viewer.ID, Role: f.Role, State: models.PaymentState(f.State), Currency: strings.ToUpper(f.Currency)})
	if err != nil {
		return nil, err
	}
	out := make([]*PaymentView, 0, len(list))
	for i := range list {
		v, err := s.paymentView(ctx, viewer, &list[i], false)
		if err != nil {
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

// PaymentStates lists every state, for filters.
func PaymentStates() []models.PaymentState {
	return []models.PaymentState{models.PaymentOffered, models.PaymentAccepted, models.PaymentRejected, models.PaymentCheckoutOpen,
		models.PaymentSucceeded, models.PaymentRefunded, models.PaymentPartiallyRefunded, models.PaymentDisputed,
		models.PaymentFailed, models.PaymentExpired}
}

// ---- paying (payee side: checkout, webhook, refund) ----------------------

// OpenCheckout is the pay link: it checks the agreement and returns the
// Stripe Checkout URL to send the payer's browser to.
func (s *Service) OpenCheckout(ctx context.Context, id int64, token string) (string, error) {
	if !s.PaymentsEnabled() {
		return "", fmt.Errorf("%w: payment", core.ErrNotFound)
	}
	p, err := s.store.PaymentByID(ctx, id)
	if err != nil || p.PayToken == "" || subtle.ConstantTimeCompare([]byte(p.PayToken), []byte(token)) != 1 {
		return "", fmt.Errorf("%w: payment", core.ErrNotFound)
	}
	if p.RequestID != 0 && s.requests != nil && !MoneyMoved(p.State) {
		if err := s.requests.Payable(ctx, p.RequestID); err != nil {
			return "", err
		}
	}
	switch p.State {
	case models.PaymentAccepted, models.PaymentCheckoutOpen:
	case models.PaymentExpired:
		return "", fmt.Errorf("%w: this payment agreement has expired; start a new payment", ErrExpired)
	case models.PaymentSucceeded, models.PaymentRefunded, models.PaymentPartiallyRefunded, models.PaymentDisputed:
		return "", fmt.Errorf("%w: this payment has already been made", core.ErrConflict)
	default:
		return "", fmt.Errorf("%w: this payment cannot be paid (%s)", core.ErrConflict, p.State)
	}
	now := s.clock.Now()
	if now.After(p.ExpiresAt) {
		err := s.store.WithTx(ctx, func(tx *store.Store) error {
			p, err := tx.PaymentByIDForUpdate(ctx, id)
			if err != nil {
				return err
			}
			changed, err := s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentExpired, Cause: "expiry:" + p.AgreementURI, Amount: p.Amount})
			if err != nil || !changed {
				return err
			}
			return s.afterStateChange(ctx, tx, p)
		})
		if err != nil {
			return "", err
		}
		return "", fmt.Errorf("%w: this payment agreement has expired; start a new payment", ErrExpired)
	}
	if p.State == models.PaymentCheckoutOpen && p.CheckoutURL != "" {
		return p.CheckoutURL, nil // one session per agreement
	}
	payee, err := s.store.AccountByID(ctx, p.PayeeID)
	if err != nil {
		return "", err
	}
	ret := p.ReturnURL
	if ret == "" {
		ret = s.urls.PaymentPage(p.ID)
	}
	sess, err := s.pay.provider.CreateCheckout(ctx, models.CheckoutRequest{
		PaymentID: p.ID, StripeAccountID: p.StripeAccountID, Amount: p.Amount, Currency: p.Currency,
		Description: "Payment to @" + payee.Username + " on " + s.cfg.Host, SuccessURL: ret, CancelURL: ret, ExpiresAt: p.ExpiresAt,
	})
	if err != nil {
		return "", fmt.Errorf("open checkout: %w", err)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		p, err := tx.PaymentByIDForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if p.CheckoutSessionID == "" {
			p.CheckoutSessionID, p.CheckoutURL = sess.ID, sess.URL
		}
		_, err = s.record(ctx, tx, p, models.PaymentEvent{State: models.PaymentCheckoutOpen, Cause: "checkout:" + sess.ID, Amount: p.Amount})
		return err
	})
	if err != nil {
		return "", err
	}
	return sess.URL, nil
}

// HandleStripeWebhook applies a Stripe webhook: verified on its raw body,
// one effect per event id, and only ever moving a payment forward, so
// retries and out-of-order deliveries change nothing. A bad signature or
// stale timestamp is core.ErrValidation.
func (s *Service) HandleStripeWebhook(ctx context.Context, body []byte, signature string) error {
	if !s.PaymentsEnabled() {
		return fmt.Errorf("%w: payments", core.ErrNotFound)
	}
	ev, err := s.pay.provider.ParseWebhook(body, signature)
	if err != nil {
		return fmt.Errorf("%w: %w", core.ErrValidation, err)
	}
	return s.store.WithTx(ctx, func(tx *store.Store) error {
		fresh, err := tx.RecordWebhookEvent(ctx, &models.WebhookEvent{EventID: ev.ID, Type: ev.Type, ReceivedAt: s.clock.Now()})
		if err != nil || !fresh {
			return err
		}
		if s.billing != nil {
			if handled, err := s.billing(ctx, tx, ev); handled || err != nil {
				return err
			}
		}
		if ev.Type == "account.updated" {
			sa, err := tx.StripeAccountByStripeID(ctx, ev.StripeAccountID)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			return s.setAccountStatus(ctx, tx, sa, ev.ChargesEnabled, ev.DetailsSubmitted)
		}
		if ev.State == "" {
			return nil
		}
		p, err := s.webhookPayment(ctx, tx, ev)
		if err != nil || p == nil {
			return err
		}
		if ev.StripeAccountID != "" && ev.StripeAccountID != p.StripeAccountID {
			s.log.WarnContext(ctx, "webhook for another account ignored", slog.String("event", ev.ID))
			return nil
		}
		if ev.State == models.PaymentSucceeded && ev.Amount != 0 && ev.Amount != p.Amount {
			s.log.WarnContext(ctx, "webhook amount differs from the agreement", slog.String("event", ev.ID), slog.Int64("payment", p.ID))
			return nil
		}
		if p.PaymentIntentID == "" && ev.PaymentIntentID != "" {
			p.PaymentIntentID = ev.PaymentIntentID
		}
		amount := p.Amount
		if isRefundState(ev.State) {
			if ev.AmountRefunded > p.Amount {
				s.log.WarnContext(ctx, "webhook refunds more than the agreement", slog.String("event", ev.ID), slog.Int64("payment", p.ID))
				return nil
			}
			amount = ev.AmountRefunded
		}
		changed, err := s.record(ctx, tx, p, models.PaymentEvent{State: ev.State, Cause: "stripe:" + ev.ID, Amount: amount, OccurredAt: ev.Created, Detail: ev.Type})
		if err != nil || !changed {
			return err
		}
		return s.afterStateChange(ctx, tx, p)
	})
}

func (s *Service) webhookPayment(ctx context.Context, tx *store.Store, ev *models.ProviderEvent) (*models.Payment, error) {
	var p *models.Payment
	var err error
	if id, perr := strconv.ParseInt(ev.PaymentRef, 10, 64); perr == nil {
		p, err = tx.PaymentByIDForUpdate(ctx, id)
	} else if ev.PaymentIntentID != "" {
		p, err = tx.PaymentByPaymentIntent(ctx, ev.PaymentIntentID)
	} else {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && p.PayToken == "") {
		s.log.InfoContext(ctx, "webhook for an unknown payment ignored", slog.String("event", ev.ID))
		return nil, nil
	}
	return p, err
}

// afterStateChange tells both parties and, for a remote payer, sends the
// receipt (Create the first time, Update afterwards).
func (s *Service) afterStateChange(ctx context.Context, tx *store.Store, p *models.Payment) error {
	if s.hook != nil {
		if err := s.hook(ctx, tx, p); err != nil {
			return err
		}
	}
	switch p.State {
	case models.PaymentSucceeded, models.PaymentRefunded, models.PaymentPartiallyRefunded,
		models.PaymentDisputed, models.PaymentFailed, models.PaymentExpired:
	default:
		return nil
	}
	accts, err := tx.AccountsByIDs(ctx, []int64{p.PayerID, p.PayeeID})
	if err != nil {
		return err
	}
	payer, payee := accts[p.PayerID], accts[p.PayeeID]
	if payer == nil || payee == nil {
		return fmt.Errorf("payment %d: party gone", p.ID)
	}
	statusID := LocalStatusID(ctx, tx, p.NoteURI)
	subj := core.PaymentSubject{PaymentID: p.ID, State: string(p.State)}
	if err := s.core.NotifyPayment(ctx, tx, payee, payer.ID, statusID, subj); err != nil {
		return err
	}
	if payer.IsLocal() {
		return s.core.NotifyPayment(ctx, tx, payer, payee.ID, statusID, subj)
	}
	if p.Guest {
		return nil // paid on the public pay page: the payer's server knows nothing of it
	}
	updated := s.clock.Now()
	if p.ReceiptUpdatedAt != nil && !updated.After(*p.ReceiptUpdatedAt) {
		updated = p.ReceiptUpdatedAt.Add(time.Millisecond)
	}
	typ := "Update"
	if p.ReceiptUpdatedAt == nil {
		typ = "Create"
	}
	p.ReceiptUpdatedAt = &updated
	if err := tx.SavePayment(ctx, p); err != nil {
		return err
	}
	out := s.paymentOut(p, payer, payee)
	out.ReceiptURI, out.Updated = s.urls.ReceiptURI(p.ID), updated
	id := out.ReceiptURI + "/" + strings.ToLower(typ) + "/" + strconv.FormatInt(updated.UnixMilli(), 10)
	return s.core.Publish(ctx, tx, &models.Outgoing{Type: typ, ID: id, Actor: payee, Payment: out})
}

// RefundPayment gives (part of) a payment back; only its payee may. An
// empty amount refunds what is left. The refund is reserved first, under a
// lock on the payment, so concurrent requests can never refund more than
// was paid; then the provider is called once, outside any transaction, with
// the refund's own id as idempotency key; then the result is recorded.
func (s *Service) RefundPayment(ctx context.Context, payee *models.Account, id int64, amount string) (*models.Payment, error) {
	if !s.PaymentsEnabled() {
		return nil, fmt.Errorf("%w: payment", core.ErrNotFound)
	}
	r, p, err := s.reserveRefund(ctx, payee, id, amount)
	if err != nil {
		return nil, err
	}
	providerID, err := s.pay.provider.Refund(ctx, models.RefundRequest{RefundID: r.ID, PaymentID: p.ID,
		StripeAccountID: p.StripeAccountID, PaymentIntentID: p.PaymentIntentID, Amount: r.Amount})
	if err != nil {
		// The reservation is released. Had Stripe refunded after all, a
		// retry is refused by Stripe (nothing left on the charge) and its
		// charge.refunded webhook brings the ledger up to date.
		if ferr := s.failRefund(ctx, r); ferr != nil {
			s.log.ErrorContext(ctx, "refund not released", slog.Int64("refund", r.ID), slog.Any("error", ferr))
		}
		return nil, fmt.Errorf("refund: %w", err)
	}
	return s.completeRefund(ctx, r, providerID)
}

// reserveRefund checks what may still be refunded and records the refund
// as pending, under a row lock on the payment.
func (s *Service) reserveRefund(ctx context.Context, payee *models.Account, id int64, amount string) (*models.PaymentRefund, *models.Payment, error) {
	var r *models.PaymentRefund
	var p *models.Payment
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		p, err = tx.PaymentByIDForUpdate(ctx, id)
		if err != nil || p.PayeeID != payee.ID || p.PayToken == "" {
			return fmt.Errorf("%w: payment", core.ErrNotFound)
		}
		switch p.State {
		case models.PaymentSucceeded, models.PaymentPartiallyRefunded:
		case models.PaymentRefunded:
			return fmt.Errorf("%w: this payment has been refunded in full already", core.ErrConflict)
		default:
			return fmt.Errorf("%w: only a succeeded payment can be refunded (this one is %s)", core.ErrValidation, p.State)
		}
		if p.PaymentIntentID == "" {
			return fmt.Errorf("%w: the payment has no Stripe charge to refund yet", core.ErrValidation)
		}
		left, pending, err := s.refundable(ctx, tx, p)
		if err != nil {
			return err
		}
		if left <= 0 && pending > 0 {
			return fmt.Errorf("%w: a refund of this payment is already in progress; nothing more can be refunded", core.ErrConflict)
		}
		if left <= 0 {
			return fmt.Errorf("%w: this payment has been refunded in full already", core.ErrConflict)
		}
		n := left
		if strings.TrimSpace(amount) != "" {
			if n, err = ParseTypedAmount(amount, p.Currency); err != nil {
				return err
			}
			if n > left {
				return fmt.Errorf("%w: at most %s %s can be refunded", core.ErrValidation, FormatAmount(left, p.Currency), p.Currency)
			}
		}
		now := s.clock.Now()
		r = &models.PaymentRefund{ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, PaymentID: p.ID, Amount: n, State: models.RefundPending}
		return tx.CreatePaymentRefund(ctx, r)
	})
	return r, p, err
}

// refundable is what may still be refunded of p, and how much of it is
// held by refunds in progress. What Stripe reports refunded (the ledger)
// and what this instance refunded itself are each a lower bound of the
// truth; pending refunds come on top.
func (s *Service) refundable(ctx context.Context, tx *store.Store, p *models.Payment) (left, pending int64, err error) {
	pending, err = tx.SumPaymentRefunds(ctx, p.ID, models.RefundPending)
	if err != nil {
		return 0, 0, err
	}
	done, err := tx.SumPaymentRefunds(ctx, p.ID, models.RefundSucceeded)
	if err != nil {
		return 0, 0, err
	}
	return p.Amount - max(p.AmountRefunded, done) - pending, pending, nil
}

func (s *Service) failRefund(ctx context.Context, r *models.PaymentRefund) error {
	r.State, r.UpdatedAt = models.RefundFailed, s.clock.Now()
	return s.store.SavePaymentRefund(ctx, r)
}

// completeRefund records a refund the provider made. The ledger's amount is
// what this instance has refunded in all, never more than the payment.
func (s *Service) completeRefund(ctx context.Context, r *models.PaymentRefund, providerID string) (*models.Payment, error) {
	var p *models.Payment
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		if p, err = tx.PaymentByIDForUpdate(ctx, r.PaymentID); err != nil {
			return err
		}
		r.State, r.ProviderRefundID, r.UpdatedAt = models.RefundSucceeded, providerID, s.clock.Now()
		if err := tx.SavePaymentRefund(ctx, r); err != nil {
			return err
		}
		total, err := tx.SumPaymentRefunds(ctx, p.ID, models.RefundSucceeded)
		if err != nil {
			return err
		}
		state := models.PaymentPartiallyRefunded
		if total >= p.Amount {
			state, total = models.PaymentRefunded, p.Amount
		}
		changed, err := s.record(ctx, tx, p, models.PaymentEvent{State: state, Cause: "refund:" + core.IDString(r.ID), Amount: total, Detail: "refund by payee"})
		if err != nil || !changed {
			return err
		}
		return s.afterStateChange(ctx, tx, p)
	})
	return p, err
}

// OAuth scopes of the payment pages. Reading needs read:payments, which
// read grants; paying, refunding and connecting Stripe need write:payments,
// which write grants — a read-only token can never move money.
const (
	ScopeReadPayments  = "read:payments"
	ScopeWritePayments = "write:payments"
)

// TokenGrants reports whether one of tok's scopes grants want (equal, or
// its parent: write grants write:payments).
func TokenGrants(tok *models.Token, want string) bool {
	for _, g := range strings.Fields(tok.Scopes) {
		if accounts.ScopeGrants(g, want) {
			return true
		}
	}
	return false
}
