package shop

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/server/service/core"
)

// RemoteListingView is a listing of a seller on another Plaza instance, as
// this instance read it from the post's Proposal.
type RemoteListingView struct {
	Listing *models.RemoteListing
	Seller  *models.Account
	// BuyAction is where the buy form posts: the seller's instance, which
	// places the order and sends the browser on to its Checkout.
	BuyAction string
}

// RemoteListing returns one remote listing with its seller; one of a
// suspended seller is not found.
func (s *Service) RemoteListing(ctx context.Context, id int64) (*RemoteListingView, error) {
	l, err := s.store.RemoteListingByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("remote listing %d: %w", id, err)
	}
	seller, err := s.store.AccountByID(ctx, l.SellerID)
	if err != nil {
		return nil, fmt.Errorf("seller of remote listing %d: %w", id, err)
	}
	if seller.SuspendedAt != nil {
		return nil, fmt.Errorf("remote listing %d: %w", id, core.ErrNotFound)
	}
	return &RemoteListingView{Listing: l, Seller: seller, BuyAction: l.ProposalURI + "/buy"}, nil
}

// RemoteListingIDs maps the statuses among ids that carry a remote listing
// to it, so their posts show a Buy button.
func (s *Service) RemoteListingIDs(ctx context.Context, ids []int64) (map[int64]int64, error) {
	m, err := s.store.RemoteListingIDsOfStatuses(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("remote listings: %w", err)
	}
	return m, nil
}
