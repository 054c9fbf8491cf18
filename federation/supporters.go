package federation

import (
	"encoding/json"
	"fmt"
	"strings"

	"plaza/models"
)

// supporterActivity encodes Create/Update of a subscription's FEP-0837
// Agreement, or Create of a Receipt of one paid period. It goes to the
// supporter's own inbox only.
func (e *Encoder) supporterActivity(out *models.Outgoing) (map[string]any, audience, error) {
	so := out.Supporter
	if so.Subscription == nil || so.Creator == nil || so.Supporter == nil {
		return nil, audience{}, fmt.Errorf("encode %s %s: incomplete subscription", out.Type, out.ID)
	}
	sub := so.Subscription
	doc := map[string]any{"id": out.ID, "type": out.Type, "actor": out.Actor.URI, "to": []string{so.Supporter.URI}}
	aud := audience{accounts: []*models.Account{so.Supporter}, direct: true}
	if so.Invoice != nil {
		inv := so.Invoice
		doc["object"] = map[string]any{
			"id": so.ReceiptURI, "type": "Receipt", "attributedTo": so.Creator.URI, "context": sub.AgreementURI,
			"status": "succeeded", "amount": so.Amount, "currency": sub.Currency, "processor": "stripe",
			"startTime": stamp(inv.PeriodStart), "endTime": stamp(inv.PeriodEnd), "published": stamp(inv.CreatedAt),
			"to": []string{so.Supporter.URI},
		}
		doc["published"] = stamp(inv.CreatedAt)
		return doc, aud, nil
	}
	agreement := map[string]any{
		"id": sub.AgreementURI, "type": "Agreement", "attributedTo": so.Creator.URI, "status": string(sub.State),
		"stipulates": map[string]any{
			"type":             "Commitment",
			"resourceQuantity": map[string]any{"hasUnit": sub.Currency, "hasNumericalValue": so.Amount},
		},
		"stipulatesReciprocal": map[string]any{"type": "Commitment", "provider": so.Supporter.URI},
		"published":            stamp(sub.CreatedAt), "updated": stamp(sub.UpdatedAt), "to": []string{so.Supporter.URI},
	}
	if sub.CurrentPeriodEnd != nil {
		agreement["endTime"] = stamp(*sub.CurrentPeriodEnd)
	}
	doc["object"] = agreement
	doc["published"] = stamp(sub.UpdatedAt)
	return doc, aud, nil
}

// supporterDoc holds what supporter activities carry beyond paymentDoc.
type supporterDoc struct {
	paymentDoc
	AttributedTo json.RawMessage `json:"attributedTo"`
	StartTime    json.RawMessage `json:"startTime"`
	Reciprocal   json.RawMessage `json:"stipulatesReciprocal"`
}

// IsSupporterActivity reports whether a decoded activity is a remote
// subscription's: Create/Update of an Agreement, or Create of a Receipt
// of a period (one with startTime and endTime).
func IsSupporterActivity(a *models.APActivity) bool {
	if (a.Type != "Create" && a.Type != "Update") || a.Object == nil {
		return false
	}
	if a.Object.Type == "Agreement" {
		return true
	}
	return a.Type == "Create" && a.Object.Type == "Receipt" && strings.Contains(a.Raw, `"startTime"`)
}

// DecodeSupporter reads a supporter activity's own fields. Errors wrap
// ErrBadRequest.
func DecodeSupporter(body []byte) (*models.APSupporter, error) {
	var d supporterDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("%w: supporter activity: %w", ErrBadRequest, err)
	}
	p := &models.APSupporter{ActivityID: refURL(d.ID), Type: firstString(d.Type), Actor: refURL(d.Actor)}
	items := rawItems(d.Object)
	var obj supporterDoc
	if len(items) == 0 || json.Unmarshal(items[0], &obj) != nil || p.ActivityID == "" || p.Actor == "" {
		return nil, fmt.Errorf("%w: supporter activity without id, actor or object", ErrBadRequest)
	}
	p.ObjectType = firstString(obj.Type)
	p.Creator = refURL(obj.AttributedTo)
	p.Currency = plainString(obj.Currency)
	p.PeriodEnd = parseTime(obj.EndTime)
	p.Updated = parseTime(obj.Updated)
	switch p.ObjectType {
	case "Agreement":
		p.AgreementID = refID(obj.ID)
		p.State = plainString(obj.Status)
		_, p.Amount, p.Currency = readQuantity(obj.Stipulates)
		p.Supporter = reciprocalProvider(obj.Reciprocal)
	case "Receipt":
		p.ReceiptID = refID(obj.ID)
		p.AgreementID = refID(obj.Context)
		p.Amount = decimalString(obj.Amount)
		p.PeriodStart = parseTime(obj.StartTime)
		if to := refList(obj.To); len(to) > 0 {
			p.Supporter = to[0]
		}
	default:
		return nil, fmt.Errorf("%w: %s %s: object is not an Agreement or Receipt", ErrBadRequest, p.Type, p.ActivityID)
	}
	if p.AgreementID == "" || p.Supporter == "" {
		return nil, fmt.Errorf("%w: %s %s: no Agreement or supporter", ErrBadRequest, p.Type, p.ActivityID)
	}
	return p, nil
}

func reciprocalProvider(raw json.RawMessage) string {
	var c struct {
		Provider json.RawMessage `json:"provider"`
	}
	items := rawItems(raw)
	if len(items) == 0 || json.Unmarshal(items[0], &c) != nil {
		return ""
	}
	return refURL(c.Provider)
}
