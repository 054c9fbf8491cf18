package federation

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"plaza/models"
)

// Payment activities (PAYMENTS.md): FEP-0837 / ValueFlows vocabulary for
// Proposal, Intent, Offer, Agreement and Commitment, and Plaza's own
// Receipt, described by the JSON-LD context each instance serves at
// PaymentContextPath.

// PaymentContextPath is where an instance serves Plaza's payments context.
const PaymentContextPath = "/ns/payments.jsonld"

// PaymentContext is the @context of payment activities of an actor on base.
func PaymentContext(actorURI string) []any {
	return []any{"https://www.w3.org/ns/activitystreams", baseURL(actorURI) + PaymentContextPath}
}

// PaymentContextDocument is the JSON-LD context document served at
// PaymentContextPath.
func PaymentContextDocument(base string) map[string]any {
	return map[string]any{"@context": map[string]any{
		"vf":                 "https://w3id.org/valueflows/ont/vf#",
		"om2":                "http://www.ontology-of-units-of-measure.org/resource/om-2/",
		"plaza":              base + PaymentContextPath + "#",
		"xsd":                "http://www.w3.org/2001/XMLSchema#",
		"Proposal":           "vf:Proposal",
		"Intent":             "vf:Intent",
		"Agreement":          "vf:Agreement",
		"Commitment":         "vf:Commitment",
		"purpose":            "vf:purpose",
		"publishes":          map[string]any{"@id": "vf:publishes", "@type": "@id"},
		"action":             "vf:action",
		"receiver":           map[string]any{"@id": "vf:receiver", "@type": "@id"},
		"stipulates":         "vf:stipulates",
		"satisfies":          map[string]any{"@id": "vf:satisfies", "@type": "@id"},
		"resourceQuantity":   "vf:resourceQuantity",
		"hasUnit":            "om2:hasUnit",
		"hasNumericalValue":  map[string]any{"@id": "om2:hasNumericalValue", "@type": "xsd:decimal"},
		"acceptedCurrencies": "plaza:acceptedCurrencies",
		"Receipt":            "plaza:Receipt",
		"status":             "plaza:status",
		"amount":             map[string]any{"@id": "plaza:amount", "@type": "xsd:decimal"},
		"amountRefunded":     map[string]any{"@id": "plaza:amountRefunded", "@type": "xsd:decimal"},
		"currency":           "plaza:currency",
		"processor":          "plaza:processor",
		"provider":           map[string]any{"@id": "vf:provider", "@type": "@id"},
		"message":            map[string]any{"@id": "plaza:message", "@type": "@id"},
	}}
}

// ProposalDocument renders the Proposal a payee's payment link points to:
// a request for transfers to the payee, in any of currencies, with no fixed
// amount.
func ProposalDocument(acct *models.Account, proposalURI string, currencies []string) map[string]any {
	return map[string]any{
		"@context":     PaymentContext(acct.URI),
		"id":           proposalURI,
		"type":         "Proposal",
		"purpose":      "request",
		"attributedTo": acct.URI,
		"name":         "Pay @" + acct.Username,
		"publishes": map[string]any{
			"id":                 proposalURI + "#intent",
			"type":               "Intent",
			"action":             "transfer",
			"receiver":           acct.URI,
			"resourceQuantity":   map[string]any{"hasUnit": first(currencies)},
			"acceptedCurrencies": currencies,
		},
		"to": []string{models.PublicAddress},
	}
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// paymentActivity encodes an Offer, Accept/Reject of an Offer, or
// Create/Update of a Receipt. It goes to one account's own inbox.
func (e *Encoder) paymentActivity(out *models.Outgoing) (map[string]any, audience, error) {
	pay := out.Payment
	if pay.Request != nil {
		return e.requestActivity(out) // payment_requests.go
	}
	p := pay.Payment
	if p == nil || pay.Payer == nil || pay.Payee == nil {
		return nil, audience{}, fmt.Errorf("encode %s %s: incomplete payment", out.Type, out.ID)
	}
	doc := map[string]any{"id": out.ID, "type": out.Type, "actor": out.Actor.URI}
	to := pay.Payee
	if out.Actor.ID == pay.Payee.ID {
		to = pay.Payer
	}
	doc["to"] = []string{to.URI}
	aud := audience{accounts: []*models.Account{to}, direct: true}
	quantity := map[string]any{"hasUnit": p.Currency, "hasNumericalValue": pay.Amount}
	switch out.Type {
	case "Offer":
		obj := map[string]any{
			"type": "Agreement",
			"stipulates": map[string]any{
				"type":             "Commitment",
				"satisfies":        pay.IntentURI,
				"resourceQuantity": quantity,
			},
		}
		doc["object"] = obj
		doc["inReplyTo"] = p.ProposalURI
		doc["content"] = p.Note
		doc["endTime"] = stamp(p.ExpiresAt)
		doc["published"] = stamp(p.CreatedAt)
		if p.ReturnURL != "" {
			doc["url"] = p.ReturnURL
		}
		if p.ContextURI != "" {
			doc["context"] = p.ContextURI
		}
		if p.NoteURI != "" {
			doc["message"] = p.NoteURI
		}
	case "Accept":
		doc["object"] = map[string]any{"id": p.OfferURI, "type": "Offer", "actor": pay.Payer.URI}
		doc["result"] = map[string]any{
			"id":      p.AgreementURI,
			"type":    "Agreement",
			"url":     p.PayURL,
			"endTime": stamp(p.ExpiresAt),
			"stipulates": map[string]any{
				"type":             "Commitment",
				"satisfies":        pay.IntentURI,
				"resourceQuantity": quantity,
			},
		}
	case "Reject":
		doc["object"] = map[string]any{"id": p.OfferURI, "type": "Offer", "actor": pay.Payer.URI}
		doc["content"] = pay.Reason
	case "Create", "Update":
		receipt := map[string]any{
			"id":           pay.ReceiptURI,
			"type":         "Receipt",
			"attributedTo": pay.Payee.URI,
			"context":      p.AgreementURI,
			"status":       string(p.State),
			"amount":       pay.Amount,
			"currency":     p.Currency,
			"processor":    "stripe",
			"published":    stamp(p.CreatedAt),
			"updated":      stamp(pay.Updated),
			"to":           []string{pay.Payer.URI},
		}
		if pay.AmountRefunded != "" {
			receipt["amountRefunded"] = pay.AmountRefunded
		}
		doc["object"] = receipt
		doc["published"] = stamp(pay.Updated)
	default:
		return nil, aud, fmt.Errorf("encode %s %s: not a payment activity", out.Type, out.ID)
	}
	return doc, aud, nil
}

// paymentDoc holds what payment activities carry beyond rawDoc.
type paymentDoc struct {
	rawDoc
	EndTime    json.RawMessage `json:"endTime"`
	Result     json.RawMessage `json:"result"`
	Stipulates json.RawMessage `json:"stipulates"`
	Status     json.RawMessage `json:"status"`
	Amount     json.RawMessage `json:"amount"`
	Refunded   json.RawMessage `json:"amountRefunded"`
	Currency   json.RawMessage `json:"currency"`
	Message    json.RawMessage `json:"message"`
}

// decimalString reads an exact decimal given as a string; a JSON number is
// accepted only as its literal text, never through a float.
func decimalString(raw json.RawMessage) string {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		return plainString(raw)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// readQuantity reads a Commitment's resourceQuantity.
func readQuantity(commitment json.RawMessage) (intent, amount, currency string) {
	var c struct {
		Satisfies json.RawMessage `json:"satisfies"`
		Quantity  struct {
			Unit  json.RawMessage `json:"hasUnit"`
			Value json.RawMessage `json:"hasNumericalValue"`
		} `json:"resourceQuantity"`
	}
	items := rawItems(commitment)
	if len(items) == 0 || json.Unmarshal(items[0], &c) != nil {
		return "", "", ""
	}
	return refID(c.Satisfies), decimalString(c.Quantity.Value), plainString(c.Quantity.Unit)
}

// IsPaymentActivity reports whether a decoded activity is one of Plaza's
// payment activities by its shape alone (Offer; Create/Update of a Receipt).
// Accept/Reject of an Offer are recognised by the Offer they answer.
func IsPaymentActivity(a *models.APActivity) bool {
	return a.Type == "Offer" || ((a.Type == "Create" || a.Type == "Update") && a.Object != nil && a.Object.Type == "Receipt") || isRequestObject(a)
}

// DecodePayment reads a payment activity's own fields. Errors wrap
// ErrBadRequest.
func DecodePayment(body []byte) (*models.APPayment, error) {
	var d paymentDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("%w: payment activity: %w", ErrBadRequest, err)
	}
	p := &models.APPayment{
		ActivityID: refURL(d.ID),
		Type:       firstString(d.Type),
		Actor:      refURL(d.Actor),
		To:         append(refList(d.To), refList(d.Cc)...),
		Published:  parseTime(d.Published),
	}
	if p.ActivityID == "" || p.Actor == "" {
		return nil, fmt.Errorf("%w: payment activity without id or actor", ErrBadRequest)
	}
	var obj paymentDoc
	if items := rawItems(d.Object); len(items) > 0 {
		if it := strings.TrimSpace(string(items[0])); strings.HasPrefix(it, "{") {
			if err := json.Unmarshal(items[0], &obj); err != nil {
				return nil, fmt.Errorf("%w: payment activity object: %w", ErrBadRequest, err)
			}
		}
	}
	switch p.Type {
	case "Offer":
		p.OfferID = p.ActivityID
		p.ProposalID = refID(d.InReplyTo)
		p.Content = plainString(d.Content)
		p.ReturnURL = linkHref(d.URL)
		p.Context = refID(d.Context)
		p.Message = refURL(d.Message)
		p.EndTime = parseTime(d.EndTime)
		if firstString(obj.Type) != "Agreement" {
			return nil, fmt.Errorf("%w: Offer %s: object is not an Agreement", ErrBadRequest, p.ActivityID)
		}
		p.IntentID, p.Amount, p.Currency = readQuantity(obj.Stipulates)
	case "Accept", "Reject":
		p.OfferID = refID(d.Object)
		p.Reason = plainString(d.Content)
		if p.Reason == "" {
			p.Reason = plainString(d.Summary)
		}
		if items := rawItems(d.Result); len(items) > 0 {
			var res paymentDoc
			if json.Unmarshal(items[0], &res) == nil {
				p.AgreementID = refID(res.ID)
				p.AgreementURL = linkHref(res.URL)
				p.EndTime = parseTime(res.EndTime)
				p.IntentID, p.Amount, p.Currency = readQuantity(res.Stipulates)
			}
		}
	case "Create", "Update":
		if firstString(obj.Type) == "Proposal" {
			return p, decodeRequest(p, d.Object)
		}
		if firstString(obj.Type) != "Receipt" {
			return nil, fmt.Errorf("%w: %s %s: object is not a Receipt", ErrBadRequest, p.Type, p.ActivityID)
		}
		p.ReceiptID = refID(obj.ID)
		p.AgreementID = refID(obj.Context)
		p.Status = plainString(obj.Status)
		p.Amount = decimalString(obj.Amount)
		p.AmountRefunded = decimalString(obj.Refunded)
		p.Currency = plainString(obj.Currency)
		p.Published = parseTime(obj.Published)
		p.Updated = parseTime(obj.Updated)
	default:
		return nil, fmt.Errorf("%w: %s is not a payment activity", ErrBadRequest, p.Type)
	}
	return p, nil
}
