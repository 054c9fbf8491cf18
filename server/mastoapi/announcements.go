package mastoapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"plaza/server/service/announcements"
)

// mountAnnouncements adds Mastodon's announcements. Reactions are not
// kept: adding one answers 422.
func (h *Handler) mountAnnouncements(r *gin.Engine) {
	g := r.Group("/api/v1/announcements")
	g.GET("", h.user("read"), h.announcements)
	g.POST("/:id/dismiss", h.user("write:accounts"), deletedByID(h.svc.Announcements().Dismiss))
	g.PUT("/:id/reactions/:name", h.user("write:favourites"), func(c *gin.Context) {
		unprocessable(c, "reactions to announcements are not supported")
	})
}

// Announcement is Mastodon's Announcement entity.
type Announcement struct {
	ID          string  `json:"id"`
	Content     string  `json:"content"`
	StartsAt    *string `json:"starts_at"`
	EndsAt      *string `json:"ends_at"`
	AllDay      bool    `json:"all_day"`
	PublishedAt string  `json:"published_at"`
	UpdatedAt   string  `json:"updated_at"`
	Read        bool    `json:"read"`
	Mentions    []any   `json:"mentions"`
	Statuses    []any   `json:"statuses"`
	Tags        []any   `json:"tags"`
	Emojis      []any   `json:"emojis"`
	Reactions   []any   `json:"reactions"`
}

func renderAnnouncement(a announcements.Announcement) Announcement {
	when := func(t *time.Time) *string {
		if t == nil {
			return nil
		}
		s := timestamp(*t)
		return &s
	}
	return Announcement{ID: idString(a.ID), Content: a.Content, StartsAt: when(a.StartsAt), EndsAt: when(a.EndsAt),
		PublishedAt: timestamp(a.CreatedAt), UpdatedAt: timestamp(a.UpdatedAt), Read: a.Read,
		Mentions: []any{}, Statuses: []any{}, Tags: []any{}, Emojis: []any{}, Reactions: []any{}}
}

func (h *Handler) announcements(c *gin.Context) {
	list, err := h.svc.Announcements().Active(c.Request.Context(), currentAccount(c), c.Query("with_dismissed") == "true")
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]Announcement, len(list))
	for i, a := range list {
		out[i] = renderAnnouncement(a)
	}
	c.JSON(http.StatusOK, out)
}
