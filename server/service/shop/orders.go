package shop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/payments"
	"plaza/server/service/social"
)

// ErrSoldOut is an order for more than is left.
var ErrSoldOut = errors.New("sold out")

// BuyInput is an order someone places on the buy page.
type BuyInput struct {
	ListingID int64
	Quantity  string
	Note      string
	// Handle is a guest's fediverse address for messages about the order
	// (optional; a signed-in buyer is reached in their own chats).
	Handle string
}

// OrderView is an order with its listing and both parties.
type OrderView struct {
	Order   *models.Order
	Listing *models.Listing
	Seller  *models.Account
	Buyer   *models.Account // nil for a guest
	Total   string          // formatted
	Unit    string
	// Page is the buyer's order page (unguessable link).
	Page string
	// Remote is an order placed on another Plaza instance, shown from its
	// mirror (Order and Listing carry what the mirror knows; Page is the
	// order page on the seller's instance).
	Remote bool
}

// OrderPage is the buyer's page of an order.
func (s *Service) OrderPage(token string) string { return s.urls.Base() + "/shop/orders/" + token }

// Buy places an order and returns the Stripe Checkout URL to send the
// buyer's browser to. buyer is nil for someone with no account here (the
// public buy page). The quantity is taken off the stock in the order's
// transaction (one conditional UPDATE), so concurrent buyers can never
// take more than there is; it goes back if the payment fails or expires.
// A refused order writes nothing.
func (s *Service) Buy(ctx context.Context, buyer *models.Account, in BuyInput) (string, *models.Order, error) {
	if !s.pay.PaymentsEnabled() {
		return "", nil, fmt.Errorf("%w: listing", core.ErrNotFound)
	}
	qty, err := strconv.ParseInt(strings.TrimSpace(in.Quantity), 10, 64)
	if err != nil || qty < 1 || qty > MaxQuantity {
		return "", nil, fmt.Errorf("%w: the quantity must be a whole number from 1 to %d", core.ErrValidation, MaxQuantity)
	}
	note := strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(note) > MaxNote {
		return "", nil, fmt.Errorf("%w: the note to the seller is too long (%d characters at most)", core.ErrValidation, MaxNote)
	}
	handle := strings.TrimPrefix(strings.TrimSpace(in.Handle), "@")
	if handle != "" {
		if u, h := core.SplitHandle(handle); u == "" || h == "" || len(handle) > 255 {
			return "", nil, fmt.Errorf("%w: write your fediverse address like @bob@example.com, or leave it empty", core.ErrValidation)
		}
	}
	lv, err := s.Listing(ctx, in.ListingID)
	if err != nil {
		return "", nil, err
	}
	seller := lv.Seller
	if buyer != nil && buyer.ID == seller.ID {
		return "", nil, fmt.Errorf("%w: you cannot buy your own listing", core.ErrValidation)
	}
	if buyer == nil && handle != "" {
		s.resolveBuyer(ctx, handle)
	}
	payer := buyer
	if payer == nil {
		// A guest pays as the instance: the payment needs a payer row and
		// no receipt goes anywhere (Guest).
		if payer, err = s.accounts.EnsureInstanceActor(ctx); err != nil {
			return "", nil, err
		}
	}
	var o *models.Order
	var p *models.Payment
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		l, err := tx.ListingByIDForUpdate(ctx, in.ListingID)
		if err != nil {
			return core.NotFound(err, "listing")
		}
		if l.State != models.ListingOpen {
			return fmt.Errorf("%w: this listing is closed and takes no more orders", core.ErrConflict)
		}
		if buyer != nil {
			if blocked, err := tx.Blocks(ctx, seller.ID, buyer.ID); err != nil {
				return err
			} else if blocked {
				return fmt.Errorf("%w: @%s does not sell to you", core.ErrValidation, seller.Username)
			}
		}
		if l.Stock != nil && *l.Stock < qty {
			return soldOut(l)
		}
		if l.Price > (1<<62)/qty {
			return fmt.Errorf("%w: the amount is too large", core.ErrValidation)
		}
		total := l.Price * qty
		if _, _, err := s.pay.CheckAmount(payments.FormatAmount(total, l.Currency), l.Currency); err != nil {
			return err
		}
		ok, err := tx.TakeStock(ctx, l.ID, qty)
		if err != nil {
			return err
		}
		if !ok {
			return soldOut(l)
		}
		token, err := core.RandomToken()
		if err != nil {
			return fmt.Errorf("order token: %w", err)
		}
		now := s.clock.Now()
		o = &models.Order{ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, ListingID: l.ID, SellerID: seller.ID,
			BuyerHandle: handle, Token: token, Quantity: qty, UnitPrice: l.Price, Total: total, Currency: l.Currency,
			Note: note, State: models.OrderPending, Reserved: l.Stock != nil}
		if buyer != nil {
			o.BuyerID, o.BuyerHandle = buyer.ID, ""
		}
		p, err = s.pay.CreateSalePayment(ctx, tx, payments.SalePayment{Payer: payer, Payee: seller, Amount: total, Currency: l.Currency,
			Note: fmt.Sprintf("%d × %s", qty, l.Title), Cause: s.orderURI(o.ID),
			ReturnURL: s.OrderPage(token), Guest: buyer == nil})
		if err != nil {
			return err
		}
		o.PaymentID = p.ID
		return tx.CreateOrder(ctx, o)
	})
	if err != nil {
		return "", nil, err
	}
	s.log.InfoContext(ctx, "order placed", slog.Int64("order", o.ID), slog.Int64("listing", o.ListingID), slog.Int64("quantity", qty))
	url, err := s.pay.OpenCheckout(ctx, p.ID, p.PayToken)
	if err != nil {
		// No Checkout Session means no expiry webhook will ever come: give
		// the stock back now.
		if rerr := s.abandon(ctx, o.ID); rerr != nil {
			s.log.ErrorContext(ctx, "order stock not released", slog.Int64("order", o.ID), slog.Any("error", rerr))
		}
		return "", nil, err
	}
	return url, o, nil
}

// abandon expires a pending order whose checkout could not be opened and
// returns its stock.
func (s *Service) abandon(ctx context.Context, id int64) error {
	return s.store.WithTx(ctx, func(tx *store.Store) error {
		o, err := tx.OrderByIDForUpdate(ctx, id)
		if err != nil || o.State != models.OrderPending {
			return err
		}
		o.State, o.UpdatedAt = models.OrderExpired, s.clock.Now()
		if err := s.release(ctx, tx, o); err != nil {
			return err
		}
		return tx.SaveOrder(ctx, o)
	})
}

func soldOut(l *models.Listing) error {
	if l.Stock != nil && *l.Stock > 0 {
		return fmt.Errorf("%w: only %d left of %q", ErrSoldOut, *l.Stock, l.Title)
	}
	return fmt.Errorf("%w: %q is sold out", ErrSoldOut, l.Title)
}

// OnPayment is the payments hook: it moves the order a payment pays with
// the ledger, in the same transaction. Paid keeps the stock taken at
// ordering; a failed or expired payment gives it back; a refund gives it
// back unless the order was shipped. Each move happens once: the order row
// is locked and its state says what was done.
func (s *Service) OnPayment(ctx context.Context, tx *store.Store, p *models.Payment) error {
	o, err := tx.OrderByPaymentForUpdate(ctx, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // not an order
	}
	if err != nil {
		return err
	}
	before := o.State
	switch p.State {
	case models.PaymentSucceeded:
		if o.State == models.OrderExpired {
			// Money that moved wins (a late asynchronous payment): take the
			// stock again if there is any; the seller sees the order paid.
			ok, err := tx.TakeStock(ctx, o.ListingID, o.Quantity)
			if err != nil {
				return err
			}
			o.Reserved = ok && o.Reserved
			if !ok {
				s.log.WarnContext(ctx, "late payment for an expired order: no stock left", slog.Int64("order", o.ID))
			}
		}
		if o.State == models.OrderPending || o.State == models.OrderExpired {
			o.State = models.OrderPaid
		}
	case models.PaymentFailed, models.PaymentExpired:
		if o.State == models.OrderPending {
			o.State = models.OrderExpired
			if err := s.release(ctx, tx, o); err != nil {
				return err
			}
		}
	case models.PaymentRefunded:
		if o.State == models.OrderPaid || o.State == models.OrderShipped {
			if o.State == models.OrderPaid {
				if err := s.release(ctx, tx, o); err != nil {
					return err
				}
			}
			o.State = models.OrderRefunded
		}
	}
	if o.State == before {
		return nil
	}
	o.UpdatedAt = s.clock.Now()
	if err := tx.SaveOrder(ctx, o); err != nil {
		return err
	}
	return s.sendReceipt(ctx, tx, before, o)
}

// release puts an order's quantity back on the listing, once.
func (s *Service) release(ctx context.Context, tx *store.Store, o *models.Order) error {
	if !o.Reserved {
		return nil
	}
	o.Reserved = false
	return tx.ReturnStock(ctx, o.ListingID, o.Quantity)
}

// ---- viewing ---------------------------------------------------------

func (s *Service) orderView(ctx context.Context, db *store.Store, o *models.Order) (*OrderView, error) {
	l, err := db.ListingByID(ctx, o.ListingID)
	if err != nil {
		return nil, err
	}
	ids := []int64{o.SellerID}
	if o.BuyerID != 0 {
		ids = append(ids, o.BuyerID)
	}
	accts, err := db.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return &OrderView{Order: o, Listing: l, Seller: accts[o.SellerID], Buyer: accts[o.BuyerID],
		Total: payments.FormatAmount(o.Total, o.Currency), Unit: payments.FormatAmount(o.UnitPrice, o.Currency), Page: s.OrderPage(o.Token)}, nil
}

// OrderByToken is the buyer's order page: anyone holding the link sees it.
func (s *Service) OrderByToken(ctx context.Context, token string) (*OrderView, error) {
	if len(token) != 32 {
		return nil, fmt.Errorf("%w: order", core.ErrNotFound)
	}
	o, err := s.store.OrderByToken(ctx, token)
	if err != nil {
		return nil, core.NotFound(err, "order")
	}
	return s.orderView(ctx, s.store, o)
}

// Order is one order, for its seller or its (local) buyer.
func (s *Service) Order(ctx context.Context, viewer *models.Account, id int64) (*OrderView, error) {
	o, err := s.store.OrderByID(ctx, id)
	if err != nil || (o.SellerID != viewer.ID && o.BuyerID != viewer.ID) {
		return nil, fmt.Errorf("%w: order", core.ErrNotFound)
	}
	return s.orderView(ctx, s.store, o)
}

// ParseOrderState reads a state filter ("" none).
func ParseOrderState(v string) ([]models.OrderState, error) {
	switch st := models.OrderState(v); st {
	case "":
		return nil, nil
	case models.OrderPending, models.OrderPaid, models.OrderShipped, models.OrderCancelled, models.OrderRefunded, models.OrderExpired:
		return []models.OrderState{st}, nil
	}
	return nil, fmt.Errorf("%w: unknown order state %q", core.ErrValidation, v)
}

// Orders lists viewer's orders as seller (sold) or as buyer, newest first;
// without a state filter, the ones that were paid (paid, shipped,
// cancelled, refunded).
func (s *Service) Orders(ctx context.Context, viewer *models.Account, sold bool, state string) ([]*OrderView, error) {
	states, err := ParseOrderState(state)
	if err != nil {
		return nil, err
	}
	os, err := s.store.OrdersOf(ctx, viewer.ID, sold, states, 100)
	if err != nil {
		return nil, err
	}
	out := make([]*OrderView, 0, len(os))
	for _, o := range os {
		v, err := s.orderView(ctx, s.store, o)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if sold {
		return out, nil
	}
	remote, err := s.remoteOrders(ctx, viewer, states)
	if err != nil {
		return nil, err
	}
	out = append(out, remote...)
	slices.SortStableFunc(out, func(a, b *OrderView) int { return b.Order.CreatedAt.Compare(a.Order.CreatedAt) })
	return out, nil
}

// remoteOrders is what buyer ordered on other Plaza instances, from the
// mirrors their Receipts keep.
func (s *Service) remoteOrders(ctx context.Context, buyer *models.Account, states []models.OrderState) ([]*OrderView, error) {
	ms, err := s.store.RemoteOrdersOf(ctx, buyer.ID, states, 100)
	if err != nil {
		return nil, err
	}
	sellers, err := sellersOf(ctx, s.store, ms, func(m *models.RemoteOrder) int64 { return m.SellerID })
	if err != nil {
		return nil, err
	}
	out := make([]*OrderView, 0, len(ms))
	for _, m := range ms {
		o := &models.Order{ID: m.ID, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, ListingID: m.RemoteListingID, SellerID: m.SellerID,
			BuyerID: buyer.ID, Quantity: m.Quantity, Currency: m.Currency, State: m.State}
		out = append(out, &OrderView{Order: o, Listing: &models.Listing{ID: m.RemoteListingID, Title: m.Title}, Seller: sellers[m.SellerID],
			Buyer: buyer, Total: m.Amount, Page: m.URL, Remote: true})
	}
	return out, nil
}

// ---- the seller's actions ----------------------------------------------

// lockOwn locks an order of seller and checks it is in one of states.
func lockOwn(ctx context.Context, tx *store.Store, seller *models.Account, id int64, verb string, states ...models.OrderState) (*models.Order, error) {
	o, err := tx.OrderByIDForUpdate(ctx, id)
	if err != nil || o.SellerID != seller.ID {
		return nil, fmt.Errorf("%w: order", core.ErrNotFound)
	}
	for _, st := range states {
		if o.State == st {
			return o, nil
		}
	}
	return nil, fmt.Errorf("%w: this order is %s and cannot be %s", core.ErrConflict, o.State, verb)
}

// Ship marks a paid order shipped and sends message to the buyer as a
// direct message from the seller, so it lands in their chat on any server.
func (s *Service) Ship(ctx context.Context, seller *models.Account, id int64, message string) (*OrderView, error) {
	message = strings.TrimSpace(message)
	if utf8.RuneCountInString(message) > MaxNote {
		return nil, fmt.Errorf("%w: the message is too long (%d characters at most)", core.ErrValidation, MaxNote)
	}
	var o *models.Order
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		if o, err = lockOwn(ctx, tx, seller, id, "shipped", models.OrderPaid); err != nil {
			return err
		}
		o.State, o.ShippedMessage, o.UpdatedAt = models.OrderShipped, message, s.clock.Now()
		if err := tx.SaveOrder(ctx, o); err != nil {
			return err
		}
		return s.sendReceipt(ctx, tx, models.OrderPaid, o)
	})
	if err != nil {
		return nil, err
	}
	v, err := s.orderView(ctx, s.store, o)
	if err != nil {
		return nil, err
	}
	s.tellBuyer(ctx, v, "has shipped", message)
	return v, nil
}

// Refund gives a paid or shipped order's money back in full through
// Stripe; the refund's webhook (or Stripe's answer) marks it refunded.
func (s *Service) Refund(ctx context.Context, seller *models.Account, id int64) (*OrderView, error) {
	o, err := s.store.OrderByID(ctx, id)
	if err != nil || o.SellerID != seller.ID {
		return nil, fmt.Errorf("%w: order", core.ErrNotFound)
	}
	if o.State != models.OrderPaid && o.State != models.OrderShipped {
		return nil, fmt.Errorf("%w: this order is %s and cannot be refunded", core.ErrConflict, o.State)
	}
	if _, err := s.pay.RefundPayment(ctx, seller, o.PaymentID, ""); err != nil {
		return nil, err
	}
	v, err := s.Order(ctx, seller, id)
	if err != nil {
		return nil, err
	}
	s.tellBuyer(ctx, v, fmt.Sprintf("was refunded (%s %s)", v.Total, o.Currency), "")
	return v, nil
}

// Cancel calls off a paid order that has not shipped: the money goes back
// and so does the stock; the order is then cancelled (not just refunded).
func (s *Service) Cancel(ctx context.Context, seller *models.Account, id int64, reason string) (*OrderView, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxNote {
		return nil, fmt.Errorf("%w: the reason is too long (%d characters at most)", core.ErrValidation, MaxNote)
	}
	o, err := s.store.OrderByID(ctx, id)
	if err != nil || o.SellerID != seller.ID {
		return nil, fmt.Errorf("%w: order", core.ErrNotFound)
	}
	if o.State != models.OrderPaid {
		return nil, fmt.Errorf("%w: this order is %s and cannot be cancelled", core.ErrConflict, o.State)
	}
	if _, err := s.pay.RefundPayment(ctx, seller, o.PaymentID, ""); err != nil {
		return nil, err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		o, err := lockOwn(ctx, tx, seller, id, "cancelled", models.OrderPaid, models.OrderRefunded)
		if err != nil {
			return err
		}
		if err := s.release(ctx, tx, o); err != nil {
			return err
		}
		before := o.State
		o.State, o.UpdatedAt = models.OrderCancelled, s.clock.Now()
		if err := tx.SaveOrder(ctx, o); err != nil {
			return err
		}
		return s.sendReceipt(ctx, tx, before, o)
	})
	if err != nil {
		return nil, err
	}
	v, err := s.Order(ctx, seller, id)
	if err != nil {
		return nil, err
	}
	s.tellBuyer(ctx, v, "was cancelled and refunded", reason)
	return v, nil
}

// tellBuyer tells the buyer what became of their order (and more, the
// seller's words), as a direct message from the seller to the buyer
// (a local buyer, or the address a guest gave), so it lands in a chat
// between them on the buyer's server. A failure is logged; the order
// stands.
func (s *Service) tellBuyer(ctx context.Context, v *OrderView, what, more string) {
	text := fmt.Sprintf("Your order of %d × %s %s.", v.Order.Quantity, v.Listing.Title, what)
	if more != "" {
		text += "\n\n" + more
	}
	text += "\n\nOrder: " + v.Page
	to := v.Buyer
	if to == nil && v.Order.BuyerHandle != "" {
		user, host := core.SplitHandle(v.Order.BuyerHandle)
		a, err := s.core.ResolveHandle(ctx, user, host)
		if err != nil || a == nil {
			s.log.WarnContext(ctx, "order buyer not found", slog.Int64("order", v.Order.ID), slog.String("handle", v.Order.BuyerHandle))
			return
		}
		to = a
	}
	if to == nil {
		return
	}
	_, err := s.social.CreateStatus(ctx, v.Seller, social.CreateStatusInput{Text: text, To: []*models.Account{to}, Visibility: models.VisibilityDirect})
	if err != nil {
		s.log.WarnContext(ctx, "order message not sent", slog.Int64("order", v.Order.ID), slog.Any("error", err))
	}
}
