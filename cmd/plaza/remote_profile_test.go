package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/png"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/server/service/accounts"
	"plaza/server/service/media"
	"plaza/server/service/social"
)

// TestRemoteProfileAndMediaCache: bob on B has profile fields, an avatar
// and public posts (one with an image) that A has never been sent. A
// visitor opening bob's profile on A sees his counts, fields and posts
// (read from his outbox on first view, the private one left out), and
// every image on the page — avatar, header, attachment — is served by A:
// the page names no other origin. The cache refuses a remote file that is
// too large or not an image, and prune forgets files nobody asked for.
func TestRemoteProfileAndMediaCache(t *testing.T) {
	ctx := context.Background()
	const maxRemote = 64 << 10
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), func(c *Config) { c.Storage.RemoteMediaMaxBytes = maxRemote })
	b := startInstance(t, "127.0.0.3")
	bob := b.createUser(t, "bob")

	upload := func(data []byte, name string) *models.MediaAttachment {
		t.Helper()
		m, err := b.svc.Media().UploadMedia(ctx, media.MediaConfig{Dir: b.cfg.Storage.Path, MaxBytes: b.cfg.Storage.MaxUploadBytes}, bob, bytes.NewReader(data), name, "a test pattern", "")
		if err != nil {
			t.Fatalf("upload: %v", err)
		}
		return m
	}
	avatar := upload(testPNG(t), "avatar.png")
	fields := []models.AccountField{{Name: "Website", Value: "https://bob.example/"}, {Name: "Pronouns", Value: "he/him"}}
	if _, err := b.svc.Accounts().UpdateProfile(ctx, bob, accounts.ProfileInput{Fields: &fields, AvatarURL: &avatar.URL}); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"First public post from bob", "Second, unlisted"} {
		vis := models.VisibilityPublic
		if strings.HasPrefix(text, "Second") {
			vis = models.VisibilityUnlisted
		}
		b.post(t, bob, text, vis, nil)
	}
	b.post(t, bob, "Followers only: not for strangers", models.VisibilityPrivate, nil)
	pic := upload(testPNG(t), "pic.png")
	if _, err := b.svc.Social().CreateStatus(ctx, bob, social.CreateStatusInput{Text: "A picture", MediaIDs: []int64{pic.ID}}); err != nil {
		t.Fatal(err)
	}

	bobOnA := a.resolve(t, "bob@"+b.host)
	code, page := get(t, a.url("/@bob@"+b.host), "text/html")
	if code != http.StatusOK {
		t.Fatalf("profile: %d\n%s", code, page)
	}
	for _, want := range []string{"First public post from bob", "Second, unlisted", "A picture", "Website", "https://bob.example/", "he/him",
		"<strong>3</strong> posts", "<strong>0</strong> followers"} {
		if !strings.Contains(page, want) {
			t.Errorf("profile lacks %q", want)
		}
	}
	if strings.Contains(page, "Followers only") || strings.Contains(page, "Nothing here yet") {
		t.Errorf("profile shows the private post or nothing:\n%s", page)
	}
	// Every image and linked file comes from A.
	refs := regexp.MustCompile(`(?:src|href)="(https?://[^"]+)"`).FindAllStringSubmatch(page, -1)
	var media []string
	for _, m := range refs {
		u := m[1]
		if strings.Contains(u, "/media/") {
			if !strings.HasPrefix(u, a.url("/media/proxy/")) {
				t.Errorf("page loads media from elsewhere: %s", u)
			}
			media = append(media, u)
		}
	}
	if len(media) < 3 { // avatar, header, attachment (link and image)
		t.Fatalf("page has %d proxied media references, want the avatar and the picture: %v", len(media), media)
	}
	for _, u := range media {
		if code, _ := get(t, u, "image/*"); code != http.StatusOK {
			t.Errorf("GET %s: %d", u, code)
		}
	}
	srcs := regexp.MustCompile(`<img[^>]+src="([^"]+)"`).FindAllStringSubmatch(page, -1)
	for _, m := range srcs {
		if !strings.HasPrefix(m[1], "/static/") && !strings.HasPrefix(m[1], a.url("/")) {
			t.Errorf("image from another origin: %s", m[1])
		}
	}

	// The avatar through A is bob's file, byte for byte, stored in the cache.
	avatarOnA := regexp.MustCompile(`class="avatar u-photo" src="([^"]+)"`).FindStringSubmatch(page)
	if len(avatarOnA) < 2 || avatarOnA[1] == "" {
		t.Fatalf("no avatar on the profile")
	}
	resp, err := testClient.Get(avatarOnA[1])
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	_, _ = got.ReadFrom(resp.Body)
	resp.Body.Close()
	original, err := os.ReadFile(filepath.Join(b.cfg.Storage.Path, strings.TrimPrefix(avatar.URL, b.url("/media/"))))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(got.Bytes(), original) {
		t.Fatalf("proxied avatar: %d %s, %d bytes (want %d)", resp.StatusCode, resp.Header.Get("Content-Type"), got.Len(), len(original))
	}
	if _, err := a.store.RemoteMediaByHash(ctx, sha256Hex(avatar.URL)); err != nil {
		t.Fatalf("avatar not in the cache: %v", err)
	}

	// The client API hands out A's URLs and keeps the remote one.
	var apiAcct struct{ Avatar, Header string }
	getJSON(t, a.url("/api/v1/accounts/"+itoa(bobOnA.ID)), &apiAcct)
	if !strings.HasPrefix(apiAcct.Avatar, a.url("/media/proxy/avatar/")) {
		t.Errorf("API avatar %q", apiAcct.Avatar)
	}
	var apiStatuses []struct {
		Media []struct {
			URL       string  `json:"url"`
			RemoteURL *string `json:"remote_url"`
		} `json:"media_attachments"`
	}
	getJSON(t, a.url("/api/v1/accounts/"+itoa(bobOnA.ID)+"/statuses"), &apiStatuses)
	found := false
	for _, st := range apiStatuses {
		for _, m := range st.Media {
			found = true
			if !strings.HasPrefix(m.URL, a.url("/media/proxy/attachment/")) || m.RemoteURL == nil || *m.RemoteURL != pic.URL {
				t.Errorf("API attachment url %q remote %v", m.URL, m.RemoteURL)
			}
		}
	}
	if !found {
		t.Error("API statuses have no attachment")
	}

	// Refused: a remote "avatar" that is a web page, a header too large.
	other := serveFiles(t, "127.0.0.4:0", map[string]struct {
		typ  string
		body []byte
	}{
		"/page.png": {"image/png", []byte("<!doctype html><script>alert(1)</script>")},
		"/big.png":  {"image/png", bigPNG(t, maxRemote)},
		"/svg":      {"image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
	})
	bobOnA.AvatarURL, bobOnA.HeaderURL = "http://"+other+"/page.png", "http://"+other+"/big.png"
	if err := a.store.SaveAccountProfile(ctx, bobOnA); err != nil {
		t.Fatal(err)
	}
	avatarURL, headerURL := a.svc.RemoteMedia().AccountImages(bobOnA)
	for _, u := range []string{avatarURL, headerURL} {
		if code, body := get(t, u, "image/*"); code != http.StatusBadGateway {
			t.Errorf("GET %s: %d %s, want 502", u, code, body)
		}
	}
	bobOnA.AvatarURL = "http://" + other + "/svg"
	if err := a.store.SaveAccountProfile(ctx, bobOnA); err != nil {
		t.Fatal(err)
	}
	avatarURL, _ = a.svc.RemoteMedia().AccountImages(bobOnA)
	if code, _ := get(t, avatarURL, "image/*"); code != http.StatusBadGateway {
		t.Errorf("SVG avatar: %d, want 502", code)
	}
	// A path whose hash does not match the account's URL names nothing.
	if code, _ := get(t, a.url("/media/proxy/avatar/"+itoa(bobOnA.ID)+"/000000000000000000000000"), "image/*"); code != http.StatusNotFound {
		t.Errorf("wrong hash: %d, want 404", code)
	}

	// Prune forgets what nobody asked for since: the avatar file goes.
	n, err := a.svc.RemoteMedia().Prune(ctx, -1)
	if err != nil || n < 2 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	if _, err := a.store.RemoteMediaByHash(ctx, sha256Hex(avatar.URL)); err == nil {
		t.Error("pruned avatar still cached")
	}
	if files, _ := filepath.Glob(filepath.Join(a.cfg.Storage.Path, "cache", "*", "*")); len(files) != 0 {
		t.Errorf("pruned files left: %v", files)
	}
}

// serveFiles serves fixed bodies on addr until the test ends and returns
// the address.
func serveFiles(t *testing.T, addr string, files map[string]struct {
	typ  string
	body []byte
}) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.typ)
		_, _ = w.Write(f.body)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// bigPNG is a valid PNG of more than n bytes (noise does not compress).
func bigPNG(t *testing.T, n int) []byte {
	t.Helper()
	side := 256
	for {
		img := image.NewNRGBA(image.Rect(0, 0, side, side))
		for i := range img.Pix {
			img.Pix[i] = byte(i*7919 + i/3*104729)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if buf.Len() > n {
			return buf.Bytes()
		}
		side *= 2
	}
}

func getJSON(t *testing.T, url string, into any) {
	t.Helper()
	code, body := get(t, url, "application/json")
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}
	if err := json.Unmarshal([]byte(body), into); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
