package mastoapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// mountNotifications adds /api/v1/notifications.
func (h *Handler) mountNotifications(r *gin.Engine) {
	g := r.Group("/api/v1/notifications")
	g.GET("", h.user("read:notifications"), h.notifications)
	g.GET("/:id", h.user("read:notifications"), h.notification)
	g.POST("/clear", h.user("write:notifications"), h.clearNotifications)
	g.POST("/:id/dismiss", h.user("write:notifications"), h.dismissNotification)
	// The form before Mastodon 3.1: the id in the body.
	g.POST("/dismiss", h.user("write:notifications"), h.dismissNotification)
}

func (h *Handler) notifications(c *gin.Context) {
	ctx, acct := c.Request.Context(), currentAccount(c)
	f, ok := notificationFilter(c)
	if !ok {
		c.JSON(http.StatusOK, []Notification{}) // no such account: nothing from it
		return
	}
	list, err := h.svc.Social().FilteredNotifications(ctx, acct, f, pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderNotifications(ctx, acct, list)
	if err != nil {
		writeError(c, err)
		return
	}
	ids := make([]int64, len(list))
	for i, n := range list {
		ids[i] = n.Notification.ID
	}
	h.setLinkHeader(c, ids)
	c.JSON(http.StatusOK, out)
}

// queryArray reads key[] (or key) query parameters.
func queryArray(c *gin.Context, key string) []string {
	if v := c.QueryArray(key + "[]"); len(v) > 0 {
		return v
	}
	return c.QueryArray(key)
}

func (h *Handler) notification(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	ctx, acct := c.Request.Context(), currentAccount(c)
	n, err := h.svc.Social().NotificationByID(ctx, acct, id)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderNotification(ctx, acct, n)
	reply(c, out, err)
}

func (h *Handler) clearNotifications(c *gin.Context) {
	if err := h.svc.Social().ClearNotifications(c.Request.Context(), currentAccount(c)); err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{})
}

func (h *Handler) dismissNotification(c *gin.Context) {
	raw := c.Param("id")
	if raw == "" {
		raw = c.PostForm("id")
		if raw == "" {
			raw = c.Query("id")
		}
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		writeErrorStatus(c, http.StatusNotFound, "Record not found")
		return
	}
	if err := h.svc.Social().DismissNotification(c.Request.Context(), currentAccount(c), id); err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{})
}
