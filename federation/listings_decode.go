package federation

import (
	"encoding/json"

	"plaza/models"
)

// decodeListing reads the listing Proposal (purpose "offer") a Note carries
// in its attachments (listingProposal writes it); nil when there is none.
// It only reads: the inbox checks that it is the signer's own.
func decodeListing(raw json.RawMessage) *models.APListing {
	for _, it := range rawItems(raw) {
		var p struct {
			Type         json.RawMessage `json:"type"`
			ID           json.RawMessage `json:"id"`
			Purpose      string          `json:"purpose"`
			Name         json.RawMessage `json:"name"`
			AttributedTo json.RawMessage `json:"attributedTo"`
			Status       string          `json:"status"`
			Publishes    struct {
				Provider json.RawMessage `json:"provider"`
			} `json:"publishes"`
			Reciprocal struct {
				Receiver         json.RawMessage `json:"receiver"`
				ResourceQuantity struct {
					HasUnit           string `json:"hasUnit"`
					HasNumericalValue string `json:"hasNumericalValue"`
				} `json:"resourceQuantity"`
			} `json:"reciprocal"`
		}
		if json.Unmarshal(it, &p) != nil || firstString(p.Type) != "Proposal" || p.Purpose != "offer" {
			continue
		}
		l := &models.APListing{ProposalID: refURL(p.ID), Name: plainString(p.Name), Attributed: refURL(p.AttributedTo),
			Provider: refURL(p.Publishes.Provider), Receiver: refURL(p.Reciprocal.Receiver),
			Amount: p.Reciprocal.ResourceQuantity.HasNumericalValue, Currency: p.Reciprocal.ResourceQuantity.HasUnit, Status: p.Status}
		if l.ProposalID != "" {
			return l
		}
	}
	return nil
}
