package web_test

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// upload submits the emoji form (multipart, with the page's CSRF token)
// and returns the status and, for a redirect, its Location, else the page.
func (b *browser) uploadEmoji(shortcode string, file []byte) (int, string) {
	b.s.t.Helper()
	_, page := b.get("/admin/emoji")
	m := tokenPattern.FindStringSubmatch(page)
	if m == nil {
		b.s.t.Fatal("no form token on /admin/emoji")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("authenticity_token", m[1])
	_ = mw.WriteField("shortcode", shortcode)
	if file != nil {
		fw, _ := mw.CreateFormFile("image", "emoji.png")
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	resp, err := b.c.Post(b.s.srv.URL+"/admin/emoji", mw.FormDataContentType(), &body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusSeeOther {
		return resp.StatusCode, resp.Header.Get("Location")
	}
	return resp.StatusCode, string(out)
}

func smallPNG(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 16, 16))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An admin adds an emoji on the admin page and removes it there; a bad
// shortcode or a missing image is said beside the form; others cannot.
func TestAdminEmojiPage(t *testing.T) {
	s := newSite(t)
	s.user("root", true)
	s.user("bob", false)
	root := s.signIn("root")
	if status, loc := root.uploadEmoji("blobcat", smallPNG(t)); status != http.StatusSeeOther || loc != "/admin/emoji?notice=added" {
		t.Fatalf("add: %d %s", status, loc)
	}
	if _, page := root.get("/admin/emoji"); !strings.Contains(page, `id="emoji-blobcat"`) || !strings.Contains(page, `src="http://plaza.test/media/emoji_`) {
		t.Fatal("the admin page does not list :blobcat:")
	}
	for _, bad := range []struct {
		code string
		file []byte
		want string
	}{{"b", smallPNG(t), "2 to 64 letters"}, {"blobcat", smallPNG(t), "is taken"}, {"nofile", nil, "Choose the emoji"}, {"text", []byte("hello"), "PNG, GIF or WebP"}} {
		if status, page := root.uploadEmoji(bad.code, bad.file); status < 400 || status >= 500 || !strings.Contains(page, bad.want) {
			t.Errorf("%q: %d, want a 4xx form saying %q: %s", bad.code, status, bad.want, formError(page))
		}
	}
	bob := s.signIn("bob")
	if status, _ := bob.get("/admin/emoji"); status != http.StatusForbidden {
		t.Fatalf("bob GET /admin/emoji: %d", status)
	}
	if status, _ := bob.post("/home", "/admin/emoji/blobcat/delete", url.Values{}); status != http.StatusForbidden {
		t.Fatalf("bob removes :blobcat:: %d", status)
	}
	if status, loc := root.post("/admin/emoji", "/admin/emoji/blobcat/delete", url.Values{}); status != http.StatusSeeOther || loc != "/admin/emoji?notice=removed" {
		t.Fatalf("remove: %d %s", status, loc)
	}
	if _, page := root.get("/admin/emoji"); strings.Contains(page, `id="emoji-blobcat"`) {
		t.Fatal(":blobcat: is still listed")
	}
}

// formError is the error line of a re-shown form.
func formError(page string) string {
	_, rest, _ := strings.Cut(page, `id="form-error">`)
	msg, _, _ := strings.Cut(rest, "<")
	return msg
}
