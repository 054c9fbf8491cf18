package mastoapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/notifications"
	"plaza/server/service/social"
)

// NotificationGroup is Mastodon 4.3's NotificationGroup entity.
type NotificationGroup struct {
	GroupKey                 string   `json:"group_key"`
	NotificationsCount       int      `json:"notifications_count"`
	Type                     string   `json:"type"`
	MostRecentNotificationID string   `json:"most_recent_notification_id"`
	PageMinID                string   `json:"page_min_id,omitempty"`
	PageMaxID                string   `json:"page_max_id,omitempty"`
	LatestPageNotificationAt string   `json:"latest_page_notification_at,omitempty"`
	SampleAccountIDs         []string `json:"sample_account_ids"`
	StatusID                 *string  `json:"status_id,omitempty"`
}

// GroupedNotifications is Mastodon 4.3's GroupedNotificationsResults: the
// groups, and each account and status they name once.
type GroupedNotifications struct {
	Accounts           []Account           `json:"accounts"`
	Statuses           []Status            `json:"statuses"`
	NotificationGroups []NotificationGroup `json:"notification_groups"`
}

// NotificationPolicy is Mastodon 4.3's NotificationPolicy entity (v2).
type NotificationPolicy struct {
	ForNotFollowing    string        `json:"for_not_following"`
	ForNotFollowers    string        `json:"for_not_followers"`
	ForNewAccounts     string        `json:"for_new_accounts"`
	ForPrivateMentions string        `json:"for_private_mentions"`
	ForLimitedAccounts string        `json:"for_limited_accounts"`
	Summary            PolicySummary `json:"summary"`
}

// NotificationPolicyV1 is the policy as /api/v1 (Mastodon 4.2–4.3) shows
// it: whether each kind of stranger is filtered.
type NotificationPolicyV1 struct {
	FilterNotFollowing    bool          `json:"filter_not_following"`
	FilterNotFollowers    bool          `json:"filter_not_followers"`
	FilterNewAccounts     bool          `json:"filter_new_accounts"`
	FilterPrivateMentions bool          `json:"filter_private_mentions"`
	Summary               PolicySummary `json:"summary"`
}

// PolicySummary counts what waits in notification requests.
type PolicySummary struct {
	PendingRequestsCount      int64 `json:"pending_requests_count"`
	PendingNotificationsCount int64 `json:"pending_notifications_count"`
}

// mountGroupedNotifications adds /api/v2/notifications (grouped), the
// unread counts, the notification policy (v1 and v2) and thread mutes.
func (h *Handler) mountGroupedNotifications(r *gin.Engine) {
	v2 := r.Group("/api/v2/notifications")
	v2.GET("", h.user("read:notifications"), h.groupedNotifications)
	v2.GET("/unread_count", h.user("read:notifications"), h.unreadCount(true))
	v2.GET("/policy", h.user("read:notifications"), h.notificationPolicy(false))
	v2.PATCH("/policy", h.user("write:notifications"), h.updateNotificationPolicy(false))
	v2.GET("/:group_key", h.user("read:notifications"), h.notificationGroup)
	v2.GET("/:group_key/accounts", h.user("read:notifications"), h.notificationGroupAccounts)
	v2.POST("/:group_key/dismiss", h.user("write:notifications"), h.dismissNotificationGroup)

	v1 := r.Group("/api/v1/notifications")
	v1.GET("/unread_count", h.user("read:notifications"), h.unreadCount(false))
	v1.GET("/policy", h.user("read:notifications"), h.notificationPolicy(true))
	v1.PUT("/policy", h.user("write:notifications"), h.updateNotificationPolicy(true))

	r.POST("/api/v1/statuses/:id/mute", h.user("write:mutes"), h.statusAction(h.svc.Notifications().MuteThread))
	r.POST("/api/v1/statuses/:id/unmute", h.user("write:mutes"), h.statusAction(h.svc.Notifications().UnmuteThread))
}

// notificationFilter reads types[], exclude_types[] and account_id; false
// when account_id names no account (nothing can come from it).
func notificationFilter(c *gin.Context) (social.NotificationFilter, bool) {
	f := social.NotificationFilter{Types: queryArray(c, "types"), ExcludeTypes: queryArray(c, "exclude_types")}
	if s := c.Query("account_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return f, false
		}
		f.FromAccountID = id
	}
	return f, true
}

// groupFilter is notificationFilter with grouped_types[] (absent: the
// default grouped types).
func groupFilter(c *gin.Context) (notifications.Filter, bool) {
	f, ok := notificationFilter(c)
	out := notifications.Filter{NotificationFilter: f}
	if _, sent := c.GetQueryArray("grouped_types[]"); sent {
		out.GroupedTypes = c.QueryArray("grouped_types[]")
	} else if _, sent := c.GetQueryArray("grouped_types"); sent {
		out.GroupedTypes = c.QueryArray("grouped_types")
	}
	return out, ok
}

// Mastodon pages groups 40 at a time, 80 at most.
const (
	defaultGroupLimit = 40
	maxGroupLimit     = 80
)

func (h *Handler) groupedNotifications(c *gin.Context) {
	ctx, acct := c.Request.Context(), currentAccount(c)
	f, ok := groupFilter(c)
	if !ok {
		c.JSON(http.StatusOK, GroupedNotifications{Accounts: []Account{}, Statuses: []Status{}, NotificationGroups: []NotificationGroup{}})
		return
	}
	p := pageFromQuery(c)
	p.Limit = defaultGroupLimit
	if n, err := strconv.Atoi(c.Query("limit")); err == nil && n > 0 {
		p.Limit = min(n, maxGroupLimit)
	}
	page, err := h.svc.Notifications().Groups(ctx, acct, f, p)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderGroups(ctx, acct, page.Groups)
	if err != nil {
		writeError(c, err)
		return
	}
	if page.MaxID != 0 {
		h.setLinkHeader(c, []int64{page.MaxID, page.MinID})
	}
	c.JSON(http.StatusOK, out)
}

func (h *Handler) notificationGroup(c *gin.Context) {
	ctx, acct := c.Request.Context(), currentAccount(c)
	g, err := h.svc.Notifications().Group(ctx, acct, c.Param("group_key"))
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderGroups(ctx, acct, []notifications.Group{g})
	if err == nil && len(out.NotificationGroups) == 0 {
		err = core.ErrNotFound // about a status the viewer no longer sees
	}
	reply(c, out, err)
}

func (h *Handler) notificationGroupAccounts(c *gin.Context) {
	ctx, acct := c.Request.Context(), currentAccount(c)
	accts, ids, err := h.svc.Notifications().GroupAccounts(ctx, acct, c.Param("group_key"), pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderAccounts(ctx, accts)
	if err != nil {
		writeError(c, err)
		return
	}
	h.setLinkHeader(c, ids)
	c.JSON(http.StatusOK, out)
}

func (h *Handler) dismissNotificationGroup(c *gin.Context) {
	if err := h.svc.Notifications().DismissGroup(c.Request.Context(), currentAccount(c), c.Param("group_key")); err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{})
}

// unreadCount answers {"count": n}: notifications (v1) or groups (v2)
// after the notifications marker, at most limit (default 100, cap 1000).
func (h *Handler) unreadCount(grouped bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, ok := groupFilter(c)
		if !ok {
			c.JSON(http.StatusOK, gin.H{"count": 0})
			return
		}
		limit, _ := strconv.Atoi(c.Query("limit"))
		n, err := h.svc.Notifications().UnreadCount(c.Request.Context(), currentAccount(c), f, limit, grouped)
		reply(c, gin.H{"count": n}, err)
	}
}

// renderGroups renders groups with each of their accounts and statuses
// once; a group about a status the viewer cannot see is left out.
func (h *Handler) renderGroups(ctx context.Context, viewer *models.Account, groups []notifications.Group) (GroupedNotifications, error) {
	out := GroupedNotifications{Accounts: []Account{}, Statuses: []Status{}, NotificationGroups: []NotificationGroup{}}
	var statuses []*models.Status
	var accounts []*models.Account
	seenStatus, seenAccount := map[int64]bool{}, map[int64]bool{}
	for _, g := range groups {
		if g.Status != nil && !seenStatus[g.Status.ID] {
			seenStatus[g.Status.ID] = true
			statuses = append(statuses, g.Status)
		}
	}
	rendered, err := h.renderStatuses(ctx, viewer, statuses)
	if err != nil {
		return out, err
	}
	visible := map[string]bool{}
	for _, st := range rendered {
		visible[st.ID] = true
	}
	for _, g := range groups {
		ng := NotificationGroup{GroupKey: g.Key, NotificationsCount: g.Count, Type: string(g.Type),
			MostRecentNotificationID: idString(g.MostRecentID), PageMinID: idString(g.PageMinID), PageMaxID: idString(g.PageMaxID),
			LatestPageNotificationAt: timestamp(g.LatestAt), SampleAccountIDs: make([]string, 0, len(g.SampleAccounts))}
		if g.Type == models.NotifyReply {
			ng.Type = string(models.NotifyMention) // Mastodon clients know replies as mentions
		}
		if g.Status != nil {
			id := idString(g.Status.ID)
			if !visible[id] {
				continue
			}
			ng.StatusID = &id
		}
		for _, a := range g.SampleAccounts {
			ng.SampleAccountIDs = append(ng.SampleAccountIDs, idString(a.ID))
			if !seenAccount[a.ID] {
				seenAccount[a.ID] = true
				accounts = append(accounts, a)
			}
		}
		out.NotificationGroups = append(out.NotificationGroups, ng)
	}
	out.Statuses = append(out.Statuses, rendered...)
	accts, err := h.renderAccounts(ctx, accounts)
	if err != nil {
		return out, err
	}
	out.Accounts = append(out.Accounts, accts...)
	return out, nil
}

func (h *Handler) notificationPolicy(v1 bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, acct := c.Request.Context(), currentAccount(c)
		p, err := h.svc.Notifications().PolicyOf(ctx, acct)
		if err != nil {
			writeError(c, err)
			return
		}
		h.writePolicy(c, p, v1)
	}
}

// updateNotificationPolicy is PATCH /api/v2 (accept|filter|drop per
// field) and PUT /api/v1 (filter_… booleans: true filters, false accepts).
func (h *Handler) updateNotificationPolicy(v1 bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, acct := c.Request.Context(), currentAccount(c)
		in, err := readParams(c)
		if err != nil {
			writeParamsError(c, err)
			return
		}
		var ch notifications.PolicyChange
		fields := []struct {
			v2, v1 string
			dst    *models.NotificationPolicyValue
		}{
			{"for_not_following", "filter_not_following", &ch.ForNotFollowing},
			{"for_not_followers", "filter_not_followers", &ch.ForNotFollowers},
			{"for_new_accounts", "filter_new_accounts", &ch.ForNewAccounts},
			{"for_private_mentions", "filter_private_mentions", &ch.ForPrivateMentions},
			{"for_limited_accounts", "", &ch.ForLimitedAccounts},
		}
		for _, f := range fields {
			switch {
			case !v1 && in.has(f.v2):
				*f.dst = models.NotificationPolicyValue(in.str(f.v2))
			case v1 && f.v1 != "" && in.has(f.v1):
				*f.dst = models.PolicyAccept
				if in.boolean(f.v1) {
					*f.dst = models.PolicyFilter
				}
			}
		}
		p, err := h.svc.Notifications().SetPolicy(ctx, acct, ch)
		if err != nil {
			writeError(c, err)
			return
		}
		h.writePolicy(c, p, v1)
	}
}

func (h *Handler) writePolicy(c *gin.Context, p notifications.Policy, v1 bool) {
	ctx, acct := c.Request.Context(), currentAccount(c)
	requests, held, err := h.svc.Notifications().PendingCounts(ctx, acct)
	if err != nil {
		writeError(c, err)
		return
	}
	chats, err := h.svc.Messaging().PendingRequestsCount(ctx, acct)
	if err != nil {
		writeError(c, err)
		return
	}
	sum := PolicySummary{PendingRequestsCount: requests + chats, PendingNotificationsCount: held}
	if v1 {
		c.JSON(http.StatusOK, NotificationPolicyV1{
			FilterNotFollowing: p.ForNotFollowing != models.PolicyAccept, FilterNotFollowers: p.ForNotFollowers != models.PolicyAccept,
			FilterNewAccounts: p.ForNewAccounts != models.PolicyAccept, FilterPrivateMentions: p.ForPrivateMentions != models.PolicyAccept,
			Summary: sum})
		return
	}
	c.JSON(http.StatusOK, NotificationPolicy{ForNotFollowing: string(p.ForNotFollowing), ForNotFollowers: string(p.ForNotFollowers),
		ForNewAccounts: string(p.ForNewAccounts), ForPrivateMentions: string(p.ForPrivateMentions),
		ForLimitedAccounts: string(p.ForLimitedAccounts), Summary: sum})
}

// isNotFound tells whether a request id was not the notifications area's,
// so the chats' message requests are asked.
func isNotFound(err error) bool { return errors.Is(err, core.ErrNotFound) }
