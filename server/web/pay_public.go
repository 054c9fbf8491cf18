package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"plaza/server/service/payviews"
)

type payPublicData struct {
	payPage
	R *payviews.PublicRequest
}

// publicPage is GET /pay/:token: the public pay page of a request, for
// anyone holding its link, with no session. The token is the only key.
func (p *PayPages) publicPage(c *gin.Context) {
	pr, err := p.svc.PayViews().PublicRequestByToken(c.Request.Context(), c.Param("token"))
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Header("Referrer-Policy", "no-referrer")
	p.render(c, http.StatusOK, "pay_public.html", payPublicData{payPage: p.base(c, "Pay @"+pr.Requester.Username, nil), R: pr})
}

// publicPay is POST /pay/:token: on to Stripe Checkout. No session is
// involved (nothing of a signed-in user can be used), so no CSRF token.
func (p *PayPages) publicPay(c *gin.Context) {
	url, err := p.svc.Requests().PayPublicRequest(c.Request.Context(), c.Param("token"))
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusSeeOther, url)
}
