// Package push sends notifications to people's phones and browsers over
// Web Push (RFC 8030, encrypted per RFC 8291, signed with VAPID per RFC
// 8292), through Mastodon's push API: each access token may hold one
// subscription saying where its push service listens and which
// notifications it wants. Encryption and the HTTP request are the Sender
// port's; this area decides who is told what.
package push

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Alerts are the notification types a subscription may ask for, as
// Mastodon names them; "payment" is Plaza's own.
var Alerts = []string{"mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update", "payment", "admin.sign_up", "admin.report"}

// Policies say whose notifications are pushed.
var Policies = []string{"all", "followed", "follower", "none"}

// Limits on what a client may store.
const (
	maxEndpointLen = 2048
	maxBodyRunes   = 140
	claimsKept     = 24 * time.Hour
)

// VAPID is the instance's signing key pair, base64url without padding: the
// private scalar and the uncompressed public point clients verify with.
type VAPID struct {
	Public  string `json:"public"`
	Private string `json:"private"`
}

// Message is one push: the payload Mastodon's clients decode, and the
// subscription it goes to.
type Message struct {
	Subscription *models.WebPushSubscription
	Payload      []byte
	Urgency      string // very-low, low, normal or high
}

// Sender delivers an encrypted push. Gone is true when the push service
// says the subscription no longer exists (404, 410).
type Sender interface {
	Send(ctx context.Context, keys VAPID, m Message) (gone bool, err error)
}

// Service runs subscriptions and sends pushes.
type Service struct {
	core   *core.Base
	store  *store.Store
	sender Sender
	log    *slog.Logger
}

// New builds the area. Until SetSender is called nothing is pushed.
func New(c *core.Base) *Service {
	log := c.Log()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{core: c, store: c.Store(), log: log}
}

// SetSender sets how pushes are sent; the server wires it at start.
func (s *Service) SetSender(sender Sender) { s.sender = sender }

// SubscribeInput is a subscription as a client sends it.
type SubscribeInput struct {
	Endpoint, P256dh, Auth string
	Alerts                 map[string]bool
	Policy                 string
}

// Keys returns the instance's VAPID keys, made and stored on first use.
func (s *Service) Keys(ctx context.Context) (VAPID, error) {
	fresh, err := newVAPID()
	if err != nil {
		return VAPID{}, err
	}
	raw, _ := json.Marshal(fresh)
	stored, err := s.store.SettingOrCreate(ctx, "web_push_vapid", string(raw), s.core.Clock().Now())
	if err != nil {
		return VAPID{}, fmt.Errorf("web push keys: %w", err)
	}
	var k VAPID
	if err := json.Unmarshal([]byte(stored), &k); err != nil {
		return VAPID{}, fmt.Errorf("web push keys: %w", err)
	}
	return k, nil
}

func newVAPID() (VAPID, error) {
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return VAPID{}, fmt.Errorf("web push keys: %w", err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return VAPID{Public: enc(key.PublicKey().Bytes()), Private: enc(key.Bytes())}, nil
}

// Subscribe makes in the token's subscription, replacing any other.
func (s *Service) Subscribe(ctx context.Context, tok *models.Token, in SubscribeInput) (*models.WebPushSubscription, error) {
	if tok.AccountID == nil {
		return nil, fmt.Errorf("%w: web push needs a user's token", core.ErrForbidden)
	}
	u, err := url.Parse(in.Endpoint)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || len(in.Endpoint) > maxEndpointLen {
		return nil, fmt.Errorf("%w: subscription[endpoint] must be an http(s) URL", core.ErrValidation)
	}
	if key, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(in.P256dh, "=")); err != nil || len(key) != 65 {
		return nil, fmt.Errorf("%w: subscription[keys][p256dh] must be a base64url P-256 public key", core.ErrValidation)
	}
	if auth, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(in.Auth, "=")); err != nil || len(auth) != 16 {
		return nil, fmt.Errorf("%w: subscription[keys][auth] must be 16 bytes, base64url", core.ErrValidation)
	}
	alerts, policy, err := checkAlerts(in.Alerts, in.Policy)
	if err != nil {
		return nil, err
	}
	sub := &models.WebPushSubscription{CreatedAt: s.core.Clock().Now(), TokenID: tok.ID, AccountID: *tok.AccountID,
		Endpoint: in.Endpoint, P256dh: strings.TrimRight(in.P256dh, "="), Auth: strings.TrimRight(in.Auth, "="), Alerts: alerts, Policy: policy}
	if err := s.store.SaveWebPushSubscription(ctx, sub); err != nil {
		return nil, fmt.Errorf("web push subscribe: %w", err)
	}
	return sub, nil
}

// checkAlerts turns the wanted alerts into the stored list; unknown alert
// names are ignored as Mastodon does, an unknown policy is refused.
func checkAlerts(in map[string]bool, policy string) (string, string, error) {
	if policy == "" {
		policy = "all"
	}
	known := false
	for _, p := range Policies {
		known = known || p == policy
	}
	if !known {
		return "", "", fmt.Errorf("%w: data[policy] must be one of %s", core.ErrValidation, strings.Join(Policies, ", "))
	}
	var on []string
	for _, a := range Alerts {
		if in[a] {
			on = append(on, a)
		}
	}
	return strings.Join(on, " "), policy, nil
}

// Subscription returns the token's subscription; core.ErrNotFound if none.
func (s *Service) Subscription(ctx context.Context, tok *models.Token) (*models.WebPushSubscription, error) {
	sub, err := s.store.WebPushSubscriptionOfToken(ctx, tok.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: no push subscription for this token", core.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("web push subscription: %w", err)
	}
	return sub, nil
}

// UpdateAlerts changes which notifications the token's subscription wants.
func (s *Service) UpdateAlerts(ctx context.Context, tok *models.Token, wanted map[string]bool, policy string) (*models.WebPushSubscription, error) {
	alerts, policy, err := checkAlerts(wanted, policy)
	if err != nil {
		return nil, err
	}
	if err := s.store.UpdateWebPushAlerts(ctx, tok.ID, alerts, policy); errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: no push subscription for this token", core.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("web push update: %w", err)
	}
	return s.Subscription(ctx, tok)
}

// Unsubscribe removes the token's subscription; having none is no error.
func (s *Service) Unsubscribe(ctx context.Context, tok *models.Token) error {
	if err := s.store.DeleteWebPushSubscriptionOfToken(ctx, tok.ID); err != nil {
		return fmt.Errorf("web push unsubscribe: %w", err)
	}
	return nil
}

// Wants reports whether a subscription's alerts include typ.
func Wants(sub *models.WebPushSubscription, typ string) bool {
	for _, a := range strings.Fields(sub.Alerts) {
		if a == typ {
			return true
		}
	}
	return false
}

// Run pushes every new notification to its owner's subscriptions until ctx
// ends. Notifications are heard as events; a process that falls far behind
// misses some, as streaming clients do.
func (s *Service) Run(ctx context.Context) error {
	if s.sender == nil {
		<-ctx.Done()
		return ctx.Err()
	}
	events, err := s.core.Subscribe(ctx)
	if err != nil {
		return err
	}
	for ev := range events {
		if ev.Kind != core.EventNotification {
			continue
		}
		if err := s.Notify(ctx, ev.ID); err != nil && ctx.Err() == nil {
			s.log.Warn("web push failed", slog.Int64("notification_id", ev.ID), slog.Any("error", err))
		}
	}
	return ctx.Err()
}

// Notify pushes one notification, once across every process sharing the
// database, to each of its owner's subscriptions that wants it.
func (s *Service) Notify(ctx context.Context, notificationID int64) error {
	n, err := s.store.NotificationByID(ctx, notificationID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // dismissed or undone already
	}
	if err != nil {
		return err
	}
	subs, err := s.store.WebPushSubscriptionsOf(ctx, n.AccountID)
	if err != nil || len(subs) == 0 {
		return err
	}
	first, err := s.store.ClaimWebPush(ctx, n.ID, s.core.Clock().Now())
	if err != nil || !first {
		return err
	}
	from, err := s.store.AccountByID(ctx, n.FromAccountID)
	if err != nil {
		return err
	}
	keys, err := s.Keys(ctx)
	if err != nil {
		return err
	}
	payload, err := s.payload(ctx, n, from)
	if err != nil {
		return err
	}
	for i := range subs {
		sub := &subs[i]
		if !Wants(sub, alertOf(n.Type)) || !s.policyAllows(ctx, sub, n) {
			continue
		}
		gone, err := s.sender.Send(ctx, keys, Message{Subscription: sub, Payload: payload, Urgency: urgencyOf(n.Type)})
		if gone {
			s.log.Info("web push subscription gone; removed", slog.Int64("subscription_id", sub.ID))
			if derr := s.store.DeleteWebPushSubscription(ctx, sub.ID); derr != nil {
				return derr
			}
			continue
		}
		if err != nil {
			s.log.Warn("web push not delivered", slog.Int64("subscription_id", sub.ID), slog.Any("error", err))
		}
	}
	return nil
}

// PruneClaims drops the once-only records of pushes older than a day.
func (s *Service) PruneClaims(ctx context.Context) error {
	return s.store.PruneWebPushClaims(ctx, s.core.Clock().Now().Add(-claimsKept))
}

// alertOf maps a stored notification type onto the alert that wants it.
func alertOf(t models.NotificationType) string {
	if t == models.NotifyReply {
		return "mention"
	}
	return string(t)
}

func urgencyOf(t models.NotificationType) string {
	switch t {
	case models.NotifyMention, models.NotifyReply, models.NotifyPayment:
		return "high"
	case models.NotifyFavourite, models.NotifyReblog, models.NotifyUpdate:
		return "low"
	}
	return "normal"
}

// policyAllows applies a subscription's policy to who caused n.
func (s *Service) policyAllows(ctx context.Context, sub *models.WebPushSubscription, n *models.Notification) bool {
	switch sub.Policy {
	case "none":
		return false
	case "followed":
		_, err := s.store.FollowBetween(ctx, n.AccountID, n.FromAccountID)
		return err == nil
	case "follower":
		_, err := s.store.FollowBetween(ctx, n.FromAccountID, n.AccountID)
		return err == nil
	}
	return true
}

// payload is what Mastodon's clients expect in a push: the notification's
// id and type, a title sentence, a short body and the sender's avatar.
// Mastodon also sends the access token; Plaza keeps only token hashes, so
// clients tell accounts apart by their subscription's endpoint.
func (s *Service) payload(ctx context.Context, n *models.Notification, from *models.Account) ([]byte, error) {
	name := from.DisplayName
	if name == "" {
		name = from.Username
	}
	body := ""
	if n.StatusID != nil {
		if st, err := s.store.StatusWithAccount(ctx, *n.StatusID); err == nil {
			body = core.StripHTML(st.Content)
		}
	}
	if utf8.RuneCountInString(body) > maxBodyRunes {
		body = string([]rune(body)[:maxBodyRunes-1]) + "…"
	}
	return json.Marshal(map[string]any{
		"notification_id":   core.IDString(n.ID),
		"notification_type": alertOf(n.Type),
		"preferred_locale":  "en",
		"title":             title(name, n.Type),
		"body":              body,
		"icon":              from.AvatarURL,
	})
}

// titles are the notifications' sentences after the sender's name, as a
// lock screen shows them.
var titles = map[models.NotificationType]string{
	models.NotifyMention:       " mentioned you",
	models.NotifyReply:         " mentioned you",
	models.NotifyFollow:        " followed you",
	models.NotifyFollowRequest: " asked to follow you",
	models.NotifyFavourite:     " favourited your post",
	models.NotifyReblog:        " boosted your post",
	models.NotifyStatus:        " just posted",
	models.NotifyUpdate:        " edited a post",
	models.NotifyPayment:       " sent you a payment",
}

func title(name string, t models.NotificationType) string {
	if rest, ok := titles[t]; ok {
		return name + rest
	}
	return "New notification from " + name
}
