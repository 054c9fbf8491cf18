package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"plaza/models"
)

// FetchOutbox reads the first page of a remote actor's outbox (the
// collection, then its first page when that is a reference) and returns up
// to maxItems posts the actor created there, newest first as served, and
// the collection's totalItems (-1 when it says none). Each request is
// bounded like every fetch (size, time, SSRF guard, signed). Only Create
// activities whose id, actor and object all live on the outbox's host, and
// whose actor is actorURI, are kept: a page cannot slip in another
// server's posts. The caller still applies its origin rule to each post.
func (r *Resolver) FetchOutbox(ctx context.Context, actorURI, outboxURI string, maxItems int) ([]*models.APObject, int, error) {
	if !sameHost(outboxURI, actorURI) {
		return nil, -1, fmt.Errorf("outbox %s: %w: not on the actor's host", outboxURI, ErrUnauthorized)
	}
	var coll struct {
		ID           json.RawMessage `json:"id"`
		TotalItems   json.RawMessage `json:"totalItems"`
		First        json.RawMessage `json:"first"`
		OrderedItems json.RawMessage `json:"orderedItems"`
		Items        json.RawMessage `json:"items"`
	}
	body, err := r.get(ctx, outboxURI)
	if err != nil {
		return nil, -1, fmt.Errorf("outbox %s: %w", outboxURI, err)
	}
	if err := json.Unmarshal(body, &coll); err != nil {
		return nil, -1, fmt.Errorf("outbox %s: %w: %w", outboxURI, ErrBadRequest, err)
	}
	total := -1
	if len(coll.TotalItems) > 0 {
		total = intValue(coll.TotalItems)
	}
	items := firstNonEmpty(coll.OrderedItems, coll.Items)
	if first := coll.First; len(items) == 0 && len(first) > 0 {
		page := bytes.TrimSpace(first)
		if page[0] == '"' {
			id := refURL(page)
			if !sameHost(id, actorURI) {
				return nil, total, fmt.Errorf("outbox %s: %w: first page %s on another host", outboxURI, ErrUnauthorized, id)
			}
			if page, err = r.get(ctx, id); err != nil {
				return nil, total, fmt.Errorf("outbox page %s: %w", id, err)
			}
		}
		var p struct {
			OrderedItems json.RawMessage `json:"orderedItems"`
			Items        json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(page, &p); err != nil {
			return nil, total, fmt.Errorf("outbox %s: page: %w: %w", outboxURI, ErrBadRequest, err)
		}
		items = firstNonEmpty(p.OrderedItems, p.Items)
	}
	var out []*models.APObject
	for _, raw := range rawItems(items) {
		if len(out) == maxItems {
			break
		}
		var d rawDoc
		if json.Unmarshal(raw, &d) != nil {
			continue // a bare reference: not fetched one by one
		}
		a, err := decodeActivity(&d, 0)
		if err != nil || a.Type != "Create" || a.Object == nil || a.Object.Type == "" {
			continue // boosts, references and the like are not the actor's posts
		}
		if a.Actor != actorURI || !sameHost(a.ID, actorURI) || !sameHost(a.Object.ID, actorURI) || a.Object.AttributedTo != actorURI {
			continue
		}
		if len(a.Object.To) == 0 && len(a.Object.Cc) == 0 {
			a.Object.To, a.Object.Cc = a.To, a.Cc // addressed on the activity only
		}
		out = append(out, a.Object)
	}
	return out, total, nil
}

func firstNonEmpty(a, b json.RawMessage) json.RawMessage {
	if len(rawItems(a)) > 0 {
		return a
	}
	return b
}
