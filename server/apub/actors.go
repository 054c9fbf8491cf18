package apub

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/federation"
	"plaza/models"
)

// actor serves a user's actor document, or the HTML profile to browsers.
func (h *Handler) actor(c *gin.Context) {
	if !wantsActivityJSON(c) {
		h.profilePage(c)
		return
	}
	if _, ok := h.signedFetcher(c); !ok {
		return
	}
	acct, err := h.svc.LocalUser(c.Request.Context(), c.Param("username"))
	if err != nil {
		writeError(c, err)
		return
	}
	renderActivity(c, http.StatusOK, federation.ActorDocument(acct))
}

// signedFetcher checks the signature of a signed GET (authorized fetch) and
// returns the signing actor, nil for an unsigned request. Unsigned fetches
// of public documents are allowed, as on Mastodon; a signature that is
// present must verify, or the answer is 401. It reports whether the handler
// may go on.
func (h *Handler) signedFetcher(c *gin.Context) (*models.Account, bool) {
	if c.GetHeader("Signature") == "" && !strings.HasPrefix(c.GetHeader("Authorization"), "Signature ") {
		return nil, true
	}
	signer, err := h.inbox.VerifySignature(c.Request.Context(), c.Request, nil)
	if err != nil {
		writeError(c, err)
		return nil, false
	}
	return signer, true
}

// instanceActor serves the Application actor that signs the server's own
// fetches.
func (h *Handler) instanceActor(c *gin.Context) {
	acct, err := h.svc.EnsureInstanceActor(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	renderActivity(c, http.StatusOK, federation.ActorDocument(acct))
}
