package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/shop"
)

// Shop pages (docs/SHOP.md): the public buy page of a listing and the
// buyer's order page need no account; selling and the order lists are
// signed in like every payment page (session + CSRF, or a bearer token
// with read:payments / write:payments).

func (p *PayPages) mountShop(r *gin.Engine) {
	r.GET("/shop/listings/:id", p.shopListing)
	r.POST("/shop/listings/:id/buy", p.shopBuy)
	r.GET("/shop/orders/:token", p.shopOrder)
	r.GET("/shop/new", p.shopNew)
	r.POST("/shop/listings", p.shopCreate)
	r.POST("/shop/listings/:id/edit", p.shopEdit)
	r.POST("/shop/listings/:id/close", p.shopClose)
	r.GET("/shop/u/:username", p.shopOf)
	r.GET("/shop/search", p.shopSearch)
	r.GET("/shop/sold", p.shopSold)
	r.GET("/shop/bought", p.shopBought)
	r.GET("/shop/remote/:id", p.shopRemote)
	r.POST("/shop/sold/:id/ship", p.shopShip)
	r.POST("/shop/sold/:id/refund", p.shopRefund)
	r.POST("/shop/sold/:id/cancel", p.shopCancel)
}

type shopPage struct {
	payPage
	Listing *shop.ListingView
	Remote  *shop.RemoteListingView
	// Handle is the signed-in buyer's address, given to the seller's
	// instance with a remote order.
	Handle   string
	Listings []*shop.ListingView
	Order    *shop.OrderView
	Orders   []*shop.OrderView
	Sold     bool
	Query    string
	Error    string
}

// pageUser is the session's account for a GET page, if any (no error when
// none: these pages are public).
func (p *PayPages) pageUser(c *gin.Context) *models.Account {
	me, ok := p.user(c)
	if ws := webSession(c); !ok || ws == nil || me == nil || ws.AccountID != me.ID {
		return nil
	}
	return me
}

// shopListing is GET /shop/listings/:id: the public buy page.
func (p *PayPages) shopListing(c *gin.Context) {
	id, ok := p.pathID(c)
	if !ok {
		return
	}
	lv, err := p.svc.Shop().Listing(c.Request.Context(), id)
	if err != nil {
		p.fail(c, err)
		return
	}
	if sentJSON(c, http.StatusOK, listingJSON(lv)) {
		return
	}
	me := p.pageUser(c)
	c.Header("Referrer-Policy", "no-referrer")
	p.render(c, http.StatusOK, "pay_shop_listing.html", shopPage{payPage: p.base(c, lv.Listing.Title, me), Listing: lv})
}

func listingJSON(lv *shop.ListingView) gin.H {
	l := lv.Listing
	h := gin.H{"id": core.IDString(l.ID), "title": l.Title, "description": l.Description, "price": lv.Price, "currency": l.Currency,
		"state": l.State, "shipping_note": l.ShippingNote, "buy_url": lv.BuyURL, "seller": lv.Seller.Username, "sold_out": lv.SoldOut}
	if l.Stock != nil {
		h["stock"] = *l.Stock
	}
	return h
}

func orderJSON(v *shop.OrderView) gin.H {
	o := v.Order
	h := gin.H{"id": core.IDString(o.ID), "listing_id": core.IDString(o.ListingID), "title": v.Listing.Title, "quantity": o.Quantity,
		"unit_price": v.Unit, "total": v.Total, "currency": o.Currency, "state": o.State, "note": o.Note,
		"shipped_message": o.ShippedMessage, "url": v.Page, "remote": v.Remote}
	if v.Remote && v.Seller != nil {
		h["seller"] = v.Seller.Username + "@" + v.Seller.Domain
	}
	return h
}

// shopBuy is POST /shop/listings/:id/buy: place the order and go on to
// Stripe Checkout. The buyer is the signed-in account only when the form
// carries the session's CSRF token; otherwise it is a guest (no session,
// so nothing a signed-in user has can be used by a forged form).
func (p *PayPages) shopBuy(c *gin.Context) {
	id, ok := p.pathID(c)
	if !ok {
		return
	}
	var buyer *models.Account
	if me := p.pageUser(c); me != nil {
		if ws := webSession(c); sameToken(ws.CSRFToken, c.PostForm(csrfField)) {
			buyer = me
		}
	}
	url, o, err := p.svc.Shop().Buy(c.Request.Context(), buyer, shop.BuyInput{ListingID: id, Quantity: c.PostForm("quantity"),
		Note: c.PostForm("note"), Handle: c.PostForm("handle")})
	if err != nil {
		p.shopFail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	if sentJSON(c, http.StatusOK, gin.H{"checkout_url": url, "order_url": p.svc.Shop().OrderPage(o.Token)}) {
		return
	}
	c.Redirect(http.StatusSeeOther, url)
}

// shopFail answers a refused shop action; sold out is a conflict.
func (p *PayPages) shopFail(c *gin.Context, err error) {
	if errors.Is(err, shop.ErrSoldOut) {
		p.renderError(c, http.StatusConflict, "Sold out", err.Error())
		return
	}
	p.fail(c, err)
}

// shopOrder is GET /shop/orders/:token: the buyer's order page.
func (p *PayPages) shopOrder(c *gin.Context) {
	v, err := p.svc.Shop().OrderByToken(c.Request.Context(), c.Param("token"))
	if err != nil {
		p.fail(c, err)
		return
	}
	if sentJSON(c, http.StatusOK, orderJSON(v)) {
		return
	}
	c.Header("Referrer-Policy", "no-referrer")
	p.render(c, http.StatusOK, "pay_shop_order.html", shopPage{payPage: p.base(c, "Order", p.pageUser(c)), Order: v})
}

func (p *PayPages) shopNew(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	p.render(c, http.StatusOK, "pay_shop_new.html", shopPage{payPage: p.base(c, "Sell something", me)})
}

func listingInput(c *gin.Context) shop.ListingInput {
	in := shop.ListingInput{Title: c.PostForm("title"), Description: c.PostForm("description"), Price: c.PostForm("price"),
		Currency: c.PostForm("currency"), Stock: c.PostForm("stock"), ShippingNote: c.PostForm("shipping_note")}
	for _, v := range c.PostFormArray("media_ids[]") {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.MediaIDs = append(in.MediaIDs, n)
		}
	}
	return in
}

// shopCreate is POST /shop/listings: post a listing.
func (p *PayPages) shopCreate(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	lv, err := p.svc.Shop().CreateListing(c.Request.Context(), me, listingInput(c))
	p.listingDone(c, lv, err)
}

func (p *PayPages) listingDone(c *gin.Context, lv *shop.ListingView, err error) {
	if err != nil {
		p.fail(c, err)
		return
	}
	if sentJSON(c, http.StatusOK, listingJSON(lv)) {
		return
	}
	c.Redirect(http.StatusSeeOther, "/shop/listings/"+core.IDString(lv.Listing.ID))
}

func (p *PayPages) shopEdit(c *gin.Context) {
	me, id, ok := p.signedInWithID(c)
	if !ok {
		return
	}
	lv, err := p.svc.Shop().EditListing(c.Request.Context(), me, id, listingInput(c))
	p.listingDone(c, lv, err)
}

func (p *PayPages) shopClose(c *gin.Context) {
	me, id, ok := p.signedInWithID(c)
	if !ok {
		return
	}
	lv, err := p.svc.Shop().CloseListing(c.Request.Context(), me, id)
	p.listingDone(c, lv, err)
}

// shopOf is GET /shop/u/:username: a user's Shop tab.
func (p *PayPages) shopOf(c *gin.Context) {
	// The profile links with the full handle (user@this-host).
	name := strings.TrimSuffix(c.Param("username"), "@"+p.svc.Config().Host)
	seller, err := p.svc.Accounts().LocalUser(c.Request.Context(), name)
	if err != nil {
		p.fail(c, err)
		return
	}
	me := p.pageUser(c)
	ls, err := p.svc.Shop().Shop(c.Request.Context(), me, seller)
	if err != nil {
		p.fail(c, err)
		return
	}
	p.listings(c, "Shop of @"+seller.Username, me, ls, "")
}

// shopSearch is GET /shop/search?q=: open listings matching every word.
func (p *PayPages) shopSearch(c *gin.Context) {
	q := c.Query("q")
	if len(q) > 500 {
		p.fail(c, core.ErrValidation)
		return
	}
	ls, err := p.svc.Shop().Search(c.Request.Context(), q)
	if err != nil {
		p.fail(c, err)
		return
	}
	p.listings(c, "Search listings", p.pageUser(c), ls, q)
}

func (p *PayPages) listings(c *gin.Context, title string, me *models.Account, ls []*shop.ListingView, q string) {
	if sentJSON(c, http.StatusOK, eachJSON(ls, listingJSON)) {
		return
	}
	p.render(c, http.StatusOK, "pay_shop_list.html", shopPage{payPage: p.base(c, title, me), Listings: ls, Query: q})
}

func (p *PayPages) shopSold(c *gin.Context)   { p.orderList(c, true) }
func (p *PayPages) shopBought(c *gin.Context) { p.orderList(c, false) }

func (p *PayPages) orderList(c *gin.Context, sold bool) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	os, err := p.svc.Shop().Orders(c.Request.Context(), me, sold, c.Query("state"))
	if err != nil {
		p.fail(c, err)
		return
	}
	if sentJSON(c, http.StatusOK, eachJSON(os, orderJSON)) {
		return
	}
	title := "Orders you placed"
	if sold {
		title = "Orders of your listings"
	}
	p.render(c, http.StatusOK, "pay_shop_orders.html", shopPage{payPage: p.base(c, title, me), Orders: os, Sold: sold})
}

func (p *PayPages) orderAction(c *gin.Context, do func(me *models.Account, id int64) (*shop.OrderView, error)) {
	me, id, ok := p.signedInWithID(c)
	if !ok {
		return
	}
	v, err := do(me, id)
	if err != nil {
		p.fail(c, err)
		return
	}
	if sentJSON(c, http.StatusOK, orderJSON(v)) {
		return
	}
	c.Redirect(http.StatusSeeOther, "/shop/sold")
}

func (p *PayPages) shopShip(c *gin.Context) {
	p.orderAction(c, func(me *models.Account, id int64) (*shop.OrderView, error) {
		return p.svc.Shop().Ship(c.Request.Context(), me, id, c.PostForm("message"))
	})
}

func (p *PayPages) shopRefund(c *gin.Context) {
	p.orderAction(c, func(me *models.Account, id int64) (*shop.OrderView, error) {
		return p.svc.Shop().Refund(c.Request.Context(), me, id)
	})
}

func (p *PayPages) shopCancel(c *gin.Context) {
	p.orderAction(c, func(me *models.Account, id int64) (*shop.OrderView, error) {
		return p.svc.Shop().Cancel(c.Request.Context(), me, id, c.PostForm("reason"))
	})
}

// shopRemote is GET /shop/remote/:id: buying a listing of another Plaza
// instance. The signed-in buyer picks quantity and note; the form posts to
// the seller's instance (its buy endpoint) with the buyer's handle, and
// that instance sends the browser on to its Checkout (docs/SHOP.md).
func (p *PayPages) shopRemote(c *gin.Context) {
	me, id, ok := p.signedInWithID(c)
	if !ok {
		return
	}
	rv, err := p.svc.Shop().RemoteListing(c.Request.Context(), id)
	if err != nil {
		p.fail(c, err)
		return
	}
	page := shopPage{payPage: p.base(c, rv.Listing.Title, me), Remote: rv, Handle: "@" + me.Username + "@" + p.svc.Config().Host}
	c.Header("Referrer-Policy", "no-referrer")
	p.render(c, http.StatusOK, "pay_shop_remote.html", page)
}
