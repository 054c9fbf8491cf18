package federation

import (
	"encoding/json"
	"fmt"

	"plaza/models"
)

// Requests for money (PAYMENTS.md, "Requests"): a Proposal with purpose
// "request" and a fixed quantity, addressed to the one payer, with the
// chat as context and the chat message carrying it as `message`. Create
// sends it, Update tells its new status (paid, cancelled, expired), the
// payer's Reject of it declines it.

// requestActivity encodes Create/Update of a request Proposal, or the
// payer's Reject of it.
func (e *Encoder) requestActivity(out *models.Outgoing) (map[string]any, audience, error) {
	rq := out.Payment.Request
	r := rq.Request
	if r == nil || rq.Requester == nil || rq.Payer == nil {
		return nil, audience{}, fmt.Errorf("encode %s %s: incomplete request", out.Type, out.ID)
	}
	doc := map[string]any{"id": out.ID, "type": out.Type, "actor": out.Actor.URI}
	to := rq.Payer
	if out.Actor.ID == rq.Payer.ID {
		to = rq.Requester
	}
	doc["to"] = []string{to.URI}
	aud := audience{accounts: []*models.Account{to}, direct: true}
	switch out.Type {
	case "Create", "Update":
		proposal := map[string]any{
			"id":           r.ProposalURI,
			"type":         "Proposal",
			"purpose":      "request",
			"attributedTo": rq.Requester.URI,
			"to":           []string{rq.Payer.URI},
			"content":      r.Note,
			"status":       string(r.State),
			"endTime":      stamp(r.ExpiresAt),
			"published":    stamp(r.CreatedAt),
			"updated":      stamp(r.UpdatedAt),
			"publishes": map[string]any{
				"id":               r.ProposalURI + "#intent",
				"type":             "Intent",
				"action":           "transfer",
				"receiver":         rq.Requester.URI,
				"provider":         rq.Payer.URI,
				"resourceQuantity": map[string]any{"hasUnit": r.Currency, "hasNumericalValue": rq.Amount},
			},
		}
		if r.ContextURI != "" {
			proposal["context"] = r.ContextURI
		}
		if r.NoteURI != "" {
			proposal["message"] = r.NoteURI
		}
		if r.PayURL != "" {
			proposal["url"] = r.PayURL
		}
		doc["object"] = proposal
		doc["published"] = stamp(r.UpdatedAt)
	case "Reject":
		doc["object"] = map[string]any{"id": r.ProposalURI, "type": "Proposal"}
	default:
		return nil, aud, fmt.Errorf("encode %s %s: not a request activity", out.Type, out.ID)
	}
	return doc, aud, nil
}

// requestDoc is a request Proposal's own fields.
type requestDoc struct {
	rawDoc
	Purpose   json.RawMessage `json:"purpose"`
	Status    json.RawMessage `json:"status"`
	EndTime   json.RawMessage `json:"endTime"`
	Message   json.RawMessage `json:"message"`
	Publishes struct {
		Receiver json.RawMessage `json:"receiver"`
		Quantity struct {
			Unit  json.RawMessage `json:"hasUnit"`
			Value json.RawMessage `json:"hasNumericalValue"`
		} `json:"resourceQuantity"`
	} `json:"publishes"`
}

// isRequestObject reports whether an activity's object is a Proposal.
func isRequestObject(a *models.APActivity) bool {
	return (a.Type == "Create" || a.Type == "Update") && a.Object != nil && a.Object.Type == "Proposal"
}

// decodeRequest reads a Create/Update of a request Proposal.
func decodeRequest(p *models.APPayment, object json.RawMessage) error {
	items := rawItems(object)
	if len(items) == 0 {
		return fmt.Errorf("%w: %s %s: no Proposal", ErrBadRequest, p.Type, p.ActivityID)
	}
	var d requestDoc
	if err := json.Unmarshal(items[0], &d); err != nil {
		return fmt.Errorf("%w: %s %s: Proposal: %w", ErrBadRequest, p.Type, p.ActivityID, err)
	}
	if firstString(d.Type) != "Proposal" || plainString(d.Purpose) != "request" {
		return fmt.Errorf("%w: %s %s: not a request Proposal", ErrBadRequest, p.Type, p.ActivityID)
	}
	r := &models.APRequest{
		ActivityID: p.ActivityID, Type: p.Type, Actor: p.Actor,
		ProposalID: refURL(d.ID), Attributed: refURL(d.AttributedTo), Receiver: refURL(d.Publishes.Receiver),
		NoteID: refURL(d.Message), Context: refID(d.Context), Content: plainString(d.Content), PayURL: linkHref(d.URL),
		Amount: decimalString(d.Publishes.Quantity.Value), Currency: plainString(d.Publishes.Quantity.Unit),
		EndTime: parseTime(d.EndTime), Status: plainString(d.Status),
	}
	if to := refList(d.To); len(to) == 1 {
		r.Payer = to[0]
	}
	if r.ProposalID == "" {
		return fmt.Errorf("%w: %s %s: Proposal without id", ErrBadRequest, p.Type, p.ActivityID)
	}
	p.Request = r
	return nil
}
