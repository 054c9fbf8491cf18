package main

import (
	"bufio"
	"bytes"
	"compress/lzw"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// gifBomb is an animated GIF of frames full-canvas frames of w×h pixels of
// one colour: a few kilobytes a frame on disk (LZW packs a run of one
// colour well), w×h bytes a frame once decoded.
func gifBomb(t *testing.T, w, h, frames int) []byte {
	t.Helper()
	var packed bytes.Buffer
	zw := lzw.NewWriter(&packed, lzw.LSB, 2)
	zeros := make([]byte, 64<<10)
	for n := w * h; n > 0; n -= len(zeros) {
		if _, err := zw.Write(zeros[:min(n, len(zeros))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var frame bytes.Buffer
	frame.WriteByte(0x2C) // image descriptor: the whole canvas, no local colour table
	_ = binary.Write(&frame, binary.LittleEndian, [4]uint16{0, 0, uint16(w), uint16(h)})
	frame.Write([]byte{0, 2}) // fields, LZW minimum code size
	for b := packed.Bytes(); len(b) > 0; b = b[min(len(b), 255):] {
		frame.WriteByte(byte(min(len(b), 255)))
		frame.Write(b[:min(len(b), 255)])
	}
	frame.WriteByte(0)
	var out bytes.Buffer
	out.WriteString("GIF89a")
	_ = binary.Write(&out, binary.LittleEndian, [2]uint16{uint16(w), uint16(h)})
	out.Write([]byte{0x80, 0, 0, 0, 0, 0, 255, 255, 255}) // a global colour table: black, white
	out.Write(bytes.Repeat(frame.Bytes(), frames))
	out.WriteByte(0x3B)
	return out.Bytes()
}

// pngHeaderClaiming is a 1×1 PNG whose header (checksum fixed) claims w×h.
func pngHeaderClaiming(t *testing.T, w, h uint32) []byte {
	t.Helper()
	data := testPNG(t)
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

// multipartForm encodes fields and one file as multipart/form-data.
func multipartForm(t *testing.T, fields map[string]string, fileField string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, "image.gif")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(file)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &body, mw.FormDataContentType()
}

// sendRaw sends one request on a connection of its own and reads the
// answer while the body is still being sent, as a server that refuses a
// body early answers before the client has finished. size < 0 sends the
// body chunked, without a Content-Length.
func sendRaw(t *testing.T, addr, method, path string, header http.Header, body io.Reader, size int64) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+addr+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header.Clone()
	req.ContentLength = max(size, 0) // 0 with a body: Write sends it chunked
	req.Close = true
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Minute))
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		_ = req.Write(conn) // fails once the server closes; the answer is what counts
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("%s %s: no answer: %v", method, path, err)
	}
	out, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	conn.Close()
	<-sent
	return res.StatusCode, string(out)
}

// jsonFiller is a JSON status of n bytes made on the fly: the test never
// holds it.
func jsonFiller(n int64) io.Reader {
	head := `{"status":"`
	return io.MultiReader(strings.NewReader(head), io.LimitReader(repeatByte('a'), n-int64(len(head))-2), strings.NewReader(`"}`))
}

// repeatByte is an endless stream of one byte.
type repeatByte byte

func (b repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// jsonError is the "error" of a Mastodon-style error body, "" if none.
func jsonError(body string) string {
	var e struct{ Error string }
	_ = json.Unmarshal([]byte(body), &e)
	return e.Error
}

func bearer(token string, kv ...string) http.Header {
	h := http.Header{"Authorization": {"Bearer " + token}}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// mediaFiles lists what the instance stored in its media directory.
func mediaFiles(t *testing.T, in *instance) []string {
	t.Helper()
	entries, err := os.ReadDir(in.cfg.Storage.Path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestUploadBombsAreRefused: an image whose decoding would take more
// memory than the limits allow — an animated GIF whose frames together
// decode to 320 million pixels, a PNG header claiming 100000×100000 — is
// refused with 422 and {"error": …} on every upload path (media v1 and v2,
// avatar and header, the web UI's profile form), and nothing is stored.
func TestUploadBombsAreRefused(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	token, err := a.svc.Accounts().CreateToken(ctx, "alice", "read write")
	if err != nil {
		t.Fatal(err)
	}
	bomb := gifBomb(t, 4000, 4000, 20)
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes, want a small file", len(bomb))
	}
	giant := pngHeaderClaiming(t, 100000, 100000)
	cases := []struct {
		name, method, path, field, want string
		file                            []byte
	}{
		{"media v2", "POST", "/api/v2/media", "file", "over all frames", bomb},
		{"media v1", "POST", "/api/v1/media", "file", "over all frames", bomb},
		{"media v2, png header", "POST", "/api/v2/media", "file", "100000x100000 images are not supported", giant},
		{"avatar", "PATCH", "/api/v1/accounts/update_credentials", "avatar", "over all frames", bomb},
		{"header", "PATCH", "/api/v1/accounts/update_credentials", "header", "100000x100000 images are not supported", giant},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := multipartForm(t, map[string]string{"description": "boom"}, tc.field, tc.file)
			status, out := sendRaw(t, a.host, tc.method, tc.path, bearer(token, "Content-Type", ct), body, int64(body.Len()))
			if status != http.StatusUnprocessableEntity || !strings.Contains(jsonError(out), tc.want) {
				t.Fatalf("%d %s, want 422 saying %q", status, out, tc.want)
			}
		})
	}

	t.Run("web profile form", func(t *testing.T) {
		browser := signInBrowser(t, a, "alice", "correct horse battery")
		csrf := formToken(t, browser, a.url("/settings/profile"))
		body, ct := multipartForm(t, map[string]string{"authenticity_token": csrf, "display_name": "Boom"}, "avatar", bomb)
		req, _ := http.NewRequest("POST", a.url("/settings/profile"), body)
		req.Header.Set("Content-Type", ct)
		res, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(page), "over all frames") {
			t.Fatalf("%d %s", res.StatusCode, page)
		}
	})

	if files := mediaFiles(t, a); len(files) != 0 {
		t.Fatalf("refused uploads left files: %v", files)
	}
	after, err := a.store.AccountByID(ctx, alice.ID)
	if err != nil || after.AvatarURL != alice.AvatarURL || after.HeaderURL != alice.HeaderURL || after.DisplayName != alice.DisplayName {
		t.Fatalf("the profile changed: %+v %v", after, err)
	}
}

// formToken is the CSRF field of the form on page.
func formToken(t *testing.T, browser *http.Client, page string) string {
	t.Helper()
	res, err := browser.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="authenticity_token" value="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field on %s: %d %s", page, res.StatusCode, body)
	}
	return string(m[1])
}

// TestRequestBodiesAreBounded: a client API body over 1 MiB is refused with
// 413 and {"error": …}, whether it declares its length or comes chunked,
// and publishes nothing; an inbox body over federation.inbox_max_body_bytes
// sent chunked is refused too.
func TestRequestBodiesAreBounded(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	token, err := a.svc.Accounts().CreateToken(ctx, "alice", "read write")
	if err != nil {
		t.Fatal(err)
	}
	const twoMiB = 2 << 20
	form := "status=" + strings.Repeat("a", twoMiB)
	cases := []struct {
		name, path, contentType string
		body                    func() io.Reader
		size                    int64
	}{
		{"json status of 2 MiB", "/api/v1/statuses", "application/json", func() io.Reader { return jsonFiller(twoMiB) }, twoMiB},
		{"chunked json status of 2 MiB", "/api/v1/statuses", "application/json", func() io.Reader { return jsonFiller(twoMiB) }, -1},
		{"chunked form status of 2 MiB", "/api/v1/statuses", "application/x-www-form-urlencoded", func() io.Reader { return strings.NewReader(form) }, -1},
		{"chunked inbox body of 2 MiB", "/users/alice/inbox", "application/activity+json", func() io.Reader { return jsonFiller(twoMiB) }, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, out := sendRaw(t, a.host, "POST", tc.path, bearer(token, "Content-Type", tc.contentType), tc.body(), tc.size)
			if status != http.StatusRequestEntityTooLarge || !strings.Contains(jsonError(out), "too large") {
				t.Fatalf("%d %s, want 413 with an error", status, out)
			}
		})
	}
	if n, err := a.store.CountLocalStatuses(ctx); err != nil || n != 0 {
		t.Fatalf("%d statuses published, %v", n, err)
	}
	if n, _ := a.store.CountInboxActivities(ctx, ""); n != 0 {
		t.Fatalf("%d activities stored", n)
	}
	// A status of ordinary size still goes through.
	status, out := sendRaw(t, a.host, "POST", "/api/v1/statuses", bearer(token, "Content-Type", "application/json"), strings.NewReader(`{"status":"hello"}`), -1)
	if status != http.StatusOK {
		t.Fatalf("an ordinary status: %d %s", status, out)
	}
}

// TestWrongContentTypeIs4xx: a body of a type an endpoint does not read is
// answered 415 (400 for a broken form), never 500; a form without files
// may come urlencoded to the web forms that also take uploads.
func TestWrongContentTypeIs4xx(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	token, err := a.svc.Accounts().CreateToken(ctx, "alice", "read write")
	if err != nil {
		t.Fatal(err)
	}
	api := []struct {
		name, path, contentType, body string
		want                          int
	}{
		{"status as XML", "/api/v1/statuses", "text/xml", "<status>hello</status>", http.StatusUnsupportedMediaType},
		{"status as a broken multipart form", "/api/v1/statuses", "multipart/form-data; boundary=nope", "--other\r\n\r\nx", http.StatusBadRequest},
		{"media as JSON", "/api/v2/media", "application/json", `{"file":"aGVsbG8="}`, http.StatusUnsupportedMediaType},
	}
	for _, tc := range api {
		t.Run(tc.name, func(t *testing.T) {
			status, out := sendRaw(t, a.host, "POST", tc.path, bearer(token, "Content-Type", tc.contentType), strings.NewReader(tc.body), int64(len(tc.body)))
			if status != tc.want || jsonError(out) == "" {
				t.Fatalf("%d %s, want %d with an error", status, out, tc.want)
			}
		})
	}

	browser := signInBrowser(t, a, "alice", "correct horse battery")
	postForm := func(page, action string, form url.Values, contentType string) (int, string) {
		t.Helper()
		form.Set("authenticity_token", formToken(t, browser, a.url(page)))
		req, _ := http.NewRequest("POST", a.url(action), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", contentType)
		res, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, string(body)
	}
	t.Run("profile form urlencoded", func(t *testing.T) {
		status, page := postForm("/settings/profile", "/settings/profile", url.Values{"display_name": {"Alice A."}, "note": {"hi"}}, "application/x-www-form-urlencoded")
		if status != http.StatusOK || !strings.Contains(page, "Alice A.") {
			t.Fatalf("%d %s", status, page)
		}
		if got, err := a.store.AccountByID(ctx, alice.ID); err != nil || got.DisplayName != "Alice A." {
			t.Fatalf("display name not saved: %+v %v", got, err)
		}
	})
	t.Run("compose form urlencoded", func(t *testing.T) {
		status, page := postForm("/compose", "/statuses", url.Values{"status": {"posted without multipart"}, "visibility": {"public"}}, "application/x-www-form-urlencoded")
		if status != http.StatusOK || !strings.Contains(page, "posted without multipart") {
			t.Fatalf("%d %s", status, page)
		}
	})
	t.Run("profile form as XML", func(t *testing.T) {
		status, page := postForm("/settings/profile", "/settings/profile", url.Values{"display_name": {"X"}}, "text/xml")
		if status != http.StatusUnsupportedMediaType {
			t.Fatalf("%d %s", status, page)
		}
	})
}
