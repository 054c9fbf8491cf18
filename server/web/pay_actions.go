package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/payments"
)

// payForm is the pay-someone form, refilled after an error.
type payForm struct {
	To, Amount, Currency, Note, Context string
	SendDM                              bool
}

type payNewData struct {
	payPage
	Form       payForm
	Currencies []string
	Payee      *models.Account
	CanPay     bool
	Why        string
	Error      string
}

// newForm is GET /payments/new?to=@alice@host[&context=post URI]: the pay
// form, or why this person cannot be paid.
func (p *PayPages) newForm(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	f := payForm{To: c.Query("to"), Context: c.Query("context"), Currency: payFirst(p.svc.Payments().PaymentCurrencies())}
	d := payNewData{payPage: p.base(c, "Send a payment", me), Form: f, Currencies: p.svc.Payments().PaymentCurrencies(), CanPay: true}
	status := http.StatusOK
	if f.To != "" {
		payee, err := p.svc.Payments().PayTarget(c.Request.Context(), f.To)
		if err != nil {
			status, d.Error = payErrorStatus(err)
			if status == http.StatusNotFound {
				d.Error = "No account " + f.To + " was found."
			}
			d.CanPay = false
		} else {
			d.Payee = payee
			d.CanPay, d.Why = p.svc.Payments().CanReceivePayments(c.Request.Context(), payee)
			if payee.ID == me.ID {
				d.CanPay, d.Why = false, "You cannot pay yourself."
			}
		}
	}
	p.render(c, status, "pay_new.html", d)
}

// create is POST /payments/new: the Offer, then the status page.
func (p *PayPages) create(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	f := payForm{To: c.PostForm("to"), Amount: c.PostForm("amount"), Currency: c.PostForm("currency"),
		Note: c.PostForm("note"), Context: c.PostForm("context"), SendDM: c.PostForm("dm") != ""}
	pay, err := p.svc.Payments().OfferPayment(c.Request.Context(), me, payments.OfferInput{
		To: f.To, Amount: f.Amount, Currency: f.Currency, Note: f.Note, ContextURI: f.Context, SendDM: f.SendDM})
	if err != nil {
		status, msg := payErrorStatus(err)
		if status == http.StatusInternalServerError {
			p.fail(c, err)
			return
		}
		if status == http.StatusNotFound {
			msg = "No account " + f.To + " was found."
		}
		if payWantsJSON(c) {
			c.AbortWithStatusJSON(status, gin.H{"error": msg})
			return
		}
		p.render(c, status, "pay_new.html", payNewData{payPage: p.base(c, "Send a payment", me), Form: f,
			Currencies: p.svc.Payments().PaymentCurrencies(), CanPay: true, Error: msg})
		return
	}
	if sentJSON(c, http.StatusCreated, gin.H{"id": strconv.FormatInt(pay.ID, 10), "state": pay.State, "url": p.svc.Core().URLs().PaymentPage(pay.ID)}) {
		return
	}
	c.Redirect(http.StatusSeeOther, "/payments/p/"+strconv.FormatInt(pay.ID, 10))
}

type payStatusData struct {
	payPage
	V          *payments.PaymentView
	StateLabel string
	Events     []payEventRow
	CanRefund  bool
	Pending    bool
	Refund     refundForm
}

// refundForm is the refund form's state: the amount typed, the most that
// may be refunded, the error beside the field, or the confirmation step.
type refundForm struct {
	Amount, Max, Error string
	Confirm            bool
}

// payEventRow is one line of a payment's log. Templates get labels
// computed here: the pay templates use no template functions, so they
// parse with any FuncMap.
type payEventRow struct {
	At    string
	Label string
}

func payStatusOf(base payPage, v *payments.PaymentView) payStatusData {
	d := payStatusData{payPage: base, V: v, StateLabel: payStateLabel(v.Payment.State)}
	for _, e := range v.Events {
		d.Events = append(d.Events, payEventRow{At: e.OccurredAt.UTC().Format("2006-01-02 15:04:05 UTC"), Label: payStateLabel(e.State)})
	}
	return d
}

// status is GET /payments/p/:id, for the payer and the payee only.
func (p *PayPages) status(c *gin.Context) {
	v, me, ok := p.viewPayment(c)
	if !ok {
		return
	}
	p.render(c, http.StatusOK, "pay_status.html", p.statusPage(c, me, v, refundForm{}))
}

// statusPage is the status page's data; a payment not yet final reloads
// itself (a meta refresh: no JavaScript needed) until it is.
func (p *PayPages) statusPage(c *gin.Context, me *models.Account, v *payments.PaymentView, rf refundForm) payStatusData {
	d := payStatusOf(p.base(c, "Payment", me), v)
	s := v.Payment.State
	d.CanRefund = !v.Sent && v.Payment.PayToken != "" && (s == models.PaymentSucceeded || s == models.PaymentPartiallyRefunded)
	// Back from Stripe, the payer sees "pending" until the receipt comes.
	d.Pending = s == models.PaymentOffered || s == models.PaymentCheckoutOpen || (v.Sent && s == models.PaymentAccepted)
	if d.Pending {
		d.Refresh = payRefreshSeconds
	}
	rf.Max = payments.FormatAmount(v.Payment.Amount-v.Payment.AmountRefunded, v.Payment.Currency)
	if rf.Amount == "" && rf.Error == "" {
		rf.Amount = rf.Max
	}
	d.Refund = rf
	return d
}

// payRefreshSeconds is how often a pending payment's page reloads.
const payRefreshSeconds = 3

func (p *PayPages) viewPayment(c *gin.Context) (*payments.PaymentView, *models.Account, bool) {
	me, id, ok := p.signedInWithID(c)
	if !ok {
		return nil, nil, false
	}
	v, err := p.svc.Payments().Payment(c.Request.Context(), me, id)
	if err != nil {
		p.fail(c, err)
		return nil, nil, false
	}
	return v, me, true
}

// goPay is GET /payments/p/:id/go: the payer is sent to the pay link,
// which is always on the payee's host.
func (p *PayPages) goPay(c *gin.Context) {
	v, _, ok := p.viewPayment(c)
	if !ok {
		return
	}
	s := v.Payment.State
	if !v.Sent || v.Payment.PayURL == "" || (s != models.PaymentAccepted && s != models.PaymentCheckoutOpen) {
		p.renderError(c, http.StatusConflict, "Not ready", "This payment cannot be paid now ("+payStateLabel(s)+").")
		return
	}
	c.Redirect(http.StatusSeeOther, v.Payment.PayURL)
}

// receipt is GET /payments/p/:id/receipt.
func (p *PayPages) receipt(c *gin.Context) {
	v, me, ok := p.viewPayment(c)
	if !ok {
		return
	}
	p.render(c, http.StatusOK, "pay_receipt.html", payStatusOf(p.base(c, "Receipt", me), v))
}

// publicReceipt is GET /payments/r/:id/:token: the receipt a payer's note
// links to, open to whoever holds the link (the payee, on any server),
// without a session. A wrong token is not found.
func (p *PayPages) publicReceipt(c *gin.Context) {
	id, ok := p.pathID(c)
	if !ok {
		return
	}
	v, err := p.svc.Payments().PublicReceipt(c.Request.Context(), id, c.Param("token"))
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Header("Referrer-Policy", "no-referrer") // the path is the capability
	p.render(c, http.StatusOK, "pay_receipt.html", payStatusOf(p.base(c, "Receipt", p.viewerOrNil(c)), v))
}

// refund is POST /payments/p/:id/refund, by the payee: the amount is
// checked and shown back for confirmation; only the confirmed form
// (confirm=1) refunds. A refused amount comes back beside the field.
func (p *PayPages) refund(c *gin.Context) {
	v, me, ok := p.viewPayment(c)
	if !ok {
		return
	}
	if v.Sent || v.Payment.PayToken == "" {
		p.fail(c, fmt.Errorf("%w: payment", core.ErrNotFound)) // only the payee refunds
		return
	}
	rf := refundForm{Amount: strings.TrimSpace(c.PostForm("amount"))}
	cur := v.Payment.Currency
	left := v.Payment.Amount - v.Payment.AmountRefunded
	refundable := v.Payment.State == models.PaymentSucceeded || v.Payment.State == models.PaymentPartiallyRefunded
	status := http.StatusUnprocessableEntity
	if refundable {
		minor, err := payments.ParseTypedAmount(rf.Amount, cur)
		switch {
		case rf.Amount == "":
			rf.Error = "Enter the amount to refund, at most " + payments.FormatAmount(left, cur) + " " + cur + "."
		case err != nil:
			_, msg := payErrorStatus(err)
			rf.Error = upperFirst(msg) + "."
		case minor > left:
			rf.Error = "That is more than can be refunded: at most " + payments.FormatAmount(left, cur) + " " + cur + "."
		default:
			rf.Amount = payments.FormatAmount(minor, cur)
		}
	}
	if rf.Error == "" {
		if refundable && c.PostForm("confirm") != "1" && !payWantsJSON(c) {
			rf.Confirm = true
			p.render(c, http.StatusOK, "pay_status.html", p.statusPage(c, me, v, rf))
			return
		}
		_, err := p.svc.Payments().RefundPayment(c.Request.Context(), me, v.Payment.ID, rf.Amount)
		if err == nil {
			c.Redirect(http.StatusSeeOther, "/payments/p/"+strconv.FormatInt(v.Payment.ID, 10)+"?notice=refunded")
			return
		}
		var msg string
		status, msg = payErrorStatus(err)
		if status == http.StatusInternalServerError || status == http.StatusNotFound {
			p.fail(c, err)
			return
		}
		rf.Error = upperFirst(msg) + "."
	}
	if payWantsJSON(c) {
		c.AbortWithStatusJSON(status, gin.H{"error": rf.Error})
		return
	}
	// The page again, the error beside the field, the amount as typed.
	nv, err := p.svc.Payments().Payment(c.Request.Context(), me, v.Payment.ID)
	if err == nil {
		v = nv
	}
	p.render(c, status, "pay_status.html", p.statusPage(c, me, v, rf))
}

// upperFirst starts a message with a capital letter.
func upperFirst(s string) string {
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

type payStripeData struct {
	payPage
	Enabled bool
	Account *models.StripeAccount
}

// stripePage is GET /payments/stripe: connect or check my Stripe account.
func (p *PayPages) stripePage(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	d := payStripeData{payPage: p.base(c, "Receive payments", me), Enabled: p.svc.Payments().PaymentsEnabled()}
	if d.Enabled {
		sa, err := p.svc.Payments().StripeAccount(c.Request.Context(), me)
		if err != nil {
			p.fail(c, err)
			return
		}
		d.Account = sa
	}
	p.render(c, http.StatusOK, "pay_stripe.html", d)
}

// stripeConnect is POST /payments/stripe/connect: on to Stripe onboarding.
func (p *PayPages) stripeConnect(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	link, err := p.svc.Payments().ConnectStripe(c.Request.Context(), me)
	if err != nil {
		p.fail(c, err)
		return
	}
	if !strings.HasPrefix(link, "https://") && !strings.HasPrefix(link, "http://") {
		p.renderError(c, http.StatusBadGateway, "Stripe", "Stripe returned no onboarding link.")
		return
	}
	c.Redirect(http.StatusSeeOther, link)
}

// stripeCheck is POST /payments/stripe/check: ask Stripe for the status.
func (p *PayPages) stripeCheck(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	if _, err := p.svc.Payments().RefreshStripeAccount(c.Request.Context(), me); err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/payments/stripe")
}

func payFirst(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}
