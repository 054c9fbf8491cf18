package mastoapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/server/service/tags"
)

// mountTags adds followed hashtags (the Tag entity, follow, unfollow, the
// list) and featured hashtags (one's own, suggestions, an account's).
func (h *Handler) mountTags(r *gin.Engine) {
	r.GET("/api/v1/followed_tags", h.user("read:follows"), h.followedTags)
	r.GET("/api/v1/tags/:name", h.optional("read"), h.tag)
	// Ice Cubes asks for "tags/<name>/"; Rails routes take the slash too.
	r.GET("/api/v1/tags/:name/", h.optional("read"), h.tag)
	r.POST("/api/v1/tags/:name/follow", h.user("write:follows"), h.followTag(true))
	r.POST("/api/v1/tags/:name/unfollow", h.user("write:follows"), h.followTag(false))
	r.GET("/api/v1/featured_tags", h.user("read:accounts"), h.featuredTags)
	r.POST("/api/v1/featured_tags", h.user("write:accounts"), h.featureTag)
	r.DELETE("/api/v1/featured_tags/:id", h.user("write:accounts"), deletedByID(h.svc.Tags().Unfeature))
	r.GET("/api/v1/featured_tags/suggestions", h.user("read:accounts"), h.featuredTagSuggestions)
}

// TagEntity is Mastodon's Tag entity: history always, following only for
// a signed-in viewer.
type TagEntity struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	URL       string          `json:"url"`
	History   []TagHistoryDay `json:"history"`
	Following *bool           `json:"following,omitempty"`
}

func (h *Handler) renderTag(t tags.Tag) TagEntity {
	out := TagEntity{ID: idString(t.ID), Name: t.Name, URL: h.svc.Core().URLs().Tag(t.Name),
		History: make([]TagHistoryDay, len(t.History)), Following: t.Following}
	for i, d := range t.History {
		out.History[i] = TagHistoryDay{Day: strconv.FormatInt(d.Start.Unix(), 10),
			Uses: strconv.FormatInt(d.Uses, 10), Accounts: strconv.FormatInt(d.Accounts, 10)}
	}
	return out
}

func (h *Handler) renderTags(list []tags.Tag) []TagEntity {
	out := make([]TagEntity, len(list))
	for i, t := range list {
		out[i] = h.renderTag(t)
	}
	return out
}

func (h *Handler) tag(c *gin.Context) {
	t, err := h.svc.Tags().Tag(c.Request.Context(), currentAccount(c), c.Param("name"))
	reply(c, h.renderTag(t), err)
}

func (h *Handler) followTag(follow bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		do := h.svc.Tags().Unfollow
		if follow {
			do = h.svc.Tags().Follow
		}
		t, err := do(c.Request.Context(), currentAccount(c), c.Param("name"))
		reply(c, h.renderTag(t), err)
	}
}

func (h *Handler) followedTags(c *gin.Context) {
	list, err := h.svc.Tags().Followed(c.Request.Context(), currentAccount(c), pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	writePage(c, h, list, func(f *tags.FollowedTag) int64 { return f.ID },
		func(f *tags.FollowedTag) (TagEntity, error) { return h.renderTag(f.Tag), nil })
}

// FeaturedTag is Mastodon's FeaturedTag entity (the count a string, the
// last post's day a date, as Mastodon serialises them).
type FeaturedTag struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	URL           string  `json:"url"`
	StatusesCount string  `json:"statuses_count"`
	LastStatusAt  *string `json:"last_status_at"`
}

// renderFeatured links the hashtag's page on this instance (Mastodon links
// the profile's /tagged/ page, which Plaza's web UI does not have).
func (h *Handler) renderFeatured(f tags.Featured) FeaturedTag {
	out := FeaturedTag{ID: idString(f.ID), Name: f.Name, URL: h.svc.Core().URLs().Tag(f.Name),
		StatusesCount: strconv.FormatInt(f.StatusesCount, 10)}
	if f.LastStatusAt != nil {
		day := f.LastStatusAt.UTC().Format("2006-01-02")
		out.LastStatusAt = &day
	}
	return out
}

func (h *Handler) writeFeatured(c *gin.Context, list []tags.Featured, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]FeaturedTag, len(list))
	for i, f := range list {
		out[i] = h.renderFeatured(f)
	}
	c.JSON(http.StatusOK, out)
}

func (h *Handler) featuredTags(c *gin.Context) {
	list, err := h.svc.Tags().Featured(c.Request.Context(), currentAccount(c))
	h.writeFeatured(c, list, err)
}

func (h *Handler) accountFeaturedTags(c *gin.Context) {
	a, ok := h.targetAccount(c)
	if !ok {
		return
	}
	list, err := h.svc.Tags().Featured(c.Request.Context(), a)
	h.writeFeatured(c, list, err)
}

func (h *Handler) featureTag(c *gin.Context) {
	p, ok := requestParams(c)
	if !ok {
		return
	}
	f, err := h.svc.Tags().Feature(c.Request.Context(), currentAccount(c), p.str("name"))
	reply(c, h.renderFeatured(f), err)
}

func (h *Handler) featuredTagSuggestions(c *gin.Context) {
	list, err := h.svc.Tags().Suggestions(c.Request.Context(), currentAccount(c))
	reply(c, h.renderTags(list), err)
}
