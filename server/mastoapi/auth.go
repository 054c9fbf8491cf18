package mastoapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
)

const (
	ctxToken   = "plaza.token"
	ctxAccount = "plaza.account"
)

// bearer returns the access token of the request: the Authorization header,
// or the access_token query parameter (streaming clients send it so).
func bearer(c *gin.Context) string {
	if h := c.GetHeader("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return c.Query("access_token")
}

// authenticate loads the token of the request, if any; an invalid one is a
// 401. It reports whether the handler may go on.
func (h *Handler) authenticate(c *gin.Context) bool {
	secret := bearer(c)
	if secret == "" {
		return true
	}
	tok, err := h.svc.Accounts().Authenticate(c.Request.Context(), secret)
	if err != nil {
		writeError(c, err)
		return false
	}
	c.Set(ctxToken, tok)
	if tok.Account != nil {
		c.Set(ctxAccount, tok.Account)
	}
	return true
}

// user requires a token of a signed-in user holding scope (e.g.
// "read:statuses"); the parent scope ("read") and, for follows, blocks and
// mutes, the legacy "follow" scope grant it too.
func (h *Handler) user(scope string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !h.authenticate(c) {
			return
		}
		tok := currentToken(c)
		if tok == nil {
			writeErrorStatus(c, http.StatusUnauthorized, "The access token is invalid")
			return
		}
		if !hasScope(tok.Scopes, scope) {
			writeErrorStatus(c, http.StatusForbidden, "This action is outside the authorized scopes")
			return
		}
		if tok.Account == nil {
			writeErrorStatus(c, http.StatusUnprocessableEntity, "This method requires an authenticated user")
			return
		}
		c.Next()
	}
}

// optional lets anonymous requests through but, when a token is sent, it
// must be valid and hold scope.
func (h *Handler) optional(scope string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !h.authenticate(c) {
			return
		}
		if tok := currentToken(c); tok != nil && !hasScope(tok.Scopes, scope) {
			writeErrorStatus(c, http.StatusForbidden, "This action is outside the authorized scopes")
			return
		}
		c.Next()
	}
}

// app requires any valid token (a user's or an application's own).
func (h *Handler) app() gin.HandlerFunc {
	return func(c *gin.Context) {
		if !h.authenticate(c) {
			return
		}
		if currentToken(c) == nil {
			writeErrorStatus(c, http.StatusUnauthorized, "The access token is invalid")
			return
		}
		c.Next()
	}
}

// currentToken is the request's token, nil when anonymous.
func currentToken(c *gin.Context) *models.Token {
	v, ok := c.Get(ctxToken)
	if !ok {
		return nil
	}
	return v.(*models.Token)
}

// currentAccount is the signed-in account, nil when anonymous or for an
// application's own token.
func currentAccount(c *gin.Context) *models.Account {
	v, ok := c.Get(ctxAccount)
	if !ok {
		return nil
	}
	return v.(*models.Account)
}

// legacyFollowScopes are the granular scopes the old "follow" scope grants.
var legacyFollowScopes = map[string]bool{
	"read:follows": true, "write:follows": true, "read:blocks": true,
	"write:blocks": true, "read:mutes": true, "write:mutes": true,
}

// hasScope reports whether a token's space-separated scopes grant want.
func hasScope(granted, want string) bool {
	parent, _, _ := strings.Cut(want, ":")
	if strings.HasPrefix(want, "admin:") {
		parts := strings.SplitN(want, ":", 3)
		parent = parts[0] + ":" + parts[1]
	}
	for _, g := range strings.Fields(granted) {
		if g == want || g == parent || (g == "follow" && legacyFollowScopes[want]) {
			return true
		}
	}
	return false
}
