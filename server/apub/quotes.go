package apub

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/federation"
	"plaza/server/service/core"
)

// quoteAuthorization serves the QuoteAuthorization a local author gave a
// quote of their post (FEP-044f), while it stands; 404 once revoked.
func (h *Handler) quoteAuthorization(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.writeError(c, core.ErrNotFound)
		return
	}
	q, author, err := h.svc.Quotes().Authorization(c.Request.Context(), c.Param("username"), id)
	if err != nil {
		h.writeError(c, err)
		return
	}
	h.answer(c, federation.QuoteAuthorization(q, author), nil)
}
