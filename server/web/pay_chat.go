package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/payments"
	"plaza/server/service/payviews"
	"plaza/server/service/requests"
)

// Money in chats: the forms of payment cards (pay_card.html) and of the
// chat composer post here; each redirects back to the chat (the form's
// "back" field, a local path), or answers JSON to a client asking for it.

// PayCardView is what the "pay_card" template renders: one card, the
// session's CSRF token for its forms, and where the forms come back to.
type PayCardView struct {
	Card *payviews.ChatCard
	CSRF string
	Back string
}

// NewPayCardView builds the data of one card for the "pay_card" template.
func NewPayCardView(card *payviews.ChatCard, csrf, back string) PayCardView {
	return PayCardView{Card: card, CSRF: csrf, Back: back}
}

func (p *PayPages) mountChat(r *gin.Engine) {
	r.POST("/payments/chat/:id/request", p.chatRequest)
	r.POST("/payments/chat/:id/send", p.chatSend)
	r.POST("/payments/requests/:id/pay", p.requestPay)
	r.POST("/payments/requests/:id/decline", p.requestDecline)
	r.POST("/payments/requests/:id/cancel", p.requestCancel)
	r.POST("/payments/requests/:id/remind", p.requestRemind)
	r.POST("/payments/splits/:id/cancel", p.splitCancel)
	r.POST("/payments/splits/:id/remind", p.splitRemind)
	r.GET("/payments/cards/:id", p.cardFragment)
	r.GET("/payments/history.csv", p.historyCSV)
	r.GET("/pay/:token", p.publicPage)
	r.POST("/pay/:token", p.publicPay)
}

// chatSubject signs a chat form in and reads the id in its path.
func (p *PayPages) chatSubject(c *gin.Context) (*models.Account, int64, bool) {
	me, ok := p.signedIn(c)
	if !ok {
		return nil, 0, false
	}
	id, ok := payParamID(c)
	if !ok {
		p.chatFail(c, core.ErrNotFound)
		return nil, 0, false
	}
	return me, id, true
}

// payBack is where a chat form returns: its "back" field when that is a
// local path, else the conversations page.
func payBack(c *gin.Context) string {
	if b := c.PostForm("back"); localPath(b) {
		return b
	}
	return "/conversations"
}

// chatDone answers a chat form that worked.
func (p *PayPages) chatDone(c *gin.Context, status int, body gin.H) {
	if sentJSON(c, status, body) {
		return
	}
	c.Redirect(http.StatusSeeOther, payBack(c))
}

// chatFail answers a chat form that was refused: {"error": ...} with the
// status to a client, the error page to a browser.
func (p *PayPages) chatFail(c *gin.Context, err error) {
	status, msg := payErrorStatus(err)
	if errors.Is(err, requests.ErrRateLimited) {
		status, msg = http.StatusTooManyRequests, strings.TrimPrefix(err.Error(), requests.ErrRateLimited.Error()+": ")
	}
	if status == http.StatusInternalServerError {
		p.fail(c, err)
		return
	}
	p.renderError(c, status, http.StatusText(status), msg)
}

// chatRequest is POST /payments/chat/:id/request: ask a member (payer) for
// amount, or with split=1 split amount between the chosen members
// (payer, repeated; none: everyone), evenly or, with mode=custom, by the
// fields amount_<account id>; include_me=1 keeps a share for the requester.
func (p *PayPages) chatRequest(c *gin.Context) {
	me, conv, ok := p.chatSubject(c)
	if !ok {
		return
	}
	in := requests.RequestInput{ConversationID: conv, Amount: c.PostForm("amount"), Currency: c.PostForm("currency"),
		Note: c.PostForm("note"), Split: c.PostForm("split") != "", IncludeMe: c.PostForm("include_me") != ""}
	for _, v := range c.PostFormArray("payer") {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			p.chatFail(c, errors.Join(core.ErrValidation, errors.New("unknown member")))
			return
		}
		in.PayerIDs = append(in.PayerIDs, id)
	}
	if in.Split && c.PostForm("mode") == "custom" {
		in.Custom = map[int64]string{}
		_ = c.Request.ParseForm()
		for k, v := range c.Request.PostForm {
			id, ok := strings.CutPrefix(k, "amount_")
			n, err := strconv.ParseInt(id, 10, 64)
			if !ok || err != nil || len(v) == 0 || strings.TrimSpace(v[0]) == "" {
				continue
			}
			in.Custom[n] = v[0]
			if len(c.PostFormArray("payer")) == 0 {
				in.PayerIDs = append(in.PayerIDs, n)
			}
		}
		if len(in.Custom) == 0 {
			p.chatFail(c, errors.Join(core.ErrValidation, errors.New("enter each member's amount")))
			return
		}
	}
	res, err := p.svc.Requests().RequestMoney(c.Request.Context(), me, in)
	if err != nil {
		p.chatFail(c, err)
		return
	}
	ids := make([]string, len(res.Requests))
	for i, r := range res.Requests {
		ids[i] = strconv.FormatInt(r.ID, 10)
	}
	p.chatDone(c, http.StatusCreated, gin.H{"status_id": strconv.FormatInt(res.Status.ID, 10), "request_ids": ids})
}

// chatSend is POST /payments/chat/:id/send: send money to a member (to,
// an account id) from the chat.
func (p *PayPages) chatSend(c *gin.Context) {
	me, ok := p.signedIn(c)
	if !ok {
		return
	}
	conv, ok := payParamID(c)
	to, err := strconv.ParseInt(c.PostForm("to"), 10, 64)
	if !ok || err != nil {
		p.chatFail(c, errors.Join(core.ErrValidation, errors.New("choose who to pay")))
		return
	}
	payee, err := p.svc.Core().Store().AccountByID(c.Request.Context(), to)
	if err != nil {
		p.chatFail(c, errors.Join(core.ErrValidation, errors.New("choose who to pay")))
		return
	}
	pay, err := p.svc.Payments().OfferPayment(c.Request.Context(), me, payments.OfferInput{To: core.Handle(payee),
		Amount: c.PostForm("amount"), Currency: c.PostForm("currency"), Note: c.PostForm("note"), ConversationID: conv})
	if err != nil {
		p.chatFail(c, err)
		return
	}
	p.chatDone(c, http.StatusCreated, gin.H{"id": strconv.FormatInt(pay.ID, 10), "state": pay.State})
}

// requestPay is POST /payments/requests/:id/pay, by the payer: the payment
// starts, and the browser goes on to pay it (to the payee's host once its
// server accepted; until then, to the payment's page).
func (p *PayPages) requestPay(c *gin.Context) {
	me, id, ok := p.chatSubject(c)
	if !ok {
		return
	}
	pay, err := p.svc.Requests().PayRequest(c.Request.Context(), me, id)
	if err != nil {
		p.chatFail(c, err)
		return
	}
	page := "/payments/p/" + strconv.FormatInt(pay.ID, 10)
	if sentJSON(c, http.StatusCreated, gin.H{"id": strconv.FormatInt(pay.ID, 10), "state": pay.State, "url": page, "pay_url": pay.PayURL}) {
		return
	}
	if pay.PayURL != "" && (pay.State == models.PaymentAccepted || pay.State == models.PaymentCheckoutOpen) {
		page += "/go"
	}
	c.Redirect(http.StatusSeeOther, page)
}

// requestAction runs one of the card actions that need nothing but the id.
func (p *PayPages) requestAction(c *gin.Context, do func(me *models.Account, id int64) error) {
	me, id, ok := p.chatSubject(c)
	if !ok {
		return
	}
	if err := do(me, id); err != nil {
		p.chatFail(c, err)
		return
	}
	p.chatDone(c, http.StatusOK, gin.H{"ok": true})
}

func (p *PayPages) requestDecline(c *gin.Context) {
	p.requestAction(c, func(me *models.Account, id int64) error {
		return p.svc.Requests().DeclineRequest(c.Request.Context(), me, id)
	})
}

func (p *PayPages) requestCancel(c *gin.Context) {
	p.requestAction(c, func(me *models.Account, id int64) error {
		return p.svc.Requests().CancelRequest(c.Request.Context(), me, id)
	})
}

func (p *PayPages) requestRemind(c *gin.Context) {
	p.requestAction(c, func(me *models.Account, id int64) error {
		_, err := p.svc.Requests().RemindRequests(c.Request.Context(), me, id, 0)
		return err
	})
}

func (p *PayPages) splitCancel(c *gin.Context) {
	p.requestAction(c, func(me *models.Account, id int64) error {
		return p.svc.Requests().CancelSplit(c.Request.Context(), me, id)
	})
}

func (p *PayPages) splitRemind(c *gin.Context) {
	p.requestAction(c, func(me *models.Account, id int64) error {
		_, err := p.svc.Requests().RemindRequests(c.Request.Context(), me, 0, id)
		return err
	})
}

// cardFragment is GET /payments/cards/:id (a status id): the card of one
// chat message as an HTML fragment, for the live chat to swap in; JSON
// with Accept: application/json. 404 when the message has no card for the
// viewer.
func (p *PayPages) cardFragment(c *gin.Context) {
	me, id, ok := p.signedInWithID(c)
	if !ok {
		return
	}
	cards, err := p.svc.PayViews().CardsForStatuses(c.Request.Context(), me, []int64{id})
	if err != nil {
		p.fail(c, err)
		return
	}
	card := cards[id]
	if card == nil {
		p.fail(c, core.ErrNotFound)
		return
	}
	if sentJSON(c, http.StatusOK, card) {
		return
	}
	back := c.Query("back")
	if !localPath(back) {
		back = "/conversations"
	}
	p.render(c, http.StatusOK, "pay_card", NewPayCardView(card, p.base(c, "", me).CSRF, back))
}
