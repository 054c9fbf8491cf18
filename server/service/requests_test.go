package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	paysvc "plaza/server/service/payments"
	"plaza/server/service/payviews"
	reqsvc "plaza/server/service/requests"
	"plaza/server/service/social"
)

// chat starts a direct conversation of from with members and returns its
// id (as from sees it).
func (w *stripeWorld) chat(from *models.Account, members ...*models.Account) int64 {
	w.t.Helper()
	text := ""
	for _, m := range members {
		text += "@" + m.Username
		if !m.IsLocal() {
			text += "@" + m.Domain
		}
		text += " "
	}
	w.post(from, social.CreateStatusInput{Text: text + "hello", Visibility: models.VisibilityDirect})
	acs, err := w.st.AccountConversationsOf(w.ctx, from.ID, store.Page{Limit: 1})
	if err != nil || len(acs) == 0 {
		w.t.Fatalf("no conversation: %v", err)
	}
	return acs[0].ConversationID
}

func (w *stripeWorld) card(viewer *models.Account, statusID int64) *payviews.ChatCard {
	w.t.Helper()
	cards, err := w.svc.PayViews().CardsForStatuses(w.ctx, viewer, []int64{statusID})
	if err != nil {
		w.t.Fatal(err)
	}
	return cards[statusID]
}

func (w *stripeWorld) request(id int64) *models.PaymentRequest {
	w.t.Helper()
	r, err := w.st.PaymentRequestByID(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// counts is what a refused request must leave alone.
func (w *stripeWorld) counts() (statuses, requests, payments int64) {
	w.t.Helper()
	requests, payments, err := w.st.CountPaymentRows(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return int64(w.statusCount(w.alice) + w.statusCount(w.bob)), requests, payments
}

// completeCheckout pays p through its pay link, Stripe Checkout at
// stripe-mock and the signed webhook.
func (w *stripeWorld) completeCheckout(p *models.Payment) {
	w.t.Helper()
	p, _ = w.st.PaymentByID(w.ctx, p.ID)
	if _, err := w.svc.Payments().OpenCheckout(w.ctx, p.ID, p.PayToken); err != nil {
		w.t.Fatalf("open checkout: %v", err)
	}
	w.mustWebhook("evt_paid_"+idOf(p), "checkout.session.completed", time.Now(), sessionObject(p, "paid"))
}

// Alice asks bob for 10.00 USD in their chat: both see the card, bob pays
// it through the Offer flow, the request is paid once, and each step is a
// payment notification pointing at the chat message.
func TestRequestInChatPaidOnce(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{})
	conv := w.chat(w.alice, w.bob)
	res, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "10.00", Currency: "usd", Note: "dinner"})
	if err != nil {
		t.Fatal(err)
	}
	st, r := res.Status, res.Requests[0]
	if !strings.Contains(st.Text, "@bob") || !strings.Contains(st.Text, r.PayURL) || st.Visibility != models.VisibilityDirect {
		t.Fatalf("request message: %q", st.Text)
	}
	if c := w.card(w.alice, st.ID); c == nil || c.Kind != payviews.CardRequest || c.State != payviews.CardAwaitingPayment || !c.Can("cancel") || !c.Can("remind") || c.Can("pay") || c.Amount != "10.00" {
		t.Fatalf("alice's card: %+v", c)
	}
	bc := w.card(w.bob, st.ID)
	if bc == nil || !bc.Can("pay") || !bc.Can("decline") || bc.Can("cancel") {
		t.Fatalf("bob's card: %+v", bc)
	}
	if w.card(w.carol, st.ID) != nil {
		t.Fatal("carol sees a card of a request she has no part in")
	}
	// bob does not follow alice: her request waits in his message
	// Requests, with no notification, until he accepts it.
	if n, _ := w.st.NotificationsOf(w.ctx, w.bob.ID, store.Page{Limit: 5}, nil, nil); len(n) != 0 {
		t.Fatalf("a stranger's request notified bob: %+v", n)
	}
	held, err := w.svc.Messaging().Requests(w.ctx, w.bob, core.Page{Limit: 5})
	if err != nil || len(held) != 1 || held[0].LastStatus == nil || held[0].LastStatus.ID != st.ID {
		t.Fatalf("bob's message requests: %+v %v", held, err)
	}
	if err := w.svc.Messaging().AcceptRequest(w.ctx, w.bob, held[0].Request.ID); err != nil {
		t.Fatal(err)
	}
	again, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "1.00", Currency: "usd"})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := w.st.NotificationsOf(w.ctx, w.bob.ID, store.Page{Limit: 5}, nil, nil)
	if len(n) == 0 || n[0].Type != models.NotifyPayment || n[0].StatusID == nil || *n[0].StatusID != again.Status.ID {
		t.Fatalf("bob's request notification once he accepted the chat: %+v", n)
	}

	p, err := w.svc.Requests().PayRequest(w.ctx, w.bob, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.RequestID != r.ID || p.Amount != 1000 || p.State != models.PaymentAccepted {
		t.Fatalf("payment of the request: %+v", p)
	}
	// Paying again while the first payment is under way continues it.
	if again, err := w.svc.Requests().PayRequest(w.ctx, w.bob, r.ID); err != nil || again.ID != p.ID {
		t.Fatalf("second pay while under way: %v, %v", again, err)
	}
	w.completeCheckout(p)
	if got := w.request(r.ID); got.State != models.RequestPaid || got.PaymentID != p.ID {
		t.Fatalf("request after checkout: %+v", got)
	}
	for _, v := range []*models.Account{w.alice, w.bob} {
		if c := w.card(v, st.ID); c.State != payviews.CardPaid || len(c.Actions) != 0 {
			t.Fatalf("%s's card after paying: %+v", v.Username, c)
		}
	}
	_, _, pays := w.counts()
	if _, err := w.svc.Requests().PayRequest(w.ctx, w.bob, r.ID); !errors.Is(err, core.ErrConflict) || !strings.Contains(err.Error(), "already been paid") {
		t.Fatalf("paying twice: %v", err)
	}
	if _, err := w.svc.Requests().PayPublicRequest(w.ctx, r.PayToken); !errors.Is(err, core.ErrConflict) {
		t.Fatalf("paying twice from the public page: %v", err)
	}
	if err := w.svc.Requests().CancelRequest(w.ctx, w.alice, r.ID); !errors.Is(err, core.ErrConflict) {
		t.Fatalf("cancelling a paid request: %v", err)
	}
	if _, _, after := w.counts(); after != pays {
		t.Fatalf("paying twice made a payment: %d → %d", pays, after)
	}

	// A refund shows on both cards.
	if _, err := w.svc.Payments().RefundPayment(w.ctx, w.alice, p.ID, ""); err != nil {
		t.Fatal(err)
	}
	for _, v := range []*models.Account{w.alice, w.bob} {
		if c := w.card(v, st.ID); c.State != payviews.CardRefunded {
			t.Fatalf("%s's card after the refund: %s", v.Username, c.State)
		}
	}
}

// Every bad request is refused with a clear message and leaves no message,
// request or payment behind.
func TestRequestBadInput(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{Currencies: []string{"USD", "JPY"}, MaxPayment: "100"})
	conv := w.chat(w.alice, w.bob)
	other := w.chat(w.carol, w.bob)
	cases := []struct {
		name string
		who  *models.Account
		in   reqsvc.RequestInput
		want error
		msg  string
	}{
		{"zero", w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "0", Currency: "USD"}, core.ErrValidation, "greater than zero"},
		{"negative", w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "-5", Currency: "USD"}, core.ErrValidation, "positive"},
		{"over the limit", w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "100.01", Currency: "USD"}, core.ErrValidation, "limit"},
		{"unknown currency", w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "5", Currency: "XYZ"}, core.ErrValidation, "not accepted"},
		{"too many decimals", w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "5.5", Currency: "JPY"}, core.ErrValidation, "decimals"},
		{"not a member", w.alice, reqsvc.RequestInput{ConversationID: conv, PayerIDs: []int64{w.carol.ID}, Amount: "5", Currency: "USD"}, core.ErrValidation, "members of this chat"},
		{"not my chat", w.alice, reqsvc.RequestInput{ConversationID: other, Amount: "5", Currency: "USD"}, core.ErrNotFound, ""},
		{"cannot be paid", w.bob, reqsvc.RequestInput{ConversationID: conv, Amount: "5", Currency: "USD"}, core.ErrValidation, "Stripe"},
		{"split too small", w.alice, reqsvc.RequestInput{ConversationID: conv, Split: true, IncludeMe: true, Amount: "0.01", Currency: "USD"}, core.ErrValidation, "too small"},
		{"note too long", w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "5", Currency: "USD", Note: strings.Repeat("x", 1001)}, core.ErrValidation, "too long"},
	}
	s0, r0, p0 := w.counts()
	for _, tc := range cases {
		_, err := w.svc.Requests().RequestMoney(w.ctx, tc.who, tc.in)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want %v saying %q", tc.name, err, tc.want, tc.msg)
		}
	}
	if s, r, p := w.counts(); s != s0 || r != r0 || p != p0 {
		t.Fatalf("refused requests changed something: statuses %d→%d, requests %d→%d, payments %d→%d", s0, s, r0, r, p0, p)
	}

	// A cancelled request cannot be paid, nor cancelled twice.
	res, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "5", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Requests[0]
	if err := w.svc.Requests().CancelRequest(w.ctx, w.bob, r.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("the payer cancelling: %v", err)
	}
	if err := w.svc.Requests().CancelRequest(w.ctx, w.alice, r.ID); err != nil {
		t.Fatal(err)
	}
	_, _, p1 := w.counts()
	if _, err := w.svc.Requests().PayRequest(w.ctx, w.bob, r.ID); !errors.Is(err, core.ErrConflict) || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("paying a cancelled request: %v", err)
	}
	if _, err := w.svc.Requests().PayPublicRequest(w.ctx, r.PayToken); !errors.Is(err, core.ErrConflict) {
		t.Fatalf("paying a cancelled request from its public page: %v", err)
	}
	if err := w.svc.Requests().CancelRequest(w.ctx, w.alice, r.ID); !errors.Is(err, core.ErrConflict) {
		t.Fatalf("cancelling twice: %v", err)
	}
	if c := w.card(w.bob, res.Status.ID); c.State != payviews.CardCancelled || len(c.Actions) != 0 {
		t.Fatalf("bob's card of a cancelled request: %+v", c)
	}

	// An expired one neither.
	res, err = w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "6", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	r = res.Requests[0]
	r.ExpiresAt = time.Now().Add(-time.Minute)
	if err := w.st.SavePaymentRequest(w.ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Requests().PayRequest(w.ctx, w.bob, r.ID); !errors.Is(err, paysvc.ErrExpired) {
		t.Fatalf("paying an expired request: %v", err)
	}
	if _, err := w.svc.Requests().PayPublicRequest(w.ctx, r.PayToken); !errors.Is(err, paysvc.ErrExpired) {
		t.Fatalf("paying an expired request from its public page: %v", err)
	}
	if c := w.card(w.alice, res.Status.ID); c.State != payviews.CardExpired {
		t.Fatalf("card of an expired request: %s", c.State)
	}
	if _, _, p := w.counts(); p != p1 {
		t.Fatalf("paying closed requests made payments: %d → %d", p1, p)
	}
	// Declined: the requester is told, the payer can no longer pay.
	res, err = w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "7", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Requests().DeclineRequest(w.ctx, w.bob, res.Requests[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Requests().PayRequest(w.ctx, w.bob, res.Requests[0].ID); !errors.Is(err, core.ErrConflict) {
		t.Fatalf("paying a declined request: %v", err)
	}
	if c := w.card(w.alice, res.Status.ID); c.State != payviews.CardDeclined {
		t.Fatalf("card of a declined request: %s", c.State)
	}
}

// The remainder rule: shares are rounded down, the minor units left go one
// each to the payers with the lowest account ids, never to the requester.
func TestSplitEvenlyRemainder(t *testing.T) {
	a, b, c := &models.Account{ID: 30}, &models.Account{ID: 10}, &models.Account{ID: 20}
	for _, tc := range []struct {
		total     int64
		includeMe bool
		want      []int64
	}{
		{3000, true, []int64{750, 750, 750}},
		{1000, true, []int64{250, 250, 250}},
		{1001, true, []int64{250, 251, 250}},
		{1002, true, []int64{250, 251, 251}},
		{1003, true, []int64{251, 251, 251}},
		{1000, false, []int64{333, 334, 333}},
		{1001, false, []int64{333, 334, 334}},
	} {
		got := reqsvc.SplitEvenly(tc.total, []*models.Account{a, b, c}, tc.includeMe)
		var sum int64
		for _, n := range got {
			sum += n
		}
		mine := tc.total - sum
		if !slicesEqual(got, tc.want) || (!tc.includeMe && mine != 0) || (tc.includeMe && mine != tc.total/4) {
			t.Errorf("SplitEvenly(%d, me %v) = %v (mine %d), want %v", tc.total, tc.includeMe, got, mine, tc.want)
		}
	}
}

func slicesEqual(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Alice splits 10.00 USD three ways with bob and carol: one request each,
// one card showing who paid, what was collected and what is left; a
// reminder names only who has not paid; custom amounts are honoured.
func TestSplitInGroupChat(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{})
	conv := w.chat(w.alice, w.bob, w.carol)
	res, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Split: true, IncludeMe: true, Amount: "10.00", Currency: "USD", Note: "pizza"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Requests) != 2 || res.Split == nil || res.Split.Total != 1000 {
		t.Fatalf("split: %+v", res)
	}
	// 1000 / 3 = 333 r 1: the extra cent goes to the lower account id
	// among bob and carol (bob, created first); alice keeps 333.
	if res.Requests[0].Amount != 334 || res.Requests[1].Amount != 333 {
		t.Fatalf("shares: %d, %d", res.Requests[0].Amount, res.Requests[1].Amount)
	}
	c := w.card(w.alice, res.Status.ID)
	if c.Kind != payviews.CardSplit || len(c.Shares) != 2 || c.Collected != "0.00" || c.Left != "6.67" || !c.Can("remind") || !c.Can("cancel") {
		t.Fatalf("alice's split card: %+v", c)
	}
	p, err := w.svc.Requests().PayRequest(w.ctx, w.carol, res.Requests[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	w.completeCheckout(p)
	c = w.card(w.alice, res.Status.ID)
	if c.Collected != "3.33" || c.Left != "3.34" || c.PaidCount != 1 || c.State != payviews.CardAwaitingPayment {
		t.Fatalf("after carol paid: %+v", c)
	}
	if bc := w.card(w.bob, res.Status.ID); !bc.Can("pay") || bc.RequestID != res.Requests[0].ID || bc.PayAmount != "3.34" {
		t.Fatalf("bob's split card: %+v", bc)
	}
	if cc := w.card(w.carol, res.Status.ID); cc.Can("pay") {
		t.Fatalf("carol can pay again: %+v", cc)
	}
	msg, err := w.svc.Requests().RemindRequests(w.ctx, w.alice, 0, res.Split.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg.Text, "@bob") || strings.Contains(msg.Text, "@carol") {
		t.Fatalf("reminder: %q", msg.Text)
	}
	if _, err := w.svc.Requests().RemindRequests(w.ctx, w.alice, 0, res.Split.ID); !errors.Is(err, reqsvc.ErrRateLimited) {
		t.Fatalf("second reminder within the hour: %v", err)
	}
	p, err = w.svc.Requests().PayRequest(w.ctx, w.bob, res.Requests[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	w.completeCheckout(p)
	if c = w.card(w.alice, res.Status.ID); c.State != payviews.CardSettled || c.Left != "0.00" || c.Collected != "6.67" {
		t.Fatalf("after both paid: %+v", c)
	}

	custom, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Split: true, Currency: "USD",
		PayerIDs: []int64{w.bob.ID, w.carol.ID}, Custom: map[int64]string{w.bob.ID: "4.50", w.carol.ID: "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if custom.Requests[0].Amount != 450 || custom.Requests[1].Amount != 100 || custom.Split.Total != 550 {
		t.Fatalf("custom split: %d %d %d", custom.Requests[0].Amount, custom.Requests[1].Amount, custom.Split.Total)
	}
}

// Requests are limited per requester and per target, counted in the
// database; a refused one posts nothing.
func TestRequestRateLimits(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{RequestsPerHour: 3, RequestsPerTargetHour: 2})
	conv := w.chat(w.alice, w.bob)
	for i := 0; i < 2; i++ {
		if _, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "1", Currency: "USD"}); err != nil {
			t.Fatal(err)
		}
	}
	s0, r0, _ := w.counts()
	_, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "1", Currency: "USD"})
	if !errors.Is(err, reqsvc.ErrRateLimited) || !strings.Contains(err.Error(), "@bob") {
		t.Fatalf("third request to bob: %v", err)
	}
	conv2 := w.chat(w.alice, w.carol)
	s0, r0, _ = w.counts()
	if _, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv2, Amount: "1", Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	s0, r0, _ = w.counts()
	_, err = w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv2, Amount: "1", Currency: "USD"})
	if !errors.Is(err, reqsvc.ErrRateLimited) || !strings.Contains(err.Error(), "too often") {
		t.Fatalf("fourth request by alice: %v", err)
	}
	if s, r, _ := w.counts(); s != s0 || r != r0 {
		t.Fatalf("a refused request changed something: statuses %d→%d, requests %d→%d", s0, s, r0, r)
	}
}

// requestActivity is a Create/Update of a request Proposal from rick to
// bob, in the decoded form the test decoder reads back from Raw.
func requestActivity(id, typ string, r *models.APRequest) *models.APActivity {
	p := &models.APPayment{ActivityID: id, Type: typ, Actor: r.Actor, Request: r}
	raw, _ := json.Marshal(p)
	return &models.APActivity{ID: id, Type: typ, Actor: r.Actor, Object: &models.APObject{ID: r.ProposalID, Type: "Proposal"}, Raw: string(raw)}
}

// A request from another instance is believed only when everything it names
// is on the signer's own host and its signer is its requester; a replay
// makes nothing twice; an Update may not change the amount.
func TestRequestInboundOrigin(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{})
	good := func() *models.APRequest {
		return &models.APRequest{Actor: w.rick.URI, ProposalID: "https://remote.test/payments/requests/1", Attributed: w.rick.URI, Receiver: w.rick.URI,
			Payer: w.bob.URI, NoteID: "https://remote.test/users/rick/statuses/9", PayURL: "https://remote.test/pay/abc",
			Amount: "12.00", Currency: "USD", Content: "<b>rent</b>", EndTime: time.Now().Add(time.Hour)}
	}
	count := func() int64 { _, r, _ := w.counts(); return r }
	forged := []struct {
		name   string
		signer *models.Account
		edit   func(*models.APRequest)
	}{
		{"proposal on another host", w.rick, func(r *models.APRequest) { r.ProposalID = "https://evil.test/payments/requests/1" }},
		{"pay link on another host", w.rick, func(r *models.APRequest) { r.PayURL = "https://evil.test/pay/abc" }},
		{"someone else's request", w.rick, func(r *models.APRequest) { r.Receiver = w.mary.URI }},
		{"attributed to someone else", w.rick, func(r *models.APRequest) { r.Attributed = w.mary.URI }},
	}
	for i, tc := range forged {
		r := good()
		tc.edit(r)
		err := w.receive(tc.signer, requestActivity("https://remote.test/act/forged/"+string(rune('a'+i)), "Create", r))
		if !errors.Is(err, core.ErrForbidden) || count() != 0 {
			t.Errorf("%s: %v, %d requests", tc.name, err, count())
		}
	}
	// Signed by mary, claiming to be rick's.
	r := good()
	r.Actor = w.mary.URI
	if err := w.receive(w.mary, requestActivity("https://remote.test/act/mary", "Create", r)); !errors.Is(err, core.ErrForbidden) || count() != 0 {
		t.Fatalf("wrong signer: %v, %d requests", err, count())
	}

	w.mustReceive(w.rick, requestActivity("https://remote.test/act/1", "Create", good()))
	w.mustReceive(w.rick, requestActivity("https://remote.test/act/1-again", "Create", good())) // replay under a new id
	if count() != 1 {
		t.Fatalf("%d requests after a replay, want 1", count())
	}
	got, err := w.st.PaymentRequestByProposal(w.ctx, good().ProposalID)
	if err != nil || got.Amount != 1200 || got.PayerID != w.bob.ID || got.RequesterID != w.rick.ID || got.Note != "rent" || got.PayToken != "" {
		t.Fatalf("stored request: %+v %v", got, err)
	}
	// An Update that changes the amount is ignored; one by someone else refused.
	up := good()
	up.Amount, up.Status = "1.00", "paid"
	w.mustReceive(w.rick, requestActivity("https://remote.test/act/2", "Update", up))
	if w.request(got.ID).State != models.RequestOpen {
		t.Fatal("an Update changing the amount was applied")
	}
	up = good()
	up.Actor, up.Status = w.mary.URI, "cancelled"
	up.Attributed, up.Receiver = "", ""
	up.ProposalID = "https://remote.test/payments/requests/1"
	if err := w.receive(w.mary, requestActivity("https://remote.test/act/3", "Update", up)); !errors.Is(err, core.ErrForbidden) || w.request(got.ID).State != models.RequestOpen {
		t.Fatalf("Update by another signer: %v, %s", err, w.request(got.ID).State)
	}
	up = good()
	up.Status = "cancelled"
	w.mustReceive(w.rick, requestActivity("https://remote.test/act/4", "Update", up))
	if w.request(got.ID).State != models.RequestCancelled {
		t.Fatalf("cancel by the requester: %s", w.request(got.ID).State)
	}
}

// Alice asks rick, on another Plaza instance, for money: a Proposal goes to
// him; his instance's Offer is accepted only for the exact amount asked.
func TestRequestRemotePayerOffer(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{})
	w.rick.PaymentsURI = "https://remote.test/users/rick/proposal"
	if err := w.st.UpsertRemoteAccount(w.ctx, w.rick); err != nil {
		t.Fatal(err)
	}
	conv := w.chat(w.alice, w.rick)
	res, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "8.00", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Requests[0]
	create := w.pub.last("Create")
	if create == nil || create.Payment == nil || create.Payment.Request == nil || create.Payment.Request.Request.ID != r.ID || create.Payment.Request.Amount != "8.00" {
		t.Fatalf("no Create(Proposal) for rick: %+v", create)
	}
	offer := func(id, amount string) error {
		p := &models.APPayment{ActivityID: id, Type: "Offer", Actor: w.rick.URI, OfferID: id, ProposalID: r.ProposalURI, Amount: amount, Currency: "USD"}
		raw, _ := json.Marshal(p)
		return w.receive(w.rick, &models.APActivity{ID: id, Type: "Offer", Actor: w.rick.URI, Raw: string(raw)})
	}
	if err := offer("https://remote.test/offers/1", "1.00"); err != nil {
		t.Fatal(err)
	}
	if rej := w.pub.last("Reject"); rej == nil || !strings.Contains(rej.Payment.Reason, "does not match the request") {
		t.Fatalf("Offer with another amount: %+v", rej)
	}
	if _, _, p := w.counts(); p != 0 || w.request(r.ID).PaymentID != 0 {
		t.Fatal("an Offer with another amount made a payment")
	}
	if err := offer("https://remote.test/offers/2", "8.00"); err != nil {
		t.Fatal(err)
	}
	acc := w.pub.last("Accept")
	if acc == nil || acc.Payment.Payment.RequestID != r.ID || w.request(r.ID).PaymentID != acc.Payment.Payment.ID {
		t.Fatalf("Offer for the request: %+v", acc)
	}
	// A second Offer while the first is under way is refused.
	if err := offer("https://remote.test/offers/3", "8.00"); err != nil {
		t.Fatal(err)
	}
	if rej := w.pub.last("Reject"); rej == nil || rej.Payment.Payment.OfferURI != "https://remote.test/offers/3" {
		t.Fatalf("second Offer: %+v", rej)
	}
	w.completeCheckout(acc.Payment.Payment)
	if w.request(r.ID).State != models.RequestPaid {
		t.Fatalf("request after rick paid: %s", w.request(r.ID).State)
	}
	up := w.pub.last("Update")
	if up == nil || up.Payment == nil || up.Payment.Request == nil || up.Payment.Request.Request.State != models.RequestPaid {
		t.Fatalf("no Update(Proposal) paid to rick: %+v", up)
	}
}

// Bob sends alice 3.00 USD from their chat: the chat gets a message whose
// card, on both sides, follows the payment from offered to paid to
// refunded; a payee outside the chat is refused before anything is posted.
func TestSendMoneyFromChat(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{})
	conv := w.chat(w.bob, w.alice)
	s0, _, p0 := w.counts()
	if _, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, paysvc.OfferInput{To: "carol", Amount: "3", Currency: "USD", ConversationID: conv}); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("paying someone outside the chat: %v", err)
	}
	if _, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, paysvc.OfferInput{To: "alice", Amount: "0", Currency: "USD", ConversationID: conv}); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("zero from a chat: %v", err)
	}
	if s, _, p := w.counts(); s != s0 || p != p0 {
		t.Fatal("a refused payment posted or recorded something")
	}
	p, err := w.svc.Payments().OfferPayment(w.ctx, w.bob, paysvc.OfferInput{To: "alice", Amount: "3.00", Currency: "USD", Note: "coffee", ConversationID: conv})
	if err != nil {
		t.Fatal(err)
	}
	msg := w.statusByURI(p.NoteURI)
	if !strings.Contains(msg.Text, "@alice") || !strings.Contains(msg.Text, "3.00 USD") {
		t.Fatalf("payment message: %q", msg.Text)
	}
	bc, ac := w.card(w.bob, msg.ID), w.card(w.alice, msg.ID)
	if bc == nil || bc.Kind != payviews.CardPayment || bc.State != payviews.CardAwaitingPayment || !bc.Can("pay") || ac == nil || ac.Can("pay") || !ac.Mine {
		t.Fatalf("cards: bob %+v, alice %+v", bc, ac)
	}
	w.completeCheckout(p)
	if bc, ac = w.card(w.bob, msg.ID), w.card(w.alice, msg.ID); bc.State != payviews.CardPaid || ac.State != payviews.CardPaid {
		t.Fatalf("cards once paid: %s, %s", bc.State, ac.State)
	}
	if _, err := w.svc.Payments().RefundPayment(w.ctx, w.alice, p.ID, "1.00"); err != nil {
		t.Fatal(err)
	}
	if bc = w.card(w.bob, msg.ID); bc.State != payviews.CardPartiallyRefunded {
		t.Fatalf("card after a partial refund: %s", bc.State)
	}
}

// A card change is an event for each local member of the chat, published
// after the commit.
func TestCardEvents(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{})
	conv := w.chat(w.alice, w.bob, w.carol)
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	events, err := w.svc.Core().Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Split: true, Amount: "6", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	deadline := time.After(10 * time.Second)
	for len(got) < 3 {
		select {
		case ev := <-events:
			if ev.Kind == paysvc.EventCard && ev.ID == res.Status.ID {
				got[ev.AccountID] = true
			}
		case <-deadline:
			t.Fatalf("card events for %v, want alice, bob and carol", got)
		}
	}
	if !got[w.alice.ID] || !got[w.bob.ID] || !got[w.carol.ID] {
		t.Fatalf("card events for %v", got)
	}
}

// The history lists payments and requests with their counterpart and chat,
// filtered by person, chat, state and month, with monthly totals.
func TestPaymentHistory(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{})
	withBob := w.chat(w.alice, w.bob)
	withCarol := w.chat(w.alice, w.carol)
	r1, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: withBob, Amount: "4.00", Currency: "USD", Note: "=cmd"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: withCarol, Amount: "2.00", Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	p, err := w.svc.Requests().PayRequest(w.ctx, w.bob, r1.Requests[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	w.completeCheckout(p)
	if _, err := w.svc.Payments().RefundPayment(w.ctx, w.alice, p.ID, "1.00"); err != nil {
		t.Fatal(err)
	}
	h, err := w.svc.PayViews().History(w.ctx, w.alice, payviews.HistoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Rows) != 3 {
		t.Fatalf("%d rows, want 2 requests and 1 payment: %+v", len(h.Rows), h.Rows)
	}
	month := time.Now().UTC().Format("2006-01")
	if len(h.Totals) != 1 || h.Totals[0].Month != month || h.Totals[0].Received != "3.00" || h.Totals[0].Sent != "0.00" {
		t.Fatalf("totals: %+v", h.Totals)
	}
	for _, tc := range []struct {
		f    payviews.HistoryFilter
		want int
	}{
		{payviews.HistoryFilter{Person: "@bob"}, 2},
		{payviews.HistoryFilter{Person: "carol"}, 1},
		{payviews.HistoryFilter{ConversationID: withBob}, 2},
		{payviews.HistoryFilter{ConversationID: withCarol}, 1},
		{payviews.HistoryFilter{State: "open"}, 1},
		{payviews.HistoryFilter{State: "paid"}, 1},
		{payviews.HistoryFilter{State: "partially_refunded"}, 1},
		{payviews.HistoryFilter{Month: month}, 3},
		{payviews.HistoryFilter{Month: "2001-01"}, 0},
		{payviews.HistoryFilter{Role: "received"}, 1},
	} {
		h, err := w.svc.PayViews().History(w.ctx, w.alice, tc.f)
		if err != nil || len(h.Rows) != tc.want {
			t.Errorf("%+v: %d rows (%v), want %d", tc.f, len(h.Rows), err, tc.want)
		}
	}
	for _, row := range h.Rows {
		if row.Counterpart == nil || row.ConversationID == 0 {
			t.Errorf("row without counterpart or chat: %+v", row)
		}
	}
	for _, bad := range []payviews.HistoryFilter{{Month: "12/2026"}, {State: "lost"}, {Person: "@nobody"}, {Role: "both"}} {
		if _, err := w.svc.PayViews().History(w.ctx, w.alice, bad); !errors.Is(err, core.ErrValidation) {
			t.Errorf("%+v: %v, want a validation error", bad, err)
		}
	}
	if _, err := w.svc.PayViews().History(w.ctx, w.bob, payviews.HistoryFilter{ConversationID: withCarol}); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("someone else's chat: %v", err)
	}
}

// Concurrent requests past the limit: one is made; every other is refused,
// and none leaves its chat message behind (one refused after posting takes
// it back).
func TestRequestRateLimitConcurrent(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{RequestsPerHour: 1})
	conv := w.chat(w.alice, w.bob)
	s0, _, _ := w.counts()
	errs := concurrently(6, func(int) error {
		_, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "1", Currency: "USD"})
		return err
	})
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, reqsvc.ErrRateLimited):
			t.Fatalf("refused with %v, want the rate limit", err)
		}
	}
	s, r, _ := w.counts()
	if ok != 1 || r != 1 || s != s0+1 {
		t.Fatalf("%d made, %d requests, %d new messages; want 1, 1, 1", ok, r, s-s0)
	}
}

// Paying one request from four places at once (the card twice, the public
// page twice) makes one payment: the request's row lock lets one in.
func TestRequestPaidOnceConcurrent(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{})
	conv := w.chat(w.alice, w.bob)
	res, err := w.svc.Requests().RequestMoney(w.ctx, w.alice, reqsvc.RequestInput{ConversationID: conv, Amount: "2", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Requests[0]
	errs := concurrently(4, func(i int) error {
		if i%2 == 0 {
			_, err := w.svc.Requests().PayRequest(w.ctx, w.bob, r.ID)
			return err
		}
		_, err := w.svc.Requests().PayPublicRequest(w.ctx, r.PayToken)
		return err
	})
	for _, err := range errs {
		if err != nil && !errors.Is(err, core.ErrConflict) {
			t.Fatalf("refused with %v, want a conflict", err)
		}
	}
	if _, _, n := w.counts(); n != 1 {
		t.Fatalf("%d payments of one request, want 1", n)
	}
	p, _ := w.st.PaymentByID(w.ctx, w.request(r.ID).PaymentID)
	w.completeCheckout(p)
	if w.request(r.ID).State != models.RequestPaid {
		t.Fatal("the one payment did not pay the request")
	}
}
