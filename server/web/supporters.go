package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/payments"
	"plaza/server/service/supporters"
)

// Supporter pages: the creator's tiers and dashboard and the supporter's
// subscriptions on /supporters, a creator's tiers with Support buttons on
// /supporters/of/:username. They share the payment pages' sign-in (session
// and CSRF, or a bearer token with read:/write:payments).

// tierView is a tier with its price written out.
type tierView struct {
	*models.SupporterTier
	Price string
}

func tierViews(ts []*models.SupporterTier) []tierView {
	out := make([]tierView, len(ts))
	for i, t := range ts {
		out[i] = tierView{t, payments.FormatAmount(t.Amount, t.Currency)}
	}
	return out
}

type supportersData struct {
	payPage
	Tiers         []tierView
	Creator       *supporters.CreatorPage
	Subscriptions []*supporters.SubscriptionView
	Currencies    []string
	CanSell       bool
}

type supportPageData struct {
	payPage
	Creator *models.Account
	Tiers   []tierView
}

func (p *PayPages) mountSupporters(r *gin.Engine) {
	r.GET("/supporters", p.supportersPage)
	r.POST("/supporters/tiers", p.createTier)
	r.POST("/supporters/subscriptions/:id/cancel", p.cancelSubscription)
	r.GET("/supporters/of/:username", p.supportPage)
	r.POST("/supporters/tiers/:id/subscribe", p.subscribe)
}

// supportersPage is GET /supporters.
func (p *PayPages) supportersPage(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	p.renderSupporters(c, me, http.StatusOK, c.Query("notice"))
}

func (p *PayPages) renderSupporters(c *gin.Context, me *models.Account, status int, notice string) {
	ctx := c.Request.Context()
	sup := p.svc.Supporters()
	page, err := sup.Creator(ctx, me)
	if err != nil {
		p.fail(c, err)
		return
	}
	subs, err := sup.Subscriptions(ctx, me)
	if err != nil {
		p.fail(c, err)
		return
	}
	d := supportersData{payPage: p.base(c, "Supporters", me), Tiers: tierViews(page.Tiers), Creator: page, Subscriptions: subs,
		Currencies: p.svc.Payments().PaymentCurrencies(), CanSell: sup.Enabled()}
	d.Notice = notice
	p.render(c, status, "pay_supporters.html", d)
}

// createTier is POST /supporters/tiers.
func (p *PayPages) createTier(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	_, err := p.svc.Supporters().CreateTier(c.Request.Context(), me, supporters.TierInput{
		Amount: c.PostForm("amount"), Currency: c.PostForm("currency"), Description: c.PostForm("description")})
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/supporters?notice=Tier+created")
}

// cancelSubscription is POST /supporters/subscriptions/:id/cancel.
func (p *PayPages) cancelSubscription(c *gin.Context) {
	me, id, ok := p.signedInWithID(c)
	if !ok {
		return
	}
	if err := p.svc.Supporters().Cancel(c.Request.Context(), me, id); err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/supporters?notice=Cancelling:+it+ends+when+Stripe+confirms")
}

// supportPage is GET /supporters/of/:username: a local creator's tiers.
func (p *PayPages) supportPage(c *gin.Context) {
	ctx := c.Request.Context()
	creator, err := p.svc.Accounts().LocalUser(ctx, c.Param("username"))
	if err != nil {
		p.fail(c, fmt.Errorf("%w: account", core.ErrNotFound))
		return
	}
	tiers, err := p.svc.Supporters().Tiers(ctx, creator)
	if err != nil {
		p.fail(c, err)
		return
	}
	me, _ := p.user(c)
	p.render(c, http.StatusOK, "pay_support.html", supportPageData{payPage: p.base(c, "Support @"+creator.Username, me), Creator: creator, Tiers: tierViews(tiers)})
}

// subscribe is POST /supporters/tiers/:id/subscribe: on to Checkout.
func (p *PayPages) subscribe(c *gin.Context) {
	me, id, ok := p.signedInWithID(c)
	if !ok {
		return
	}
	back := p.svc.Config().Protocol + "://" + p.svc.Config().Host + "/supporters"
	sub, url, err := p.svc.Supporters().Subscribe(c.Request.Context(), me, id, back)
	if err != nil {
		p.fail(c, err)
		return
	}
	if sentJSON(c, http.StatusOK, gin.H{"id": strconv.FormatInt(sub.ID, 10), "checkout_url": url}) {
		return
	}
	c.Redirect(http.StatusSeeOther, url)
}
