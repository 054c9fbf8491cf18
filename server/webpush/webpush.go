// Package webpush sends Web Push messages: the payload encrypted for the
// subscriber (RFC 8291, aes128gcm) and the request signed with the
// instance's VAPID key (RFC 8292), through an HTTP client the caller
// guards against internal addresses. It implements push.Sender.
package webpush

import (
	"context"
	"fmt"
	"io"
	"net/http"

	wp "github.com/SherClockHolmes/webpush-go"

	"plaza/server/service/push"
)

// ttlSeconds is how long a push service keeps an undelivered message:
// two days, as Mastodon asks.
const ttlSeconds = 48 * 60 * 60

// Sender posts pushes with client; Subscriber is the contact the VAPID
// token names (the instance's https URL or a mailto address).
type Sender struct {
	Client     *http.Client
	Subscriber string
}

// Send encrypts and posts one message.
func (s Sender) Send(ctx context.Context, keys push.VAPID, m push.Message) (bool, error) {
	sub := &wp.Subscription{Endpoint: m.Subscription.Endpoint, Keys: wp.Keys{Auth: m.Subscription.Auth, P256dh: m.Subscription.P256dh}}
	res, err := wp.SendNotificationWithContext(ctx, m.Payload, sub, &wp.Options{
		HTTPClient: s.Client, Subscriber: s.Subscriber, TTL: ttlSeconds, Urgency: wp.Urgency(m.Urgency),
		VAPIDPublicKey: keys.Public, VAPIDPrivateKey: keys.Private,
	})
	if err != nil {
		return false, fmt.Errorf("web push to %s: %w", hostOf(m.Subscription.Endpoint), err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4<<10))
	switch {
	case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone:
		return true, nil
	case res.StatusCode >= 300:
		return false, fmt.Errorf("web push to %s: HTTP %d", hostOf(m.Subscription.Endpoint), res.StatusCode)
	}
	return false, nil
}

// hostOf names a push service without the endpoint's secret path.
func hostOf(endpoint string) string {
	if req, err := http.NewRequest(http.MethodPost, endpoint, nil); err == nil {
		return req.URL.Host
	}
	return "?"
}
