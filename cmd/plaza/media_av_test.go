package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
)

// avFixture makes a one-second test file with ffmpeg (testsrc picture,
// sine tone) carrying a metadata tag that must not survive the upload.
func avFixture(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg is required for the video and audio tests (apt-get install ffmpeg); .ci/run installs it")
	}
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command(ffmpeg, append(append([]string{"-nostdin", "-v", "error"}, args...),
		"-metadata", "comment=secret-gps-47.3", "-y", out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// mediaJSON is the part of a MediaAttachment the tests read.
type mediaJSON struct {
	ID         string  `json:"id"`
	Type       string  `json:"type"`
	URL        *string `json:"url"`
	PreviewURL *string `json:"preview_url"`
	Blurhash   *string `json:"blurhash"`
	Meta       struct {
		Original *struct {
			Width     int     `json:"width"`
			Height    int     `json:"height"`
			FrameRate string  `json:"frame_rate"`
			Duration  float64 `json:"duration"`
		} `json:"original"`
	} `json:"meta"`
}

func uploadAV(t *testing.T, in *instance, token, path string, file []byte) (int, mediaJSON, string) {
	t.Helper()
	body, ct := multipartForm(t, map[string]string{"description": "a test pattern"}, "file", file)
	status, out := sendRaw(t, in.host, "POST", path, bearer(token, "Content-Type", ct), body, int64(body.Len()))
	var m mediaJSON
	_ = json.Unmarshal([]byte(out), &m)
	return status, m, out
}

// fetchFile GETs a served media file and returns its bytes and type.
func fetchFile(t *testing.T, u string) ([]byte, string) {
	t.Helper()
	res, err := testClient.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, res.StatusCode)
	}
	return data, res.Header.Get("Content-Type")
}

// A video uploaded through /api/v2/media answers 202 at once and is
// processed in the background; GET /api/v1/media/:id then has the file,
// its size, frame rate and length and a thumbnail, without the upload's
// metadata. A post with it federates as a video Document, and the web UI
// shows a player.
func TestVideoUploadIsProcessedAndFederates(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	bob := b.createUser(t, "bob")
	if _, err := b.svc.Social().Follow(ctx, bob, b.resolve(t, "alice@"+a.host)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob follows alice", func() bool {
		inboxes, _ := a.store.FollowerInboxes(ctx, alice.ID)
		return len(inboxes) == 1
	})
	token := userToken(t, a, "alice")
	video := avFixture(t, "in.mp4", "-f", "lavfi", "-i", "testsrc=duration=1:size=320x240:rate=25",
		"-f", "lavfi", "-i", "sine=duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")

	status, m, out := uploadAV(t, a, token, "/api/v2/media", video)
	if status != http.StatusAccepted || m.ID == "" || m.URL != nil || m.Type != "video" {
		t.Fatalf("v2 upload: %d %s, want 202 with a null url and type video", status, out)
	}
	var got mediaJSON
	eventually(t, "the video processed", func() bool {
		st, body := apiJSON(t, a, token, "GET", "/api/v1/media/"+m.ID, nil)
		if st == http.StatusPartialContent {
			return false
		}
		if st != http.StatusOK {
			t.Fatalf("GET media: %d %s", st, body)
		}
		return json.Unmarshal(body, &got) == nil
	})
	o := got.Meta.Original
	if got.URL == nil || !strings.HasSuffix(*got.URL, ".mp4") || o == nil || o.Width != 320 || o.Height != 240 ||
		o.FrameRate != "25/1" || o.Duration < 0.9 || o.Duration > 1.2 || got.Blurhash == nil {
		t.Fatalf("processed video: %+v meta %+v", got, o)
	}
	served, ct := fetchFile(t, *got.URL)
	if ct != "video/mp4" || strings.Contains(string(served), "secret-gps") {
		t.Fatalf("served video: type %q, metadata kept: %v", ct, strings.Contains(string(served), "secret-gps"))
	}
	if got.PreviewURL == nil {
		t.Fatal("no thumbnail")
	}
	if _, ct := fetchFile(t, *got.PreviewURL); ct != "image/jpeg" {
		t.Fatalf("thumbnail type %q", ct)
	}

	st, body := apiJSON(t, a, token, "POST", "/api/v1/statuses", map[string]any{"status": "a clip", "media_ids": []string{m.ID}})
	if st != http.StatusOK {
		t.Fatalf("post: %d %s", st, body)
	}
	var posted struct {
		URI   string      `json:"uri"`
		Media []mediaJSON `json:"media_attachments"`
	}
	_ = json.Unmarshal(body, &posted)
	if len(posted.Media) != 1 || posted.Media[0].Type != "video" {
		t.Fatalf("posted: %s", body)
	}
	eventually(t, "the clip on B", func() bool {
		s, err := b.statusByURI(bob, posted.URI)
		return err == nil && s != nil
	})
	s, _ := b.statusByURI(bob, posted.URI)
	st, body = apiJSON(t, b, userToken(t, b, "bob"), "GET", "/api/v1/statuses/"+strconv.FormatInt(s.ID, 10), nil)
	var onB struct {
		Media []struct {
			Type      string `json:"type"`
			RemoteURL string `json:"remote_url"`
		} `json:"media_attachments"`
	}
	if _ = json.Unmarshal(body, &onB); st != http.StatusOK || len(onB.Media) != 1 || onB.Media[0].Type != "video" || onB.Media[0].RemoteURL != *got.URL {
		t.Fatalf("on B: %d %s", st, body)
	}

	browser := signInBrowser(t, a, "alice", "correct horse battery")
	res, err := browser.Get(a.url("/@alice"))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(page), `<video src="`+*got.URL+`"`) {
		t.Fatalf("profile page has no video player for %s", *got.URL)
	}
}

// A v1 upload processes before it answers: a WAV becomes an MP3 with its
// length. A video that is still processing is 206 with a null url, one
// that failed is 422, and neither can be attached to a post.
func TestAudioUploadAndProcessingStates(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	token := userToken(t, a, "alice")
	wav := avFixture(t, "in.wav", "-f", "lavfi", "-i", "sine=duration=1:frequency=440")
	status, m, out := uploadAV(t, a, token, "/api/v1/media", wav)
	if status != http.StatusOK || m.Type != "audio" || m.URL == nil || !strings.HasSuffix(*m.URL, ".mp3") ||
		m.Meta.Original == nil || m.Meta.Original.Duration < 0.9 {
		t.Fatalf("v1 audio upload: %d %s", status, out)
	}
	if _, ct := fetchFile(t, *m.URL); ct != "audio/mpeg" {
		t.Fatalf("served audio type %q", ct)
	}

	// Rows in the two unfinished states, held by a server so the
	// processor leaves them alone.
	now := time.Now()
	states := map[string]int64{models.MediaProcessing: a.store.NewID(), models.MediaProcessingFailed: a.store.NewID()}
	for state, id := range states {
		if err := a.store.CreateMediaAttachment(ctx, &models.MediaAttachment{ID: id, CreatedAt: now, AccountID: alice.ID,
			Type: "video", File: ".incoming-x", Processing: state, ProcessingAt: &now}); err != nil {
			t.Fatal(err)
		}
	}
	st, body := apiJSON(t, a, token, "GET", "/api/v1/media/"+strconv.FormatInt(states[models.MediaProcessing], 10), nil)
	var waiting mediaJSON
	if _ = json.Unmarshal(body, &waiting); st != http.StatusPartialContent || waiting.URL != nil {
		t.Fatalf("processing media: %d %s, want 206 with a null url", st, body)
	}
	st, body = apiJSON(t, a, token, "GET", "/api/v1/media/"+strconv.FormatInt(states[models.MediaProcessingFailed], 10), nil)
	if st != http.StatusUnprocessableEntity || !strings.Contains(jsonError(string(body)), "could not be processed") {
		t.Fatalf("failed media: %d %s", st, body)
	}
	for _, id := range states {
		st, body := apiJSON(t, a, token, "POST", "/api/v1/statuses", map[string]any{"status": "too early", "media_ids": []string{strconv.FormatInt(id, 10)}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(jsonError(string(body)), "not finished processing") {
			t.Fatalf("post with unfinished media: %d %s", st, body)
		}
	}
}

// Without ffmpeg, video and audio are refused with a sentence that says
// why, nothing is stored, images still work and the instance does not
// offer video types.
func TestVideoWithoutFFmpegIsRefusedClearly(t *testing.T) {
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), func(c *Config) { c.Storage.FFmpegPath, c.Storage.FFprobePath = "", "" })
	a.createUser(t, "alice")
	token := userToken(t, a, "alice")
	video := avFixture(t, "in.webm", "-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=10", "-c:v", "libvpx", "-b:v", "200k")
	for _, path := range []string{"/api/v1/media", "/api/v2/media"} {
		status, _, out := uploadAV(t, a, token, path, video)
		if status != http.StatusUnprocessableEntity || !strings.Contains(jsonError(out), "ffmpeg is not installed") {
			t.Fatalf("%s: %d %s, want 422 naming ffmpeg", path, status, out)
		}
	}
	if files := mediaFiles(t, a); len(files) != 0 {
		t.Fatalf("refused uploads left files: %v", files)
	}
	if status, _, out := uploadAV(t, a, token, "/api/v2/media", testPNG(t)); status != http.StatusOK {
		t.Fatalf("image upload: %d %s", status, out)
	}
	var inst struct {
		Configuration struct {
			Media struct {
				Types []string `json:"supported_mime_types"`
			} `json:"media_attachments"`
		} `json:"configuration"`
	}
	_, body := apiJSON(t, a, "", "GET", "/api/v2/instance", nil)
	if _ = json.Unmarshal(body, &inst); strings.Contains(strings.Join(inst.Configuration.Media.Types, ","), "video/") ||
		!strings.Contains(strings.Join(inst.Configuration.Media.Types, ","), "image/png") {
		t.Fatalf("supported types without ffmpeg: %v", inst.Configuration.Media.Types)
	}
	with := startInstance(t, "127.0.0.3")
	_, body = apiJSON(t, with, "", "GET", "/api/v2/instance", nil)
	if _ = json.Unmarshal(body, &inst); !strings.Contains(strings.Join(inst.Configuration.Media.Types, ","), "video/mp4") {
		t.Fatalf("supported types with ffmpeg: %v", inst.Configuration.Media.Types)
	}
}
