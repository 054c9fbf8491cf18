package apub

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// featuredTags is the actor's featuredTags collection (Mastodon's
// toot:featuredTags): a Collection of Hashtag objects, as Mastodon serves
// them, each linking to the hashtag's page here.
func (h *Handler) featuredTags(c *gin.Context) {
	owner, ok := h.collectionOwner(c)
	if !ok {
		return
	}
	list, err := h.svc.Tags().Featured(c.Request.Context(), owner)
	if err != nil {
		h.writeError(c, err)
		return
	}
	urls := h.svc.Core().URLs()
	items := make([]any, 0, len(list))
	for _, t := range list {
		items = append(items, map[string]any{"type": "Hashtag", "name": "#" + t.Name, "href": urls.Tag(t.Name)})
	}
	renderActivity(c, http.StatusOK, map[string]any{
		"@context":   []any{"https://www.w3.org/ns/activitystreams", map[string]any{"Hashtag": "as:Hashtag"}},
		"id":         urls.Base() + c.Request.URL.Path,
		"type":       "Collection",
		"totalItems": len(items),
		"items":      items,
	})
}
