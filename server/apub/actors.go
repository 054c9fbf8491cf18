package apub

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/federation"
)

// actor serves a user's actor document, or the HTML profile to browsers.
func (h *Handler) actor(c *gin.Context) {
	if !wantsActivityJSON(c) {
		h.profilePage(c)
		return
	}
	if !h.verifySignedFetch(c) {
		return
	}
	acct, err := h.svc.LocalUser(c.Request.Context(), c.Param("username"))
	if err != nil {
		writeError(c, err)
		return
	}
	renderActivity(c, http.StatusOK, federation.ActorDocument(acct))
}

// verifySignedFetch checks the signature of a signed GET (authorized fetch).
// Unsigned fetches of public documents are allowed, as on Mastodon; a
// signature that is present must verify, or the answer is 401. It reports
// whether the handler may go on.
func (h *Handler) verifySignedFetch(c *gin.Context) bool {
	if c.GetHeader("Signature") == "" && !strings.HasPrefix(c.GetHeader("Authorization"), "Signature ") {
		return true
	}
	if _, err := h.inbox.VerifySignature(c.Request.Context(), c.Request, nil); err != nil {
		writeError(c, err)
		return false
	}
	return true
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

// emptyCollection serves a user's outbox, followers, following and featured
// collections. Plaza has no posts or follows yet (the federation issue adds
// them), so each is an empty OrderedCollection of the right id.
func (h *Handler) emptyCollection(c *gin.Context) {
	if !h.verifySignedFetch(c) {
		return
	}
	acct, err := h.svc.LocalUser(c.Request.Context(), c.Param("username"))
	if err != nil {
		writeError(c, err)
		return
	}
	renderActivity(c, http.StatusOK, map[string]any{
		"@context":     "https://www.w3.org/ns/activitystreams",
		"id":           h.svc.URLs().Base() + c.Request.URL.Path,
		"type":         "OrderedCollection",
		"attributedTo": acct.URI,
		"totalItems":   0,
		"orderedItems": []any{},
	})
}
