package mastoapi

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/filters"
	"plaza/server/service/messaging"
	"plaza/server/service/notifications"
	"plaza/server/service/polls"
	"plaza/server/service/social"
)

// This file is the one place that turns service data into Mastodon's JSON
// entities. Every field Mastodon documents as non-nullable is always present
// (empty values where Plaza has none), so strict clients decode them.

// Field is a profile field.
type Field struct {
	Name       string  `json:"name"`
	Value      string  `json:"value"`
	VerifiedAt *string `json:"verified_at"`
}

// Account is Mastodon's Account entity.
type Account struct {
	ID             string        `json:"id"`
	Username       string        `json:"username"`
	Acct           string        `json:"acct"`
	URL            string        `json:"url"`
	URI            string        `json:"uri"`
	DisplayName    string        `json:"display_name"`
	Note           string        `json:"note"`
	Avatar         string        `json:"avatar"`
	AvatarStatic   string        `json:"avatar_static"`
	Header         string        `json:"header"`
	HeaderStatic   string        `json:"header_static"`
	Locked         bool          `json:"locked"`
	Fields         []Field       `json:"fields"`
	Emojis         []CustomEmoji `json:"emojis"`
	Bot            bool          `json:"bot"`
	Group          bool          `json:"group"`
	Discoverable   bool          `json:"discoverable"`
	Noindex        bool          `json:"noindex"`
	CreatedAt      string        `json:"created_at"`
	LastStatusAt   *string       `json:"last_status_at"`
	StatusesCount  int64         `json:"statuses_count"`
	FollowersCount int64         `json:"followers_count"`
	FollowingCount int64         `json:"following_count"`
	// Source is set only for the signed-in user's own account
	// (verify_credentials, update_credentials).
	Source *AccountSource `json:"source,omitempty"`
}

// AccountSource is the editable form of the user's own profile.
type AccountSource struct {
	Privacy             string  `json:"privacy"`
	Sensitive           bool    `json:"sensitive"`
	Language            string  `json:"language"`
	Note                string  `json:"note"`
	Fields              []Field `json:"fields"`
	FollowRequestsCount int     `json:"follow_requests_count"`
}

// Mention is Mastodon's Status::Mention.
type Mention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	URL      string `json:"url"`
	Acct     string `json:"acct"`
}

// Tag is Mastodon's Status::Tag.
type Tag struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Status is Mastodon's Status entity.
type Status struct {
	ID                 string            `json:"id"`
	URI                string            `json:"uri"`
	URL                *string           `json:"url"`
	CreatedAt          string            `json:"created_at"`
	EditedAt           *string           `json:"edited_at"`
	Account            Account           `json:"account"`
	Content            string            `json:"content"`
	Visibility         string            `json:"visibility"`
	Sensitive          bool              `json:"sensitive"`
	SpoilerText        string            `json:"spoiler_text"`
	MediaAttachments   []MediaAttachment `json:"media_attachments"`
	Application        *Application      `json:"application"`
	Mentions           []Mention         `json:"mentions"`
	Tags               []Tag             `json:"tags"`
	Emojis             []CustomEmoji     `json:"emojis"`
	ReblogsCount       int64             `json:"reblogs_count"`
	FavouritesCount    int64             `json:"favourites_count"`
	RepliesCount       int64             `json:"replies_count"`
	InReplyToID        *string           `json:"in_reply_to_id"`
	InReplyToAccountID *string           `json:"in_reply_to_account_id"`
	Reblog             *Status           `json:"reblog"`
	Poll               any               `json:"poll"`
	Card               any               `json:"card"`
	Language           *string           `json:"language"`
	Text               *string           `json:"text"`
	Favourited         bool              `json:"favourited"`
	Reblogged          bool              `json:"reblogged"`
	Muted              bool              `json:"muted"`
	Bookmarked         bool              `json:"bookmarked"`
	Pinned             bool              `json:"pinned"`
	Filtered           []any             `json:"filtered"`
	Quote              *Quote            `json:"quote"`          // quotes.go
	QuoteApproval      *QuoteApproval    `json:"quote_approval"` // quotes.go
}

// Application is the app a status was posted with (Plaza does not record
// it yet, so statuses carry null).
type Application struct {
	Name    string  `json:"name"`
	Website *string `json:"website"`
}

// Notification is Mastodon's Notification entity.
type Notification struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	// GroupKey is the notification's group under the default grouping, as
	// Mastodon 4.3 sends it in v1 too (never null; Ice Cubes decodes it).
	GroupKey  string  `json:"group_key"`
	CreatedAt string  `json:"created_at"`
	Account   Account `json:"account"`
	Status    *Status `json:"status,omitempty"`
}

// Conversation is Mastodon's Conversation entity.
type Conversation struct {
	ID         string    `json:"id"`
	Unread     bool      `json:"unread"`
	Accounts   []Account `json:"accounts"`
	LastStatus *Status   `json:"last_status"`
}

// Relationship is Mastodon's Relationship entity.
type Relationship struct {
	ID                  string   `json:"id"`
	Following           bool     `json:"following"`
	ShowingReblogs      bool     `json:"showing_reblogs"`
	Notifying           bool     `json:"notifying"`
	Languages           []string `json:"languages"`
	FollowedBy          bool     `json:"followed_by"`
	Blocking            bool     `json:"blocking"`
	BlockedBy           bool     `json:"blocked_by"`
	Muting              bool     `json:"muting"`
	MutingNotifications bool     `json:"muting_notifications"`
	Requested           bool     `json:"requested"`
	RequestedBy         bool     `json:"requested_by"`
	DomainBlocking      bool     `json:"domain_blocking"`
	Endorsed            bool     `json:"endorsed"`
	Note                string   `json:"note"`
}

// idString is how ids travel in the client API: decimal strings.
func idString(id int64) string { return strconv.FormatInt(id, 10) }

func optionalID(id *int64) *string {
	if id == nil {
		return nil
	}
	s := idString(*id)
	return &s
}

// timestamp is Mastodon's ISO 8601 form with milliseconds, in UTC.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// acct is "user" for local accounts and "user@domain" for remote ones.
func acct(a *models.Account) string {
	if a.IsLocal() {
		return a.Username
	}
	return a.Username + "@" + a.Domain
}

// renderAccounts converts accounts with their counters (one batch query).
func (h *Handler) renderAccounts(ctx context.Context, accounts []*models.Account) ([]Account, error) {
	stats, err := h.svc.Core().AccountStats(ctx, accounts)
	if err != nil {
		return nil, err
	}
	emojis, err := h.svc.Core().AccountEmojis(ctx, accounts)
	if err != nil {
		return nil, err
	}
	out := make([]Account, 0, len(accounts))
	for _, a := range accounts {
		acc := h.account(a, stats[a.ID])
		acc.Emojis = h.emojis(emojis[a.ID])
		out = append(out, acc)
	}
	return out, nil
}

// renderAccount converts one account.
func (h *Handler) renderAccount(ctx context.Context, a *models.Account) (Account, error) {
	list, err := h.renderAccounts(ctx, []*models.Account{a})
	if err != nil {
		return Account{}, err
	}
	return list[0], nil
}

// renderCredentialAccount is the signed-in user's own account, with source.
func (h *Handler) renderCredentialAccount(ctx context.Context, a *models.Account) (Account, error) {
	out, err := h.renderAccount(ctx, a)
	if err != nil {
		return Account{}, err
	}
	reqs, err := h.svc.Social().FollowRequests(ctx, a)
	if err != nil {
		return Account{}, err
	}
	prefs, err := h.svc.Accounts().Preferences(ctx, a)
	if err != nil {
		return Account{}, err
	}
	out.Source = &AccountSource{Privacy: string(prefs.Privacy), Sensitive: prefs.Sensitive, Language: prefs.Language,
		Note: htmlToText(a.Note), Fields: out.Fields, FollowRequestsCount: len(reqs)}
	return out, nil
}

func (h *Handler) account(a *models.Account, st core.AccountStats) Account {
	base := h.svc.Core().URLs().Base()
	avatar, header := h.svc.RemoteMedia().AccountImages(a)
	if avatar == "" {
		avatar = base + "/static/avatar.png"
	}
	if header == "" {
		header = base + "/static/header.png"
	}
	url := a.URL
	if url == "" {
		url = a.URI
	}
	out := Account{
		ID: idString(a.ID), Username: a.Username, Acct: acct(a), URL: url, URI: a.URI,
		DisplayName: a.DisplayName, Note: a.Note,
		Avatar: avatar, AvatarStatic: avatar, Header: header, HeaderStatic: header,
		Locked: a.Locked, Fields: fields(a), Emojis: []CustomEmoji{},
		Bot: a.ActorType == models.ActorService || a.ActorType == models.ActorApplication, Group: a.ActorType == models.ActorGroup,
		Discoverable: a.Discoverable, Noindex: !a.Discoverable,
		// Mastodon gives the creation day at midnight.
		CreatedAt:      timestamp(a.CreatedAt.UTC().Truncate(24 * time.Hour)),
		StatusesCount:  st.Statuses,
		FollowersCount: st.Followers,
		FollowingCount: st.Following,
	}
	if st.LastStatusAt != nil {
		day := st.LastStatusAt.UTC().Format("2006-01-02")
		out.LastStatusAt = &day
	}
	return out
}

func fields(a *models.Account) []Field {
	var list []models.AccountField
	_ = json.Unmarshal([]byte(a.FieldsJSON), &list)
	out := make([]Field, 0, len(list))
	for _, f := range list {
		out = append(out, Field{Name: f.Name, Value: f.Value})
	}
	return out
}

// renderStatuses converts a page of statuses as viewer sees them, with a
// fixed number of queries for the whole page.
func (h *Handler) renderStatuses(ctx context.Context, viewer *models.Account, statuses []*models.Status) ([]Status, error) {
	views, err := h.svc.Core().StatusViews(ctx, viewer, statuses)
	if err != nil {
		return nil, err
	}
	pollViews, err := h.pollsOf(ctx, viewer, views)
	if err != nil {
		return nil, err
	}
	pinned, err := h.svc.Pins().PinnedAmong(ctx, viewer, statuses)
	if err != nil {
		return nil, err
	}
	muted, err := h.svc.Notifications().MutedAmong(ctx, viewer, statuses)
	if err != nil {
		return nil, err
	}
	var accounts []*models.Account
	seen := map[int64]bool{}
	for _, v := range views {
		for _, sv := range []*core.StatusView{v, v.Reblog} {
			if sv != nil && !seen[sv.Status.AccountID] {
				seen[sv.Status.AccountID] = true
				accounts = append(accounts, sv.Status.Account)
			}
		}
	}
	stats, err := h.svc.Core().AccountStats(ctx, accounts)
	if err != nil {
		return nil, err
	}
	accountEmojis, err := h.svc.Core().AccountEmojis(ctx, accounts)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(views))
	for _, v := range views {
		st := h.status(v, stats)
		st.Account.Emojis = h.emojis(accountEmojis[v.Status.AccountID])
		if pv := pollViews[v.Status.ID]; pv != nil {
			st.Poll = renderPoll(pv)
		}
		st.Pinned, st.Muted = pinned[v.Status.ID], muted[v.Status.ID]
		if v.Reblog != nil {
			orig := h.status(v.Reblog, stats)
			orig.Account.Emojis = h.emojis(accountEmojis[v.Reblog.Status.AccountID])
			if pv := pollViews[v.Reblog.Status.ID]; pv != nil {
				orig.Poll = renderPoll(pv)
			}
			st.Reblog = &orig
			// A boost shows the original's interactions.
			st.Favourited, st.Reblogged, st.Bookmarked = orig.Favourited, orig.Reblogged, orig.Bookmarked
		}
		out = append(out, st)
	}
	if err := h.addQuotes(ctx, viewer, views, out); err != nil { // quotes.go
		return nil, err
	}
	return out, nil
}

// pollsOf loads the polls of a page of status views (and what they boost).
func (h *Handler) pollsOf(ctx context.Context, viewer *models.Account, views []*core.StatusView) (map[int64]*polls.View, error) {
	ids := make([]int64, 0, len(views))
	for _, v := range views {
		ids = append(ids, v.Status.ID)
		if v.Reblog != nil {
			ids = append(ids, v.Reblog.Status.ID)
		}
	}
	return h.svc.Polls().ViewsOf(ctx, viewer, ids)
}

// renderStatus converts one status.
func (h *Handler) renderStatus(ctx context.Context, viewer *models.Account, st *models.Status) (Status, error) {
	list, err := h.renderStatuses(ctx, viewer, []*models.Status{st})
	if err != nil {
		return Status{}, err
	}
	if len(list) == 0 {
		return Status{}, core.ErrNotFound
	}
	return list[0], nil
}

func (h *Handler) status(v *core.StatusView, stats map[int64]core.AccountStats) Status {
	s := v.Status
	out := Status{
		ID: idString(s.ID), URI: s.URI, CreatedAt: timestamp(s.CreatedAt),
		Account: h.account(s.Account, stats[s.AccountID]), Content: s.Content,
		Visibility: string(s.Visibility), Sensitive: s.Sensitive, SpoilerText: s.SpoilerText,
		MediaAttachments: make([]MediaAttachment, 0, len(v.Media)),
		Mentions:         make([]Mention, 0, len(v.Mentions)),
		Tags:             make([]Tag, 0, len(v.Tags)),
		Emojis:           h.emojis(v.Emojis), Filtered: []any{},
		ReblogsCount: s.ReblogsCount, FavouritesCount: s.FavouritesCount, RepliesCount: s.RepliesCount,
		InReplyToID: optionalID(s.InReplyToID), InReplyToAccountID: optionalID(s.InReplyToAccountID),
		Favourited: v.Favourited, Reblogged: v.Reblogged, Bookmarked: v.Bookmarked,
	}
	if s.URL != "" {
		u := s.URL
		out.URL = &u
	} else if s.ReblogOfID == nil {
		u := s.URI
		out.URL = &u
	}
	if s.EditedAt != nil {
		e := timestamp(*s.EditedAt)
		out.EditedAt = &e
	}
	if s.Language != "" {
		l := s.Language
		out.Language = &l
	}
	media := h.svc.RemoteMedia().Attachments(v.Media) // remote files through the cache
	for i := range media {
		out.MediaAttachments = append(out.MediaAttachments, renderMedia(&media[i]))
	}
	for _, m := range v.Mentions {
		url := m.URL
		if url == "" {
			url = m.URI
		}
		out.Mentions = append(out.Mentions, Mention{ID: idString(m.ID), Username: m.Username, URL: url, Acct: acct(m)})
	}
	for _, t := range v.Tags {
		out.Tags = append(out.Tags, Tag{Name: t.Name, URL: h.svc.Core().URLs().Tag(t.Name)})
	}
	return out
}

// renderNotifications converts notifications with their accounts and
// statuses.
func (h *Handler) renderNotifications(ctx context.Context, viewer *models.Account, list []social.NotificationView) ([]Notification, error) {
	var statuses []*models.Status
	var accounts []*models.Account
	for _, n := range list {
		if n.Status != nil {
			statuses = append(statuses, n.Status)
		}
		accounts = append(accounts, n.From)
	}
	rendered, err := h.renderStatusesIn(ctx, viewer, statuses, filters.ContextNotifications)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Status, len(rendered))
	for i := range rendered {
		byID[rendered[i].ID] = &rendered[i]
	}
	froms, err := h.renderAccounts(ctx, accounts)
	if err != nil {
		return nil, err
	}
	out := make([]Notification, 0, len(list))
	for i, n := range list {
		typ := string(n.Notification.Type)
		if n.Notification.Type == models.NotifyReply {
			typ = string(models.NotifyMention) // Mastodon clients know replies as mentions
		}
		item := Notification{ID: idString(n.Notification.ID), Type: typ,
			GroupKey: notifications.GroupKey(n.Notification, notifications.DefaultGroupedTypes), CreatedAt: timestamp(n.Notification.CreatedAt), Account: froms[i]}
		if n.Status != nil {
			st, ok := byID[idString(n.Status.ID)]
			if !ok {
				continue // a status the viewer may no longer see
			}
			item.Status = st
		}
		out = append(out, item)
	}
	return out, nil
}

// renderNotification converts one notification.
func (h *Handler) renderNotification(ctx context.Context, viewer *models.Account, n social.NotificationView) (Notification, error) {
	list, err := h.renderNotifications(ctx, viewer, []social.NotificationView{n})
	if err != nil {
		return Notification{}, err
	}
	if len(list) == 0 {
		return Notification{}, core.ErrNotFound
	}
	return list[0], nil
}

// renderConversations converts direct-message conversations.
func (h *Handler) renderConversations(ctx context.Context, viewer *models.Account, list []messaging.ConversationView) ([]Conversation, error) {
	out := make([]Conversation, 0, len(list))
	for _, cv := range list {
		c, err := h.renderConversation(ctx, viewer, cv)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// renderConversation converts one conversation.
func (h *Handler) renderConversation(ctx context.Context, viewer *models.Account, cv messaging.ConversationView) (Conversation, error) {
	accounts, err := h.renderAccounts(ctx, cv.Accounts)
	if err != nil {
		return Conversation{}, err
	}
	out := Conversation{ID: idString(cv.AccountConversation.ConversationID), Unread: cv.AccountConversation.Unread, Accounts: accounts}
	if cv.LastStatus != nil {
		st, err := h.renderStatus(ctx, viewer, cv.LastStatus)
		if err == nil {
			out.LastStatus = &st
		}
	}
	return out, nil
}

// renderRelationship converts how viewer stands to target.
func renderRelationship(target *models.Account, r social.Relationship) Relationship {
	return Relationship{
		ID: idString(target.ID), Following: r.Following, ShowingReblogs: r.Following, Languages: nil,
		FollowedBy: r.FollowedBy, Blocking: r.Blocking, BlockedBy: r.BlockedBy, Requested: r.Requested,
	}
}

// htmlToText gives the plain text of simple stored HTML (a profile note),
// for the source fields clients edit.
func htmlToText(s string) string {
	r := strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "</p><p>", "\n\n")
	s = r.Replace(s)
	var b strings.Builder
	in := false
	for _, c := range s {
		switch {
		case c == '<':
			in = true
		case c == '>':
			in = false
		case !in:
			b.WriteRune(c)
		}
	}
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'").Replace(b.String())
}
