package web

import (
	"context"
	"encoding/json"
	"html"
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/payviews"
)

// statusItem is one post as a page shows it.
type statusItem struct {
	ID                                int64
	Path                              string // this site's page of the post
	Author                            accountItem
	BoostedBy                         *accountItem
	Content                           template.HTML // stored sanitised (local: rendered by the service)
	Spoiler                           string
	Visibility                        models.Visibility
	Created                           time.Time
	Media                             []models.MediaAttachment
	Replies                           int64
	Boosts                            int64
	Favourites                        int64
	Favourited, Reblogged, Bookmarked bool
	Mine                              bool
	Reply                             bool
	// Focus marks the post a thread page is about.
	Focus bool
	// Long posts are folded to Excerpt with a "Show more" (except the post
	// a thread is about).
	Long    bool
	Excerpt string
	// BuyPath is this site's buy page of the remote listing the post
	// carries ("" none).
	BuyPath string
	// Quote is the post this one quotes, as a small card (nil: none).
	Quote *quoteCard
}

// A post is long past this many characters or lines.
const (
	longPostChars = 500
	longPostLines = 10
	excerptChars  = 280
)

// longPost tells whether a post's text is long enough to fold, and the
// excerpt shown folded.
func longPost(content string) (bool, string) {
	lines := strings.Count(content, "<p>") + strings.Count(content, "<br")
	text := strings.Join(strings.Fields(html.UnescapeString(stripTags(strings.NewReplacer("<br", " <br", "<p>", " <p>").Replace(content)))), " ")
	if utf8.RuneCountInString(text) <= longPostChars && lines <= longPostLines {
		return false, ""
	}
	r := []rune(text)
	if len(r) > excerptChars {
		r = r[:excerptChars]
	}
	return true, string(r)
}

// accountItem is an account as pages show it.
type accountItem struct {
	ID   int64
	Name string
	// NameHTML is Name with its custom emoji as images, where it has any
	// (set for post authors and profiles; templates fall back to Name).
	NameHTML template.HTML
	Handle   string // user@host
	Path     string // this site's page of the account
	Avatar   string
	Local    bool
	Locked   bool
	URI      string
}

// handleOf is the account's full handle on this instance's terms.
func (h *Handler) handleOf(a *models.Account) string {
	if a.IsLocal() {
		return a.Username + "@" + h.svc.Config().Host
	}
	return a.Username + "@" + a.Domain
}

func (h *Handler) accountItem(a *models.Account) accountItem {
	if a == nil {
		return accountItem{Name: "unknown"}
	}
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	path := "/@" + a.Username
	if !a.IsLocal() {
		path = "/@" + a.Username + "@" + a.Domain
	}
	avatar, _ := h.svc.RemoteMedia().AccountImages(a) // remote images through the cache
	if avatar == "" {
		avatar = "/static/avatar.png"
	}
	return accountItem{ID: a.ID, Name: name, Handle: h.handleOf(a), Path: path, Avatar: avatar, Local: a.IsLocal(), Locked: a.Locked, URI: a.URI}
}

func (h *Handler) statusItem(v *core.StatusView, me *models.Account) statusItem {
	var boostedBy *accountItem
	if v.Reblog != nil {
		b := h.accountItem(v.Status.Account)
		boostedBy = &b
		v = v.Reblog
	}
	st := v.Status
	author := h.accountItem(st.Account)
	long, excerpt := longPost(st.Content)
	return statusItem{Long: long, Excerpt: excerpt,
		ID: st.ID, Path: author.Path + "/" + strconv.FormatInt(st.ID, 10), Author: author, BoostedBy: boostedBy,
		Content: emojify(st.Content, v.Emojis, h.svc.RemoteMedia().EmojiURL), Spoiler: st.SpoilerText, Visibility: st.Visibility, Created: st.CreatedAt,
		Media: h.svc.RemoteMedia().Attachments(v.Media), Replies: st.RepliesCount, Boosts: st.ReblogsCount, Favourites: st.FavouritesCount,
		Favourited: v.Favourited, Reblogged: v.Reblogged, Bookmarked: v.Bookmarked,
		Mine: me != nil && st.AccountID == me.ID, Reply: st.InReplyToID != nil || st.InReplyToURI != "",
	}
}

// statusItems loads the details of a page of statuses in one service call.
func (h *Handler) statusItems(ctx context.Context, me *models.Account, list []*models.Status) ([]statusItem, error) {
	views, err := h.svc.Core().StatusViews(ctx, me, list)
	if err != nil {
		return nil, err
	}
	out := make([]statusItem, len(views))
	ids := make([]int64, len(views))
	for i, v := range views {
		out[i] = h.statusItem(v, me)
		ids[i] = out[i].ID
	}
	if err := h.emojifyAuthors(ctx, views, out); err != nil {
		return nil, err
	}
	buy, err := h.svc.Shop().RemoteListingIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if id, ok := buy[out[i].ID]; ok {
			out[i].BuyPath = "/shop/remote/" + strconv.FormatInt(id, 10)
		}
	}
	if err := h.addQuoteCards(ctx, me, views, out); err != nil { // quotes.go
		return nil, err
	}
	return out, nil
}

// fieldItem is a profile field; Link is set when the value is a web
// address, shown with rel="me" so other sites can verify it.
type fieldItem struct {
	Name, Value, Link string
}

func fieldItems(a *models.Account) []fieldItem {
	var list []models.AccountField
	_ = json.Unmarshal([]byte(a.FieldsJSON), &list)
	out := make([]fieldItem, 0, len(list))
	for _, f := range list {
		// Stored escaped (local) or as HTML (remote): show as text.
		name, value := html.UnescapeString(stripTags(f.Name)), html.UnescapeString(stripTags(f.Value))
		it := fieldItem{Name: name, Value: value}
		if strings.HasPrefix(value, "https://") || strings.HasPrefix(value, "http://") {
			it.Link = value
		}
		out = append(out, it)
	}
	return out
}

var tagPattern = regexp.MustCompile(`<[^>]*>`)

func stripTags(s string) string { return tagPattern.ReplaceAllString(s, "") }

// noteText turns a stored bio back into the plain text the form edits.
func noteText(note string) string {
	s := strings.NewReplacer("</p><p>", "\n\n", "<br>", "\n", "<br/>", "\n", "<br />", "\n").Replace(note)
	return strings.TrimSpace(html.UnescapeString(stripTags(s)))
}

// pager links to the older and newer pages of a list ordered by id.
type pager struct {
	Older string
	Newer string
}

// pagerFor links the pages around ids, the page pp of path (newest first).
// The first page has no newer page; a page reached going back (max_id) has
// one; a page reached going forward (min_id) has an older one.
func pagerFor(path string, ids []int64, pp core.Page) pager {
	var p pager
	if len(ids) == 0 {
		return p
	}
	full := len(ids) >= pp.Limit
	if full || pp.MinID != 0 {
		p.Older = path + "?max_id=" + strconv.FormatInt(ids[len(ids)-1], 10)
	}
	if pp.MaxID != 0 || (pp.MinID != 0 && full) {
		p.Newer = path + "?min_id=" + strconv.FormatInt(ids[0], 10)
	}
	return p
}

// The methods page data may have for the layout; a page type without one
// reads as its zero value.
type (
	hasViewer  interface{ Viewer() *models.Account }
	hasCSRF    interface{ CSRFToken() string }
	hasNotice  interface{ NoticeMessage() string }
	hasAdmin   interface{ IsAdmin() bool }
	hasNav     interface{ NavSection() string }
	hasRefresh interface{ RefreshSeconds() int }
)

// viaMethod is a template helper that reads page data through get when
// the data has get's method, and gives the zero value when it has not.
func viaMethod[I, T any](get func(I) T) func(p any) T {
	return func(p any) T {
		if v, ok := p.(I); ok {
			return get(v)
		}
		var zero T
		return zero
	}
}

// funcs are the template helpers. The layout reads the viewer and token
// through viewerOf and csrfOf, since the client API's OAuth page shares it
// with a data type of its own.
var funcs = template.FuncMap{
	"inc":       func(i int) int { return i + 1 }, // 1-based numbers in labels
	"viewerOf":  viaMethod(hasViewer.Viewer),
	"csrfOf":    viaMethod(hasCSRF.CSRFToken),
	"noticeOf":  viaMethod(hasNotice.NoticeMessage),
	"adminOf":   viaMethod(hasAdmin.IsAdmin),
	"navOf":     viaMethod(hasNav.NavSection),
	"refreshOf": viaMethod(hasRefresh.RefreshSeconds), // seconds of a meta refresh (0: none)
	"isoTime":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"shortTime": func(t time.Time) string {
		d := time.Since(t)
		switch {
		case d < time.Minute:
			return "now"
		case d < time.Hour:
			return strconv.Itoa(int(d.Minutes())) + "m"
		case d < 24*time.Hour:
			return strconv.Itoa(int(d.Hours())) + "h"
		case d < 30*24*time.Hour:
			return strconv.Itoa(int(d.Hours()/24)) + "d"
		}
		return t.UTC().Format("2 Jan 2006")
	},
	// payCard is the data of the pay_card partial in a chat: its forms
	// come back to the chat page.
	"payCard": func(card *payviews.ChatCard, csrf string, chatID int64) PayCardView {
		back := "/chats/requests"
		if chatID != 0 {
			back = chatPath(chatID)
		}
		return NewPayCardView(card, csrf, back)
	},
	"clockTime": func(t time.Time) string { return t.UTC().Format("15:04") },
	"fullTime":  func(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") },
	// dict builds the data of a sub-template from key, value pairs.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
}

// emojifyAuthors shows the custom emoji of a page's authors' names (and
// boosters'), in one query.
func (h *Handler) emojifyAuthors(ctx context.Context, views []*core.StatusView, items []statusItem) error {
	var accounts []*models.Account
	for _, v := range views {
		accounts = append(accounts, v.Status.Account)
		if v.Reblog != nil {
			accounts = append(accounts, v.Reblog.Status.Account)
		}
	}
	emojis, err := h.svc.Core().AccountEmojis(ctx, accounts)
	if err != nil || len(emojis) == 0 {
		return err
	}
	for i, v := range views {
		author := v.Status.Account
		if v.Reblog != nil {
			author = v.Reblog.Status.Account
			if b := items[i].BoostedBy; b != nil {
				b.NameHTML = h.nameHTML(b.Name, emojis[v.Status.AccountID])
			}
		}
		items[i].Author.NameHTML = h.nameHTML(items[i].Author.Name, emojis[author.ID])
	}
	return nil
}

// nameHTML is a display name, escaped, with its custom emoji as images;
// "" when it has none.
func (h *Handler) nameHTML(name string, list []models.CustomEmoji) template.HTML {
	if len(list) == 0 {
		return ""
	}
	return emojify(html.EscapeString(name), list, h.svc.RemoteMedia().EmojiURL)
}
