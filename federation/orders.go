package federation

import (
	"encoding/json"
	"fmt"

	"plaza/models"
)

// orderActivity encodes Create/Update of the Receipt of an order a buyer
// of another instance placed (docs/SHOP.md). It goes to the buyer's own
// inbox only, signed by the seller.
func (e *Encoder) orderActivity(out *models.Outgoing) (map[string]any, audience, error) {
	oo := out.Order
	if oo.Order == nil || oo.Seller == nil || oo.Buyer == nil {
		return nil, audience{}, fmt.Errorf("encode %s %s: incomplete order", out.Type, out.ID)
	}
	o := oo.Order
	doc := map[string]any{"id": out.ID, "type": out.Type, "actor": out.Actor.URI, "to": []string{oo.Buyer.URI},
		"published": stamp(o.UpdatedAt)}
	doc["object"] = map[string]any{
		"id": oo.URI + "/receipt", "type": "Receipt", "attributedTo": oo.Seller.URI, "context": oo.URI, "inReplyTo": oo.Listing,
		"name": oo.Title, "status": string(o.State),
		"resourceQuantity": map[string]any{"hasUnit": "one", "hasNumericalValue": fmt.Sprint(o.Quantity)},
		"amount":           oo.Amount, "currency": o.Currency, "processor": "stripe", "url": oo.Page,
		"published": stamp(o.CreatedAt), "updated": stamp(o.UpdatedAt), "to": []string{oo.Buyer.URI},
	}
	return doc, audience{accounts: []*models.Account{oo.Buyer}, direct: true}, nil
}

// IsOrderActivity reports whether a decoded activity is an order's:
// Create/Update of a Receipt in reply to a listing (a payment's Receipt
// has no inReplyTo).
func IsOrderActivity(a *models.APActivity) bool {
	return (a.Type == "Create" || a.Type == "Update") && a.Object != nil && a.Object.Type == "Receipt" && a.Object.InReplyTo != ""
}

// DecodeOrder reads an order Receipt activity's own fields. Errors wrap
// ErrBadRequest.
func DecodeOrder(body []byte) (*models.APOrder, error) {
	var d rawDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("%w: order activity: %w", ErrBadRequest, err)
	}
	p := &models.APOrder{ActivityID: refURL(d.ID), Type: firstString(d.Type), Actor: refURL(d.Actor)}
	var obj struct {
		paymentDoc
		Quantity json.RawMessage `json:"resourceQuantity"`
	}
	items := rawItems(d.Object)
	if len(items) == 0 || json.Unmarshal(items[0], &obj) != nil || p.ActivityID == "" || p.Actor == "" || firstString(obj.Type) != "Receipt" {
		return nil, fmt.Errorf("%w: order activity without id, actor or Receipt", ErrBadRequest)
	}
	p.ReceiptID, p.OrderID, p.ListingID = refID(obj.ID), refID(obj.Context), refID(obj.InReplyTo)
	p.Seller, p.Status = refURL(obj.AttributedTo), plainString(obj.Status)
	p.Amount, p.Currency, p.URL, p.Updated = decimalString(obj.Amount), plainString(obj.Currency), refID(obj.URL), parseTime(obj.Updated)
	var q struct {
		Value json.RawMessage `json:"hasNumericalValue"`
	}
	if it := rawItems(obj.Quantity); len(it) > 0 && json.Unmarshal(it[0], &q) == nil {
		p.Quantity = decimalString(q.Value)
	}
	if to := refList(obj.To); len(to) > 0 {
		p.Buyer = to[0]
	}
	if p.ReceiptID == "" || p.OrderID == "" || p.ListingID == "" || p.Buyer == "" {
		return nil, fmt.Errorf("%w: %s %s: no Receipt, order, listing or buyer", ErrBadRequest, p.Type, p.ActivityID)
	}
	return p, nil
}
