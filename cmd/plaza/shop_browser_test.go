package main

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/payments/stripemock"
)

// TestBrowserShop, in Chromium against two instances: bob, signed in on B
// (payments off), sees carol's listing in his home timeline, follows its
// Buy link to A's public buy page, orders two mugs with no account on A
// and is sent on to Stripe Checkout; after the webhook the order page
// says paid. With PLAZA_TEST_SCREENSHOTS=1 it saves shop-listing-*,
// shop-buy-* and shop-order-* in docs/screenshots.
func TestBrowserShop(t *testing.T) {
	ctx := context.Background()
	tb := browser(t)
	api := stripemock.URL(t)
	const secret = "whsec_shop_browser"
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), withStripe(api, secret))
	b := startInstance(t, "127.0.0.3")
	a.createUser(t, "carol")
	bob := b.createUser(t, "bob")
	carolBrowser := connectStripe(t, a, "carol", secret)
	followAcross(t, b, bob, "carol@"+a.host)
	code, body := carolBrowser.postJSON(a.url("/shop/new"), a.url("/shop/listings"), url.Values{"title": {"Blue mug"},
		"description": {"Hand-thrown stoneware, 350 ml, dishwasher safe."}, "price": {"12.00"}, "currency": {"EUR"},
		"stock": {"3"}, "shipping_note": {"Ships within the EU in 3 days"}})
	if code != 200 {
		t.Fatalf("listing: %d %v", code, body)
	}
	buyURL := body["buy_url"].(string)

	tb.signIn(t, b, "bob")
	eventually(t, "the listing in bob's home on B", func() bool { return tb.has(b.url("/home"), `#compose`, "Blue mug") })
	tb.screenshots(t, "shop-listing")
	href := value(t, tb, "the buy link", chromedp.Evaluate[string](`(function(){var a=[...document.querySelectorAll("a")].find(a=>a.href.includes("/shop/listings/")); return a ? a.href : ""})()`))
	if href != buyURL {
		t.Fatalf("buy link on B %q, want %q%s", href, buyURL, tb.pageState())
	}
	// The link opens in a new tab (remote links do); the test follows it
	// in this one.
	tb.step(t, "follow the buy link", chromedp.Navigate(href),
		chromedp.WaitVisible(chromedp.CSS(`#buy-form`)))
	if got := value(t, tb, "buy page price", chromedp.Evaluate[string](`document.querySelector("#listing-price").innerText`)); got != "12.00 EUR" {
		t.Fatalf("buy page price %q", got)
	}
	tb.step(t, "fill in the order", chromedp.SetValue(chromedp.CSS(`#buy-quantity`), "2"),
		chromedp.SendKeys(chromedp.CSS(`#buy-note`), "Gift wrap, please"),
		chromedp.SendKeys(chromedp.CSS(`#buy-handle`), "@bob@"+b.host))
	tb.screenshots(t, "shop-buy")
	tb.stepAllowingErrorStatus(t, "buy", chromedp.Click(chromedp.CSS(`#buy-form button`)))
	tb.waitCheckout(t, nil)

	// The order, found on A, is paid by Stripe's signed webhook.
	var o *models.Order
	eventually(t, "the order on A", func() bool {
		ls, err := a.store.SearchListings(ctx, []string{"mug"}, 1)
		if err != nil || len(ls) == 0 {
			return false
		}
		orders, err := a.store.OrdersOf(ctx, ls[0].SellerID, true, []models.OrderState{models.OrderPending}, 1)
		if err != nil || len(orders) == 0 {
			return false
		}
		o = orders[0]
		return true
	})
	p, err := a.store.PaymentByID(ctx, o.PaymentID)
	if err != nil {
		t.Fatal(err)
	}
	if code := postWebhook(t, a, secret, time.Now(), paidEvent("evt_browser_mugs", p)); code != 200 {
		t.Fatalf("webhook: %d", code)
	}
	tb.step(t, "the order page", chromedp.Navigate(a.url("/shop/orders/"+o.Token)), chromedp.WaitVisible(chromedp.CSS(`#order-state[data-state="paid"]`)))
	tb.screenshots(t, "shop-order")
}
