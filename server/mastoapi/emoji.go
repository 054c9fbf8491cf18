package mastoapi

import (
	"github.com/gin-gonic/gin"

	"plaza/models"
)

// CustomEmoji is Mastodon's CustomEmoji entity.
type CustomEmoji struct {
	Shortcode       string  `json:"shortcode"`
	URL             string  `json:"url"`
	StaticURL       string  `json:"static_url"`
	VisibleInPicker bool    `json:"visible_in_picker"`
	Category        *string `json:"category"`
}

// emojis converts custom emoji; a remote one's image is served through
// this instance's cache.
func (h *Handler) emojis(list []models.CustomEmoji) []CustomEmoji {
	out := make([]CustomEmoji, 0, len(list))
	for i := range list {
		e := &list[i]
		u := h.svc.RemoteMedia().EmojiURL(e)
		var cat *string
		if e.Category != "" {
			cat = &e.Category
		}
		out = append(out, CustomEmoji{Shortcode: e.Shortcode, URL: u, StaticURL: u, VisibleInPicker: e.VisibleInPicker, Category: cat})
	}
	return out
}

// customEmojis serves GET /api/v1/custom_emojis: this instance's emoji,
// public as on Mastodon.
func (h *Handler) customEmojis(c *gin.Context) {
	list, err := h.svc.Emoji().Local(c.Request.Context())
	reply(c, h.emojis(list), err)
}
