package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"plaza/models"
)

// FetchCollectionItems reads the first items of a remote (Ordered)
// Collection, such as an actor's featured collection: at most limit, from
// the collection itself or its first page (one more fetch, on the same
// host). An embedded object is decoded; a reference is an APObject with
// only its ID. The collection must be served under its own id's host.
func (r *Resolver) FetchCollectionItems(ctx context.Context, uri string, limit int) ([]*models.APObject, error) {
	body, err := r.get(ctx, uri)
	if err != nil {
		return nil, fmt.Errorf("fetch collection %s: %w", uri, err)
	}
	var c collectionDoc
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, fmt.Errorf("fetch collection %s: %w: %w", uri, ErrBadRequest, err)
	}
	if id := refURL(c.ID); !sameHost(id, uri) {
		return nil, fmt.Errorf("fetch collection %s: %w: id %s on another host", uri, ErrUnauthorized, id)
	}
	items := c.items()
	if len(items) == 0 && len(bytes.TrimSpace(c.First)) > 0 {
		page := c.First
		if first := bytes.TrimSpace(c.First); first[0] == '"' {
			next := refURL(first)
			if !sameHost(next, uri) {
				return nil, fmt.Errorf("fetch collection %s: %w: first page on another host", uri, ErrUnauthorized)
			}
			if page, err = r.get(ctx, next); err != nil {
				return nil, fmt.Errorf("fetch collection %s: first page: %w", uri, err)
			}
		}
		var p collectionDoc
		if json.Unmarshal(page, &p) == nil {
			items = p.items()
		}
	}
	var out []*models.APObject
	for _, it := range items {
		if len(out) == limit {
			break
		}
		it = bytes.TrimSpace(it)
		if len(it) == 0 {
			continue
		}
		if it[0] != '{' {
			if id := refURL(it); id != "" {
				out = append(out, &models.APObject{ID: id})
			}
			continue
		}
		var d rawDoc
		if json.Unmarshal(it, &d) != nil {
			continue
		}
		// A Hashtag (of a featuredTags collection) has a name, not an id.
		if o := decodeObject(&d); o.ID != "" || (o.Type == "Hashtag" && o.Name != "") {
			out = append(out, o)
		}
	}
	return out, nil
}

// collectionDoc is what FetchCollectionItems reads of a collection or page.
type collectionDoc struct {
	ID           json.RawMessage `json:"id"`
	First        json.RawMessage `json:"first"`
	Items        json.RawMessage `json:"items"`
	OrderedItems json.RawMessage `json:"orderedItems"`
}

func (c *collectionDoc) items() []json.RawMessage {
	if it := rawItems(c.OrderedItems); len(it) > 0 {
		return it
	}
	return rawItems(c.Items)
}
