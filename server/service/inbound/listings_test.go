package inbound

import (
	"errors"
	"testing"

	"plaza/models"
	"plaza/server/service/core"
)

// TestCheckListingOrigin: a listing Proposal is kept only when its buy page
// is on the seller's host and it names the seller throughout, in a known
// currency at a positive price.
func TestCheckListingOrigin(t *testing.T) {
	seller := &models.Account{URI: "https://a.example/users/carol"}
	good := models.APListing{ProposalID: "https://a.example/shop/listings/7", Name: "Blue mug", Attributed: seller.URI,
		Provider: seller.URI, Receiver: seller.URI, Amount: "12.00", Currency: "EUR"}
	if err := checkListing(&good, seller); err != nil {
		t.Fatalf("good listing refused: %v", err)
	}
	for name, mod := range map[string]func(l *models.APListing){
		"buy page on another host": func(l *models.APListing) { l.ProposalID = "https://evil.example/shop/listings/7" },
		"not a buy page":           func(l *models.APListing) { l.ProposalID = "https://a.example/users/carol" },
		"not a web address":        func(l *models.APListing) { l.ProposalID = "javascript:alert(1)/shop/listings/1" },
		"someone else's":           func(l *models.APListing) { l.Attributed = "https://a.example/users/dave" },
		"paid to someone else":     func(l *models.APListing) { l.Receiver = "https://evil.example/users/x" },
		"provided by someone else": func(l *models.APListing) { l.Provider = "" },
		"unknown currency":         func(l *models.APListing) { l.Currency = "XYZ" },
		"zero price":               func(l *models.APListing) { l.Amount = "0" },
		"bad price":                func(l *models.APListing) { l.Amount = "12.001" },
	} {
		l := good
		mod(&l)
		err := checkListing(&l, seller)
		if err == nil || !(errors.Is(err, core.ErrForbidden) || errors.Is(err, core.ErrValidation)) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
