// Package notifications owns how notifications reach a user beyond their
// writing (which stays in core.Notify and social): Mastodon 4.3's grouped
// notifications and unread counts, the notification policy that holds
// strangers' notifications as requests until accepted, and thread mutes.
// It reaches core.Notify through the gate the root installs.
package notifications

import (
	"context"
	"fmt"
	"slices"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// Service is the notifications area.
type Service struct {
	core   *core.Base
	social *social.Service // reads notification pages as the v1 list does
	store  *store.Store
	clock  core.Clock
}

// New builds the notifications area on the shared core and social.
func New(c *core.Base, soc *social.Service) *Service {
	return &Service{core: c, social: soc, store: c.Store(), clock: c.Clock()}
}

// filterable are the types a policy may hold back; Mastodon never filters
// the others (polls ending, edits, moderation, payments).
var filterable = []models.NotificationType{models.NotifyMention, models.NotifyReply, models.NotifyFollow,
	models.NotifyFollowRequest, models.NotifyFavourite, models.NotifyReblog, models.NotifyStatus}

// newAccountAge is how young a sender is "new" (Mastodon: 30 days).
const newAccountAge = 30 * 24 * time.Hour

// Gate is core.Notify's gate: a notification about a thread the recipient
// muted is dropped; otherwise the recipient's policy accepts it, drops it
// or holds it under the sender's notification request.
func (s *Service) Gate(ctx context.Context, tx *store.Store, to *models.Account, n *models.Notification) (bool, error) {
	if n.StatusID != nil {
		muted, err := tx.StatusThreadMuted(ctx, to.ID, *n.StatusID)
		if err != nil || muted {
			return false, err
		}
	}
	if !slices.Contains(filterable, n.Type) {
		return true, nil
	}
	p, err := policyIn(ctx, tx, to.ID)
	if err != nil {
		return false, err
	}
	if !p.filtersAnything() {
		return true, nil
	}
	if ok, err := tx.NotificationPermitted(ctx, to.ID, n.FromAccountID); err != nil || ok {
		return ok, err
	}
	v, err := s.verdict(ctx, tx, to, n, p)
	switch {
	case err != nil:
		return false, err
	case v == models.PolicyAccept:
		return true, nil
	case v == models.PolicyDrop:
		return false, nil
	}
	h := &models.HeldNotification{ID: n.ID, CreatedAt: n.CreatedAt, AccountID: n.AccountID, FromAccountID: n.FromAccountID, Type: n.Type, StatusID: n.StatusID}
	if err := tx.HoldNotification(ctx, h); err != nil {
		return false, fmt.Errorf("hold notification: %w", err)
	}
	return false, nil
}

// verdict is the strictest value among the rules that cover n's sender.
func (s *Service) verdict(ctx context.Context, tx *store.Store, to *models.Account, n *models.Notification, p Policy) (models.NotificationPolicyValue, error) {
	from, err := tx.AccountByID(ctx, n.FromAccountID)
	if err != nil {
		return "", fmt.Errorf("notification sender: %w", err)
	}
	following, err := tx.IsFollowing(ctx, to.ID, from.ID)
	if err != nil {
		return "", err
	}
	follower, err := tx.IsFollowing(ctx, from.ID, to.ID)
	if err != nil {
		return "", err
	}
	out := models.PolicyAccept
	apply := func(covered bool, v models.NotificationPolicyValue) {
		if covered && severity(v) > severity(out) {
			out = v
		}
	}
	apply(!following, p.ForNotFollowing)
	apply(!follower, p.ForNotFollowers)
	apply(from.CreatedAt.After(s.clock.Now().Add(-newAccountAge)), p.ForNewAccounts)
	apply(from.SilencedAt != nil, p.ForLimitedAccounts)
	if (n.Type == models.NotifyMention || n.Type == models.NotifyReply) && n.StatusID != nil && !following {
		st, err := tx.StatusByID(ctx, *n.StatusID)
		if err != nil {
			return "", fmt.Errorf("mentioning status: %w", err)
		}
		// A private mention answering the recipient is a conversation
		// they started, not a stranger's.
		private := st.Visibility == models.VisibilityDirect && (st.InReplyToAccountID == nil || *st.InReplyToAccountID != to.ID)
		apply(private, p.ForPrivateMentions)
	}
	return out, nil
}

func severity(v models.NotificationPolicyValue) int {
	switch v {
	case models.PolicyDrop:
		return 2
	case models.PolicyFilter:
		return 1
	}
	return 0
}
