package mastoapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/announcements"
)

// mountAnnouncements adds Mastodon's announcements, their dismissal and
// reactions.
func (h *Handler) mountAnnouncements(r *gin.Engine) {
	g := r.Group("/api/v1/announcements")
	g.GET("", h.user("read"), h.announcements)
	g.POST("/:id/dismiss", h.user("write:accounts"), deletedByID(h.svc.Announcements().Dismiss))
	g.PUT("/:id/reactions/:name", h.user("write:favourites"), h.announcementReaction(h.svc.Announcements().React))
	g.DELETE("/:id/reactions/:name", h.user("write:favourites"), h.announcementReaction(h.svc.Announcements().Unreact))
}

// AnnouncementReaction is Mastodon's Reaction entity; url and static_url
// only for a custom emoji.
type AnnouncementReaction struct {
	Name      string  `json:"name"`
	Count     int64   `json:"count"`
	Me        bool    `json:"me"`
	URL       *string `json:"url,omitempty"`
	StaticURL *string `json:"static_url,omitempty"`
}

// announcementReaction answers PUT or DELETE …/reactions/:name with {}.
func (h *Handler) announcementReaction(change func(ctx context.Context, acct *models.Account, id int64, name string) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := idParam(c, "id")
		if !ok {
			return
		}
		reply(c, gin.H{}, change(c.Request.Context(), currentAccount(c), id, c.Param("name")))
	}
}

// Announcement is Mastodon's Announcement entity.
type Announcement struct {
	ID          string                 `json:"id"`
	Content     string                 `json:"content"`
	StartsAt    *string                `json:"starts_at"`
	EndsAt      *string                `json:"ends_at"`
	AllDay      bool                   `json:"all_day"`
	PublishedAt string                 `json:"published_at"`
	UpdatedAt   string                 `json:"updated_at"`
	Read        bool                   `json:"read"`
	Mentions    []any                  `json:"mentions"`
	Statuses    []any                  `json:"statuses"`
	Tags        []any                  `json:"tags"`
	Emojis      []any                  `json:"emojis"`
	Reactions   []AnnouncementReaction `json:"reactions"`
}

func (h *Handler) renderAnnouncement(a announcements.Announcement) Announcement {
	when := func(t *time.Time) *string {
		if t == nil {
			return nil
		}
		s := timestamp(*t)
		return &s
	}
	out := Announcement{ID: idString(a.ID), Content: a.Content, StartsAt: when(a.StartsAt), EndsAt: when(a.EndsAt),
		PublishedAt: timestamp(a.CreatedAt), UpdatedAt: timestamp(a.UpdatedAt), Read: a.Read,
		Mentions: []any{}, Statuses: []any{}, Tags: []any{}, Emojis: []any{}, Reactions: []AnnouncementReaction{}}
	for _, r := range a.Reactions {
		ar := AnnouncementReaction{Name: r.Name, Count: r.Count, Me: r.Me}
		if r.Emoji != nil {
			u := h.svc.RemoteMedia().EmojiURL(r.Emoji)
			ar.URL, ar.StaticURL = &u, &u
		}
		out.Reactions = append(out.Reactions, ar)
	}
	return out
}

func (h *Handler) announcements(c *gin.Context) {
	list, err := h.svc.Announcements().Active(c.Request.Context(), currentAccount(c), c.Query("with_dismissed") == "true")
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]Announcement, len(list))
	for i, a := range list {
		out[i] = h.renderAnnouncement(a)
	}
	c.JSON(http.StatusOK, out)
}
