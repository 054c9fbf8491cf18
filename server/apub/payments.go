package apub

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"plaza/federation"
)

// PaymentRoutes serves the ActivityPub side of payments: each payee's
// Proposal (what the FEP-0ea0 link on the actor points to) and the JSON-LD
// context of Plaza's payment terms. It is mounted beside the Handler.
type PaymentRoutes struct{ h *Handler }

// PaymentRoutes returns the payments' routes of h.
func (h *Handler) PaymentRoutes() PaymentRoutes { return PaymentRoutes{h} }

// Mount adds the routes.
func (p PaymentRoutes) Mount(r *gin.Engine) {
	r.GET("/users/:username/proposal", p.proposal)
	r.GET(federation.PaymentContextPath, p.context)
}

// proposal serves a payee's Proposal, signed GET or not (it says nothing
// about amounts).
func (p PaymentRoutes) proposal(c *gin.Context) {
	if _, ok := p.h.signedFetcher(c); !ok {
		return
	}
	acct, uri, err := p.h.svc.Payments().ProposalOf(c.Request.Context(), c.Param("username"))
	if err != nil {
		p.h.writeError(c, err)
		return
	}
	renderActivity(c, http.StatusOK, federation.ProposalDocument(acct, uri, p.h.svc.Payments().PaymentCurrencies()))
}

// context serves the JSON-LD context document of payment activities.
func (p PaymentRoutes) context(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=86400")
	c.Render(http.StatusOK, jsonDoc{federation.PaymentContextDocument(p.h.svc.Core().URLs().Base()), "application/ld+json; charset=utf-8"})
}
