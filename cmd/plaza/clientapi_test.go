package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"

	"plaza/models"
	"plaza/server/service/core"
)

const testRedirectURI = "http://127.0.0.1/plaza-test-callback"

// signInWithPKCE runs the OAuth authorization-code flow with PKCE through
// the HTML sign-in form, as a person in a browser would, and returns the
// access token. go-mastodon cannot send a code_verifier, so the code is
// exchanged with a plain POST.
func signInWithPKCE(t *testing.T, server string, app *mastodon.Application, username, password, scopes string) string {
	t.Helper()
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	verifier := base64.RawURLEncoding.EncodeToString(raw[:])
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	params := url.Values{
		"response_type": {"code"}, "client_id": {app.ClientID}, "redirect_uri": {testRedirectURI},
		"scope": {scopes}, "state": {"xyz"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"},
	}
	res, err := browser.Get(server + "/oauth/authorize?" + params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("authorize page: %d %s", res.StatusCode, page)
	}
	// Submit the form with every hidden field it carries.
	form := url.Values{}
	hidden := regexp.MustCompile(`<input[^>]*type="hidden"[^>]*>`)
	attr := func(tag, name string) string {
		m := regexp.MustCompile(name + `="([^"]*)"`).FindStringSubmatch(tag)
		if m == nil {
			return ""
		}
		return htmlUnescape(m[1])
	}
	for _, tag := range hidden.FindAllString(string(page), -1) {
		form.Set(attr(tag, "name"), attr(tag, "value"))
	}
	form.Set("username", username)
	form.Set("password", password)
	res, err = browser.PostForm(server+"/oauth/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("sign-in: status %d, want a redirect", res.StatusCode)
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), testRedirectURI) || loc.Query().Get("state") != "xyz" {
		t.Fatalf("redirect to %q", res.Header.Get("Location"))
	}
	res, err = http.PostForm(server+"/oauth/token", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
		"redirect_uri": {testRedirectURI}, "code": {loc.Query().Get("code")}, "code_verifier": {verifier},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || res.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("token exchange: %d %+v %v", res.StatusCode, tok, err)
	}
	return tok.AccessToken
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&#43;", "+").Replace(s)
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := 0; x < 32; x++ {
		for y := 0; y < 24; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// apiStatus reports the HTTP status of a go-mastodon error (0 if none).
func apiStatus(err error) int {
	var apiErr *mastodon.APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// TestMastodonClientLibrary drives Plaza with a real third-party client
// library, as an app on a phone would.
func TestMastodonClientLibrary(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	a.createUser(t, "alice")
	carol := a.createUser(t, "carol")
	bob := b.createUser(t, "bob")
	server := a.url("")

	app, err := mastodon.RegisterApp(ctx, &mastodon.AppConfig{
		Server: server, ClientName: "go-mastodon test", Scopes: "read write follow push", RedirectURIs: testRedirectURI,
	})
	if err != nil {
		t.Fatalf("register app: %v", err)
	}
	token := signInWithPKCE(t, server, app, "alice", "correct horse battery", "read write follow push")
	client := mastodon.NewClient(&mastodon.Config{Server: server, ClientID: app.ClientID, ClientSecret: app.ClientSecret, AccessToken: token})

	me, err := client.GetAccountCurrentUser(ctx)
	if err != nil || me.Username != "alice" || me.Acct != "alice" {
		t.Fatalf("verify credentials: %+v, %v", me, err)
	}

	// The user stream, opened early; events are checked at the end.
	streamCtx, stopStream := context.WithCancel(ctx)
	defer stopStream()
	events, err := client.NewWSClient().StreamingWSUser(streamCtx)
	if err != nil {
		t.Fatal(err)
	}

	// Post with an image, then reply.
	media, err := client.UploadMediaFromMedia(ctx, &mastodon.Media{File: bytes.NewReader(testPNG(t)), Description: "a gradient"})
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	post, err := client.PostStatus(ctx, &mastodon.Toot{Status: "Hello with a picture", MediaIDs: []mastodon.ID{media.ID}})
	if err != nil || len(post.MediaAttachments) != 1 || post.MediaAttachments[0].Description != "a gradient" {
		t.Fatalf("post with image: %+v, %v", post, err)
	}
	if status, _ := get(t, post.MediaAttachments[0].URL, ""); status != http.StatusOK {
		t.Fatalf("media file: status %d", status)
	}
	reply, err := client.PostStatus(ctx, &mastodon.Toot{Status: "and a reply", InReplyToID: post.ID})
	if err != nil || fmt.Sprint(reply.InReplyToID) != string(post.ID) {
		t.Fatalf("reply: %+v, %v", reply, err)
	}
	thread, err := client.GetStatusContext(ctx, post.ID)
	if err != nil || len(thread.Descendants) != 1 {
		t.Fatalf("context: %+v, %v", thread, err)
	}

	// Follow bob on the second instance, found by search.
	found, err := client.Search(ctx, "@bob@"+b.host, true)
	if err != nil || len(found.Accounts) != 1 {
		t.Fatalf("search @bob@%s: %+v, %v", b.host, found, err)
	}
	bobID := found.Accounts[0].ID
	if _, err := client.AccountFollow(ctx, bobID); err != nil {
		t.Fatalf("follow: %v", err)
	}
	eventually(t, "the follow is accepted", func() bool {
		rels, err := client.GetAccountRelationships(ctx, []string{string(bobID)})
		return err == nil && len(rels) == 1 && rels[0].Following
	})

	// bob posts; alice favourites and boosts it from her home timeline.
	bobPost := b.post(t, bob, "hi from B", models.VisibilityPublic, nil)
	var bobPostID mastodon.ID
	eventually(t, "bob's post in alice's home", func() bool {
		home, err := client.GetTimelineHome(ctx, &mastodon.Pagination{Limit: 40})
		if err != nil {
			return false
		}
		for _, s := range home {
			if s.URI == bobPost.URI {
				bobPostID = s.ID
				return true
			}
		}
		return false
	})
	if s, err := client.Favourite(ctx, bobPostID); err != nil || s.Favourited != true || s.FavouritesCount != 1 {
		t.Fatalf("favourite: %+v, %v", s, err)
	}
	if s, err := client.Reblog(ctx, bobPostID); err != nil || s.Reblog == nil || s.Reblogged != true {
		t.Fatalf("boost: %+v, %v", s, err)
	}
	eventually(t, "favourite and boost counted on B", func() bool {
		s, err := b.svc.Core().StatusForViewer(ctx, bob, bobPost.ID)
		return err == nil && s.FavouritesCount == 1 && s.ReblogsCount == 1
	})

	// A DM to bob; bob answers; alice reads it through conversations.
	dm, err := client.PostStatus(ctx, &mastodon.Toot{Status: "@bob@" + b.host + " psst", Visibility: "direct"})
	if err != nil || dm.Visibility != "direct" {
		t.Fatalf("DM: %+v, %v", dm, err)
	}
	b.acceptRequest(t, bob, "alice") // bob does not follow alice
	eventually(t, "the DM reaches bob", func() bool {
		convs, err := b.svc.Messaging().Conversations(ctx, bob, core.Page{Limit: 5})
		return err == nil && len(convs) == 1
	})
	dmOnB, err := b.svc.Core().StatusByURIForViewer(ctx, bob, dm.URI)
	if err != nil {
		t.Fatal(err)
	}
	answer := b.post(t, bob, "@alice@"+a.host+" got it", models.VisibilityDirect, &dmOnB.ID)
	eventually(t, "bob's answer in alice's conversations", func() bool {
		convs, err := client.GetConversations(ctx, nil)
		return err == nil && len(convs) == 1 && convs[0].LastStatus != nil && convs[0].LastStatus.URI == answer.URI && convs[0].Unread
	})
	convs, _ := client.GetConversations(ctx, nil)
	if err := client.MarkConversationAsRead(ctx, convs[0].ID); err != nil {
		t.Fatalf("mark read: %v", err)
	}

	// Notifications: bob's answer mentions alice.
	notes, err := client.GetNotifications(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	mentioned := false
	for _, n := range notes {
		mentioned = mentioned || (n.Type == "mention" && n.Status != nil && n.Status.URI == answer.URI)
	}
	if !mentioned {
		t.Fatalf("no mention notification among %d", len(notes))
	}

	// Page the home timeline with max_id and min_id.
	for i := 0; i < 5; i++ {
		if _, err := client.PostStatus(ctx, &mastodon.Toot{Status: "paging post"}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := client.GetTimelineHome(ctx, &mastodon.Pagination{Limit: 40})
	if err != nil || len(all) < 7 {
		t.Fatalf("home: %d, %v", len(all), err)
	}
	pg := &mastodon.Pagination{Limit: 3}
	first, err := client.GetTimelineHome(ctx, pg)
	if err != nil || len(first) != 3 || first[0].ID != all[0].ID {
		t.Fatalf("first page: %d, %v", len(first), err)
	}
	if pg.MaxID == "" {
		t.Fatal("no next link in the Link header")
	}
	second, err := client.GetTimelineHome(ctx, &mastodon.Pagination{MaxID: pg.MaxID, Limit: 3})
	if err != nil || len(second) != 3 || second[0].ID != all[3].ID {
		t.Fatalf("max_id page: %v, %v", ids3(second), err)
	}
	newer, err := client.GetTimelineHome(ctx, &mastodon.Pagination{MinID: all[3].ID, Limit: 2})
	if err != nil || len(newer) != 2 || newer[0].ID != all[1].ID || newer[1].ID != all[2].ID {
		t.Fatalf("min_id page: %v, %v", ids3(newer), err)
	}

	// The user stream delivered an update for one of alice's posts.
	deadline := time.After(10 * time.Second)
	for got := false; !got; {
		select {
		case e := <-events:
			if u, ok := e.(*mastodon.UpdateEvent); ok && u.Status != nil && u.Status.Account.Username == "alice" {
				got = true
			}
		case <-deadline:
			t.Fatal("no update event on the user stream")
		}
	}

	// Scopes hold.
	readOnly, err := a.svc.Accounts().CreateToken(ctx, "alice", "read")
	if err != nil {
		t.Fatal(err)
	}
	ro := mastodon.NewClient(&mastodon.Config{Server: server, AccessToken: readOnly})
	if _, err := ro.PostStatus(ctx, &mastodon.Toot{Status: "should not post"}); apiStatus(err) != http.StatusForbidden {
		t.Fatalf("read-only token posting: %v, want 403", err)
	}
	if _, err := client.Bookmark(ctx, post.ID); err != nil {
		t.Fatal(err)
	}
	carolToken, err := a.svc.Accounts().CreateToken(ctx, carol.Username, "read write")
	if err != nil {
		t.Fatal(err)
	}
	cc := mastodon.NewClient(&mastodon.Config{Server: server, AccessToken: carolToken})
	if _, err := cc.GetStatus(ctx, dm.ID); apiStatus(err) != http.StatusNotFound {
		t.Fatalf("carol reading alice's DM: %v, want 404", err)
	}
	if convs, err := cc.GetConversations(ctx, nil); err != nil || len(convs) != 0 {
		t.Fatalf("carol's conversations: %d, %v", len(convs), err)
	}
	if marks, err := cc.GetBookmarks(ctx, nil); err != nil || len(marks) != 0 {
		t.Fatalf("carol's bookmarks: %d, %v", len(marks), err)
	}
	if notes, err := cc.GetNotifications(ctx, nil); err != nil || len(notes) != 0 {
		t.Fatalf("carol's notifications: %d, %v", len(notes), err)
	}
	// The same token held by another copy of the app stops working once
	// revoked (RevokeToken forgets it in the revoking client).
	other := mastodon.NewClient(&mastodon.Config{Server: server, AccessToken: token})
	if err := client.RevokeToken(ctx); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if _, err := other.GetAccountCurrentUser(ctx); apiStatus(err) != http.StatusUnauthorized {
		t.Fatalf("revoked token: %v, want 401", err)
	}
}

func ids3(list []*mastodon.Status) []mastodon.ID {
	var out []mastodon.ID
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}
