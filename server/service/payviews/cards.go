package payviews

import (
	"context"
	"fmt"
	"slices"
	"time"

	"plaza/models"
	"plaza/server/service/payments"
	"plaza/server/service/requests"
)

// Card kinds.
const (
	CardPayment = "payment" // money sent from the chat
	CardRequest = "request" // one member asked for money
	CardSplit   = "split"   // a bill split between members
)

// Card states: what a card says, whatever is behind it.
const (
	CardOffered           = "offered"
	CardAwaitingPayment   = "awaiting_payment"
	CardPaid              = "paid"
	CardPartiallyRefunded = "partially_refunded"
	CardRefunded          = "refunded"
	CardFailed            = "failed"
	CardExpired           = "expired"
	CardCancelled         = "cancelled"
	CardDeclined          = "declined"
	CardDisputed          = "disputed"
	// CardSettled is a split with nothing left open and something paid.
	CardSettled = "settled"
)

// Card actions: what the viewer may do, each a form of pay_card.html.
const (
	ActionPay     = "pay"
	ActionDecline = "decline"
	ActionCancel  = "cancel"
	ActionRemind  = "remind"
)

// ChatCard is what a chat message carrying money shows to one viewer.
type ChatCard struct {
	StatusID int64
	Kind     string
	State    string
	// StateLabel is State in words.
	StateLabel string
	// Amount is the formatted decimal ("10.00"): a payment's or request's
	// amount, a split's total.
	Amount   string
	Currency string
	// PayAmount is what the viewer would pay: the amount, or on a split
	// their own share.
	PayAmount string
	Note      string
	// From is who gets the money (payee, requester), To who pays.
	From *models.Account
	To   *models.Account
	// Mine is true when the viewer gets the money.
	Mine bool
	// RequestID and SplitID are what the action forms post; PaymentID the
	// payment behind a payment card or a paid request.
	RequestID int64
	SplitID   int64
	PaymentID int64
	// PaymentPage is the viewer's page of the payment ("" when none).
	PaymentPage string
	// PayURL is the public pay page of a request (requester's host).
	PayURL    string
	ExpiresAt time.Time
	Actions   []string
	// Splits: each member's share, and the sums.
	Shares    []CardShare
	Collected string
	Left      string
	PaidCount int
	// SplitTotal is the bill the requester split (their own share
	// included), where it is known (the requester's instance).
	SplitTotal string
}

// CardShare is one member's part of a split.
type CardShare struct {
	Account    *models.Account
	Amount     string
	State      string
	StateLabel string
	RequestID  int64
}

// Can reports whether the viewer may take an action (for templates).
func (c *ChatCard) Can(action string) bool { return slices.Contains(c.Actions, action) }

// CardLabel is a card state in words.
func CardLabel(state string) string {
	switch state {
	case CardOffered:
		return "Offered"
	case CardAwaitingPayment:
		return "Awaiting payment"
	case CardPaid:
		return "Paid"
	case CardPartiallyRefunded:
		return "Partially refunded"
	case CardRefunded:
		return "Refunded"
	case CardFailed:
		return "Failed"
	case CardExpired:
		return "Expired"
	case CardCancelled:
		return "Cancelled"
	case CardDeclined:
		return "Declined"
	case CardDisputed:
		return "Disputed"
	case CardSettled:
		return "Settled"
	}
	return state
}

// paymentCardState is the card state of a payment.
func paymentCardState(p *models.Payment) string {
	switch p.State {
	case models.PaymentOffered:
		return CardOffered
	case models.PaymentAccepted, models.PaymentCheckoutOpen:
		return CardAwaitingPayment
	case models.PaymentSucceeded:
		return CardPaid
	case models.PaymentPartiallyRefunded:
		return CardPartiallyRefunded
	case models.PaymentRefunded:
		return CardRefunded
	case models.PaymentDisputed:
		return CardDisputed
	case models.PaymentExpired:
		return CardExpired
	}
	return CardFailed // failed, rejected
}

// requestCardState is the card state of a request: its payment's once
// money moved (so refunds show), else the request's own.
func requestCardState(r *models.PaymentRequest, p *models.Payment, now time.Time) string {
	if p != nil && payments.MoneyMoved(p.State) {
		return paymentCardState(p)
	}
	switch requests.RequestStateAt(r, now) {
	case models.RequestPaid:
		return CardPaid
	case models.RequestCancelled:
		return CardCancelled
	case models.RequestDeclined:
		return CardDeclined
	case models.RequestExpired:
		return CardExpired
	}
	return CardAwaitingPayment
}

// CardsForStatuses returns the cards of those chat messages that carry a
// payment, a request or a split, as viewer sees them: keyed by status id,
// with no entry for a message without money or one viewer has no part in.
// Amounts are only ever shown to the people involved (for a split, the
// chat's members).
func (s *Service) CardsForStatuses(ctx context.Context, viewer *models.Account, statusIDs []int64) (map[int64]*ChatCard, error) {
	out := map[int64]*ChatCard{}
	if viewer == nil || len(statusIDs) == 0 {
		return out, nil
	}
	statuses, err := s.store.StatusesByIDs(ctx, statusIDs)
	if err != nil {
		return nil, fmt.Errorf("cards: %w", err)
	}
	byURI := map[string]int64{}
	var uris []string
	for id, st := range statuses {
		byURI[st.URI] = id
		uris = append(uris, st.URI)
	}
	reqs, err := s.store.PaymentRequestsByNotes(ctx, uris)
	if err != nil {
		return nil, fmt.Errorf("cards: %w", err)
	}
	pays, err := s.store.PaymentsByNotes(ctx, uris)
	if err != nil {
		return nil, fmt.Errorf("cards: %w", err)
	}
	var acctIDs, payIDs []int64
	for _, r := range reqs {
		acctIDs = append(acctIDs, r.RequesterID, r.PayerID)
		if r.PaymentID != 0 {
			payIDs = append(payIDs, r.PaymentID)
		}
	}
	for _, p := range pays {
		acctIDs = append(acctIDs, p.PayerID, p.PayeeID)
	}
	accts, err := s.store.AccountsByIDs(ctx, acctIDs)
	if err != nil {
		return nil, fmt.Errorf("cards: %w", err)
	}
	reqPays, err := s.store.PaymentsByIDs(ctx, payIDs)
	if err != nil {
		return nil, fmt.Errorf("cards: %w", err)
	}
	splits, err := s.store.PaymentSplitsByNotes(ctx, uris)
	if err != nil {
		return nil, fmt.Errorf("cards: %w", err)
	}
	totals := map[int64]string{}
	for _, sp := range splits {
		totals[sp.ID] = payments.FormatAmount(sp.Total, sp.Currency)
	}
	now := s.clock.Now()
	for i := range pays {
		p := &pays[i]
		if p.PayerID != viewer.ID && p.PayeeID != viewer.ID {
			continue
		}
		out[byURI[p.NoteURI]] = s.paymentCard(viewer, p, accts, byURI[p.NoteURI])
	}
	groups := map[string][]*models.PaymentRequest{}
	var order []string
	for i := range reqs {
		r := &reqs[i]
		if _, ok := groups[r.NoteURI]; !ok {
			order = append(order, r.NoteURI)
		}
		groups[r.NoteURI] = append(groups[r.NoteURI], r)
	}
	for _, uri := range order {
		list := groups[uri]
		id := byURI[uri]
		var card *ChatCard
		if list[0].SplitID != 0 {
			if card = s.splitCard(viewer, list, accts, reqPays, now); card != nil {
				card.SplitTotal = totals[list[0].SplitID]
			}
		} else {
			card = s.requestCard(viewer, list[0], accts, reqPays[list[0].PaymentID], now)
		}
		if card != nil {
			card.StatusID = id
			out[id] = card
		}
	}
	return out, nil
}

func (s *Service) paymentCard(viewer *models.Account, p *models.Payment, accts map[int64]*models.Account, statusID int64) *ChatCard {
	c := &ChatCard{StatusID: statusID, Kind: CardPayment, State: paymentCardState(p), Amount: payments.FormatAmount(p.Amount, p.Currency),
		Currency: p.Currency, Note: p.Note, From: accts[p.PayeeID], To: accts[p.PayerID], Mine: p.PayeeID == viewer.ID,
		PaymentID: p.ID, PaymentPage: "/payments/p/" + fmt.Sprint(p.ID), ExpiresAt: p.ExpiresAt}
	if p.PayerID == viewer.ID && (p.State == models.PaymentAccepted || p.State == models.PaymentCheckoutOpen) {
		c.Actions = append(c.Actions, ActionPay)
	}
	c.PayAmount = c.Amount
	c.StateLabel = CardLabel(c.State)
	return c
}

func (s *Service) requestCard(viewer *models.Account, r *models.PaymentRequest, accts map[int64]*models.Account, p *models.Payment, now time.Time) *ChatCard {
	if r.PayerID != viewer.ID && r.RequesterID != viewer.ID {
		return nil
	}
	c := &ChatCard{Kind: CardRequest, State: requestCardState(r, p, now), Amount: payments.FormatAmount(r.Amount, r.Currency),
		Currency: r.Currency, Note: r.Note, From: accts[r.RequesterID], To: accts[r.PayerID], Mine: r.RequesterID == viewer.ID,
		RequestID: r.ID, PayURL: r.PayURL, ExpiresAt: r.ExpiresAt}
	if p != nil {
		c.PaymentID, c.PaymentPage = p.ID, "/payments/p/"+fmt.Sprint(p.ID)
	}
	c.PayAmount = c.Amount
	if c.State == CardAwaitingPayment {
		if r.PayerID == viewer.ID {
			c.Actions = append(c.Actions, ActionPay, ActionDecline)
		}
		if r.RequesterID == viewer.ID && viewer.IsLocal() {
			c.Actions = append(c.Actions, ActionCancel, ActionRemind)
		}
	}
	c.StateLabel = CardLabel(c.State)
	return c
}

// splitCard shows a split: to its requester every share; to a payer their
// own share's actions and the split's progress.
func (s *Service) splitCard(viewer *models.Account, list []*models.PaymentRequest, accts map[int64]*models.Account, pays map[int64]*models.Payment, now time.Time) *ChatCard {
	first := list[0]
	c := &ChatCard{Kind: CardSplit, Currency: first.Currency, Note: first.Note, From: accts[first.RequesterID],
		Mine: first.RequesterID == viewer.ID, SplitID: first.SplitID, ExpiresAt: first.ExpiresAt}
	var total, collected, open int64
	involved := c.Mine
	for _, r := range list {
		st := requestCardState(r, pays[r.PaymentID], now)
		total += r.Amount
		switch st {
		case CardPaid, CardDisputed:
			collected += r.Amount
			c.PaidCount++
		case CardPartiallyRefunded:
			p := pays[r.PaymentID]
			collected += r.Amount - p.AmountRefunded
			c.PaidCount++
		case CardRefunded:
			c.PaidCount++
		case CardAwaitingPayment:
			open += r.Amount
		}
		c.Shares = append(c.Shares, CardShare{Account: accts[r.PayerID], Amount: payments.FormatAmount(r.Amount, r.Currency), State: st, StateLabel: CardLabel(st), RequestID: r.ID})
		if r.PayerID == viewer.ID {
			involved = true
			c.To, c.RequestID, c.PayURL, c.PayAmount = accts[r.PayerID], r.ID, r.PayURL, payments.FormatAmount(r.Amount, r.Currency)
			if p := pays[r.PaymentID]; p != nil {
				c.PaymentID, c.PaymentPage = p.ID, "/payments/p/"+fmt.Sprint(p.ID)
			}
			if st == CardAwaitingPayment {
				c.Actions = append(c.Actions, ActionPay, ActionDecline)
			}
		}
	}
	if !involved {
		return nil
	}
	c.Amount = payments.FormatAmount(total, first.Currency)
	c.Collected, c.Left = payments.FormatAmount(collected, first.Currency), payments.FormatAmount(open, first.Currency)
	switch {
	case open > 0:
		c.State = CardAwaitingPayment
		if c.Mine && viewer.IsLocal() {
			c.Actions = append(c.Actions, ActionCancel, ActionRemind)
		}
	case c.PaidCount > 0 && collected == 0:
		c.State = CardRefunded
	case c.PaidCount > 0:
		c.State = CardSettled
	default:
		c.State = CardCancelled
	}
	c.StateLabel = CardLabel(c.State)
	return c
}
