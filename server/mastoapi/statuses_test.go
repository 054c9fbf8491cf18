package mastoapi_test

import (
	"context"
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"plaza/models/store/storetest"
	"plaza/server/mastoapi"
	"plaza/server/service"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/web"
	"plaza/templates"
)

// statusRig is one Plaza client API with three users (alice, bob, carol)
// and a full-scope token for each.
type statusRig struct {
	svc    *service.Service
	engine *gin.Engine
	tokens map[string]string
	ids    map[string]string // username → account id
}

func newStatusRig(t *testing.T) *statusRig {
	t.Helper()
	gin.SetMode(gin.TestMode)
	st := storetest.Open(t)
	svc := service.New(core.Config{Host: "plaza.test", Protocol: "https", InstanceName: "Plaza"}, core.Deps{Store: st})
	h := mastoapi.New(mastoapi.Config{MediaPath: t.TempDir()}, svc, template.Must(web.ParseTemplates(templates.FS)), slog.New(slog.DiscardHandler))
	r := &statusRig{svc: svc, engine: gin.New(), tokens: map[string]string{}, ids: map[string]string{}}
	h.Mount(r.engine)
	for _, name := range []string{"alice", "bob", "carol"} {
		a, err := svc.Accounts().CreateUser(context.Background(), accounts.CreateUserInput{Username: name, Email: name + "@example.com", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		r.ids[name] = strconv.FormatInt(a.ID, 10)
		r.tokens[name] = r.token(t, name, "read write follow")
	}
	return r
}

func (r *statusRig) token(t *testing.T, user, scopes string) string {
	t.Helper()
	tok, err := r.svc.Accounts().CreateToken(context.Background(), user, scopes)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type statusRes struct {
	status int
	body   string
	header http.Header
}

// call sends a request with a bearer token (none when empty); a body that
// starts with '{' is JSON, otherwise a form.
func (r *statusRig) call(t *testing.T, method, path, token, body string, headers ...string) statusRes {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if strings.HasPrefix(body, "{") {
		req.Header.Set("Content-Type", "application/json")
	} else if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	r.engine.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return statusRes{status: rec.Code, body: string(b), header: rec.Header()}
}

// as calls with the full token of a user.
func (r *statusRig) as(t *testing.T, user, method, path, body string, headers ...string) statusRes {
	t.Helper()
	return r.call(t, method, path, r.tokens[user], body, headers...)
}

func (res statusRes) decode(t *testing.T, want int, v any) {
	t.Helper()
	if res.status != want {
		t.Fatalf("status %d, want %d: %s", res.status, want, res.body)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(res.body), v); err != nil {
			t.Fatalf("decode %s: %v", res.body, err)
		}
	}
}

type statusJSON struct {
	ID                 string  `json:"id"`
	Content            string  `json:"content"`
	Visibility         string  `json:"visibility"`
	InReplyToID        *string `json:"in_reply_to_id"`
	InReplyToAccountID *string `json:"in_reply_to_account_id"`
	FavouritesCount    int     `json:"favourites_count"`
	ReblogsCount       int     `json:"reblogs_count"`
	RepliesCount       int     `json:"replies_count"`
	Favourited         bool    `json:"favourited"`
	Reblogged          bool    `json:"reblogged"`
	Bookmarked         bool    `json:"bookmarked"`
	Text               *string `json:"text"`
	Reblog             *struct {
		ID              string `json:"id"`
		ReblogsCount    int    `json:"reblogs_count"`
		FavouritesCount int    `json:"favourites_count"`
	} `json:"reblog"`
	Account struct {
		ID string `json:"id"`
	} `json:"account"`
}

func (r *statusRig) post(t *testing.T, user, body string) statusJSON {
	t.Helper()
	var s statusJSON
	r.as(t, user, http.MethodPost, "/api/v1/statuses", body).decode(t, http.StatusOK, &s)
	return s
}

func TestStatusPostGetContextAndEntityFields(t *testing.T) {
	r := newStatusRig(t)
	root := r.post(t, "alice", "status=hello+%23plaza&language=en")
	reply := r.post(t, "bob", `{"status":"@alice hi back","in_reply_to_id":"`+root.ID+`"}`)
	if reply.InReplyToID == nil || *reply.InReplyToID != root.ID || *reply.InReplyToAccountID != r.ids["alice"] {
		t.Fatalf("reply: %+v", reply)
	}

	res := r.call(t, http.MethodGet, "/api/v1/statuses/"+root.ID, "", "")
	var fields map[string]json.RawMessage
	res.decode(t, http.StatusOK, &fields)
	for _, k := range []string{"id", "uri", "url", "created_at", "account", "content", "visibility", "sensitive", "spoiler_text",
		"media_attachments", "mentions", "tags", "emojis", "reblogs_count", "favourites_count", "replies_count", "in_reply_to_id",
		"in_reply_to_account_id", "reblog", "poll", "card", "language", "edited_at", "favourited", "reblogged", "muted",
		"bookmarked", "pinned", "filtered", "application"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("status JSON lacks %q", k)
		}
	}
	var got statusJSON
	res.decode(t, http.StatusOK, &got)
	if got.RepliesCount != 1 || !strings.Contains(string(fields["tags"]), `"plaza"`) || string(fields["language"]) != `"en"` {
		t.Fatalf("root: %s", res.body)
	}

	var ctx struct{ Ancestors, Descendants []statusJSON }
	r.call(t, http.MethodGet, "/api/v1/statuses/"+reply.ID+"/context", "", "").decode(t, http.StatusOK, &ctx)
	if len(ctx.Ancestors) != 1 || ctx.Ancestors[0].ID != root.ID || len(ctx.Descendants) != 0 {
		t.Fatalf("context of reply: %+v", ctx)
	}
	r.call(t, http.MethodGet, "/api/v1/statuses/"+root.ID+"/context", "", "").decode(t, http.StatusOK, &ctx)
	if len(ctx.Ancestors) != 0 || len(ctx.Descendants) != 1 || ctx.Descendants[0].ID != reply.ID {
		t.Fatalf("context of root: %+v", ctx)
	}

	for _, body := range []string{"status=", "status=x&visibility=secret", `{"status":"x","poll":{"options":["a","b"],"expires_in":60}}`,
		"status=x&scheduled_at=2001-01-01T00:00:00Z", "status=&scheduled_at=2030-01-01T00:00:00Z"} {
		if res := r.as(t, "alice", http.MethodPost, "/api/v1/statuses", body); res.status != http.StatusUnprocessableEntity {
			t.Errorf("post %q: %d %s", body, res.status, res.body)
		}
	}
	// Pinning is the pins area's (cmd/plaza TestPinsThroughTheClientAPI);
	// here only that the route answers with the pinned status.
	if res := r.as(t, "alice", http.MethodPost, "/api/v1/statuses/"+root.ID+"/pin", ""); res.status != http.StatusOK || !strings.Contains(res.body, `"pinned":true`) {
		t.Errorf("pin: %d %s", res.status, res.body)
	}
}

func TestStatusInteractionsAndBookmarks(t *testing.T) {
	r := newStatusRig(t)
	st := r.post(t, "alice", "status=like+me")
	var s statusJSON
	r.as(t, "bob", http.MethodPost, "/api/v1/statuses/"+st.ID+"/favourite", "").decode(t, http.StatusOK, &s)
	if s.FavouritesCount != 1 || !s.Favourited {
		t.Fatalf("favourite: %+v", s)
	}
	r.as(t, "bob", http.MethodPost, "/api/v1/statuses/"+st.ID+"/reblog", "").decode(t, http.StatusOK, &s)
	if s.Reblog == nil || s.Reblog.ID != st.ID || s.Reblog.ReblogsCount != 1 || s.ID == st.ID || !s.Reblogged {
		t.Fatalf("reblog: %+v", s)
	}
	r.call(t, http.MethodGet, "/api/v1/statuses/"+st.ID, "", "").decode(t, http.StatusOK, &s)
	if s.FavouritesCount != 1 || s.ReblogsCount != 1 || s.Favourited {
		t.Fatalf("counts for anonymous: %+v", s)
	}
	var accts []struct{ ID string }
	res := r.call(t, http.MethodGet, "/api/v1/statuses/"+st.ID+"/favourited_by", "", "")
	res.decode(t, http.StatusOK, &accts)
	if len(accts) != 1 || accts[0].ID != r.ids["bob"] || res.header.Get("Link") == "" {
		t.Fatalf("favourited_by: %s %v", res.body, res.header)
	}
	r.call(t, http.MethodGet, "/api/v1/statuses/"+st.ID+"/reblogged_by", "", "").decode(t, http.StatusOK, &accts)
	if len(accts) != 1 || accts[0].ID != r.ids["bob"] {
		t.Fatalf("reblogged_by: %+v", accts)
	}
	r.as(t, "bob", http.MethodPost, "/api/v1/statuses/"+st.ID+"/unreblog", "").decode(t, http.StatusOK, &s)
	if s.ID != st.ID || s.ReblogsCount != 0 || s.Reblogged {
		t.Fatalf("unreblog: %+v", s)
	}
	r.as(t, "bob", http.MethodPost, "/api/v1/statuses/"+st.ID+"/unfavourite", "").decode(t, http.StatusOK, &s)
	if s.FavouritesCount != 0 || s.Favourited {
		t.Fatalf("unfavourite: %+v", s)
	}

	r.as(t, "bob", http.MethodPost, "/api/v1/statuses/"+st.ID+"/bookmark", "").decode(t, http.StatusOK, &s)
	if !s.Bookmarked {
		t.Fatalf("bookmark: %+v", s)
	}
	var list []statusJSON
	res = r.as(t, "bob", http.MethodGet, "/api/v1/bookmarks", "")
	res.decode(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != st.ID || !list[0].Bookmarked || !strings.Contains(res.header.Get("Link"), "max_id=") {
		t.Fatalf("bob's bookmarks: %s", res.body)
	}
	r.as(t, "carol", http.MethodGet, "/api/v1/bookmarks", "").decode(t, http.StatusOK, &list)
	if len(list) != 0 {
		t.Fatalf("carol sees bob's bookmarks: %+v", list)
	}
	r.as(t, "carol", http.MethodGet, "/api/v1/statuses/"+st.ID, "").decode(t, http.StatusOK, &s)
	if s.Bookmarked {
		t.Fatal("carol's view says bookmarked")
	}
	readOnly := r.token(t, "bob", "read:statuses")
	if res := r.call(t, http.MethodGet, "/api/v1/bookmarks", readOnly, ""); res.status != http.StatusForbidden {
		t.Fatalf("bookmarks without read:bookmarks: %d", res.status)
	}
	r.as(t, "bob", http.MethodPost, "/api/v1/statuses/"+st.ID+"/unbookmark", "").decode(t, http.StatusOK, &s)
	if s.Bookmarked {
		t.Fatal("still bookmarked")
	}

	r.as(t, "bob", http.MethodPost, "/api/v1/statuses/"+st.ID+"/favourite", "").decode(t, http.StatusOK, nil)
	r.as(t, "bob", http.MethodGet, "/api/v1/favourites", "").decode(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != st.ID {
		t.Fatalf("favourites: %+v", list)
	}
}

func TestStatusAuthAndIdempotency(t *testing.T) {
	r := newStatusRig(t)
	readOnly := r.token(t, "alice", "read")
	if res := r.call(t, http.MethodPost, "/api/v1/statuses", readOnly, "status=nope"); res.status != http.StatusForbidden {
		t.Fatalf("read-only token posts: %d %s", res.status, res.body)
	}
	if res := r.call(t, http.MethodPost, "/api/v1/statuses", "not-a-token", "status=nope"); res.status != http.StatusUnauthorized {
		t.Fatalf("invalid token posts: %d", res.status)
	}
	if res := r.call(t, http.MethodPost, "/api/v1/statuses", "", "status=nope"); res.status != http.StatusUnauthorized {
		t.Fatalf("anonymous posts: %d", res.status)
	}
	if res := r.call(t, http.MethodGet, "/api/v1/timelines/home", "not-a-token", ""); res.status != http.StatusUnauthorized {
		t.Fatalf("invalid token reads home: %d", res.status)
	}

	var a, b, c statusJSON
	r.as(t, "alice", http.MethodPost, "/api/v1/statuses", "status=once", "Idempotency-Key", "abc").decode(t, http.StatusOK, &a)
	r.as(t, "alice", http.MethodPost, "/api/v1/statuses", "status=once", "Idempotency-Key", "abc").decode(t, http.StatusOK, &b)
	r.as(t, "alice", http.MethodPost, "/api/v1/statuses", "status=once", "Idempotency-Key", "other").decode(t, http.StatusOK, &c)
	if a.ID != b.ID || a.ID == c.ID {
		t.Fatalf("idempotency: %s %s %s", a.ID, b.ID, c.ID)
	}

	// Edit, history, source, delete.
	var e statusJSON
	r.as(t, "alice", http.MethodPut, "/api/v1/statuses/"+a.ID, `{"status":"twice"}`).decode(t, http.StatusOK, &e)
	if !strings.Contains(e.Content, "twice") {
		t.Fatalf("edit: %+v", e)
	}
	if res := r.as(t, "bob", http.MethodPut, "/api/v1/statuses/"+a.ID, "status=mine"); res.status != http.StatusNotFound {
		t.Fatalf("bob edits alice's status: %d", res.status)
	}
	var hist []struct {
		Content   string `json:"content"`
		CreatedAt string `json:"created_at"`
		Account   struct{ ID string }
	}
	r.call(t, http.MethodGet, "/api/v1/statuses/"+a.ID+"/history", "", "").decode(t, http.StatusOK, &hist)
	if len(hist) != 2 || !strings.Contains(hist[0].Content, "once") || !strings.Contains(hist[1].Content, "twice") || hist[1].Account.ID != r.ids["alice"] {
		t.Fatalf("history: %+v", hist)
	}
	var src struct{ ID, Text, SpoilerText string }
	r.as(t, "alice", http.MethodGet, "/api/v1/statuses/"+a.ID+"/source", "").decode(t, http.StatusOK, &src)
	if src.ID != a.ID || src.Text != "twice" {
		t.Fatalf("source: %+v", src)
	}
	if res := r.as(t, "bob", http.MethodGet, "/api/v1/statuses/"+a.ID+"/source", ""); res.status != http.StatusNotFound {
		t.Fatalf("bob reads alice's source: %d", res.status)
	}
	if res := r.as(t, "bob", http.MethodDelete, "/api/v1/statuses/"+a.ID, ""); res.status != http.StatusNotFound {
		t.Fatalf("bob deletes alice's status: %d", res.status)
	}
	var del statusJSON
	r.as(t, "alice", http.MethodDelete, "/api/v1/statuses/"+a.ID, "").decode(t, http.StatusOK, &del)
	if del.ID != a.ID || del.Text == nil || *del.Text != "twice" {
		t.Fatalf("delete: %+v", del)
	}
	if res := r.call(t, http.MethodGet, "/api/v1/statuses/"+a.ID, "", ""); res.status != http.StatusNotFound {
		t.Fatalf("deleted status: %d", res.status)
	}
}

// linkParam returns a query parameter of the Link header's rel link.
func linkParam(t *testing.T, header, rel, key string) string {
	t.Helper()
	for _, part := range strings.Split(header, ",") {
		if !strings.Contains(part, `rel="`+rel+`"`) {
			continue
		}
		raw := part[strings.Index(part, "<")+1 : strings.Index(part, ">")]
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return u.Query().Get(key)
	}
	t.Fatalf("no %s link in %q", rel, header)
	return ""
}

func TestHomeTimelinePaging(t *testing.T) {
	r := newStatusRig(t)
	var ids []string // oldest first
	for _, text := range []string{"one", "two", "three", "four", "five"} {
		ids = append(ids, r.post(t, "alice", "status="+text).ID)
	}
	var page []statusJSON
	res := r.as(t, "alice", http.MethodGet, "/api/v1/timelines/home?limit=2", "")
	res.decode(t, http.StatusOK, &page)
	if len(page) != 2 || page[0].ID != ids[4] || page[1].ID != ids[3] {
		t.Fatalf("first page: %+v", page)
	}
	next := linkParam(t, res.header.Get("Link"), "next", "max_id")
	if next != ids[3] || linkParam(t, res.header.Get("Link"), "prev", "min_id") != ids[4] {
		t.Fatalf("link: %s", res.header.Get("Link"))
	}
	if !strings.HasPrefix(res.header.Get("Link"), "<https://plaza.test/api/v1/timelines/home?") {
		t.Fatalf("link base: %s", res.header.Get("Link"))
	}
	r.as(t, "alice", http.MethodGet, "/api/v1/timelines/home?limit=2&max_id="+next, "").decode(t, http.StatusOK, &page)
	if len(page) != 2 || page[0].ID != ids[2] || page[1].ID != ids[1] {
		t.Fatalf("max_id page: %+v", page)
	}
	res = r.as(t, "alice", http.MethodGet, "/api/v1/timelines/home?limit=2&min_id="+ids[0], "")
	res.decode(t, http.StatusOK, &page)
	if len(page) != 2 || page[0].ID != ids[2] || page[1].ID != ids[1] {
		t.Fatalf("min_id page (newest first): %+v", page)
	}
	if linkParam(t, res.header.Get("Link"), "prev", "min_id") != ids[2] {
		t.Fatalf("min_id page link: %s", res.header.Get("Link"))
	}
	if res := r.as(t, "bob", http.MethodGet, "/api/v1/timelines/home", ""); res.body != "[]" {
		t.Fatalf("bob's home: %s", res.body)
	}
	r.call(t, http.MethodGet, "/api/v1/timelines/public?local=true&limit=40", "", "").decode(t, http.StatusOK, &page)
	if len(page) != 5 {
		t.Fatalf("public: %d", len(page))
	}
	r.call(t, http.MethodGet, "/api/v1/timelines/public?only_media=true", "", "").decode(t, http.StatusOK, &page)
	if len(page) != 0 {
		t.Fatalf("public only_media: %d", len(page))
	}
	r.post(t, "bob", "status=%23Go+rocks")
	r.call(t, http.MethodGet, "/api/v1/timelines/tag/go", "", "").decode(t, http.StatusOK, &page)
	if len(page) != 1 {
		t.Fatalf("tag: %+v", page)
	}
}

func TestDirectMessagesAndConversations(t *testing.T) {
	r := newStatusRig(t)
	// bob follows alice, so her DM is no message request.
	r.as(t, "bob", http.MethodPost, "/api/v1/accounts/"+r.ids["alice"]+"/follow", "").decode(t, http.StatusOK, nil)
	dm := r.post(t, "alice", "status=%40bob+secret&visibility=direct")
	var convs []struct {
		ID         string `json:"id"`
		Unread     bool   `json:"unread"`
		Accounts   []struct{ ID string }
		LastStatus *statusJSON `json:"last_status"`
	}
	r.as(t, "bob", http.MethodGet, "/api/v1/conversations", "").decode(t, http.StatusOK, &convs)
	if len(convs) != 1 || !convs[0].Unread || convs[0].LastStatus == nil || convs[0].LastStatus.ID != dm.ID ||
		len(convs[0].Accounts) != 1 || convs[0].Accounts[0].ID != r.ids["alice"] {
		t.Fatalf("bob's conversations: %+v", convs)
	}
	convID := convs[0].ID
	r.as(t, "alice", http.MethodGet, "/api/v1/conversations", "").decode(t, http.StatusOK, &convs)
	if len(convs) != 1 || convs[0].Unread || convs[0].Accounts[0].ID != r.ids["bob"] {
		t.Fatalf("alice's conversations: %+v", convs)
	}
	r.as(t, "carol", http.MethodGet, "/api/v1/conversations", "").decode(t, http.StatusOK, &convs)
	if len(convs) != 0 {
		t.Fatalf("carol's conversations: %+v", convs)
	}
	if res := r.as(t, "carol", http.MethodGet, "/api/v1/statuses/"+dm.ID, ""); res.status != http.StatusNotFound {
		t.Fatalf("carol reads the DM: %d", res.status)
	}
	if res := r.call(t, http.MethodGet, "/api/v1/statuses/"+dm.ID, "", ""); res.status != http.StatusNotFound {
		t.Fatalf("anonymous reads the DM: %d", res.status)
	}
	if res := r.as(t, "carol", http.MethodPost, "/api/v1/conversations/"+convID+"/read", ""); res.status != http.StatusNotFound {
		t.Fatalf("carol marks the conversation read: %d", res.status)
	}
	r.as(t, "bob", http.MethodGet, "/api/v1/statuses/"+dm.ID, "").decode(t, http.StatusOK, nil)

	var conv struct {
		ID     string `json:"id"`
		Unread bool   `json:"unread"`
	}
	r.as(t, "bob", http.MethodPost, "/api/v1/conversations/"+convID+"/read", "").decode(t, http.StatusOK, &conv)
	if conv.ID != convID || conv.Unread {
		t.Fatalf("read: %+v", conv)
	}
	if res := r.as(t, "bob", http.MethodDelete, "/api/v1/conversations/"+convID, ""); res.status != http.StatusOK || strings.TrimSpace(res.body) != "{}" {
		t.Fatalf("delete conversation: %d %s", res.status, res.body)
	}
	r.as(t, "bob", http.MethodGet, "/api/v1/conversations", "").decode(t, http.StatusOK, &convs)
	if len(convs) != 0 {
		t.Fatalf("hidden conversation still listed: %+v", convs)
	}
	// The DM stays out of everyone's home timeline.
	if res := r.as(t, "bob", http.MethodGet, "/api/v1/timelines/home", ""); strings.Contains(res.body, dm.ID) {
		t.Fatalf("DM in home timeline: %s", res.body)
	}
}

func TestNotificationsEndpoints(t *testing.T) {
	r := newStatusRig(t)
	st := r.post(t, "alice", "status=hello")
	r.post(t, "bob", "status=%40alice+hi")
	r.as(t, "carol", http.MethodPost, "/api/v1/statuses/"+st.ID+"/favourite", "").decode(t, http.StatusOK, nil)

	type notif struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Account struct{ ID string }
		Status  *statusJSON `json:"status"`
	}
	var list []notif
	res := r.as(t, "alice", http.MethodGet, "/api/v1/notifications", "")
	res.decode(t, http.StatusOK, &list)
	if len(list) != 2 || list[0].Type != "favourite" || list[0].Account.ID != r.ids["carol"] || list[0].Status == nil ||
		list[1].Type != "mention" || list[1].Account.ID != r.ids["bob"] || res.header.Get("Link") == "" {
		t.Fatalf("notifications: %s", res.body)
	}
	r.as(t, "alice", http.MethodGet, "/api/v1/notifications?types[]=mention", "").decode(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].Type != "mention" {
		t.Fatalf("types[]=mention: %+v", list)
	}
	r.as(t, "alice", http.MethodGet, "/api/v1/notifications?exclude_types[]=mention", "").decode(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].Type != "favourite" {
		t.Fatalf("exclude_types[]=mention: %+v", list)
	}
	r.as(t, "alice", http.MethodGet, "/api/v1/notifications?account_id="+r.ids["bob"], "").decode(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].Account.ID != r.ids["bob"] {
		t.Fatalf("account_id: %+v", list)
	}
	id := list[0].ID
	var one notif
	r.as(t, "alice", http.MethodGet, "/api/v1/notifications/"+id, "").decode(t, http.StatusOK, &one)
	if one.ID != id || one.Type != "mention" {
		t.Fatalf("one: %+v", one)
	}
	for _, req := range [][2]string{{http.MethodGet, "/api/v1/notifications/" + id}, {http.MethodPost, "/api/v1/notifications/" + id + "/dismiss"}} {
		if res := r.as(t, "carol", req[0], req[1], ""); res.status != http.StatusNotFound {
			t.Fatalf("carol %s %s: %d", req[0], req[1], res.status)
		}
	}
	if res := r.as(t, "carol", http.MethodGet, "/api/v1/notifications", ""); res.body != "[]" {
		t.Fatalf("carol's notifications: %s", res.body)
	}
	readOnly := r.token(t, "alice", "read")
	if res := r.call(t, http.MethodPost, "/api/v1/notifications/clear", readOnly, ""); res.status != http.StatusForbidden {
		t.Fatalf("clear with a read token: %d", res.status)
	}
	if res := r.as(t, "alice", http.MethodPost, "/api/v1/notifications/"+id+"/dismiss", ""); res.status != http.StatusOK || strings.TrimSpace(res.body) != "{}" {
		t.Fatalf("dismiss: %d %s", res.status, res.body)
	}
	r.as(t, "alice", http.MethodGet, "/api/v1/notifications", "").decode(t, http.StatusOK, &list)
	if len(list) != 1 {
		t.Fatalf("after dismiss: %+v", list)
	}
	r.as(t, "alice", http.MethodPost, "/api/v1/notifications/clear", "").decode(t, http.StatusOK, nil)
	if res := r.as(t, "alice", http.MethodGet, "/api/v1/notifications", ""); res.body != "[]" {
		t.Fatalf("after clear: %s", res.body)
	}
}

// Concurrent retries of one post with one Idempotency-Key publish it once,
// and every request gets the same status back (Mastodon returns the status
// the key made). Several rounds, one key each, give the race its chances.
func TestStatusIdempotencyKeyConcurrent(t *testing.T) {
	r := newStatusRig(t)
	const rounds, n = 10, 8
	var first string
	for round := range rounds {
		key := "race-key-" + strconv.Itoa(round)
		ids := postConcurrently(t, r, n, "status=only+once+"+strconv.Itoa(round), key)
		for i := range n {
			if ids[i] == "" || ids[i] != ids[0] {
				t.Fatalf("round %d: ids %v; want 200 and one id for all", round, ids)
			}
		}
		var list []statusJSON
		r.as(t, "alice", http.MethodGet, "/api/v1/accounts/"+r.ids["alice"]+"/statuses?limit=40", "").decode(t, http.StatusOK, &list)
		if len(list) != round+1 || list[0].ID != ids[0] {
			t.Fatalf("round %d: alice has %d statuses, want %d (one per key)", round, len(list), round+1)
		}
		if round == 0 {
			first = ids[0]
		}
	}
	// Once its status is deleted, the key posts anew.
	r.as(t, "alice", http.MethodDelete, "/api/v1/statuses/"+first, "").decode(t, http.StatusOK, nil)
	var again statusJSON
	r.as(t, "alice", http.MethodPost, "/api/v1/statuses", "status=only+once+0", "Idempotency-Key", "race-key-0").decode(t, http.StatusOK, &again)
	if again.ID == "" || again.ID == first {
		t.Fatalf("repost after delete: id %q, want a new status", again.ID)
	}
}

// postConcurrently sends n identical posts by alice at once and returns
// the status id of each answer ("" for an answer that is not 200).
func postConcurrently(t *testing.T, r *statusRig, n int, body, key string) []string {
	t.Helper()
	ids := make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res := r.as(t, "alice", http.MethodPost, "/api/v1/statuses", body, "Idempotency-Key", key)
			var s statusJSON
			if res.status == http.StatusOK && json.Unmarshal([]byte(res.body), &s) == nil {
				ids[i] = s.ID
			}
		}()
	}
	close(start)
	wg.Wait()
	return ids
}
