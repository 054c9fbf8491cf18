package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
)

// timelinePage is a list of posts with paging and, for signed-in users, the
// compose box.
type timelinePage struct {
	page
	Heading  string
	Intro    string
	Statuses []statusItem
	Pager    pager
	Compose  *composeForm
}

// pageParams reads Mastodon-style paging from the query.
func pageParams(c *gin.Context) core.Page {
	p := core.Page{Limit: core.DefaultPageLimit}
	p.MaxID, _ = strconv.ParseInt(c.Query("max_id"), 10, 64)
	p.MinID, _ = strconv.ParseInt(c.Query("min_id"), 10, 64)
	return p
}

func ids(list []*models.Status) []int64 {
	out := make([]int64, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

func (h *Handler) renderTimeline(c *gin.Context, tp timelinePage, list []*models.Status, err error, pp core.Page) {
	if err == nil {
		tp.Statuses, err = h.statusItems(c.Request.Context(), viewer(c), list)
	}
	if err != nil {
		h.renderError(c, err)
		return
	}
	tp.Pager = pagerFor(c.Request.URL.Path, ids(list), pp)
	h.render(c, http.StatusOK, "timeline.html", tp)
}

// landing is the front page: what the instance is, sign-up, recent posts.
// Signed-in users go to their home timeline.
func (h *Handler) landing(c *gin.Context) {
	if viewer(c) != nil && c.Query("about") == "" {
		c.Redirect(http.StatusSeeOther, "/home")
		return
	}
	h.about(c)
}

func (h *Handler) about(c *gin.Context) {
	set, err := h.svc.Moderation().InstanceSettings(c.Request.Context())
	if err != nil {
		h.renderError(c, err)
		return
	}
	list, err := h.svc.Social().PublicTimeline(c.Request.Context(), viewer(c), true, false, core.Page{Limit: 10})
	var items []statusItem
	if err == nil {
		items, err = h.statusItems(c.Request.Context(), viewer(c), list)
	}
	if err != nil {
		h.renderError(c, err)
		return
	}
	p := h.navPage(c, set.Name, "about")
	h.render(c, http.StatusOK, "home.html", struct {
		page
		Description       string
		OpenRegistrations bool
		Rules             []string
		ContactEmail      string
		Statuses          []statusItem
	}{p, set.Description, set.OpenRegistrations, set.Rules, set.ContactEmail, items})
}

func (h *Handler) homeTimeline(c *gin.Context) {
	pp := pageParams(c)
	list, err := h.svc.Social().HomeTimeline(c.Request.Context(), viewer(c), pp)
	p := h.navPage(c, "Home", "home")
	h.renderTimeline(c, timelinePage{page: p, Heading: "Home", Compose: h.newComposeForm(c, nil)}, list, err, pp)
}

// publicTimeline serves the local (this instance) or federated (everything
// known here) public timeline.
func (h *Handler) publicTimeline(local bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		pp := pageParams(c)
		list, err := h.svc.Social().PublicTimeline(c.Request.Context(), viewer(c), local, false, pp)
		title, nav, intro := "Federated timeline", "federated", "Public posts from every server this one knows."
		if local {
			title, nav, intro = "Local timeline", "local", "Public posts from people on "+h.svc.Config().Host+"."
		}
		p := h.navPage(c, title, nav)
		h.renderTimeline(c, timelinePage{page: p, Heading: title, Intro: intro}, list, err, pp)
	}
}

func (h *Handler) tagTimeline(c *gin.Context) {
	tag := strings.TrimPrefix(c.Param("tag"), "#")
	pp := pageParams(c)
	list, err := h.svc.Social().TagTimeline(c.Request.Context(), viewer(c), tag, pp)
	h.renderTimeline(c, timelinePage{page: h.basePage(c, "#"+tag), Heading: "#" + tag}, list, err, pp)
}

func (h *Handler) bookmarks(c *gin.Context) {
	pp := pageParams(c)
	entries, err := h.svc.Social().Bookmarks(c.Request.Context(), viewer(c), pp)
	list := make([]*models.Status, 0, len(entries))
	for _, e := range entries {
		list = append(list, e.Status)
	}
	p := h.navPage(c, "Bookmarks", "bookmarks")
	h.renderTimeline(c, timelinePage{page: p, Heading: "Bookmarks"}, list, err, pp)
}
