package federation

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
)

// listingProposal adds to a local listing's public Note the FEP-0837
// Proposal it carries (docs/SHOP.md): purpose "offer", the item as the
// published Intent and the price as the reciprocal Intent's quantity. It
// rides in the Note's attachment with no url, so servers that only show
// media skip it, and the Note's text (price, Buy link) stays the readable
// form.
func (e *Encoder) listingProposal(ctx context.Context, st *store.Store, s *models.Status, author *models.Account, note map[string]any) error {
	if !author.IsLocal() || s.Visibility != models.VisibilityPublic {
		return nil
	}
	l, err := st.ListingByStatusID(ctx, s.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("encode note %s: %w", s.URI, err)
	}
	buy := baseURL(author.URI) + "/shop/listings/" + fmt.Sprint(l.ID)
	item := map[string]any{"type": "Intent", "id": buy + "#primary", "action": "deliverService", "provider": author.URI,
		"resourceQuantity": map[string]any{"hasUnit": "one", "hasNumericalValue": "1"}}
	if l.Stock != nil {
		item["availableQuantity"] = map[string]any{"hasUnit": "one", "hasNumericalValue": fmt.Sprint(*l.Stock)}
	}
	proposal := map[string]any{
		"type": "Proposal", "id": buy, "purpose": "offer", "name": l.Title, "attributedTo": author.URI,
		"status": string(l.State), "unitBased": true, "publishes": item,
		"reciprocal": map[string]any{"type": "Intent", "id": buy + "#reciprocal", "action": "transfer", "receiver": author.URI,
			"resourceQuantity": map[string]any{"hasUnit": l.Currency, "hasNumericalValue": l.PriceDecimal}},
	}
	atts, _ := note["attachment"].([]any)
	note["attachment"] = append(atts, proposal)
	return nil
}
