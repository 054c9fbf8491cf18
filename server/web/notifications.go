package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"plaza/models"
)

// notificationItem is one notification as the page shows it.
type notificationItem struct {
	ID     int64
	Type   models.NotificationType
	What   string
	From   accountItem
	Status *statusItem
}

var notificationWords = map[models.NotificationType]string{
	models.NotifyMention:           "mentioned you",
	models.NotifyReply:             "replied to you",
	models.NotifyFollow:            "followed you",
	models.NotifyFollowRequest:     "asked to follow you",
	models.NotifyFavourite:         "favourited your post",
	models.NotifyReblog:            "boosted your post",
	models.NotifyStatus:            "posted",
	models.NotifyUpdate:            "edited a post",
	models.NotifyModerationWarning: "warning from the moderators",
	models.NotifyReportResolved:    "your report about them was resolved",
}

func (h *Handler) notifications(c *gin.Context) {
	ctx, me := c.Request.Context(), viewer(c)
	pp := pageParams(c)
	list, err := h.svc.Social().Notifications(ctx, me, pp, nil, nil)
	if err != nil {
		h.renderError(c, err)
		return
	}
	var statuses []*models.Status
	for _, n := range list {
		if n.Status != nil {
			statuses = append(statuses, n.Status)
		}
	}
	items, err := h.statusItems(ctx, me, statuses)
	if err != nil {
		h.renderError(c, err)
		return
	}
	byID := map[int64]*statusItem{}
	for i := range items {
		byID[items[i].ID] = &items[i]
	}
	out := make([]notificationItem, 0, len(list))
	ids := make([]int64, 0, len(list))
	for _, n := range list {
		it := notificationItem{ID: n.Notification.ID, Type: n.Notification.Type, What: notificationWords[n.Notification.Type], From: h.accountItem(n.From)}
		if n.Status != nil {
			it.Status = byID[n.Status.ID]
		}
		out = append(out, it)
		ids = append(ids, n.Notification.ID)
	}
	p := h.basePage(c, "Notifications")
	p.Nav = "notifications"
	pg := pagerFor("/notifications", ids, pp)
	if len(ids) == 0 {
		pg = pager{}
	}
	h.render(c, http.StatusOK, "notifications.html", struct {
		page
		Notifications []notificationItem
		Pager         pager
	}{p, out, pg})
}
