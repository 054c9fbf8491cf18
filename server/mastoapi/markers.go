package mastoapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/social"
)

func (h *Handler) mountMarkers(r *gin.Engine) {
	r.GET("/api/v1/markers", h.user("read:statuses"), h.markers)
	r.POST("/api/v1/markers", h.user("write:statuses"), h.saveMarkers)
}

// markerEntity is Mastodon's Marker entity.
type markerEntity struct {
	LastReadID string `json:"last_read_id"`
	Version    int    `json:"version"`
	UpdatedAt  string `json:"updated_at"`
}

func renderMarkers(ms map[string]models.Marker) map[string]markerEntity {
	out := make(map[string]markerEntity, len(ms))
	for t, m := range ms {
		out[t] = markerEntity{LastReadID: idString(m.LastReadID), Version: m.Version, UpdatedAt: timestamp(m.UpdatedAt)}
	}
	return out
}

// markers is GET /api/v1/markers?timeline[]=home&timeline[]=notifications.
func (h *Handler) markers(c *gin.Context) {
	timelines := append(c.QueryArray("timeline[]"), c.QueryArray("timeline")...)
	ms, err := h.svc.Social().Markers(c.Request.Context(), currentAccount(c), timelines)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, renderMarkers(ms))
}

// saveMarkers is POST /api/v1/markers with home[last_read_id] and/or
// notifications[last_read_id] (form or nested JSON).
func (h *Handler) saveMarkers(c *gin.Context) {
	p, err := oauthParams(c)
	if err != nil {
		writeError(c, err)
		return
	}
	positions := map[string]int64{}
	for _, t := range []string{social.MarkerHome, social.MarkerNotifications} {
		raw, ok := p[t+"[last_read_id]"]
		if !ok || len(raw) == 0 {
			continue
		}
		id, err := strconv.ParseInt(raw[0], 10, 64)
		if err != nil || id < 0 {
			writeErrorStatus(c, http.StatusUnprocessableEntity, "Validation failed: last_read_id is invalid")
			return
		}
		positions[t] = id
	}
	if len(positions) == 0 {
		c.JSON(http.StatusOK, gin.H{})
		return
	}
	ms, err := h.svc.Social().SaveMarkers(c.Request.Context(), currentAccount(c), positions)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, renderMarkers(ms))
}
