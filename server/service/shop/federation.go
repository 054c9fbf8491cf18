package shop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// Orders across instances (docs/SHOP.md): the seller's instance sends a
// buyer of another Plaza instance the order's Receipt, and the buyer's
// instance keeps a mirror of it for the buyer's Bought page.

// OrderDecoder reads an order Receipt activity's own fields from its raw
// JSON; federation.DecodeOrder implements it.
type OrderDecoder func(raw []byte) (*models.APOrder, error)

// ErrForged is an order Receipt that does not come from the listing's
// seller on the order's host, or is for no local buyer.
var ErrForged = fmt.Errorf("%w: order Receipt", core.ErrForbidden)

// SetDecoder lets this instance receive remote orders' Receipts: recognize
// tells them by shape, d reads them.
func (s *Service) SetDecoder(recognize func(*models.APActivity) bool, d OrderDecoder) {
	s.recognize, s.decode = recognize, d
}

// orderURI is an order's ActivityPub id (also its payment's cause).
func (s *Service) orderURI(id int64) string {
	return s.urls.Base() + "/shop/orders/" + core.IDString(id)
}

// resolveBuyer looks up a guest's fediverse address before the order is
// placed, so the Receipts can find the buyer's inbox later without a
// network call inside a transaction. Best effort: the order does not
// depend on it.
func (s *Service) resolveBuyer(ctx context.Context, handle string) {
	user, host := core.SplitHandle(handle)
	if host == "" || s.core.IsLocalHost(host) {
		return
	}
	if _, err := s.core.ResolveHandle(ctx, user, host); err != nil {
		s.log.InfoContext(ctx, "order buyer not resolved", slog.String("handle", handle), slog.Any("error", err))
	}
}

// remoteBuyer is the account of another instance a guest order's handle
// names, from the database only; nil when there is none.
func (s *Service) remoteBuyer(ctx context.Context, tx *store.Store, o *models.Order) (*models.Account, error) {
	if o.BuyerID != 0 || o.BuyerHandle == "" {
		return nil, nil
	}
	user, host := core.SplitHandle(o.BuyerHandle)
	if host == "" || s.core.IsLocalHost(host) {
		return nil, nil
	}
	a, err := tx.AccountByUsernameDomain(ctx, user, host)
	if errors.Is(err, store.ErrNotFound) {
		s.log.InfoContext(ctx, "order buyer unknown: no Receipt sent", slog.Int64("order", o.ID), slog.String("handle", o.BuyerHandle))
		return nil, nil
	}
	if err != nil || a.IsLocal() || a.SuspendedAt != nil {
		return nil, err
	}
	return a, nil
}

// sendReceipt tells a buyer of another instance that their order moved:
// Create of its Receipt when it is paid, Update on shipping, refund and
// cancel. It runs in the transaction that moved the order.
func (s *Service) sendReceipt(ctx context.Context, tx *store.Store, before models.OrderState, o *models.Order) error {
	if o.State == before || o.State == models.OrderPending || o.State == models.OrderExpired {
		return nil
	}
	buyer, err := s.remoteBuyer(ctx, tx, o)
	if err != nil || buyer == nil {
		return err
	}
	seller, err := tx.AccountByID(ctx, o.SellerID)
	if err != nil {
		return fmt.Errorf("receipt of order %d: %w", o.ID, err)
	}
	l, err := tx.ListingByID(ctx, o.ListingID)
	if err != nil {
		return fmt.Errorf("receipt of order %d: %w", o.ID, err)
	}
	uri := s.orderURI(o.ID)
	typ, id := "Create", uri+"/receipt/create"
	if before != models.OrderPending && before != models.OrderExpired {
		typ, id = "Update", uri+"/receipt/updates/"+core.IDString(tx.NewID())
	}
	out := &models.OrderOut{Order: o, Seller: seller, Buyer: buyer, Title: l.Title, Listing: s.BuyURL(l.ID), URI: uri,
		Amount: payments.FormatAmount(o.Total, o.Currency), Page: s.OrderPage(o.Token)}
	if err := s.core.Publish(ctx, tx, &models.Outgoing{Type: typ, ID: id, Actor: seller, Order: out}); err != nil {
		return fmt.Errorf("publish %s %s: %w", typ, id, err)
	}
	return nil
}

// ReceiveActivity handles a remote order's Receipt on the buyer's
// instance: the first one stores the mirror, later ones move it. It
// reports false for anything else.
func (s *Service) ReceiveActivity(ctx context.Context, tx *store.Store, act *models.APActivity, signer *models.Account) (bool, error) {
	if s.decode == nil || !s.recognize(act) {
		return false, nil
	}
	p, err := s.decode([]byte(act.Raw))
	if err != nil {
		return true, fmt.Errorf("order activity %s: %w", act.ID, err)
	}
	m, err := s.checkReceipt(ctx, tx, p, signer)
	if err != nil {
		s.log.WarnContext(ctx, "order Receipt refused", slog.String("activity", p.ActivityID), slog.String("error", err.Error()))
		return true, err
	}
	fresh, err := tx.AddRemoteOrder(ctx, m)
	if err != nil || fresh {
		return true, err
	}
	cur, err := tx.RemoteOrderByReceiptForUpdate(ctx, m.ReceiptURI)
	if err != nil {
		return true, err
	}
	if cur.BuyerID != m.BuyerID || cur.SellerID != m.SellerID {
		return true, fmt.Errorf("%w: %s names another order", ErrForged, p.ActivityID)
	}
	if !newerReceipt(m, cur) {
		return true, nil // a replay, or older than what is shown
	}
	cur.State, cur.ReceiptUpdated, cur.UpdatedAt = m.State, m.ReceiptUpdated, s.clock.Now()
	return true, tx.SaveRemoteOrder(ctx, cur)
}

// stateRank orders the states a Receipt can carry the way an order moves
// (paid → shipped → refunded → cancelled), to settle Receipts stamped in
// the same instant.
var stateRank = map[models.OrderState]int{models.OrderPaid: 1, models.OrderShipped: 2, models.OrderRefunded: 3, models.OrderCancelled: 4}

// newerReceipt: a Receipt moves the mirror only if it is newer than the
// one applied (or as new, and further along).
func newerReceipt(in, cur *models.RemoteOrder) bool {
	if in.ReceiptUpdated.Equal(cur.ReceiptUpdated) {
		return stateRank[in.State] > stateRank[cur.State]
	}
	return in.ReceiptUpdated.After(cur.ReceiptUpdated)
}

// checkReceipt applies the origin rules to an order Receipt and returns
// the mirror it describes: the signer is the actor and the seller, and the
// seller of the remote listing it replies to; the Receipt, the order and
// the listing are on the signer's host; the buyer is a local account.
func (s *Service) checkReceipt(ctx context.Context, tx *store.Store, p *models.APOrder, signer *models.Account) (*models.RemoteOrder, error) {
	if p.Actor != signer.URI || p.Seller != signer.URI {
		return nil, fmt.Errorf("%w: %s is not signed by the seller", ErrForged, p.ActivityID)
	}
	h := core.OriginOf(signer.URI)
	if h == "" || core.OriginOf(p.OrderID) != h || core.OriginOf(p.ListingID) != h || p.ReceiptID != p.OrderID+"/receipt" ||
		!strings.Contains(p.OrderID, "/shop/orders/") || !strings.Contains(p.ListingID, "/shop/listings/") {
		return nil, fmt.Errorf("%w: %s names an order or listing on another host than its seller's", ErrForged, p.ActivityID)
	}
	rl, err := tx.RemoteListingByProposal(ctx, p.ListingID)
	if err != nil || rl.SellerID != signer.ID {
		return nil, fmt.Errorf("%w: %s is for no listing of its signer known here", ErrForged, p.ActivityID)
	}
	buyer, err := tx.AccountByURI(ctx, p.Buyer)
	if err != nil || !buyer.IsLocal() {
		return nil, fmt.Errorf("%w: %s is for no buyer of this instance", ErrForged, p.ActivityID)
	}
	st := models.OrderState(p.Status)
	if stateRank[st] == 0 {
		return nil, fmt.Errorf("%w: Receipt %s: unknown state %q", core.ErrValidation, p.ReceiptID, p.Status)
	}
	currency := strings.ToUpper(p.Currency)
	if _, err := payments.ParseAmount(p.Amount, currency); err != nil {
		return nil, fmt.Errorf("%w: Receipt %s: %w", core.ErrValidation, p.ReceiptID, err)
	}
	qty, err := strconv.ParseInt(p.Quantity, 10, 64)
	if err != nil || qty < 1 || qty > MaxQuantity || p.Updated.IsZero() {
		return nil, fmt.Errorf("%w: Receipt %s: bad quantity or no updated", core.ErrValidation, p.ReceiptID)
	}
	page := p.URL
	if core.OriginOf(page) != h {
		page = "" // only a link to the seller's own instance is shown
	}
	now := s.clock.Now()
	return &models.RemoteOrder{CreatedAt: now, UpdatedAt: now, ReceiptURI: p.ReceiptID, OrderURI: p.OrderID, BuyerID: buyer.ID,
		SellerID: signer.ID, RemoteListingID: rl.ID, Title: rl.Title, Quantity: qty, Amount: p.Amount, Currency: currency,
		State: st, URL: page, ReceiptUpdated: p.Updated}, nil
}
