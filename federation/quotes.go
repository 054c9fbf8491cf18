package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"plaza/models"
	"plaza/models/store"
)

// Quote posts as Mastodon 4.5 federates them (FEP-044f): a Note's quote,
// its author's interactionPolicy.canQuote, QuoteRequest, and the Accept
// that carries a QuoteAuthorization.

// quoteContext defines the quote terms Plaza writes.
var quoteContext = map[string]any{
	"quote":              "https://w3id.org/fep/044f#quote",
	"quoteUri":           "http://fedibird.com/ns#quoteUri",
	"_misskey_quote":     "https://misskey-hub.net/ns#_misskey_quote",
	"quoteAuthorization": map[string]any{"@id": "https://w3id.org/fep/044f#quoteAuthorization", "@type": "@id"},
	"QuoteRequest":       "https://w3id.org/fep/044f#QuoteRequest",
	"QuoteAuthorization": "https://w3id.org/fep/044f#QuoteAuthorization",
	"gts":                "https://gotosocial.org/ns#",
	"interactionPolicy":  map[string]any{"@id": "gts:interactionPolicy", "@type": "@id"},
	"canQuote":           map[string]any{"@id": "gts:canQuote", "@type": "@id"},
	"automaticApproval":  map[string]any{"@id": "gts:automaticApproval", "@type": "@id"},
	"manualApproval":     map[string]any{"@id": "gts:manualApproval", "@type": "@id"},
	"interactingObject":  map[string]any{"@id": "gts:interactingObject", "@type": "@id"},
	"interactionTarget":  map[string]any{"@id": "gts:interactionTarget", "@type": "@id"},
}

// quoteDoc are the quote properties of an object or activity.
type quoteDoc struct {
	Quote              json.RawMessage `json:"quote"`
	QuoteURL           json.RawMessage `json:"quoteUrl"`
	QuoteURIProp       json.RawMessage `json:"quoteUri"`
	MisskeyQuote       json.RawMessage `json:"_misskey_quote"`
	QuoteAuthorization json.RawMessage `json:"quoteAuthorization"`
	InteractionPolicy  json.RawMessage `json:"interactionPolicy"`
	Instrument         json.RawMessage `json:"instrument"`
	Result             json.RawMessage `json:"result"`
	InteractingObject  json.RawMessage `json:"interactingObject"`
	InteractionTarget  json.RawMessage `json:"interactionTarget"`
}

// decodeQuote reads what a Note quotes and who may quote it.
func decodeQuote(d *rawDoc, o *models.APObject) {
	o.QuoteURI = refURL(d.Quote)
	if o.QuoteURI == "" {
		for _, raw := range []json.RawMessage{d.QuoteURL, d.QuoteURIProp, d.MisskeyQuote} {
			if u := refURL(raw); u != "" {
				o.QuoteURI, o.QuoteLegacy = u, true
				break
			}
		}
	}
	o.QuoteAuthorization = refURL(d.QuoteAuthorization)
	o.QuotePolicy = decodeQuotePolicy(d.InteractionPolicy, o.AttributedTo)
}

// decodeQuotePolicy maps interactionPolicy.canQuote.automaticApproval to
// Mastodon's policies: the public address is public, a followers
// collection followers, anything else nobody; "" when there is none.
func decodeQuotePolicy(raw json.RawMessage, author string) models.QuotePolicy {
	var ip struct {
		CanQuote *struct {
			AutomaticApproval json.RawMessage `json:"automaticApproval"`
		} `json:"canQuote"`
	}
	if len(bytes.TrimSpace(raw)) == 0 || json.Unmarshal(raw, &ip) != nil || ip.CanQuote == nil {
		return ""
	}
	list := refList(ip.CanQuote.AutomaticApproval)
	for _, a := range list {
		if a == models.PublicAddress || a == "as:Public" || a == "Public" {
			return models.QuotePublic
		}
	}
	for _, a := range list {
		if a != author && a != "" {
			return models.QuoteFollowers // a followers collection
		}
	}
	return models.QuoteNobody
}

// IsQuoteActivity tells a quote activity by its shape: a QuoteRequest, or
// an Accept/Reject of one.
func IsQuoteActivity(a *models.APActivity) bool {
	if a.Type == "QuoteRequest" {
		return true
	}
	return (a.Type == "Accept" || a.Type == "Reject") && a.Object != nil && a.Object.Type == "QuoteRequest"
}

// DecodeQuote reads a quote activity's own fields (the quotes area's
// decoder; it also reads an Accept/Reject naming its request by id only).
func DecodeQuote(body []byte) (*models.APQuote, error) {
	var d rawDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("%w: quote activity: %w", ErrBadRequest, err)
	}
	q := &models.APQuote{ActivityID: refURL(d.ID), Type: firstString(d.Type), Actor: refURL(d.Actor)}
	req := &d
	if q.Type != "QuoteRequest" {
		var inner rawDoc
		if obj := bytes.TrimSpace(d.Object); len(obj) > 0 && obj[0] == '{' {
			if err := json.Unmarshal(obj, &inner); err != nil {
				return nil, fmt.Errorf("%w: quote activity %s: object: %w", ErrBadRequest, q.ActivityID, err)
			}
			req = &inner
		} else {
			req = &rawDoc{ID: d.Object}
		}
	}
	q.RequestID = refURL(req.ID)
	q.Quoted = refURL(req.Object)
	q.Quoting = refURL(req.Instrument)
	if ins := bytes.TrimSpace(req.Instrument); len(ins) > 0 && ins[0] == '{' {
		var obj rawDoc
		if json.Unmarshal(ins, &obj) == nil {
			q.InstrumentObj = decodeObject(&obj)
		}
	}
	q.Result = refURL(d.Result)
	if res := bytes.TrimSpace(d.Result); len(res) > 0 && res[0] == '{' {
		var auth rawDoc
		if json.Unmarshal(res, &auth) == nil {
			q.ResultEmbedded = true
			q.ResultType = firstString(auth.Type)
			q.ResultAttributed = refURL(auth.AttributedTo)
			q.InteractingObject = refURL(auth.InteractingObject)
			q.InteractionTarget = refURL(auth.InteractionTarget)
		}
	}
	return q, nil
}

// addQuote writes a status's quote (quote, and quoteUri and
// _misskey_quote for servers before FEP-044f, with quoteAuthorization once
// approved) and, for a local status, who may quote it.
func addQuote(ctx context.Context, st *store.Store, s *models.Status, author *models.Account, note map[string]any) error {
	if !s.Local {
		return nil
	}
	quotes, err := st.QuotesOfStatuses(ctx, []int64{s.ID})
	if err != nil {
		return fmt.Errorf("encode note %s: %w", s.URI, err)
	}
	if q := quotes[s.ID]; q != nil && q.QuotedURI != "" && q.State != models.QuoteRejected && q.State != models.QuoteRevoked {
		note["quote"], note["quoteUri"], note["_misskey_quote"] = q.QuotedURI, q.QuotedURI, q.QuotedURI
		if q.State == models.QuoteAccepted && q.AuthorizationURI != "" {
			note["quoteAuthorization"] = q.AuthorizationURI
		}
	}
	policies, err := st.QuotePoliciesOf(ctx, []int64{s.ID})
	if err != nil {
		return fmt.Errorf("encode note %s: %w", s.URI, err)
	}
	p, ok := policies[s.ID]
	if !ok {
		p = models.DefaultQuotePolicy(s.Visibility)
	}
	approval := []string{author.URI} // nobody but the author
	switch p {
	case models.QuotePublic:
		approval = []string{models.PublicAddress}
	case models.QuoteFollowers:
		approval = []string{author.FollowersURI}
	}
	note["interactionPolicy"] = map[string]any{"canQuote": map[string]any{"automaticApproval": approval}}
	return nil
}

// QuoteAuthorization is the stamp a quoted author's server serves at the
// authorization's id: who approved which post quoting which.
func QuoteAuthorization(q *models.Quote, quotedAuthor *models.Account) map[string]any {
	return map[string]any{
		"@context":          []any{"https://www.w3.org/ns/activitystreams", quoteContext},
		"id":                q.AuthorizationURI,
		"type":              "QuoteAuthorization",
		"attributedTo":      quotedAuthor.URI,
		"interactingObject": q.QuotingURI,
		"interactionTarget": q.QuotedURI,
	}
}

// quoteActivity is a QuoteRequest (its instrument the quoting Note,
// embedded), the quoted author's Accept/Reject of one, or their Delete of
// a QuoteAuthorization (revoked), sent to one actor.
func (e *Encoder) quoteActivity(ctx context.Context, st *store.Store, out *models.Outgoing) (map[string]any, audience, error) {
	qo := out.Quote
	if qo.Quote == nil || qo.To == nil {
		return nil, audience{}, fmt.Errorf("encode %s %s: no quote or recipient", out.Type, out.ID)
	}
	q := qo.Quote
	doc := map[string]any{"id": out.ID, "type": out.Type, "actor": out.Actor.URI, "to": []string{qo.To.URI}}
	switch out.Type {
	case "QuoteRequest":
		if qo.Quoting == nil {
			return nil, audience{}, fmt.Errorf("encode QuoteRequest %s: no quoting status", out.ID)
		}
		note, _, err := e.note(ctx, st, qo.Quoting)
		if err != nil {
			return nil, audience{}, err
		}
		doc["object"], doc["instrument"] = q.QuotedURI, note
	case "Accept", "Reject":
		doc["object"] = map[string]any{"id": q.RequestURI, "type": "QuoteRequest", "actor": qo.To.URI, "object": q.QuotedURI, "instrument": q.QuotingURI}
		if out.Type == "Accept" {
			auth := QuoteAuthorization(q, out.Actor)
			delete(auth, "@context")
			doc["result"] = auth
		}
	case "Delete":
		// A revoked approval: the QuoteAuthorization is gone.
		doc["object"] = map[string]any{"id": q.AuthorizationURI, "type": "QuoteAuthorization"}
	default:
		return nil, audience{}, fmt.Errorf("encode %s %s: not a quote activity", out.Type, out.ID)
	}
	return doc, audience{accounts: []*models.Account{qo.To}}, nil
}
