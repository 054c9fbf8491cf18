package inbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// storeRemoteListing keeps the listing Proposal a new remote post carries,
// so the post shows a Buy button here (docs/SHOP.md). One that fails the
// origin rules is left out; the post stays a readable post.
func (s *Service) storeRemoteListing(ctx context.Context, tx *store.Store, st *models.Status, l *models.APListing, seller *models.Account) error {
	if l == nil || st == nil {
		return nil
	}
	if err := checkListing(l, seller); err != nil {
		s.log.InfoContext(ctx, "listing proposal ignored", slog.String("status", st.URI), slog.String("reason", err.Error()))
		return nil
	}
	if _, err := tx.RemoteListingByStatusID(ctx, st.ID); err == nil {
		return nil
	}
	currency := strings.ToUpper(l.Currency)
	now := s.clock.Now()
	state := listingState(l.Status)
	rl := &models.RemoteListing{CreatedAt: now, UpdatedAt: now, StatusID: st.ID, SellerID: seller.ID, ProposalURI: l.ProposalID,
		Title: truncateRunes(l.Name, 200), PriceDecimal: l.Amount, Currency: currency, State: state}
	if err := tx.CreateRemoteListing(ctx, rl); err != nil {
		return fmt.Errorf("store remote listing of %s: %w", st.URI, err)
	}
	return nil
}

// checkListing applies the origin rules to a listing Proposal: its id (the
// buy page) on the seller's host, the seller as author, provider and
// receiver, a known currency and a valid price.
func checkListing(l *models.APListing, seller *models.Account) error {
	u, err := url.Parse(l.ProposalID)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !strings.Contains(u.Path, "/shop/listings/") {
		return fmt.Errorf("%w: proposal id %q is not a buy page", core.ErrForbidden, l.ProposalID)
	}
	su, err := url.Parse(seller.URI)
	if err != nil || !strings.EqualFold(u.Host, su.Host) {
		return fmt.Errorf("%w: proposal %s is not on the seller's host", core.ErrForbidden, l.ProposalID)
	}
	for _, who := range []string{l.Attributed, l.Provider, l.Receiver} {
		if who != seller.URI {
			return fmt.Errorf("%w: proposal %s names %q, not its seller", core.ErrForbidden, l.ProposalID, who)
		}
	}
	currency := strings.ToUpper(l.Currency)
	if _, ok := payments.CurrencyExponent(currency); !ok {
		return fmt.Errorf("%w: unknown currency %q", core.ErrValidation, l.Currency)
	}
	if n, err := payments.ParseAmount(l.Amount, currency); err != nil || n <= 0 {
		return fmt.Errorf("%w: bad price %q", core.ErrValidation, l.Amount)
	}
	return nil
}

func truncateRunes(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

// updateRemoteListing applies an edited listing post's Proposal (title,
// price, open or closed) to its remote listing. The caller has checked
// that the signer is the post's author; the Proposal must also pass the
// origin rules and keep the listing's id and seller, or it is ignored.
func (s *Service) updateRemoteListing(ctx context.Context, tx *store.Store, st *models.Status, l *models.APListing, seller *models.Account) error {
	if l == nil {
		return nil
	}
	rl, err := tx.RemoteListingByStatusID(ctx, st.ID)
	if errors.Is(err, store.ErrNotFound) {
		return s.storeRemoteListing(ctx, tx, st, l, seller)
	}
	if err != nil {
		return fmt.Errorf("update remote listing of %s: %w", st.URI, err)
	}
	if err := checkListing(l, seller); err != nil || rl.SellerID != seller.ID || rl.ProposalURI != l.ProposalID {
		s.log.InfoContext(ctx, "listing proposal update ignored", slog.String("status", st.URI), slog.Any("reason", err))
		return nil
	}
	rl.Title, rl.PriceDecimal, rl.Currency = truncateRunes(l.Name, 200), l.Amount, strings.ToUpper(l.Currency)
	rl.State = listingState(l.Status)
	rl.UpdatedAt = s.clock.Now()
	if err := tx.SaveRemoteListing(ctx, rl); err != nil {
		return fmt.Errorf("update remote listing of %s: %w", st.URI, err)
	}
	return nil
}

func listingState(status string) models.ListingState {
	if status == string(models.ListingClosed) {
		return models.ListingClosed
	}
	return models.ListingOpen
}
