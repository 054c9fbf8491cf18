package mastoapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
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
// 4.3): message requests from strangers.
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
	ctx, acct := c.Request.Context(), currentAccount(c)
	list, err := h.svc.Messaging().Requests(ctx, acct, pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]NotificationRequest, 0, len(list))
	ids := make([]int64, 0, len(list))
	for _, v := range list {
		r, err := h.renderNotificationRequest(ctx, acct, v)
		if err != nil {
			writeError(c, err)
			return
		}
		out = append(out, r)
		ids = append(ids, v.Request.ID)
	}
	h.setLinkHeader(c, ids)
	c.JSON(http.StatusOK, out)
}

// notificationRequestsMerged answers Mastodon's question whether accepted
// requests are merged into the notifications yet: here at once.
func (h *Handler) notificationRequestsMerged(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"merged": true})
}

func (h *Handler) notificationRequest(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	ctx, acct := c.Request.Context(), currentAccount(c)
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

func (h *Handler) answerRequest(ctx context.Context, acct *models.Account, id int64, accept bool) error {
	if accept {
		return h.svc.Messaging().AcceptRequest(ctx, acct, id)
	}
	return h.svc.Messaging().DismissRequest(ctx, acct, id, false)
}

func (h *Handler) renderNotificationRequest(ctx context.Context, viewer *models.Account, v messaging.RequestView) (NotificationRequest, error) {
	a, err := h.renderAccount(ctx, v.Account)
	if err != nil {
		return NotificationRequest{}, err
	}
	out := NotificationRequest{ID: idString(v.Request.ID), CreatedAt: timestamp(v.Request.CreatedAt), UpdatedAt: timestamp(v.Request.UpdatedAt),
		Account: a, NotificationsCount: strconv.FormatInt(v.Request.MessagesCount, 10)}
	if v.LastStatus != nil {
		if st, err := h.renderStatus(ctx, viewer, v.LastStatus); err == nil {
			out.LastStatus = &st
		}
	}
	return out, nil
}
