package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/payments/stripemock"
)

// clickCard clicks a card's button in the middle of the screen, clear of
// the composer that sticks to the bottom.
func clickCard(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function(){var b=document.querySelector(%q); b.scrollIntoView({block:"center"}); b.click()})()`, sel))
}

// requestIDOf reads the request id of the Pay form of the (only) card
// with one in tb.
func requestIDOf(t *testing.T, tb *tab) int64 {
	t.Helper()
	action := value(t, tb, "pay form", chromedp.Evaluate[string](`document.querySelector(".pay-card form.pay-action-pay").getAttribute("action")`))
	m := regexp.MustCompile(`/payments/requests/(\d+)/pay`).FindStringSubmatch(action)
	if m == nil {
		t.Fatalf("pay form posts to %q", action)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// waitCheckout waits until the tab heads to Stripe Checkout. On a payer's
// own instance (home, for a remote payee) the payment first waits for the
// payee's instance to accept it, on a status page whose Pay link appears
// then.
func (tb *tab) waitCheckout(t *testing.T, home *instance) {
	t.Helper()
	defer func() {
		if t.Failed() {
			t.Logf("page: %s", tb.pageState())
		}
	}()
	if home != nil {
		eventually(t, "the payment's status page", func() bool {
			sctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
			defer cancel()
			p, err := chromedp.Run(sctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname : ""`))
			return err == nil && strings.HasPrefix(p, "/payments/p/")
		})
	}
	eventually(t, "the browser goes to Stripe Checkout", func() bool {
		tb.mu.Lock()
		n := len(tb.checkouts)
		tb.mu.Unlock()
		if n > 0 || home == nil {
			return n > 0
		}
		sctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
		defer cancel()
		if ok, err := chromedp.Run(sctx, chromedp.Evaluate[bool](`!!document.querySelector("#pay-go")`)); err == nil && ok {
			_ = chromedp.Do(sctx, chromedp.Click(chromedp.CSS(`#pay-go`)))
		} else {
			_ = chromedp.Do(sctx, chromedp.Reload())
		}
		return false
	})
}

// paymentOfRequest waits for the payment of request id on in (made when
// its checkout opened).
func paymentOfRequest(t *testing.T, in *instance, id int64) *models.Payment {
	t.Helper()
	var p *models.Payment
	eventually(t, "the payment of the request", func() bool {
		r, err := in.store.PaymentRequestByID(context.Background(), id)
		if err != nil || r.PaymentID == 0 {
			return false
		}
		p, err = in.store.PaymentByID(context.Background(), r.PaymentID)
		return err == nil && p.State == models.PaymentCheckoutOpen || err == nil && p.State == models.PaymentSucceeded
	})
	return p
}

// completeCheckout sends Stripe's signed checkout.session.completed for
// the payment of request id on in.
func completeCheckout(t *testing.T, in *instance, secret string, id int64, eventID string) {
	t.Helper()
	p := paymentOfRequest(t, in, id)
	if code := postWebhook(t, in, secret, time.Now(), paidEvent(eventID, p)); code != 200 {
		t.Fatalf("webhook: %d", code)
	}
}

// signIn signs username in on in through the sign-in form.
func (tb *tab) signIn(t *testing.T, in *instance, username string) {
	t.Helper()
	tb.step(t, "sign in "+username, chromedp.Navigate(in.url("/auth/sign_in")), chromedp.WaitVisible(chromedp.CSS(`#sign-in-form`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), username), chromedp.SendKeys(chromedp.CSS(`#password`), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`#sign-in-button`)), chromedp.WaitVisible(chromedp.CSS(`#compose`)))
}

// msgWith finds the chat bubble that shows text.
func msgWith(text string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`//li[contains(@class, "msg") and contains(., %q)]`, text))
}

// acceptChat opens the message request that shows text, waiting for it
// to arrive (a reload per try, before the chat is open), accepts it and
// marks the chat page so a later reload would be noticed.
func (tb *tab) acceptChat(t *testing.T, in *instance, text string) {
	t.Helper()
	eventually(t, "the request with "+text, func() bool { return tb.has(in.url("/chats/requests"), `#request-list`, text) })
	tb.step(t, "open the request", chromedp.Click(chromedp.Search(fmt.Sprintf(`//a[contains(@class, "request-link") and contains(., %q)]`, text))),
		chromedp.WaitVisible(chromedp.CSS(`#accept-request`)), chromedp.Click(chromedp.CSS(`#accept-request`)),
		chromedp.WaitVisible(msgWith(text)), chromedp.WaitVisible(chromedp.CSS(`#composer`)),
		chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`))
	tb.pageOK(t, "chat after accepting")
	tb.waitLive(t)
}

// waitLive waits until the chat's live stream is open.
func (tb *tab) waitLive(t *testing.T) {
	t.Helper()
	tb.step(t, "live stream open", chromedp.Poll[chromedp.Void](`document.querySelector("#chat").dataset.live === "open"`, chromedp.WithPollingTimeout(stepTimeout)))
}

// send writes a message in the open chat with the composer, which keeps
// the focus for the next one.
func (tb *tab) send(t *testing.T, text string) {
	t.Helper()
	tb.step(t, "send "+text, chromedp.SendKeys(chromedp.CSS(`#message-text`), text), chromedp.Click(chromedp.CSS(`#send-button`)),
		chromedp.WaitVisible(msgWith(text)),
		chromedp.Poll[chromedp.Void](`document.activeElement && document.activeElement.id === "message-text" && document.querySelector("#message-text").value === ""`, chromedp.WithPollingTimeout(stepTimeout)))
}

// sees waits for text to appear in the open chat without a reload.
func (tb *tab) sees(t *testing.T, who, text string) {
	t.Helper()
	tb.step(t, who+" sees "+text, chromedp.WaitVisible(msgWith(text)))
	if !value(t, tb, who+": same page", chromedp.Evaluate[bool](`window.__sameDocument === true`)) {
		t.Fatalf("%s's page reloaded to show %q", who, text)
	}
}

// TestBrowserGroupChat: alice on A starts a group chat with bob on B and
// carol on A, each in their own browser context of one headless Chromium;
// every message appears in the other two open chats without a reload.
// Alice splits 30.00 USD three ways; bob pays through B, A's checkout and
// stripe-mock, carol on A, each completed by a signed webhook; alice's
// card shows each payment arrive and then "settled", live; a refund of
// bob's share shows on all three cards.
func TestBrowserGroupChat(t *testing.T) {
	// The instances first: cleanups run last first, so the browsers close
	// their live streams before the servers shut down.
	api := stripemock.URL(t)
	const secretA, secretB = "whsec_chat_a", "whsec_chat_b"
	roomy := func(c *Config) { c.Stripe.MaxPerDay = "100" }
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(api, secretA), roomy)
	b := startInstanceAt(t, "127.0.0.3:0", storetest.Config(t), withStripe(api, secretB), roomy)
	a.createUser(t, "alice")
	a.createUser(t, "carol")
	b.createUser(t, "bob")
	connectStripe(t, a, "alice", secretA)
	connectStripe(t, b, "bob", secretB) // bob's actor advertises Plaza payments
	alice := browser(t)
	bob, carol := alice.newContext(t), alice.newContext(t)
	alice.signIn(t, a, "alice")
	bob.signIn(t, b, "bob")
	carol.signIn(t, a, "carol")

	alice.step(t, "start a group chat",
		chromedp.Navigate(a.url("/chats")), chromedp.WaitVisible(chromedp.CSS(`#new-chat`)),
		chromedp.Click(chromedp.CSS(`#new-chat`)), chromedp.WaitVisible(chromedp.CSS(`#new-chat-form`)),
		chromedp.SendKeys(chromedp.CSS(`#chat-members`), "@bob@"+b.host+" @carol"),
		chromedp.SendKeys(chromedp.CSS(`#chat-text`), "Dinner on Friday, you two?"),
		chromedp.Click(chromedp.CSS(`#start-chat`)), chromedp.WaitVisible(msgWith("Dinner on Friday, you two?")),
		chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`))
	alice.pageOK(t, "alice's new chat")
	alice.waitLive(t)
	// Neither follows alice: the chat waits in their requests.
	bob.acceptChat(t, b, "Dinner on Friday, you two?")
	carol.acceptChat(t, a, "Dinner on Friday, you two?")

	bob.send(t, "Friday works for me")
	alice.sees(t, "alice", "Friday works for me")
	carol.sees(t, "carol", "Friday works for me")
	carol.send(t, "Me too, 8 pm?")
	alice.sees(t, "alice", "Me too, 8 pm?")
	bob.sees(t, "bob", "Me too, 8 pm?")
	alice.send(t, "8 pm it is")
	bob.sees(t, "bob", "8 pm it is")
	carol.sees(t, "carol", "8 pm it is")

	// Alice splits 30.00 USD three ways (she keeps a share).
	alice.step(t, "split the bill",
		chromedp.Click(chromedp.CSS(`#money-menu summary`)), chromedp.WaitVisible(chromedp.CSS(`#split-form`)),
		chromedp.SendKeys(chromedp.CSS(`#split-amount`), "30.00"), chromedp.SetValue(chromedp.CSS(`#split-currency`), "USD"),
		chromedp.SendKeys(chromedp.CSS(`#split-note`), "Friday dinner"),
		chromedp.Click(chromedp.CSS(`#split-button`)),
		chromedp.WaitVisible(chromedp.CSS(`.pay-card[data-kind="split"]`)))
	aliceCard := `.pay-card[data-kind="split"]`
	if n := value(t, alice, "shares", chromedp.Evaluate[int](`document.querySelectorAll('.pay-card[data-kind="split"] li.pay-share').length`)); n < 2 {
		t.Fatalf("alice's split card lists %d shares, want bob's and carol's%s", n, alice.pageState())
	}
	for _, who := range []*tab{bob, carol} {
		who.step(t, "the request arrives", chromedp.WaitVisible(chromedp.CSS(`.pay-card .pay-action-pay button`)))
		if !value(t, who, "same page", chromedp.Evaluate[bool](`window.__sameDocument === true`)) {
			t.Fatal("the card needed a reload")
		}
	}
	alice.screenshots(t, "chat-group")
	carol.screenshots(t, "chat-pay")
	// The public pay page of a share, as someone without an account here
	// opens it from the message's link.
	payLink := value(t, alice, "pay link", chromedp.Evaluate[string](`document.querySelector('.msg .card-text a[href*="/pay/"]').href`))
	visitor := alice.newContext(t)
	visitor.step(t, "public pay page", chromedp.Navigate(payLink), chromedp.WaitVisible(chromedp.CSS(`#pay-public-amount`)))
	visitor.pageOK(t, "public pay page")
	visitor.screenshots(t, "pay-request")

	// Carol pays on A: Pay → A's checkout → Stripe Checkout (stripe-mock's
	// session), then Stripe's signed webhook.
	bobChat := value(t, bob, "bob's chat", chromedp.Location())
	carolChat := value(t, carol, "carol's chat", chromedp.Location())
	carolReq := requestIDOf(t, carol)
	carol.step(t, "carol pays", clickCard(`.pay-card .pay-action-pay button`))
	carol.waitCheckout(t, nil)
	completeCheckout(t, a, secretA, carolReq, "evt_chat_carol")
	alice.step(t, "carol's payment arrives on alice's card", chromedp.WaitVisible(chromedp.CSS(aliceCard+` li.pay-share[data-state="paid"]`)))

	// Bob pays through B: B makes the Offer, A accepts, and bob goes on
	// to A's checkout.
	// (ids are read as text: they are larger than JavaScript's integers)
	bobShare := value(t, alice, "bob's request on A", chromedp.Evaluate[string](fmt.Sprintf(
		`[...document.querySelectorAll('%s li.pay-share')].find(li => li.textContent.includes("bob")).dataset.requestId`, aliceCard)))
	bobReqOnA, err := strconv.ParseInt(bobShare, 10, 64)
	if err != nil {
		t.Fatalf("bob's share on alice's card: %q", bobShare)
	}
	bob.step(t, "bob pays", clickCard(`.pay-card .pay-action-pay button`))
	bob.waitCheckout(t, b)
	completeCheckout(t, a, secretA, bobReqOnA, "evt_chat_bob")
	alice.step(t, "alice's card settles", chromedp.WaitVisible(chromedp.CSS(`.pay-card[data-kind="split"][data-state="settled"]`)))
	if !value(t, alice, "same page", chromedp.Evaluate[bool](`window.__sameDocument === true`)) {
		t.Fatal("alice's card needed a reload")
	}
	alice.screenshots(t, "chat-settled")
	aliceChat := value(t, alice, "alice's chat", chromedp.Location())

	// Back in their chats, bob and carol see their cards paid; alice
	// refunds bob's share and every card shows it.
	for _, w := range []struct {
		tb  *tab
		url string
	}{{bob, bobChat}, {carol, carolChat}} {
		w.tb.step(t, "back to the chat", chromedp.Navigate(w.url), chromedp.WaitVisible(chromedp.CSS(`.pay-card[data-state="paid"], .pay-card[data-state="settled"]`)))
		w.tb.waitLive(t)
	}
	bobPay := paymentOfRequest(t, a, bobReqOnA)
	alice.step(t, "refund bob", chromedp.Navigate(a.url(fmt.Sprintf("/payments/p/%d", bobPay.ID))), chromedp.WaitVisible(chromedp.CSS(`#refund-form`)),
		chromedp.Click(chromedp.CSS(`#refund-form button`)), chromedp.WaitVisible(chromedp.CSS(`#refund-yes`)),
		chromedp.Click(chromedp.CSS(`#refund-yes`)), chromedp.WaitVisible(chromedp.CSS(`#pay-state[data-state="refunded"]`)))
	alice.step(t, "alice back in the chat", chromedp.Navigate(aliceChat), chromedp.WaitVisible(chromedp.CSS(aliceCard)))
	alice.step(t, "refund on alice's card", chromedp.WaitVisible(chromedp.CSS(aliceCard+` li.pay-share[data-state="refunded"]`)))
	carol.step(t, "refund on carol's card", chromedp.WaitVisible(chromedp.CSS(`.pay-card li.pay-share[data-state="refunded"]`)))
	bob.step(t, "refund on bob's card", chromedp.WaitVisible(chromedp.CSS(`.pay-card[data-state="refunded"]`)))
	alice.step(t, "chat list", chromedp.Navigate(a.url("/chats")), chromedp.WaitVisible(chromedp.CSS(`#chat-list .chat-link`)),
		chromedp.Poll[chromedp.Void](`document.querySelector("#chat-list").dataset.live === "open"`, chromedp.WithPollingTimeout(stepTimeout)),
		chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`))
	alice.pageOK(t, "chat list")
	// The list is live too: bob's next message moves the chat up, unread.
	bob.send(t, "Thanks, see you Friday!")
	alice.step(t, "the list shows bob's message", chromedp.WaitVisible(chromedp.Search(`//li[contains(@class, "chat-row") and contains(@class, "unread") and contains(., "Thanks, see you Friday!")]//span[contains(@class, "unread-badge")]`)))
	if !value(t, alice, "same page", chromedp.Evaluate[bool](`window.__sameDocument === true`)) {
		t.Fatal("alice's chat list reloaded")
	}
	alice.screenshots(t, "chat-list")
}
