package mastoapi

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/push"
)

// mountPush adds Mastodon's Web Push API: one subscription per token.
func (h *Handler) mountPush(r *gin.Engine) {
	g := r.Group("/api/v1/push/subscription")
	g.POST("", h.user("push"), h.subscribePush)
	g.GET("", h.user("push"), h.pushSubscription)
	g.PUT("", h.user("push"), h.updatePush)
	g.DELETE("", h.user("push"), h.unsubscribePush)
}

// WebPushSubscription is Mastodon's WebPushSubscription entity.
type WebPushSubscription struct {
	ID        string          `json:"id"`
	Endpoint  string          `json:"endpoint"`
	Standard  bool            `json:"standard"`
	Alerts    map[string]bool `json:"alerts"`
	Policy    string          `json:"policy"`
	ServerKey string          `json:"server_key"`
}

// pushForm is a push request's nested parameters, sent as JSON objects or
// as Rails-style form keys (subscription[keys][p256dh], data[alerts][mention]).
type pushForm struct {
	Subscription struct {
		Endpoint string `json:"endpoint"`
		Keys     struct {
			P256dh string `json:"p256dh"`
			Auth   string `json:"auth"`
		} `json:"keys"`
	} `json:"subscription"`
	Data struct {
		Alerts map[string]any `json:"alerts"`
		Policy string         `json:"policy"`
	} `json:"data"`
}

func readPushForm(c *gin.Context) (*pushForm, bool) {
	p, err := readParams(c)
	if err != nil {
		writeParamsError(c, err)
		return nil, false
	}
	var f pushForm
	if p.json != nil {
		for key, dst := range map[string]any{"subscription": &f.Subscription, "data": &f.Data} {
			if raw, ok := p.json[key]; ok && json.Unmarshal(raw, dst) != nil {
				unprocessable(c, key+" must be an object")
				return nil, false
			}
		}
		return &f, true
	}
	f.Subscription.Endpoint = c.PostForm("subscription[endpoint]")
	f.Subscription.Keys.P256dh = c.PostForm("subscription[keys][p256dh]")
	f.Subscription.Keys.Auth = c.PostForm("subscription[keys][auth]")
	f.Data.Policy = c.PostForm("data[policy]")
	f.Data.Alerts = map[string]any{}
	for _, a := range push.Alerts {
		if v, ok := c.GetPostForm("data[alerts][" + a + "]"); ok {
			f.Data.Alerts[a] = v
		}
	}
	return &f, true
}

// alerts reads the wanted alerts, Rails-style booleans.
func (f *pushForm) alerts() map[string]bool {
	out := map[string]bool{}
	for k, v := range f.Data.Alerts {
		switch b := v.(type) {
		case bool:
			out[k] = b
		case string:
			out[k] = b == "true" || b == "1" || b == "on"
		}
	}
	return out
}

func (h *Handler) renderPush(c *gin.Context, sub *models.WebPushSubscription, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	keys, err := h.svc.Push().Keys(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	alerts := map[string]bool{}
	for _, a := range push.Alerts {
		alerts[a] = push.Wants(sub, a)
	}
	c.JSON(http.StatusOK, WebPushSubscription{ID: idString(sub.ID), Endpoint: sub.Endpoint, Standard: true,
		Alerts: alerts, Policy: sub.Policy, ServerKey: keys.Public})
}

func (h *Handler) subscribePush(c *gin.Context) {
	f, ok := readPushForm(c)
	if !ok {
		return
	}
	sub, err := h.svc.Push().Subscribe(c.Request.Context(), currentToken(c), push.SubscribeInput{
		Endpoint: f.Subscription.Endpoint, P256dh: f.Subscription.Keys.P256dh, Auth: f.Subscription.Keys.Auth,
		Alerts: f.alerts(), Policy: f.Data.Policy,
	})
	h.renderPush(c, sub, err)
}

func (h *Handler) pushSubscription(c *gin.Context) {
	sub, err := h.svc.Push().Subscription(c.Request.Context(), currentToken(c))
	h.renderPush(c, sub, err)
}

func (h *Handler) updatePush(c *gin.Context) {
	f, ok := readPushForm(c)
	if !ok {
		return
	}
	sub, err := h.svc.Push().UpdateAlerts(c.Request.Context(), currentToken(c), f.alerts(), f.Data.Policy)
	h.renderPush(c, sub, err)
}

func (h *Handler) unsubscribePush(c *gin.Context) {
	if err := h.svc.Push().Unsubscribe(c.Request.Context(), currentToken(c)); err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{})
}

// vapidKey is the instance's Web Push public key, "" if it cannot be read
// (the instance document still answers).
func (h *Handler) vapidKey(c *gin.Context) string {
	keys, err := h.svc.Push().Keys(c.Request.Context())
	if err != nil {
		return ""
	}
	return keys.Public
}
