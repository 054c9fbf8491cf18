package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
)

// notificationItem is one notification as the page shows it.
// What is the sentence after the sender's name, Link the page it is
// about and LinkText the words of that link.
type notificationItem struct {
	ID             int64
	Type           models.NotificationType
	What           string
	Link, LinkText string
	From           accountItem
	Status         *statusItem
}

// notificationWords is each type's sentence and the words of its link;
// types of other areas (polls, admin) are named by their Mastodon strings.
var notificationWords = map[models.NotificationType][2]string{
	models.NotifyMention:       {"mentioned you", "Open the post"},
	models.NotifyReply:         {"replied to your post", "Open the reply"},
	models.NotifyFollow:        {"followed you", "See their profile"},
	models.NotifyFollowRequest: {"asked to follow you", "Review follow requests"},
	models.NotifyFavourite:     {"favourited your post", "Open the post"},
	models.NotifyReblog:        {"boosted your post", "Open the post"},
	models.NotifyStatus:        {"posted", "Open the post"},
	models.NotifyUpdate:        {"edited a post you interacted with", "See the new version"},
	models.NotifyPayment:       {"sent you a payment notice", "Open the payment"},
	"poll":                     {"ran a poll that has ended", "See the results"},
	"admin.sign_up":            {"signed up", "Review accounts"},
	"admin.report":             {"filed a report", "Review it in the admin pages"},
	"moderation_warning":       {"sent you a moderation warning or limit", "See who sent it"},
	"report_resolved":          {"was the subject of your report, which the moderators have now resolved", "See their profile"},
}

// notificationLink is where a notification of type typ points when it is
// about no status: the sender's profile, or the page that deals with it.
func notificationLink(typ models.NotificationType, from accountItem) string {
	switch typ {
	case models.NotifyFollowRequest:
		return "/follow_requests"
	case "admin.sign_up", "admin.report":
		return "/admin/users"
	}
	return from.Path
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
	raw := make([]models.Notification, len(list))
	for i, n := range list {
		raw[i] = n.Notification
	}
	subjects, err := h.svc.PayViews().NotificationSubjects(ctx, me, raw)
	if err != nil {
		h.renderError(c, err)
		return
	}
	out := make([]notificationItem, 0, len(list))
	ids := make([]int64, 0, len(list))
	for _, n := range list {
		words, known := notificationWords[n.Notification.Type]
		if !known {
			words = [2]string{"sent you a notification", "See their profile"}
		}
		it := notificationItem{ID: n.Notification.ID, Type: n.Notification.Type, What: words[0], LinkText: words[1], From: h.accountItem(n.From)}
		it.Link = notificationLink(it.Type, it.From)
		if n.Status != nil {
			it.Status = byID[n.Status.ID]
			if it.Status != nil {
				it.Link = it.Status.Path
				// A direct message is read in its chat.
				if it.Status.Visibility == models.VisibilityDirect {
					if chatID, err := h.svc.Messaging().ConversationOfStatus(ctx, me, it.Status.ID); err == nil {
						it.Link, it.LinkText = chatPath(chatID)+"#m-"+strconv.FormatInt(it.Status.ID, 10), "Open the chat"
					}
				}
			}
		}
		if sub, ok := subjects[n.Notification.ID]; ok {
			it.What = sub.Sentence
			if sub.Link != "" {
				it.Link, it.LinkText = sub.Link, "Open the payment"
			}
		}
		out = append(out, it)
		ids = append(ids, n.Notification.ID)
	}
	p := h.navPage(c, "Notifications", "notifications")
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
