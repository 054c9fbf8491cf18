package mastoapi

import (
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/filters"
	"plaza/server/service/social"
)

// mountTimelines adds the home, public and hashtag timelines.
func (h *Handler) mountTimelines(r *gin.Engine) {
	g := r.Group("/api/v1/timelines")
	g.GET("/home", h.user("read:statuses"), h.homeTimeline)
	g.GET("/public", h.optional("read:statuses"), h.publicTimeline)
	g.GET("/tag/:hashtag", h.optional("read:statuses"), h.tagTimeline)
	g.GET("/link", h.optional("read:statuses"), h.linkTimeline)
}

// linkTimeline serves GET /api/v1/timelines/link?url=: the posts sharing a
// trending link.
func (h *Handler) linkTimeline(c *gin.Context) {
	viewer := currentAccount(c)
	list, err := h.svc.Discovery().LinkTimeline(c.Request.Context(), viewer, c.Query("url"), pageFromQuery(c))
	h.writeTimeline(c, viewer, list, err, filters.ContextPublic)
}

// queryBool reads a Rails-style boolean query parameter.
func queryBool(c *gin.Context, key string) bool {
	switch strings.ToLower(c.Query(key)) {
	case "true", "1", "on", "t", "yes":
		return true
	}
	return false
}

func timelineOptions(c *gin.Context) social.TimelineOptions {
	return social.TimelineOptions{Local: queryBool(c, "local"), Remote: queryBool(c, "remote"), OnlyMedia: queryBool(c, "only_media"),
		Any: c.QueryArray("any[]"), All: c.QueryArray("all[]"), None: c.QueryArray("none[]")}
}

func (h *Handler) homeTimeline(c *gin.Context) {
	acct := currentAccount(c)
	list, err := h.svc.Social().HomeTimeline(c.Request.Context(), acct, pageFromQuery(c))
	h.writeTimeline(c, acct, list, err, filters.ContextHome)
}

func (h *Handler) publicTimeline(c *gin.Context) {
	viewer := currentAccount(c)
	list, err := h.svc.Social().FilteredPublicTimeline(c.Request.Context(), viewer, timelineOptions(c), pageFromQuery(c))
	h.writeTimeline(c, viewer, list, err, filters.ContextPublic)
}

func (h *Handler) tagTimeline(c *gin.Context) {
	viewer := currentAccount(c)
	list, err := h.svc.Social().FilteredTagTimeline(c.Request.Context(), viewer, c.Param("hashtag"), timelineOptions(c), pageFromQuery(c))
	h.writeTimeline(c, viewer, list, err, filters.ContextPublic)
}

// writeTimeline answers with a page of a timeline (newest first, which the
// service keeps for min_id pages too) and its Link header, with the
// viewer's filters of context where applied.
func (h *Handler) writeTimeline(c *gin.Context, viewer *models.Account, list []*models.Status, err error, where filters.Context) {
	if err != nil {
		writeError(c, err)
		return
	}
	ids := make([]int64, len(list))
	for i, st := range list {
		ids[i] = st.ID
	}
	h.writeStatusPage(c, viewer, list, ids, where)
}
