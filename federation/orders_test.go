package federation

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"plaza/models"
)

// An order's Receipt (Create and Update) round-trips through the encoder,
// DecodeActivity and DecodeOrder, is told from payment and subscription
// Receipts, and goes to the buyer's inbox only.
func TestOrderReceiptRoundTrip(t *testing.T) {
	bob := &models.Account{ID: 1, Username: "bob", Domain: "b.example", URI: "https://b.example/users/bob", InboxURI: "https://b.example/users/bob/inbox"}
	carol := &models.Account{ID: 2, Username: "carol", URI: "https://a.example/users/carol"}
	placed := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	o := &models.Order{ID: 99, CreatedAt: placed, UpdatedAt: placed.Add(time.Hour), Quantity: 2, Total: 2400, Currency: "EUR", State: models.OrderShipped}
	oo := &models.OrderOut{Order: o, Seller: carol, Buyer: bob, Title: "Blue mug", Listing: "https://a.example/shop/listings/42",
		URI: "https://a.example/shop/orders/99", Amount: "24.00", Page: "https://a.example/shop/orders/0123456789abcdef0123456789abcdef"}
	e := NewEncoder(nil)
	for _, typ := range []string{"Create", "Update"} {
		doc, aud, err := e.orderActivity(&models.Outgoing{Type: typ, ID: oo.URI + "/receipt/x", Actor: carol, Order: oo})
		if err != nil {
			t.Fatal(err)
		}
		if !aud.direct || len(aud.accounts) != 1 || aud.accounts[0] != bob || aud.followersOf != 0 {
			t.Fatalf("audience %+v", aud)
		}
		body, _ := json.Marshal(doc)
		act, err := DecodeActivity(body)
		if err != nil {
			t.Fatal(err)
		}
		if !IsOrderActivity(act) || IsSupporterActivity(act) {
			t.Fatalf("not recognised as an order's: %s", body)
		}
		got, err := DecodeOrder(body)
		if err != nil {
			t.Fatal(err)
		}
		want := models.APOrder{ActivityID: oo.URI + "/receipt/x", Type: typ, Actor: carol.URI, ReceiptID: oo.URI + "/receipt", OrderID: oo.URI,
			ListingID: oo.Listing, Seller: carol.URI, Buyer: bob.URI, Status: "shipped", Amount: "24.00", Currency: "EUR", Quantity: "2",
			URL: oo.Page, Updated: o.UpdatedAt}
		if *got != want {
			t.Fatalf("decoded %+v\nwant    %+v\nfrom %s", *got, want, body)
		}
	}
	// A payment's Receipt (no inReplyTo) is not an order's.
	pay := &models.APActivity{Type: "Create", Object: &models.APObject{Type: "Receipt"}}
	if IsOrderActivity(pay) {
		t.Fatal("a payment Receipt taken for an order's")
	}
	if _, err := DecodeOrder([]byte(`{"id":"https://a.example/x","type":"Create","actor":"https://a.example/users/carol","object":{"type":"Receipt","id":"https://a.example/shop/orders/1/receipt"}}`)); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("a Receipt without order, listing or buyer: %v", err)
	}
}
