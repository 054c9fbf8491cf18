package mastoapi

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
	"plaza/server/service/notifications"
)

// NotificationRequest is Mastodon's NotificationRequest entity: the direct
// messages of one stranger waiting in Requests.
type NotificationRequest struct {
	ID                 string  `json:"id"`
	CreatedAt          string  `json:"created_at"`
	UpdatedAt          string  `json:"updated_at"`
	Account            Account `json:"account"`
	NotificationsCount string  `json:"notifications_count"` // a string, as Mastodon sends it
	LastStatus         *Status `json:"last_status,omitempty"`
}

// mountNotificationRequests adds /api/v1/notifications/requests (Mastodon
// 4.3): senders the notification policy filtered, and message requests
// from strangers.
func (h *Handler) mountNotificationRequests(r *gin.Engine) {
	g := r.Group("/api/v1/notifications/requests")
	g.GET("", h.user("read:notifications"), h.notificationRequests)
	g.GET("/merged", h.user("read:notifications"), h.notificationRequestsMerged)
	g.GET("/:id", h.user("read:notifications"), h.notificationRequest)
	g.POST("/:id/accept", h.user("write:notifications"), h.answerNotificationRequest(true))
	g.POST("/:id/dismiss", h.user("write:notifications"), h.answerNotificationRequest(false))
	g.POST("/accept", h.user("write:notifications"), h.answerNotificationRequests(true))
	g.POST("/dismiss", h.user("write:notifications"), h.answerNotificationRequests(false))
}

func (h *Handler) notificationRequests(c *gin.Context) {
	ctx, acct, p := c.Request.Context(), currentAccount(c), pageFromQuery(c)
	// Two kinds answer here: senders the policy filtered, and strangers'
	// chat messages (message requests); one page of each, merged by id.
	held, err := h.svc.Notifications().Requests(ctx, acct, p)
	if err != nil {
		writeError(c, err)
		return
	}
	chats, err := h.svc.Messaging().Requests(ctx, acct, p)
	if err != nil {
		writeError(c, err)
		return
	}
	type item struct {
		id int64
		r  NotificationRequest
	}
	items := make([]item, 0, len(held)+len(chats))
	for _, v := range held {
		r, err := h.renderHeldRequest(ctx, acct, v)
		if err != nil {
			writeError(c, err)
			return
		}
		items = append(items, item{v.Request.ID, r})
	}
	for _, v := range chats {
		r, err := h.renderNotificationRequest(ctx, acct, v)
		if err != nil {
			writeError(c, err)
			return
		}
		items = append(items, item{v.Request.ID, r})
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(b.id, a.id) })
	if len(items) > p.Limit {
		if p.MinID > 0 {
			items = items[len(items)-p.Limit:] // the ones closest to min_id
		} else {
			items = items[:p.Limit]
		}
	}
	out := make([]NotificationRequest, 0, len(items))
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		out = append(out, it.r)
		ids = append(ids, it.id)
	}
	h.setLinkHeader(c, ids)
	c.JSON(http.StatusOK, out)
}

// notificationRequestsMerged answers Mastodon's question whether accepted
// requests are merged into the notifications yet: here at once (accepting
// releases the held notifications in its transaction).
func (h *Handler) notificationRequestsMerged(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"merged": true})
}

func (h *Handler) notificationRequest(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	ctx, acct := c.Request.Context(), currentAccount(c)
	if v, err := h.svc.Notifications().RequestByID(ctx, acct, id); !isNotFound(err) {
		if err != nil {
			writeError(c, err)
			return
		}
		out, err := h.renderHeldRequest(ctx, acct, v)
		reply(c, out, err)
		return
	}
	v, err := h.svc.Messaging().RequestByID(ctx, acct, id)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderNotificationRequest(ctx, acct, v)
	reply(c, out, err)
}

func (h *Handler) answerNotificationRequest(accept bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := idParam(c, "id")
		if !ok {
			return
		}
		if err := h.answerRequest(c.Request.Context(), currentAccount(c), id, accept); err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{})
	}
}

// answerNotificationRequests answers several requests (id[]); ids that are
// not the user's pending requests are skipped, as Mastodon does.
func (h *Handler) answerNotificationRequests(accept bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, acct := c.Request.Context(), currentAccount(c)
		raw := c.PostFormArray("id[]")
		if len(raw) == 0 {
			raw = append(c.PostFormArray("id"), queryArray(c, "id")...)
		}
		for _, s := range raw {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				continue
			}
			if err := h.answerRequest(ctx, acct, id, accept); err != nil && !errors.Is(err, core.ErrNotFound) {
				writeError(c, err)
				return
			}
		}
		c.JSON(http.StatusOK, gin.H{})
	}
}

// answerRequest answers a filtered sender's request, or else a chat's
// message request of that id.
func (h *Handler) answerRequest(ctx context.Context, acct *models.Account, id int64, accept bool) error {
	answer := h.svc.Notifications().DismissRequest
	if accept {
		answer = h.svc.Notifications().AcceptRequest
	}
	if err := answer(ctx, acct, id); !isNotFound(err) {
		return err
	}
	if accept {
		return h.svc.Messaging().AcceptRequest(ctx, acct, id)
	}
	return h.svc.Messaging().DismissRequest(ctx, acct, id, false)
}

func (h *Handler) renderNotificationRequest(ctx context.Context, viewer *models.Account, v messaging.RequestView) (NotificationRequest, error) {
	return h.requestEntity(ctx, viewer, v.Request.ID, v.Request.CreatedAt, v.Request.UpdatedAt, v.Account, v.Request.MessagesCount, v.LastStatus)
}

func (h *Handler) requestEntity(ctx context.Context, viewer *models.Account, id int64, created, updated time.Time, from *models.Account, count int64, last *models.Status) (NotificationRequest, error) {
	a, err := h.renderAccount(ctx, from)
	if err != nil {
		return NotificationRequest{}, err
	}
	out := NotificationRequest{ID: idString(id), CreatedAt: timestamp(created), UpdatedAt: timestamp(updated),
		Account: a, NotificationsCount: strconv.FormatInt(count, 10)}
	if last != nil {
		if st, err := h.renderStatus(ctx, viewer, last); err == nil {
			out.LastStatus = &st
		}
	}
	return out, nil
}

// renderHeldRequest renders a request of the notification policy.
func (h *Handler) renderHeldRequest(ctx context.Context, viewer *models.Account, v notifications.RequestView) (NotificationRequest, error) {
	return h.requestEntity(ctx, viewer, v.Request.ID, v.Request.CreatedAt, v.Request.UpdatedAt, v.Account, v.Count, v.LastStatus)
}
