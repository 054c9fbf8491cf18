package shop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
	"plaza/server/service/social"
)

// ListingInput is what a seller writes for a listing.
type ListingInput struct {
	Title       string
	Description string
	Price       string // exact decimal, major units ("12.00")
	Currency    string
	// Stock is the quantity for sale; "" means no limit.
	Stock        string
	ShippingNote string
	MediaIDs     []int64 // images, at most MaxImages (create only)
}

// ListingView is a listing with its seller and the links that buy it.
type ListingView struct {
	Listing *models.Listing
	Seller  *models.Account
	// Price is the formatted price ("12.00").
	Price string
	// BuyURL is the public buy page on this (the seller's) instance.
	BuyURL  string
	SoldOut bool
}

// BuyURL is the public buy page of listing id.
func (s *Service) BuyURL(id int64) string {
	return s.urls.Base() + "/shop/listings/" + core.IDString(id)
}

type checkedListing struct {
	title, desc, note string
	price             int64
	currency          string
	stock             *int64
}

// check validates a listing's input; every refusal is core.ErrValidation
// with a sentence saying why.
func (s *Service) check(in ListingInput) (*checkedListing, error) {
	c := &checkedListing{title: strings.TrimSpace(in.Title), desc: strings.TrimSpace(in.Description), note: strings.TrimSpace(in.ShippingNote)}
	switch n := utf8.RuneCountInString(c.title); {
	case n == 0:
		return nil, fmt.Errorf("%w: give the listing a title", core.ErrValidation)
	case n > MaxTitle:
		return nil, fmt.Errorf("%w: the title is too long (%d characters at most)", core.ErrValidation, MaxTitle)
	}
	if utf8.RuneCountInString(c.desc) > MaxDescription {
		return nil, fmt.Errorf("%w: the description is too long (%d characters at most)", core.ErrValidation, MaxDescription)
	}
	if utf8.RuneCountInString(c.note) > MaxNote {
		return nil, fmt.Errorf("%w: the shipping note is too long (%d characters at most)", core.ErrValidation, MaxNote)
	}
	if len(in.MediaIDs) > MaxImages {
		return nil, fmt.Errorf("%w: a listing has at most %d images", core.ErrValidation, MaxImages)
	}
	price, currency, err := s.pay.CheckAmount(in.Price, in.Currency)
	if err != nil {
		return nil, err
	}
	c.price, c.currency = price, currency
	if st := strings.TrimSpace(in.Stock); st != "" {
		n, err := strconv.ParseInt(st, 10, 64)
		if err != nil || n < 0 || n > MaxStock {
			return nil, fmt.Errorf("%w: the quantity in stock must be a whole number from 0 to %d", core.ErrValidation, MaxStock)
		}
		c.stock = &n
	}
	return c, nil
}

// postText is the listing's post, readable on any server: title, price,
// description, stock, shipping and the buy link.
func (s *Service) postText(l *models.Listing) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s %s", l.Title, payments.FormatAmount(l.Price, l.Currency), l.Currency)
	if l.State == models.ListingClosed {
		b.WriteString(" (closed)")
	}
	if l.Description != "" {
		b.WriteString("\n\n" + l.Description)
	}
	// No stock count: it would go stale as orders come in; the buy page
	// says what is left.
	if l.ShippingNote != "" {
		b.WriteString("\nShipping: " + l.ShippingNote)
	}
	if l.State == models.ListingOpen {
		b.WriteString("\n\nBuy: " + s.BuyURL(l.ID))
	}
	return b.String()
}

// CreateListing posts a listing of seller: a public post with the price,
// images and buy link, and the listing row. The seller must be able to take
// card payments. A refused input writes nothing.
func (s *Service) CreateListing(ctx context.Context, seller *models.Account, in ListingInput) (*ListingView, error) {
	if !s.pay.PaymentsEnabled() {
		return nil, fmt.Errorf("%w: payments are not enabled here, so nothing can be sold", core.ErrValidation)
	}
	if ok, why := s.pay.CanReceivePayments(ctx, seller); !ok {
		return nil, fmt.Errorf("%w: %s Connect a Stripe account first.", core.ErrValidation, why)
	}
	c, err := s.check(in)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	l := &models.Listing{ID: s.store.NewID(), CreatedAt: now, UpdatedAt: now, SellerID: seller.ID, Title: c.title,
		Description: c.desc, Price: c.price, Currency: c.currency, PriceDecimal: payments.FormatAmount(c.price, c.currency), Stock: c.stock, ShippingNote: c.note, State: models.ListingOpen}
	// The row is written in the post's transaction, before its Create is
	// published, so the delivered Note carries the Proposal.
	extra := func(ctx context.Context, tx *store.Store, st *models.Status) error {
		l.StatusID = st.ID
		return tx.CreateListing(ctx, l)
	}
	if _, err := s.social.CreateStatus(ctx, seller, social.CreateStatusInput{Text: s.postText(l), MediaIDs: in.MediaIDs,
		Visibility: models.VisibilityPublic, Extra: extra}); err != nil {
		return nil, fmt.Errorf("post listing: %w", err)
	}
	s.log.InfoContext(ctx, "listing created", slog.Int64("listing", l.ID), slog.Int64("seller", seller.ID))
	return s.view(l, seller), nil
}

func (s *Service) view(l *models.Listing, seller *models.Account) *ListingView {
	return &ListingView{Listing: l, Seller: seller, Price: payments.FormatAmount(l.Price, l.Currency), BuyURL: s.BuyURL(l.ID),
		SoldOut: l.Stock != nil && *l.Stock == 0}
}

// Listing returns one listing with its seller; a listing of a suspended
// seller is not found.
func (s *Service) Listing(ctx context.Context, id int64) (*ListingView, error) {
	l, err := s.store.ListingByID(ctx, id)
	if err != nil {
		return nil, core.NotFound(err, "listing")
	}
	seller, err := s.store.AccountByID(ctx, l.SellerID)
	if err != nil || seller.SuspendedAt != nil {
		return nil, fmt.Errorf("%w: listing", core.ErrNotFound)
	}
	return s.view(l, seller), nil
}

// ListingOfStatus returns the listing a local post carries, if any.
func (s *Service) ListingOfStatus(ctx context.Context, statusID int64) (*ListingView, error) {
	l, err := s.store.ListingByStatusID(ctx, statusID)
	if err != nil {
		return nil, core.NotFound(err, "listing")
	}
	return s.Listing(ctx, l.ID)
}

// Shop is a seller's open listings (all of them for the seller), newest
// first: the profile's Shop tab.
func (s *Service) Shop(ctx context.Context, viewer, seller *models.Account) ([]*ListingView, error) {
	ls, err := s.store.ListingsOf(ctx, seller.ID, viewer != nil && viewer.ID == seller.ID, 40)
	if err != nil {
		return nil, err
	}
	out := make([]*ListingView, 0, len(ls))
	for _, l := range ls {
		out = append(out, s.view(l, seller))
	}
	return out, nil
}

// Search finds open listings whose title or description holds every word
// of q.
func (s *Service) Search(ctx context.Context, q string) ([]*ListingView, error) {
	words := strings.Fields(q)
	if len(words) == 0 {
		return nil, nil
	}
	if len(words) > 16 {
		words = words[:16]
	}
	ls, err := s.store.SearchListings(ctx, words, 20)
	if err != nil {
		return nil, err
	}
	sellers, err := sellersOf(ctx, s.store, ls, func(l *models.Listing) int64 { return l.SellerID })
	if err != nil {
		return nil, err
	}
	out := make([]*ListingView, 0, len(ls))
	for _, l := range ls {
		if a := sellers[l.SellerID]; a != nil && a.SuspendedAt == nil {
			out = append(out, s.view(l, a))
		}
	}
	return out, nil
}

// sellersOf loads the seller of every item in one query.
func sellersOf[T any](ctx context.Context, db *store.Store, items []T, seller func(T) int64) (map[int64]*models.Account, error) {
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		ids = append(ids, seller(it))
	}
	return db.AccountsByIDs(ctx, ids)
}

// EditListing changes a listing; its post is edited too, which federates
// as an Update. Orders already made keep the price they were made at.
func (s *Service) EditListing(ctx context.Context, seller *models.Account, id int64, in ListingInput) (*ListingView, error) {
	if len(in.MediaIDs) > 0 {
		return nil, fmt.Errorf("%w: images are set when the listing is posted", core.ErrValidation)
	}
	c, err := s.check(in)
	if err != nil {
		return nil, err
	}
	var l *models.Listing
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		l, err = tx.ListingByIDForUpdate(ctx, id)
		if err != nil || l.SellerID != seller.ID {
			return fmt.Errorf("%w: listing", core.ErrNotFound)
		}
		if l.State != models.ListingOpen {
			return fmt.Errorf("%w: the listing is closed", core.ErrConflict)
		}
		l.Title, l.Description, l.Price, l.Currency, l.Stock, l.ShippingNote = c.title, c.desc, c.price, c.currency, c.stock, c.note
		l.PriceDecimal = payments.FormatAmount(c.price, c.currency)
		l.UpdatedAt = s.clock.Now()
		return tx.SaveListing(ctx, l)
	})
	if err != nil {
		return nil, err
	}
	s.repost(ctx, seller, l)
	return s.view(l, seller), nil
}

// CloseListing stops a listing taking orders; orders made stay as they are.
func (s *Service) CloseListing(ctx context.Context, seller *models.Account, id int64) (*ListingView, error) {
	var l *models.Listing
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		l, err = tx.ListingByIDForUpdate(ctx, id)
		if err != nil || l.SellerID != seller.ID {
			return fmt.Errorf("%w: listing", core.ErrNotFound)
		}
		if l.State == models.ListingClosed {
			return nil
		}
		l.State, l.UpdatedAt = models.ListingClosed, s.clock.Now()
		return tx.SaveListing(ctx, l)
	})
	if err != nil {
		return nil, err
	}
	s.repost(ctx, seller, l)
	return s.view(l, seller), nil
}

// repost brings the listing's post up to date (an Update goes out). The
// listing row is the truth: a failed edit is logged.
func (s *Service) repost(ctx context.Context, seller *models.Account, l *models.Listing) {
	if l.StatusID == 0 {
		return
	}
	_, err := s.social.EditStatus(ctx, seller, l.StatusID, social.EditStatusInput{Text: s.postText(l)})
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		s.log.WarnContext(ctx, "listing post not updated", slog.Int64("listing", l.ID), slog.Any("error", err))
	}
}
