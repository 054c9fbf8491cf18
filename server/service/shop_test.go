package service_test

import (
	"errors"
	"testing"

	paysvc "plaza/server/service/payments"
	"plaza/server/service/shop"

	"plaza/models"
)

// When Stripe cannot open the Checkout Session, the order is given up at
// once and its stock comes back: no expiry webhook would ever release it.
func TestShopCheckoutFailureReleasesStock(t *testing.T) {
	w := newStripeWorld(t, paysvc.PaymentsConfig{})
	lv, err := w.svc.Shop().CreateListing(w.ctx, w.alice, shop.ListingInput{Title: "Mug", Price: "12.00", Currency: "USD", Stock: "1"})
	if err != nil {
		t.Fatal(err)
	}
	w.calls.mu.Lock()
	w.calls.down = "/v1/checkout/sessions"
	w.calls.mu.Unlock()
	if _, _, err := w.svc.Shop().Buy(w.ctx, w.bob, shop.BuyInput{ListingID: lv.Listing.ID, Quantity: "1"}); err == nil {
		t.Fatal("bought with Stripe down")
	}
	l, err := w.st.ListingByID(w.ctx, lv.Listing.ID)
	if err != nil || l.Stock == nil || *l.Stock != 1 {
		t.Fatalf("stock after a failed checkout: %+v %v", l, err)
	}
	orders, err := w.st.OrdersOf(w.ctx, w.alice.ID, true, []models.OrderState{models.OrderPending}, 10)
	if err != nil || len(orders) != 0 {
		t.Fatalf("pending orders after a failed checkout: %d %v", len(orders), err)
	}
	// Stripe back: the one mug can be bought, and then no more.
	w.calls.mu.Lock()
	w.calls.down = ""
	w.calls.mu.Unlock()
	if _, _, err := w.svc.Shop().Buy(w.ctx, w.bob, shop.BuyInput{ListingID: lv.Listing.ID, Quantity: "1"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.Shop().Buy(w.ctx, w.bob, shop.BuyInput{ListingID: lv.Listing.ID, Quantity: "1"}); !errors.Is(err, shop.ErrSoldOut) {
		t.Fatalf("second mug: %v", err)
	}
}
