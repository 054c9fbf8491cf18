package payviews

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
	"plaza/server/service/requests"
)

// HistoryFilter narrows a history of payments and requests. Person is a
// handle, ConversationID a chat of the viewer, State a payment or request
// state, Month "2006-01".
type HistoryFilter struct {
	// Role "sent" or "received" keeps only payments made or received.
	Role           string
	Person         string
	ConversationID int64
	State          string
	Month          string
	Currency       string
}

// HistoryRow is one payment or request of a history, as its viewer sees it.
type HistoryRow struct {
	Kind        string // "payment" or "request"
	At          time.Time
	Counterpart *models.Account
	// Direction: a payment "sent" or "received"; a request "requested"
	// (the viewer asked) or "asked" (the viewer was asked).
	Direction  string
	Amount     string
	Currency   string
	State      string
	StateLabel string
	Note       string
	// ChatContext is the chat the row belongs to ("" when none);
	// ConversationID its id for the viewer (0 when unknown here).
	ChatContext    string
	ConversationID int64
	PaymentID      int64
	RequestID      int64
}

// MonthTotal is what the viewer paid and was paid in one month and
// currency: succeeded payments, less what was refunded.
type MonthTotal struct {
	Month    string
	Currency string
	Sent     string
	Received string
}

// History is the viewer's payments and requests, newest first, with their
// monthly totals.
type History struct {
	Rows   []HistoryRow
	Totals []MonthTotal
}

// historyLimit bounds each of the two lists a history reads.
const historyLimit = 1000

// History lists every payment and request of the viewer matching f.
func (s *Service) History(ctx context.Context, viewer *models.Account, f HistoryFilter) (*History, error) {
	switch f.Role {
	case "", "sent", "received":
	default:
		return nil, fmt.Errorf("%w: unknown filter %q", core.ErrValidation, f.Role)
	}
	pf := store.PaymentFilter{AccountID: viewer.ID, Role: f.Role, Currency: strings.ToUpper(strings.TrimSpace(f.Currency)), Limit: historyLimit}
	rf := store.RequestFilter{AccountID: viewer.ID}
	if f.Person != "" {
		user, host := core.SplitHandle(f.Person)
		a, err := s.core.ResolveHandle(ctx, user, host)
		if err != nil || a == nil {
			return nil, fmt.Errorf("%w: no account %s is known here", core.ErrValidation, f.Person)
		}
		pf.CounterpartID, rf.CounterpartID = a.ID, a.ID
	}
	if f.ConversationID != 0 {
		if _, err := s.store.AccountConversation(ctx, viewer.ID, f.ConversationID); err != nil {
			return nil, fmt.Errorf("%w: chat", core.ErrNotFound)
		}
		conv, err := s.store.ConversationByID(ctx, f.ConversationID)
		if err != nil {
			return nil, core.NotFound(err, "chat")
		}
		pf.ChatContext, rf.ContextURI = conv.ContextURI, conv.ContextURI
	}
	if f.Month != "" {
		start, err := time.Parse("2006-01", f.Month)
		if err != nil {
			return nil, fmt.Errorf("%w: the month is written like 2026-12", core.ErrValidation)
		}
		pf.From, pf.Until = start, start.AddDate(0, 1, 0)
		rf.From, rf.Until = pf.From, pf.Until
	}
	wantPayments, wantRequests := true, true
	if f.State != "" {
		isPayment := payments.IsPaymentState(f.State)
		isRequest := slices.Contains([]models.RequestState{models.RequestOpen, models.RequestPaid, models.RequestDeclined, models.RequestCancelled, models.RequestExpired}, models.RequestState(f.State))
		if !isPayment && !isRequest {
			return nil, fmt.Errorf("%w: unknown state %q", core.ErrValidation, f.State)
		}
		wantPayments, wantRequests = isPayment, isRequest
		pf.State = models.PaymentState(f.State) // a request's is derived (expiry): filtered below
	}
	if f.Role != "" {
		wantRequests = false
	}
	var pays []models.Payment
	var reqs []models.PaymentRequest
	var err error
	if wantPayments {
		if pays, err = s.store.PaymentsOf(ctx, pf); err != nil {
			return nil, err
		}
	}
	if wantRequests {
		rf.Currency = pf.Currency
		if reqs, err = s.store.PaymentRequestsOf(ctx, rf); err != nil {
			return nil, err
		}
		if f.State != "" {
			now := s.clock.Now()
			reqs = slices.DeleteFunc(reqs, func(r models.PaymentRequest) bool { return string(requests.RequestStateAt(&r, now)) != f.State })
		}
	}
	return s.historyOf(ctx, viewer, pays, reqs)
}

func (s *Service) historyOf(ctx context.Context, viewer *models.Account, pays []models.Payment, reqs []models.PaymentRequest) (*History, error) {
	var ids []int64
	for _, p := range pays {
		ids = append(ids, p.PayerID, p.PayeeID)
	}
	for _, r := range reqs {
		ids = append(ids, r.PayerID, r.RequesterID)
	}
	accts, err := s.store.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	chats, err := s.chatsOf(ctx, viewer, pays, reqs)
	if err != nil {
		return nil, err
	}
	h := &History{}
	type key struct{ month, currency string }
	sent, received := map[key]int64{}, map[key]int64{}
	var keys []key
	for i := range pays {
		p := &pays[i]
		row := HistoryRow{Kind: "payment", At: p.CreatedAt, Direction: "sent", Counterpart: accts[p.PayeeID], Amount: payments.FormatAmount(p.Amount, p.Currency),
			Currency: p.Currency, State: string(p.State), StateLabel: CardLabel(paymentCardState(p)), Note: p.Note, PaymentID: p.ID, RequestID: p.RequestID}
		if p.PayeeID == viewer.ID {
			row.Direction, row.Counterpart = "received", accts[p.PayerID]
		}
		row.ChatContext = chats.payment[p.ID]
		row.ConversationID = chats.conv[row.ChatContext]
		h.Rows = append(h.Rows, row)
		if payments.MoneyMoved(p.State) {
			k := key{p.CreatedAt.UTC().Format("2006-01"), p.Currency}
			if _, ok := sent[k]; !ok {
				if _, ok := received[k]; !ok {
					keys = append(keys, k)
				}
			}
			net := p.Amount - p.AmountRefunded
			if row.Direction == "sent" {
				sent[k] += net
			} else {
				received[k] += net
			}
		}
	}
	now := s.clock.Now()
	for i := range reqs {
		r := &reqs[i]
		st := requests.RequestStateAt(r, now)
		row := HistoryRow{Kind: "request", At: r.CreatedAt, Direction: "requested", Counterpart: accts[r.PayerID], Amount: payments.FormatAmount(r.Amount, r.Currency),
			Currency: r.Currency, State: string(st), StateLabel: CardLabel(requestCardState(r, nil, now)), Note: r.Note, RequestID: r.ID, PaymentID: r.PaymentID,
			ChatContext: r.ContextURI, ConversationID: chats.conv[r.ContextURI]}
		if r.PayerID == viewer.ID {
			row.Direction, row.Counterpart = "asked", accts[r.RequesterID]
		}
		h.Rows = append(h.Rows, row)
	}
	slices.SortStableFunc(h.Rows, func(a, b HistoryRow) int { return b.At.Compare(a.At) })
	slices.SortFunc(keys, func(a, b key) int {
		if c := strings.Compare(b.month, a.month); c != 0 {
			return c
		}
		return strings.Compare(a.currency, b.currency)
	})
	for _, k := range keys {
		h.Totals = append(h.Totals, MonthTotal{Month: k.month, Currency: k.currency, Sent: payments.FormatAmount(sent[k], k.currency), Received: payments.FormatAmount(received[k], k.currency)})
	}
	return h, nil
}

// historyChats maps payments to their chat's context, and contexts to the
// viewer's conversation ids.
type historyChats struct {
	payment map[int64]string
	conv    map[string]int64
}

func (s *Service) chatsOf(ctx context.Context, viewer *models.Account, pays []models.Payment, reqs []models.PaymentRequest) (historyChats, error) {
	out := historyChats{payment: map[int64]string{}, conv: map[string]int64{}}
	reqContext := map[int64]string{}
	for _, r := range reqs {
		reqContext[r.ID] = r.ContextURI
	}
	var contexts []string
	for _, p := range pays {
		c := reqContext[p.RequestID]
		if c == "" && p.NoteURI != "" {
			if st, err := s.store.StatusWithAccountByURI(ctx, p.NoteURI); err == nil {
				c = st.ContextURI
			}
		}
		if c == "" && p.RequestID != 0 {
			if r, err := s.store.PaymentRequestByID(ctx, p.RequestID); err == nil {
				c = r.ContextURI
			}
		}
		out.payment[p.ID] = c
		contexts = append(contexts, c)
	}
	for _, r := range reqs {
		contexts = append(contexts, r.ContextURI)
	}
	slices.Sort(contexts)
	for _, c := range slices.Compact(contexts) {
		if c == "" {
			continue
		}
		id, err := s.store.ConversationIDOf(ctx, viewer.ID, c)
		if err != nil {
			return out, err
		}
		if id != 0 {
			out.conv[c] = id
		}
	}
	return out, nil
}

// HistoryStates lists the states a history may be filtered by: payments',
// then requests'.
func HistoryStates() []string {
	var out []string
	for _, st := range payments.PaymentStates() {
		out = append(out, string(st))
	}
	for _, st := range []models.RequestState{models.RequestOpen, models.RequestPaid, models.RequestDeclined, models.RequestCancelled, models.RequestExpired} {
		if !slices.Contains(out, string(st)) {
			out = append(out, string(st))
		}
	}
	return out
}
