package requests

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// ErrRateLimited is a request refused because its requester or its target
// has had too many requests lately.
var ErrRateLimited = errors.New("too many requests")

// Request limits, applied when PaymentsConfig leaves them 0.
const (
	defaultRequestTTL            = 7 * 24 * time.Hour
	defaultRequestsPerHour       = 30
	defaultRequestsPerTargetHour = 10
	// maxSplitMembers bounds a split, and so the messages one form makes.
	maxSplitMembers = 50
)

// RequestInput is a request for money a local user makes in a chat.
type RequestInput struct {
	ConversationID int64
	// PayerIDs are the members asked; empty: every other member.
	PayerIDs []int64
	// Amount is what the one payer owes (a request), or the total (an even
	// split).
	Amount string
	// Split asks each payer a share: Custom amounts by payer id, or Amount
	// split evenly between the payers (and the requester with IncludeMe).
	Split     bool
	Custom    map[int64]string
	IncludeMe bool
	Currency  string
	Note      string
}

// RequestResult is what RequestMoney made: the chat message, its requests
// and, for a split, the split.
type RequestResult struct {
	Status   *models.Status
	Requests []*models.PaymentRequest
	Split    *models.PaymentSplit
}

func (s *Service) requestLimits() (ttl time.Duration, perHour, perTarget int64) {
	c, _ := s.pay.Settings()
	ttl, perHour, perTarget = c.RequestTTL, int64(c.RequestsPerHour), int64(c.RequestsPerTargetHour)
	if ttl <= 0 {
		ttl = defaultRequestTTL
	}
	if perHour <= 0 {
		perHour = defaultRequestsPerHour
	}
	if perTarget <= 0 {
		perTarget = defaultRequestsPerTargetHour
	}
	return ttl, perHour, perTarget
}

// RequestMoney asks members of a chat for money: one request, or a split
// with one request per member. Everything is checked before the chat
// message is posted; nothing is recorded when the input is refused.
func (s *Service) RequestMoney(ctx context.Context, requester *models.Account, in RequestInput) (*RequestResult, error) {
	if !s.on() || s.chats == nil {
		return nil, fmt.Errorf("%w: payments are not enabled here", core.ErrValidation)
	}
	if _, err := s.pay.ChargeableAccount(ctx, s.store, requester); err != nil {
		return nil, fmt.Errorf("%w: connect a Stripe account before asking for money", core.ErrValidation)
	}
	note := strings.TrimSpace(in.Note)
	if len(note) > 1000 {
		return nil, fmt.Errorf("%w: the note is too long (1000 characters at most)", core.ErrValidation)
	}
	contextURI, members, err := s.chats.ChatMembers(ctx, requester, in.ConversationID)
	if err != nil {
		return nil, err
	}
	payers, err := pickPayers(members, in.PayerIDs)
	if err != nil {
		return nil, err
	}
	if !in.Split && len(payers) != 1 {
		return nil, fmt.Errorf("%w: a request asks one member; split the bill to ask several", core.ErrValidation)
	}
	amounts, total, currency, err := s.requestAmounts(in, payers)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	if err := s.checkRequestRate(ctx, s.store, requester, payers, now); err != nil {
		return nil, err
	}
	ttl, _, _ := s.requestLimits()
	var reqs []*models.PaymentRequest
	for i, payer := range payers {
		token, err := core.RandomToken()
		if err != nil {
			return nil, err
		}
		id := s.store.NewID()
		reqs = append(reqs, &models.PaymentRequest{
			ID: id, CreatedAt: now, UpdatedAt: now, RequesterID: requester.ID, PayerID: payer.ID,
			ProposalURI: s.urls.Base() + "/payments/requests/" + core.IDString(id),
			Amount:      amounts[i], Currency: currency, Note: note, ExpiresAt: now.Add(ttl), State: models.RequestOpen,
			PayToken: token, PayURL: s.urls.Base() + "/pay/" + token,
		})
	}
	var split *models.PaymentSplit
	if in.Split {
		mode := "even"
		if len(in.Custom) > 0 {
			mode = "custom"
		}
		split = &models.PaymentSplit{ID: s.store.NewID(), CreatedAt: now, RequesterID: requester.ID, Total: total, Currency: currency, Note: note, Mode: mode}
		for _, r := range reqs {
			r.SplitID = split.ID
		}
	}
	st, err := s.chats.PostInChat(ctx, requester, in.ConversationID, requestText(payers, reqs, split, note))
	if err != nil {
		return nil, fmt.Errorf("request: post in chat: %w", err)
	}
	if st.ContextURI != "" {
		contextURI = st.ContextURI
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.LockPayer(ctx, requester.ID); err != nil {
			return err
		}
		if err := s.checkRequestRate(ctx, tx, requester, payers, now); err != nil {
			return err
		}
		if split != nil {
			split.NoteURI, split.ContextURI = st.URI, contextURI
			if err := tx.CreatePaymentSplit(ctx, split); err != nil {
				return err
			}
		}
		for i, r := range reqs {
			r.NoteURI, r.ContextURI = st.URI, contextURI
			if err := tx.CreatePaymentRequest(ctx, r); err != nil {
				return err
			}
			payer := payers[i]
			if err := s.notifyRequest(ctx, tx, payer, requester, &st.ID, r.ID); err != nil {
				return err
			}
			if !payer.IsLocal() && payer.PaymentsURI != "" {
				if err := s.publishRequest(ctx, tx, "Create", r, requester, payer); err != nil {
					return err
				}
			}
		}
		return payments.EmitCard(ctx, tx, st.URI)
	})
	if err != nil {
		// The message was posted first, so the request can name it; a
		// request that could not be recorded (a race past the limits)
		// takes its message back.
		s.pay.Retract(ctx, requester, st)
		return nil, err
	}
	s.log.InfoContext(ctx, "money requested", slog.Int64("status", st.ID), slog.Int("payers", len(reqs)))
	return &RequestResult{Status: st, Requests: reqs, Split: split}, nil
}

// pickPayers returns the chosen members (all when ids is empty), in the
// order of ids, refusing anyone who is not in the chat.
func pickPayers(members []*models.Account, ids []int64) ([]*models.Account, error) {
	usable := func(a *models.Account) bool { return a.SuspendedAt == nil && a.ActorType != models.ActorApplication }
	var out []*models.Account
	if len(ids) == 0 {
		for _, a := range members {
			if usable(a) {
				out = append(out, a)
			}
		}
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		i := slices.IndexFunc(members, func(a *models.Account) bool { return a.ID == id })
		if i < 0 || !usable(members[i]) {
			return nil, fmt.Errorf("%w: you can only ask members of this chat", core.ErrValidation)
		}
		out = append(out, members[i])
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: choose who to ask", core.ErrValidation)
	}
	if len(out) > maxSplitMembers {
		return nil, fmt.Errorf("%w: a split asks at most %d members", core.ErrValidation, maxSplitMembers)
	}
	return out, nil
}

// requestAmounts is each payer's amount (in the order of payers), the
// total and the currency, each amount within the payment limits.
func (s *Service) requestAmounts(in RequestInput, payers []*models.Account) ([]int64, int64, string, error) {
	currency := strings.ToUpper(strings.TrimSpace(in.Currency))
	out := make([]int64, len(payers))
	switch {
	case !in.Split:
		n, c, err := s.pay.CheckTypedAmount(in.Amount, in.Currency)
		if err != nil {
			return nil, 0, "", err
		}
		out[0] = n
		return out, n, c, nil
	case len(in.Custom) > 0:
		var total int64
		for i, p := range payers {
			n, c, err := s.pay.CheckTypedAmount(in.Custom[p.ID], in.Currency)
			if err != nil {
				return nil, 0, "", fmt.Errorf("%w (for @%s)", err, p.Username)
			}
			out[i], currency, total = n, c, total+n
		}
		return out, total, currency, nil
	}
	if _, _, err := s.pay.CheckAmount("1", in.Currency); err != nil && !strings.Contains(err.Error(), "limit") {
		return nil, 0, "", err // the currency alone
	}
	total, err := payments.ParseTypedAmount(in.Amount, currency)
	if err != nil {
		return nil, 0, "", err
	}
	ways := int64(len(payers))
	if in.IncludeMe {
		ways++
	}
	if total < ways {
		return nil, 0, "", fmt.Errorf("%w: %s %s is too small to split %d ways", core.ErrValidation, payments.FormatAmount(total, currency), currency, ways)
	}
	for i, n := range SplitEvenly(total, payers, in.IncludeMe) {
		if _, _, err := s.pay.CheckAmount(payments.FormatAmount(n, currency), currency); err != nil {
			return nil, 0, "", fmt.Errorf("%w (each share)", err)
		}
		out[i] = n
	}
	return out, total, currency, nil
}

// SplitEvenly divides total (minor units) between payers, and the
// requester too when includeMe. The rule for what does not divide: every
// share is total / n rounded down; the r minor units left over go one each
// to the payers with the lowest account ids; the requester's own share
// never gets one. It returns the payers' shares in the order of payers.
func SplitEvenly(total int64, payers []*models.Account, includeMe bool) []int64 {
	n := int64(len(payers))
	if includeMe {
		n++
	}
	base, rest := total/n, total%n
	byID := slices.Clone(payers)
	slices.SortFunc(byID, func(a, b *models.Account) int { return int(min(max(a.ID-b.ID, -1), 1)) })
	extra := map[int64]bool{}
	for _, a := range byID[:rest] {
		extra[a.ID] = true
	}
	out := make([]int64, len(payers))
	for i, a := range payers {
		out[i] = base
		if extra[a.ID] {
			out[i]++
		}
	}
	return out
}

// checkRequestRate applies the per-requester and per-target limits of the
// last hour, counted in the database so they hold across restarts.
func (s *Service) checkRequestRate(ctx context.Context, db *store.Store, requester *models.Account, payers []*models.Account, now time.Time) error {
	_, perHour, perTarget := s.requestLimits()
	since := now.Add(-time.Hour)
	n, err := db.CountRequestsSince(ctx, requester.ID, 0, since)
	if err != nil {
		return err
	}
	if n+int64(len(payers)) > perHour {
		return fmt.Errorf("%w: you have asked for money too often; try again in an hour", ErrRateLimited)
	}
	for _, p := range payers {
		n, err := db.CountRequestsSince(ctx, 0, p.ID, since)
		if err != nil {
			return err
		}
		if n+1 > perTarget {
			return fmt.Errorf("%w: @%s has been asked for money too often; try again later", ErrRateLimited, p.Username)
		}
	}
	return nil
}

// requestText is the chat message of a request: readable on any server,
// with each payer's pay link.
func requestText(payers []*models.Account, reqs []*models.PaymentRequest, split *models.PaymentSplit, note string) string {
	var b strings.Builder
	if split == nil {
		r := reqs[0]
		fmt.Fprintf(&b, "%s I'm requesting %s %s", core.Handle(payers[0]), payments.FormatAmount(r.Amount, r.Currency), r.Currency)
		if note != "" {
			fmt.Fprintf(&b, " for %s", note)
		}
		fmt.Fprintf(&b, ".\nPay here: %s", r.PayURL)
		return b.String()
	}
	fmt.Fprintf(&b, "Splitting %s %s", payments.FormatAmount(split.Total, split.Currency), split.Currency)
	if note != "" {
		fmt.Fprintf(&b, " for %s", note)
	}
	b.WriteString(":")
	for i, r := range reqs {
		fmt.Fprintf(&b, "\n%s owes %s %s, pay here: %s", core.Handle(payers[i]), payments.FormatAmount(r.Amount, r.Currency), r.Currency, r.PayURL)
	}
	return b.String()
}

// requestState is a request's state as of now: an open request past its
// expiry is expired, whether or not that was written yet.
// RequestStateAt is where a request stands at now: an open one past its
// expiry is expired.
func RequestStateAt(r *models.PaymentRequest, now time.Time) models.RequestState {
	if r.State == models.RequestOpen && now.After(r.ExpiresAt) {
		return models.RequestExpired
	}
	return r.State
}

// Payable says why request id can no longer be paid, nil when it can (or
// when it is gone: the payment stands on its own).
func (s *Service) Payable(ctx context.Context, id int64) error {
	r, err := s.store.PaymentRequestByID(ctx, id)
	if err != nil {
		return nil
	}
	return openRequestError(RequestStateAt(r, s.clock.Now()))
}

// openRequestError says why a request cannot be paid, nil when it can.
func openRequestError(state models.RequestState) error {
	switch state {
	case models.RequestOpen:
		return nil
	case models.RequestPaid:
		return fmt.Errorf("%w: this request has already been paid", core.ErrConflict)
	case models.RequestCancelled:
		return fmt.Errorf("%w: this request was cancelled", core.ErrConflict)
	case models.RequestDeclined:
		return fmt.Errorf("%w: this request was declined", core.ErrConflict)
	case models.RequestExpired:
		return fmt.Errorf("%w: this request has expired", payments.ErrExpired)
	}
	return fmt.Errorf("%w: this request cannot be paid (%s)", core.ErrConflict, state)
}

// activePayment reports whether a payment is paying (or has paid) its
// request, so no second one may start.
func activePayment(p *models.Payment) bool {
	switch p.State {
	case models.PaymentFailed, models.PaymentExpired, models.PaymentRejected:
		return false
	}
	return true
}

// lockOpenRequest locks a request that may start being paid: open, not
// expired and with no payment under way. A payment that has succeeded
// already is "paid twice".
func (s *Service) lockOpenRequest(ctx context.Context, tx *store.Store, id int64) (*models.PaymentRequest, error) {
	r, err := tx.PaymentRequestByIDForUpdate(ctx, id)
	if err != nil {
		return nil, core.NotFound(err, "request")
	}
	if err := openRequestError(RequestStateAt(r, s.clock.Now())); err != nil {
		return nil, err
	}
	if r.PaymentID != 0 {
		p, err := tx.PaymentByID(ctx, r.PaymentID)
		if err == nil && activePayment(p) {
			if payments.MoneyMoved(p.State) {
				return nil, fmt.Errorf("%w: this request has already been paid", core.ErrConflict)
			}
			return r, errPaymentUnderWay{p}
		}
	}
	return r, nil
}

// errPaymentUnderWay is a request with a payment started and not finished:
// the payer is sent on to it rather than starting a second one.
type errPaymentUnderWay struct{ p *models.Payment }

func (e errPaymentUnderWay) Error() string {
	return "conflict: a payment of this request is already under way"
}
func (e errPaymentUnderWay) Unwrap() error { return core.ErrConflict }

// PayRequest starts paying a request the viewer was asked: the Offer flow
// tied to the request. When a payment of it is already under way, that
// payment is returned.
func (s *Service) PayRequest(ctx context.Context, payer *models.Account, id int64) (*models.Payment, error) {
	if !s.on() {
		return nil, fmt.Errorf("%w: payments are not enabled here", core.ErrValidation)
	}
	r, err := s.store.PaymentRequestByID(ctx, id)
	if err != nil || r.PayerID != payer.ID {
		return nil, fmt.Errorf("%w: request", core.ErrNotFound)
	}
	if _, err := s.lockOpenRequest(ctx, s.store, id); err != nil {
		var under errPaymentUnderWay
		if errors.As(err, &under) {
			return under.p, nil
		}
		return nil, err
	}
	requester, err := s.store.AccountByID(ctx, r.RequesterID)
	if err != nil {
		return nil, err
	}
	return s.pay.OfferPayment(ctx, payer, payments.OfferInput{To: core.Handle(requester), Amount: payments.FormatAmount(r.Amount, r.Currency),
		Currency: r.Currency, Note: r.Note, RequestID: r.ID})
}

// Link ties a new payment to the request it pays, under the request's
// lock; called inside the payment's transaction.
func (s *Service) Link(ctx context.Context, tx *store.Store, p *models.Payment, requestID int64) error {
	r, err := s.lockOpenRequest(ctx, tx, requestID)
	if err != nil {
		return err
	}
	if r.PayerID != p.PayerID || r.Amount != p.Amount || r.Currency != p.Currency {
		return fmt.Errorf("%w: the payment does not match the request", core.ErrValidation)
	}
	p.RequestID, p.NoteURI = r.ID, r.NoteURI
	if r.ProposalURI != "" {
		p.ProposalURI = r.ProposalURI
	}
	r.PaymentID, r.UpdatedAt = p.ID, s.clock.Now()
	return tx.SavePaymentRequest(ctx, r)
}

// viewerRequest loads a request the viewer may act on as role ("payer" or
// "requester"), locked.
func (s *Service) viewerRequest(ctx context.Context, tx *store.Store, viewer *models.Account, id int64, role string) (*models.PaymentRequest, error) {
	r, err := tx.PaymentRequestByIDForUpdate(ctx, id)
	if err != nil {
		return nil, core.NotFound(err, "request")
	}
	if (role == "payer" && r.PayerID != viewer.ID) || (role == "requester" && r.RequesterID != viewer.ID) {
		return nil, fmt.Errorf("%w: request", core.ErrNotFound)
	}
	return r, nil
}

// DeclineRequest is the payer saying no.
func (s *Service) DeclineRequest(ctx context.Context, payer *models.Account, id int64) error {
	return s.closeRequest(ctx, payer, id, "payer", models.RequestDeclined)
}

// CancelRequest is the requester taking a request back.
func (s *Service) CancelRequest(ctx context.Context, requester *models.Account, id int64) error {
	return s.closeRequest(ctx, requester, id, "requester", models.RequestCancelled)
}

// CancelSplit cancels every open request of a split.
func (s *Service) CancelSplit(ctx context.Context, requester *models.Account, splitID int64) error {
	reqs, err := s.store.PaymentRequestsOfSplit(ctx, splitID)
	if err != nil {
		return err
	}
	n := 0
	for _, r := range reqs {
		if r.RequesterID != requester.ID {
			return fmt.Errorf("%w: split", core.ErrNotFound)
		}
		if RequestStateAt(&r, s.clock.Now()) == models.RequestOpen {
			if err := s.CancelRequest(ctx, requester, r.ID); err != nil {
				return err
			}
			n++
		}
	}
	if len(reqs) == 0 {
		return fmt.Errorf("%w: split", core.ErrNotFound)
	}
	if n == 0 {
		return fmt.Errorf("%w: nothing is left to cancel in this split", core.ErrConflict)
	}
	return nil
}

func (s *Service) closeRequest(ctx context.Context, viewer *models.Account, id int64, role string, to models.RequestState) error {
	if !s.on() {
		return fmt.Errorf("%w: request", core.ErrNotFound)
	}
	return s.store.WithTx(ctx, func(tx *store.Store) error {
		r, err := s.viewerRequest(ctx, tx, viewer, id, role)
		if err != nil {
			return err
		}
		if err := openRequestError(RequestStateAt(r, s.clock.Now())); err != nil {
			return err
		}
		if r.PaymentID != 0 {
			if p, err := tx.PaymentByID(ctx, r.PaymentID); err == nil && payments.MoneyMoved(p.State) {
				return fmt.Errorf("%w: this request has already been paid", core.ErrConflict)
			}
		}
		r.State, r.UpdatedAt = to, s.clock.Now()
		if err := tx.SavePaymentRequest(ctx, r); err != nil {
			return err
		}
		return s.afterRequestChange(ctx, tx, r)
	})
}

// afterRequestChange tells the other side and the chat's cards that a
// request moved: an Update of the Proposal (requester's side) or a Reject
// of it (payer's side) goes to a remote party on Plaza, the local party
// is notified (of a decline or a cancel).
func (s *Service) afterRequestChange(ctx context.Context, tx *store.Store, r *models.PaymentRequest) error {
	accts, err := tx.AccountsByIDs(ctx, []int64{r.RequesterID, r.PayerID})
	if err != nil {
		return err
	}
	requester, payer := accts[r.RequesterID], accts[r.PayerID]
	if requester == nil || payer == nil {
		return fmt.Errorf("request %d: party gone", r.ID)
	}
	statusID := payments.LocalStatusID(ctx, tx, r.NoteURI)
	switch {
	case requester.IsLocal() && payer.IsLocal():
	case requester.IsLocal():
		if payer.PaymentsURI != "" && r.State != models.RequestDeclined {
			if err := s.publishRequest(ctx, tx, "Update", r, requester, payer); err != nil {
				return err
			}
		}
	case r.State == models.RequestDeclined:
		if err := s.publishRequest(ctx, tx, "Reject", r, requester, payer); err != nil {
			return err
		}
	}
	switch r.State {
	case models.RequestDeclined:
		if err := s.core.NotifyPayment(ctx, tx, requester, payer.ID, statusID, core.PaymentSubject{RequestID: r.ID, State: string(r.State)}); err != nil {
			return err
		}
	case models.RequestCancelled:
		if err := s.core.NotifyPayment(ctx, tx, payer, requester.ID, statusID, core.PaymentSubject{RequestID: r.ID, State: string(r.State)}); err != nil {
			return err
		}
	} // paid: the payment's own notifications say so
	return payments.EmitCard(ctx, tx, r.NoteURI)
}

// publishRequest sends a Create/Update of a request's Proposal, or a
// Reject of it, to the other party.
func (s *Service) publishRequest(ctx context.Context, tx *store.Store, typ string, r *models.PaymentRequest, requester, payer *models.Account) error {
	actor := requester
	if typ == "Reject" {
		actor = payer
	}
	// Activity ids are on the sender's own host (origin rules): the
	// Proposal's for the requester, the payer's copy of it for a Reject.
	id := r.ProposalURI + "/" + strings.ToLower(typ) + "/" + string(r.State) + "/" + core.IDString(tx.NewID())
	switch typ {
	case "Create":
		id = r.ProposalURI + "/create"
	case "Reject":
		id = s.urls.Base() + "/payments/requests/" + core.IDString(r.ID) + "/reject"
	}
	out := &models.PaymentOut{Payer: payer, Payee: requester, Request: &models.RequestOut{Request: r, Requester: requester, Payer: payer, Amount: payments.FormatAmount(r.Amount, r.Currency)}}
	return s.core.Publish(ctx, tx, &models.Outgoing{Type: typ, ID: id, Actor: actor, Payment: out})
}

// PaymentChanged follows a payment's new state into its request and the
// chat's cards.
func (s *Service) PaymentChanged(ctx context.Context, tx *store.Store, p *models.Payment) error {
	if p.RequestID != 0 && payments.MoneyMoved(p.State) {
		r, err := tx.PaymentRequestByIDForUpdate(ctx, p.RequestID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		// Money that moved wins over a request cancelled or expired
		// while its payer was at the checkout.
		if err == nil && r.State != models.RequestPaid {
			r.State, r.PaymentID, r.UpdatedAt = models.RequestPaid, p.ID, s.clock.Now()
			if err := tx.SavePaymentRequest(ctx, r); err != nil {
				return err
			}
			return s.afterRequestChange(ctx, tx, r)
		}
	}
	return payments.EmitCard(ctx, tx, p.NoteURI)
}

// notifyRequest tells a local payer of a new request, unless the requester
// is a stranger to them: then the request waits, with its message, in the
// payer's message Requests (the chats rule, store.IsStranger).
func (s *Service) notifyRequest(ctx context.Context, tx *store.Store, payer, requester *models.Account, statusID *int64, requestID int64) error {
	stranger, err := tx.IsStranger(ctx, payer, requester)
	if err != nil || stranger {
		return err
	}
	return s.core.NotifyPayment(ctx, tx, payer, requester.ID, statusID, core.PaymentSubject{RequestID: requestID, State: "requested"})
}
