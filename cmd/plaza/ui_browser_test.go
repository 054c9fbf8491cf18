package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/payments/stripemock"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// consoleErrors records the JavaScript exceptions, console.error calls and
// security (CSP) or script errors of a tab; blocked https documents (the
// Stripe pages the tests never load) are network entries and not counted.
func consoleErrors(t *testing.T, tb *tab) func() []string {
	t.Helper()
	var errs []string
	chromedp.Listen(tb.ctx, func(ev any) {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			errs = append(errs, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				errs = append(errs, "console.error")
			}
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError && e.Entry.Source != cdplog.EntrySourceNetwork {
				errs = append(errs, string(e.Entry.Source)+": "+e.Entry.Text)
			}
		}
	})
	return func() []string {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		out := errs
		errs = nil
		return out
	}
}

// setField sets a form field's value (an empty one too).
func setField(sel, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = %q`, sel, v))
}

// mainPage is one of the pages every width is checked on.
type mainPage struct {
	name, path, ready string
}

// checkWidths loads page in tb and checks it at 1280, 390 and 360 px: no
// error, no console error, the compact navigation at phone width and the
// full one on a desktop, and nothing wider than the screen. With
// PLAZA_TEST_SCREENSHOTS=1 it saves docs/screenshots/<name>-1280.png and
// <name>-390.png.
func checkWidths(t *testing.T, tb *tab, in *instance, p mainPage, errs func() []string) {
	t.Helper()
	tb.step(t, p.name, chromedp.Navigate(in.url(p.path)), chromedp.WaitVisible(chromedp.CSS(p.ready)))
	tb.pageOK(t, p.name)
	for _, w := range []int64{1280, 390, 360} {
		what := fmt.Sprintf("%s at %d px", p.name, w)
		tb.step(t, what, chromedp.EmulateViewport(w, 800), chromedp.WaitVisible(chromedp.CSS(p.ready)))
		layout := value(t, tb, what, chromedp.Evaluate[string](`(function(){
			var vis = function(s){ var e = document.querySelector(s); return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden"; };
			var nav = document.querySelector(".main-nav > ul");
			return [document.documentElement.scrollWidth, innerWidth, vis(".main-nav .more"), vis("#nav-payments"), vis("#sign-out"),
				nav ? Math.round(nav.getBoundingClientRect().height) : 0, document.querySelector("header.site .brand").textContent, !!document.querySelector("footer.site")].join(" ")})()`))
		var sw, iw, navH int
		var more, wide, signOut, footer bool
		var brand string
		if _, err := fmt.Sscan(layout, &sw, &iw, &more, &wide, &signOut, &navH, &brand); err != nil {
			t.Fatalf("%s: read layout %q: %v", what, layout, err)
		}
		footer = strings.HasSuffix(layout, "true")
		if sw > iw {
			t.Errorf("%s scrolls sideways: %d px wide in %d%s", what, sw, iw, tb.pageState())
		}
		if !signOut || !footer || !strings.HasPrefix(brand, "Plaza") {
			t.Errorf("%s: not in the main layout (sign-out %v, footer %v, brand %q)", what, signOut, footer, brand)
		}
		phone := w < 600
		if phone && (!more || wide || navH > 60) {
			t.Errorf("%s: phone navigation: More menu %v, wide links %v, bar %d px high", what, more, wide, navH)
		}
		if !phone && (more || !wide) {
			t.Errorf("%s: desktop navigation: More menu %v, wide links %v", what, more, wide)
		}
		if os.Getenv("PLAZA_TEST_SCREENSHOTS") == "1" && w != 360 {
			buf := value(t, tb, "screenshot "+what, chromedp.CaptureScreenshot())
			if err := os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", fmt.Sprintf("%s-%d.png", p.name, w)), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tb.step(t, "viewport back", chromedp.EmulateViewport(1280, 800))
	if e := errs(); len(e) > 0 {
		t.Errorf("%s: console errors: %v", p.name, e)
	}
}

// TestBrowserUIEveryPage holds issue 16 in a real browser against two
// instances: alice on A follows bob and carol on B, tips bob's public post
// (no Tip on a direct message), pays him "12,50" EUR from the pay form to
// his notification, which says so and links to the payment; bob refunds
// part of it through the confirmation, his mistakes shown beside the
// field; errors are pages in the layout that say what to do; and every
// main page works at 1280, 390 and 360 px.
func TestBrowserUIEveryPage(t *testing.T) {
	api := stripemock.URL(t)
	const secretA, secretB = "whsec_ui_a", "whsec_ui_b"
	name := func(n string) func(*Config) {
		return func(c *Config) { c.Instance.Name = n; c.Stripe.MaxPerDay = "100" }
	}
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(api, secretA), name("Plaza A"))
	b := startInstanceAt(t, "127.0.0.3:0", storetest.Config(t), withStripe(api, secretB), name("Plaza B"))
	ctx := context.Background()
	alice, err := a.svc.Accounts().CreateUser(ctx, accounts.CreateUserInput{Username: "alice", Email: "alice@example.test", Password: "correct horse battery", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	bob := b.createUser(t, "bob")
	carol := b.createUser(t, "carol")
	if err := b.svc.Accounts().SetLocked(ctx, carol, true); err != nil {
		t.Fatal(err)
	}
	connectStripe(t, b, "bob", secretB)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	text := func(tb *tab, what, sel string) string {
		return value(t, tb, what, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).textContent||""`, sel)))
	}

	at := browser(t)
	bt := at.newContext(t)
	aErrs, bErrs := consoleErrors(t, at), consoleErrors(t, bt)
	at.step(t, "desktop width", chromedp.EmulateViewport(1280, 800))
	at.signIn(t, a, "alice")
	bt.signIn(t, b, "bob")

	// An unknown handle says what happened and what to do.
	at.step(t, "search an unknown handle", chromedp.Navigate(a.url("/search?q="+"@nobody@"+b.host)), chromedp.WaitVisible(css(`#no-accounts`)))
	if s := text(at, "no accounts", "#no-accounts"); !strings.Contains(s, "No account @nobody@"+b.host+" was found") || !strings.Contains(s, "Check the spelling") {
		t.Errorf("unknown handle says %q", s)
	}
	// Following an unlocked account: Following at once; a locked one: a request.
	for _, who := range []struct{ handle, state, button string }{
		{"bob@" + b.host, "Following", "Unfollow"}, {"carol@" + b.host, "Follow requested", "Cancel follow request"},
	} {
		at.step(t, "follow "+who.handle, chromedp.Navigate(a.url("/search?q=@"+who.handle)), chromedp.WaitVisible(css(`.accounts a.account`)),
			chromedp.Click(css(`.accounts a.account`)), chromedp.WaitVisible(css(`#follow-button`)),
			chromedp.Click(css(`#follow-button`)), chromedp.WaitVisible(css(`#follow-state`)))
		if s, btn := text(at, "follow state", "#follow-state"), text(at, "follow button", "#follow-button"); s != who.state || btn != who.button {
			t.Errorf("after following %s: %q, button %q; want %q, %q", who.handle, s, btn, who.state, who.button)
		}
	}
	aliceOnB := b.resolve(t, "alice@"+a.host)
	eventually(t, "bob has alice as follower", func() bool {
		rel, err := b.svc.Social().Relationship(ctx, bob, aliceOnB)
		return err == nil && rel.FollowedBy
	})

	// A public post has a Tip button; a direct message has none.
	long := "Supercalifragilisticexpialidocious" + strings.Repeat("x", 60)
	pub := b.post(t, bob, "Tips welcome "+long+" https://example.com/"+strings.Repeat("long/", 30), models.VisibilityPublic, nil)
	dm := b.post(t, bob, "@alice@"+a.host+" a private word", models.VisibilityDirect, nil)
	var pubOnA, dmOnA *models.Status
	eventually(t, "bob's posts on A", func() bool {
		pubOnA, _ = a.statusByURI(alice, pub.URI)
		dmOnA, _ = a.statusByURI(alice, dm.URI)
		return pubOnA != nil && dmOnA != nil
	})
	bobPath := "/@bob@" + b.host
	at.step(t, "thread of a public post", chromedp.Navigate(a.url(fmt.Sprintf("%s/%d", bobPath, pubOnA.ID))), chromedp.WaitVisible(css(`#tip-button`)))
	at.step(t, "thread of a direct message", chromedp.Navigate(a.url(fmt.Sprintf("%s/%d", bobPath, dmOnA.ID))), chromedp.WaitVisible(css(`article.status`)))
	if tip := value(t, at, "tip on a DM", chromedp.Evaluate[bool](`!!document.querySelector("#tip-button")`)); tip {
		t.Errorf("a direct message has a Tip button")
	}

	// A payment from the payer's form to the payee's notification.
	at.step(t, "pay form", chromedp.Navigate(a.url(bobPath)), chromedp.WaitVisible(css(`#pay-button`)),
		chromedp.Click(css(`#pay-button`)), chromedp.WaitVisible(css(`#pay-form`)))
	at.pageOK(t, "pay form")
	if n := value(t, at, "To on the pay form", chromedp.Evaluate[int](`[...document.querySelectorAll("#pay-form label, #pay-form p")].filter(e => /^To\b/.test(e.textContent.trim())).length`)); n != 1 {
		t.Errorf("the pay form says To %d times", n)
	}
	at.step(t, "pay 12,50 EUR", chromedp.SendKeys(css(`#amount`), "12,50"), chromedp.SetValue(css(`#currency`), "EUR"),
		chromedp.SendKeys(css(`#note`), "for the tips"), chromedp.Click(css(`input[name=dm]`)),
		chromedp.Click(css(`#pay-continue`)), chromedp.WaitVisible(css(`#pay-state`)))
	at.pageOK(t, "payment status")
	statusURL := value(t, at, "status page address", chromedp.Location())
	// The status page refreshes itself: the Pay link appears with no reload
	// from the test once B accepts.
	at.step(t, "status page shows the pay link by itself", chromedp.WaitVisible(css(`#pay-go`)))
	if amt := text(at, "amount", "#pay-amount"); amt != "12.50 EUR" {
		t.Errorf("status page amount %q", amt)
	}
	at.step(t, "go to checkout", chromedp.Click(css(`#pay-go`)))
	var paid *models.Payment
	eventually(t, "bob's payment opens its checkout", func() bool {
		list, err := b.svc.Payments().Payments(ctx, bob, payments.PaymentFilter{})
		if err == nil && len(list) == 1 && list[0].Payment.State == models.PaymentCheckoutOpen {
			paid = list[0].Payment
		}
		return paid != nil
	})
	if code := postWebhook(t, b, secretB, time.Now(), paidEvent("evt_ui_paid", paid)); code != 200 {
		t.Fatalf("webhook: %d", code)
	}
	// The tab left for Stripe (blocked); the status page says the result.
	eventually(t, "alice's status page says succeeded", func() bool {
		return at.has(statusURL, `#pay-state[data-state=succeeded]`, "Succeeded")
	})
	bt.step(t, "bob's notifications", chromedp.Navigate(b.url("/notifications")), chromedp.WaitVisible(css(`li.notification.payment`)))
	bt.pageOK(t, "bob's notifications")
	sentence := text(bt, "payment notification", "li.notification.payment .sentence")
	if !strings.Contains(sentence, "@alice@"+a.host) || !strings.Contains(sentence, "paid you 12.50 EUR") {
		t.Errorf("bob's payment notification says %q", sentence)
	}
	bt.step(t, "follow the notification's link", chromedp.Click(css(`li.notification.payment .notification-link a`)), chromedp.WaitVisible(css(`#pay-amount`)))
	bt.pageOK(t, "payment from the notification")
	if amt := text(bt, "amount", "#pay-amount"); amt != "12.50 EUR" || !strings.Contains(value(t, bt, "url", chromedp.Location()), fmt.Sprintf("/payments/p/%d", paid.ID)) {
		t.Errorf("the notification links to %q showing %q", value(t, bt, "url", chromedp.Location()), amt)
	}
	at.step(t, "alice's notifications", chromedp.Navigate(a.url("/notifications")), chromedp.WaitVisible(css(`li.notification.payment`)))
	if s := text(at, "alice's notification", "li.notification.payment .sentence"); !strings.Contains(s, "received your payment of 12.50 EUR") {
		t.Errorf("alice's payment notification says %q", s)
	}
	if s := text(at, "follow notification", "li.notification.follow .sentence"); s != "" {
		t.Logf("alice's follow notification: %q", s)
	}

	// Refunds: mistakes beside the field, then a confirmation.
	for _, bad := range []struct{ typed, says string }{{"", "Enter the amount"}, {"99", "more than can be refunded"}, {"1,500.5,0", "more than one separator"}} {
		bt.stepAllowingErrorStatus(t, "refund "+bad.typed, chromedp.WaitVisible(css(`#refund-amount`)), setField("#refund-amount", bad.typed),
			// The page before the click shows the last answer: mark it, and
			// wait for the error of a page without the mark.
			chromedp.Evaluate[chromedp.Void](`document.body.dataset.stale = "1"`),
			chromedp.Click(css(`#refund-button`)), chromedp.WaitVisible(css(`body:not([data-stale]) #refund-error`)))
		if s := text(bt, "refund error", "#refund-error"); !strings.Contains(s, bad.says) {
			t.Errorf("refund of %q says %q, want %q", bad.typed, s, bad.says)
		}
	}
	bt.step(t, "refund 2,50", setField("#refund-amount", "2,50"), chromedp.Click(css(`#refund-button`)), chromedp.WaitVisible(css(`#refund-question`)))
	if q := text(bt, "confirmation", "#refund-question"); !strings.Contains(q, "2.50 EUR") {
		t.Errorf("refund confirmation asks %q", q)
	}
	bt.step(t, "confirm the refund", chromedp.Click(css(`#refund-yes`)), chromedp.WaitVisible(css(`#pay-state[data-state=partially_refunded]`)))

	// The payer's note is in bob's chat with alice, not a new conversation,
	// and its receipt link opens for bob, who has no session on A.
	var bobChat int64
	eventually(t, "the payment note in bob's chat", func() bool {
		list, _ := b.svc.Messaging().Conversations(ctx, bob, core.Page{})
		for _, cv := range list {
			if cv.LastStatus != nil && strings.Contains(cv.LastStatus.Content, "for the tips") {
				bobChat = cv.AccountConversation.ConversationID
			}
		}
		return bobChat != 0
	})
	if list, _ := b.svc.Messaging().Conversations(ctx, bob, core.Page{}); len(list) != 1 {
		t.Errorf("bob has %d conversations; the payment note should join his chat with alice", len(list))
	}
	bt.step(t, "bob's chat with the note", chromedp.Navigate(b.url(fmt.Sprintf("/chats/%d", bobChat))), chromedp.WaitVisible(css(`a[href*="/payments/r/"]`)))
	bt.pageOK(t, "chat with the payment note")
	receipt := value(t, bt, "receipt link", chromedp.Evaluate[string](`document.querySelector('a[href*="/payments/r/"]').href`))
	if !strings.HasPrefix(receipt, "http://"+a.host+"/payments/r/") {
		t.Errorf("the note's receipt link is %q, want A's public receipt", receipt)
	}
	for _, w := range []int64{1280, 390} {
		bt.step(t, fmt.Sprintf("public receipt at %d px", w), chromedp.EmulateViewport(w, 800), chromedp.Navigate(receipt), chromedp.WaitVisible(css(`#receipt-amount`)))
		bt.pageOK(t, "public receipt")
		if amt := text(bt, "receipt amount", "#receipt-amount"); amt != "12.50 EUR" {
			t.Errorf("public receipt at %d px says %q", w, amt)
		}
		if over := value(t, bt, "receipt width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > innerWidth`)); over {
			t.Errorf("the public receipt scrolls sideways at %d px", w)
		}
	}
	bt.step(t, "desktop again", chromedp.EmulateViewport(1280, 800))

	// Browsers get error pages in the layout, saying what to do.
	at.stepAllowingErrorStatus(t, "unknown address", chromedp.Navigate(a.url("/no/such/page")), chromedp.WaitVisible(css(`#error-page`)), chromedp.WaitVisible(css(`#sign-out`)))
	at.stepAllowingErrorStatus(t, "unknown payment", chromedp.Navigate(a.url("/payments/p/12345")), chromedp.WaitVisible(css(`#pay-error`)), chromedp.WaitVisible(css(`#sign-out`)))
	png := filepath.Join(t.TempDir(), "notes.png")
	if err := os.WriteFile(png, []byte("just some text, not an image"), 0o600); err != nil {
		t.Fatal(err)
	}
	at.stepAllowingErrorStatus(t, "upload a text file", chromedp.Navigate(a.url("/home")), chromedp.WaitVisible(css(`#compose`)),
		chromedp.SendKeys(css(`#status-text`), "with a picture"), chromedp.SetUploadFiles(css(`#media`), []string{png}),
		chromedp.Click(css(`#post-button`)), chromedp.WaitVisible(css(`#compose-error`)))
	if s := text(at, "upload error", "#compose-error"); !strings.Contains(s, "PNG, JPEG, GIF or WebP") {
		t.Errorf("a bad upload says %q", s)
	}
	aErrs() // the refused pages above logged their status on purpose
	bErrs()

	// A chat with a long link in it.
	at.step(t, "a chat", chromedp.Navigate(a.url("/chats/new?to=@bob@"+b.host)), chromedp.WaitVisible(css(`#chat-text`)),
		chromedp.SendKeys(css(`#chat-text`), "look https://example.com/"+strings.Repeat("averyveryverylongpath", 8)),
		chromedp.Click(css(`#start-chat`)), chromedp.WaitVisible(css(`#messages`)))
	chat := value(t, at, "chat address", chromedp.Evaluate[string](`location.pathname`))

	// The phone menu opens without JavaScript and leads on.
	at.step(t, "phone menu", chromedp.Navigate(a.url("/home")), chromedp.EmulateViewport(390, 800), chromedp.WaitVisible(css(`#nav-more summary`)),
		chromedp.Click(css(`#nav-more summary`)), chromedp.WaitVisible(css(`#menu-payments`)),
		chromedp.Click(css(`#menu-payments`)), chromedp.WaitVisible(css(`table.payments`)))
	at.step(t, "payments as a list", chromedp.Poll[chromedp.Void](`innerWidth === 390 && getComputedStyle(document.querySelector("table.payments tr.payment")).display === "block"`, chromedp.WithPollingTimeout(stepTimeout)))
	at.step(t, "desktop again", chromedp.EmulateViewport(1280, 800))

	for _, p := range []mainPage{
		{"home", "/home", "#compose"},
		{"profile", "/@alice", "#profile-name"},
		{"remote-profile", bobPath, "#pay-button"},
		{"thread", fmt.Sprintf("%s/%d", bobPath, pubOnA.ID), "#tip-button"},
		{"notifications", "/notifications", "li.notification"},
		{"chats", "/chats", ".chats"},
		{"chat", chat, "#messages"},
		{"payments", "/payments", "table.payments"},
		{"pay-form", "/payments/new?to=@bob@" + b.host, "#pay-form"},
		{"settings", "/settings/profile", "#profile-form"},
		{"search", "/search?q=bob", "#q"},
		{"admin", "/admin/users", "#admin-users"},
	} {
		checkWidths(t, at, a, p, aErrs)
	}
	checkWidths(t, bt, b, mainPage{"payment", fmt.Sprintf("/payments/p/%d", paid.ID), "#pay-state"}, bErrs)
	checkWidths(t, bt, b, mainPage{"payee-notifications", "/notifications", "li.notification.payment"}, bErrs)
}
