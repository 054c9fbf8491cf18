package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"plaza/models"
)

// Orders across instances (docs/SHOP.md, "Buying from another Plaza
// instance"): A sends bob@B the Receipt of his order, B mirrors it on his
// Bought page, refuses forged ones and applies the listing's Updates.
// Called from TestShopBetweenInstances, which places the order.

// boughtOnB waits until bob's Bought page on B (JSON and HTML, through
// his web session) shows the order of 2 mugs placed on A in state.
func boughtOnB(t *testing.T, b *instance, bob *payBrowser, orderURL, state string) {
	t.Helper()
	boughtOnBOf(t, b, bob, orderURL, state, "2", "24.00")
}

func boughtOnBOf(t *testing.T, b *instance, bob *payBrowser, orderURL, state, quantity, total string) {
	t.Helper()
	var got map[string]any
	eventually(t, "bob's Bought page on B shows the order "+state, func() bool {
		for _, o := range sellerOrdersAt(t, bob, b.url("/shop/bought")) {
			if o["url"] == orderURL {
				got = o
				return o["state"] == state
			}
		}
		return false
	})
	if got["remote"] != true || got["title"] != "Blue mug" || fmt.Sprint(got["quantity"]) != quantity || got["total"] != total ||
		got["currency"] != "EUR" || !strings.HasPrefix(fmt.Sprint(got["seller"]), "carol@") {
		t.Fatalf("the order on B: %v", got)
	}
	_, page, _ := bob.get(b.url("/shop/bought"))
	if !strings.Contains(page, `class="order remote-order" data-state="`+state+`"`) || !strings.Contains(page, `href="`+orderURL+`"`) {
		t.Fatalf("bob's Bought page on B:\n%s", page)
	}
}

// receiptJSON is an order's Create/Update(Receipt) as A sends it.
func receiptJSON(id, typ, actor, order, listing, buyer, status string, updated time.Time) []byte {
	body, _ := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": typ, "actor": actor, "to": []string{buyer},
		"object": map[string]any{"id": order + "/receipt", "type": "Receipt", "attributedTo": actor, "context": order, "inReplyTo": listing,
			"name": "Blue mug", "status": status, "resourceQuantity": map[string]any{"hasUnit": "one", "hasNumericalValue": "2"},
			"amount": "24.00", "currency": "EUR", "processor": "stripe",
			"published": updated.UTC().Format(time.RFC3339Nano), "updated": updated.UTC().Format(time.RFC3339Nano), "to": []string{buyer}},
	})
	return body
}

// postAs delivers body to bob's inbox on B signed by from (an account of A).
func postAs(t *testing.T, from *models.Account, b *instance, body []byte) (int, string) {
	t.Helper()
	return inboxPost{body: body, keyID: from.PublicKeyID, key: privateKey(t, from), date: time.Now(), inboxURL: b.url("/users/bob/inbox")}.do(t)
}

// remoteOrdersOn is every remote order mirrored for bob on B.
func remoteOrdersOn(t *testing.T, b *instance, bob *models.Account) []*models.RemoteOrder {
	t.Helper()
	ms, err := b.store.RemoteOrdersOf(context.Background(), bob.ID, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// forgedReceiptsRefusedOnB: Receipts signed by another actor than the
// seller, naming an order on another host, or for a buyer not on B are
// refused and write nothing; replays (the same activity, or the same
// Receipt with an older updated) change nothing.
func forgedReceiptsRefusedOnB(t *testing.T, a, b *instance, carol, dave, bob *models.Account, orderID int64, buyURL string) {
	t.Helper()
	order := a.url("/shop/orders/" + fmt.Sprint(orderID))
	before := remoteOrdersOn(t, b, bob)
	if len(before) != 1 || before[0].State != models.OrderShipped || before[0].ReceiptURI != order+"/receipt" {
		t.Fatalf("B's mirror before the forgeries: %+v", before)
	}
	later := time.Now().Add(time.Hour)
	for _, c := range []struct {
		name string
		from *models.Account
		body []byte
	}{
		{"signed by another actor", dave, receiptJSON(a.url("/forged/1"), "Update", dave.URI, order, buyURL, bob.URI, "refunded", later)},
		{"order on another host", carol, receiptJSON(a.url("/forged/2"), "Create", carol.URI, b.url("/shop/orders/1"), buyURL, bob.URI, "paid", later)},
		{"listing on another host", carol, receiptJSON(a.url("/forged/3"), "Update", carol.URI, order, b.url("/shop/listings/1"), bob.URI, "refunded", later)},
		{"buyer not on B", carol, receiptJSON(a.url("/forged/4"), "Create", carol.URI, a.url("/shop/orders/77"), buyURL, dave.URI, "paid", later)},
	} {
		if code, resp := postAs(t, c.from, b, c.body); code != http.StatusForbidden {
			t.Errorf("%s: %d %s", c.name, code, resp)
		}
	}
	// Replays: A's own Create again, and the Receipt as paid under a new
	// activity id but older than the shipped one B shows.
	for _, body := range [][]byte{
		receiptJSON(order+"/receipt/create", "Create", carol.URI, order, buyURL, bob.URI, "paid", before[0].ReceiptUpdated),
		receiptJSON(order+"/receipt/updates/replayed", "Update", carol.URI, order, buyURL, bob.URI, "paid", before[0].ReceiptUpdated.Add(-time.Minute)),
		receiptJSON(order+"/receipt/updates/replayed-too", "Update", carol.URI, order, buyURL, bob.URI, "paid", before[0].ReceiptUpdated),
	} {
		if code, resp := postAs(t, carol, b, body); code/100 != 2 {
			t.Errorf("replayed Receipt: %d %s", code, resp)
		}
	}
	after := remoteOrdersOn(t, b, bob)
	if len(after) != 1 || after[0].State != models.OrderShipped || !after[0].ReceiptUpdated.Equal(before[0].ReceiptUpdated) {
		t.Fatalf("a forged or replayed Receipt changed B's mirror: %+v -> %+v", before[0], after)
	}
	if _, err := b.store.RemoteOrderByReceiptForUpdate(context.Background(), b.url("/shop/orders/1/receipt")); err == nil {
		t.Fatal("a Receipt for an order on B's own host was stored")
	}
}

// listingUpdateFromThirdActorRefused: dave, on the seller's own host,
// sends an Update of carol's listing post with a lower price, as himself
// and claiming to be carol; B refuses both and the remote listing keeps
// carol's price.
func listingUpdateFromThirdActorRefused(t *testing.T, b *instance, dave, carol *models.Account, postURI, buyURL string) {
	t.Helper()
	for i, author := range []string{dave.URI, carol.URI} {
		note := map[string]any{"id": postURI, "type": "Note", "attributedTo": author, "content": "<p>Blue mug — 1.00 EUR</p>",
			"to": []string{"https://www.w3.org/ns/activitystreams#Public"}, "updated": time.Now().UTC().Format(time.RFC3339),
			"attachment": []any{map[string]any{"type": "Proposal", "id": buyURL, "purpose": "offer", "name": "Blue mug", "attributedTo": author,
				"status": "open", "publishes": map[string]any{"type": "Intent", "provider": author},
				"reciprocal": map[string]any{"type": "Intent", "receiver": author, "resourceQuantity": map[string]any{"hasUnit": "EUR", "hasNumericalValue": "1.00"}}}}}
		body, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": dave.URI + fmt.Sprintf("/forged-update/%d", i),
			"type": "Update", "actor": dave.URI, "object": note})
		if code, resp := postAs(t, dave, b, body); code != http.StatusForbidden {
			t.Errorf("listing Update by dave as %s: %d %s", author, code, resp)
		}
	}
}
