package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
)

// Status renders a post for browsers on its ActivityPub URL (route
// parameters :username and :id).
func (h *Handler) Status(c *gin.Context) {
	h.forBrowser(c, h.thread)
}

// byHandle serves a page under /@handle (the :handle route parameter,
// "@user" or "@user@host": a profile, or with :id a post); a first segment
// without '@' is not a page.
func (h *Handler) byHandle(render func(c *gin.Context, handle string)) gin.HandlerFunc {
	return func(c *gin.Context) {
		handle, ok := strings.CutPrefix(c.Param("handle"), "@")
		if !ok {
			h.renderError(c, core.ErrNotFound)
			return
		}
		render(c, handle)
	}
}

// forBrowser renders a page for a browser that opened an ActivityPub URL
// (the :username route parameter). Those routes are the ActivityPub
// handler's, so the session and CSRF token the web routes set up are set
// up here.
func (h *Handler) forBrowser(c *gin.Context, render func(c *gin.Context, handle string)) {
	h.loadSession(c)
	h.ensureCSRF(c)
	render(c, c.Param("username"))
}

// thread shows a post with the posts it answers and the answers to it, and
// a reply box for signed-in users.
func (h *Handler) thread(c *gin.Context, handle string) {
	ctx, me := c.Request.Context(), viewer(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.renderError(c, core.ErrNotFound)
		return
	}
	st, err := h.svc.Core().StatusForViewer(ctx, me, id)
	if err == nil && (st.Account == nil || !h.handleMatches(st.Account, handle)) {
		err = core.ErrNotFound
	}
	if err != nil {
		h.renderError(c, err)
		return
	}
	ancestors, descendants, err := h.svc.Social().Thread(ctx, me, id)
	if err != nil {
		h.renderError(c, err)
		return
	}
	all := append(append(append([]*models.Status{}, ancestors...), st), descendants...)
	items, err := h.statusItems(ctx, me, all)
	if err != nil {
		h.renderError(c, err)
		return
	}
	focus := len(ancestors)
	items[focus].Focus = true
	p := h.basePage(c, "Post by "+items[focus].Author.Name)
	p.Alternate = st.URI
	var compose *composeForm
	if me != nil {
		compose = h.newComposeForm(c, &items[focus])
	}
	// Tip: pay the author with this post as the payment's context.
	var tip string
	// Only on public and unlisted posts: money in a chat is the chat's composer.
	public := st.Visibility == models.VisibilityPublic || st.Visibility == models.VisibilityUnlisted
	if public && me != nil && me.ID != st.AccountID && h.svc.Payments().PaymentsEnabled() {
		if ok, _ := h.svc.Payments().CanReceivePayments(ctx, st.Account); ok {
			tip = "/payments/new?" + url.Values{"to": {"@" + h.handleOf(st.Account)}, "context": {st.URI}}.Encode()
		}
	}
	h.render(c, http.StatusOK, "status.html", struct {
		page
		Statuses []statusItem
		Compose  *composeForm
		Tip      string
	}{p, items, compose, tip})
}

// handleMatches reports whether handle ("user" or "user@host") names a.
func (h *Handler) handleMatches(a *models.Account, handle string) bool {
	user, host, _ := strings.Cut(handle, "@")
	if a.IsLocal() {
		return strings.EqualFold(user, a.Username) && (host == "" || strings.EqualFold(host, h.svc.Config().Host))
	}
	return strings.EqualFold(user, a.Username) && strings.EqualFold(host, a.Domain)
}
