package apub

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"plaza/federation"
	"plaza/models"
)

// actor serves a user's actor document (browsers get the profile: negotiate).
func (h *Handler) actor(c *gin.Context) {
	if _, ok := h.signedFetcher(c); !ok {
		return
	}
	acct, err := h.svc.Accounts().LocalUser(c.Request.Context(), c.Param("username"))
	h.serveActor(c, acct, err)
}

// serveActor answers with acct's actor document, or the error that kept
// acct from being found.
func (h *Handler) serveActor(c *gin.Context, acct *models.Account, err error) {
	if err != nil {
		h.writeError(c, err)
		return
	}
	emojis, err := h.svc.Core().AccountEmojis(c.Request.Context(), []*models.Account{acct})
	if err != nil {
		h.writeError(c, err)
		return
	}
	doc := federation.ActorDocument(acct)
	federation.AddEmojiTags(doc, emojis[acct.ID])
	renderActivity(c, http.StatusOK, doc)
}

// signedFetcher checks the signature of a signed GET and returns the
// signing actor, nil for an unsigned request. A signature that is present
// must verify, or the answer is 401. Unsigned fetches of public documents
// are allowed, as on Mastodon, unless AuthorizedFetch is on ("secure
// mode"): then they are 401 too. It reports whether the handler may go on.
func (h *Handler) signedFetcher(c *gin.Context) (*models.Account, bool) {
	if !federation.HasSignature(c.Request.Header) {
		if h.cfg.AuthorizedFetch {
			h.writeError(c, fmt.Errorf("%w: authorized fetch: %s is only served to signed requests", federation.ErrUnauthorized, c.Request.URL.Path))
			return nil, false
		}
		return nil, true
	}
	signer, err := h.inbox.VerifySignature(c.Request.Context(), c.Request, nil)
	if err != nil {
		h.writeError(c, err)
		return nil, false
	}
	return signer, true
}

// instanceActor serves the Application actor that signs the server's own
// fetches. It is public even with AuthorizedFetch: other servers fetch its
// key to verify those signed fetches, and could not sign a fetch of it
// without first having ours.
func (h *Handler) instanceActor(c *gin.Context) {
	acct, err := h.svc.Accounts().EnsureInstanceActor(c.Request.Context())
	h.serveActor(c, acct, err)
}

// instanceOutbox is the instance actor's outbox: it never posts, so the
// collection is always empty, but an actor must have one.
func (h *Handler) instanceOutbox(c *gin.Context) {
	acct, err := h.svc.Accounts().EnsureInstanceActor(c.Request.Context())
	if err != nil {
		h.writeError(c, err)
		return
	}
	renderActivity(c, http.StatusOK, map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       acct.OutboxURI, "type": "OrderedCollection", "totalItems": 0, "orderedItems": []any{},
	})
}
