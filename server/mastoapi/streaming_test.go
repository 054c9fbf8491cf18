package mastoapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/server/mastoapi"
	"plaza/server/service"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// smInstance is one Plaza client API over a fresh database.
type smInstance struct {
	srv   *httptest.Server
	svc   *service.Service
	alice *models.Account
	token string
	media string
}

func smStart(t *testing.T) *smInstance {
	t.Helper()
	gin.SetMode(gin.TestMode)
	st := storetest.Open(t)
	svc := service.New(core.Config{Host: "plaza.test", Protocol: "https"}, core.Deps{Store: st})
	ctx := context.Background()
	alice, err := svc.Accounts().CreateUser(ctx, accounts.CreateUserInput{Username: "alice", Email: "alice@example.com", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	token, err := svc.Accounts().CreateToken(ctx, "alice", "read write")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	h := mastoapi.New(mastoapi.Config{MediaPath: dir, MaxUploadBytes: 1 << 20}, svc, nil, slog.New(slog.DiscardHandler))
	r := gin.New()
	h.Mount(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &smInstance{srv: srv, svc: svc, alice: alice, token: token, media: dir}
}

func smPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (in *smInstance) upload(t *testing.T, path string, file []byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "pic.png")
	_, _ = fw.Write(file)
	_ = mw.WriteField("description", "grey")
	_ = mw.WriteField("focus", "0.1,0.2")
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, in.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+in.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestMediaUploadAndServe(t *testing.T) {
	in := smStart(t)
	res := in.upload(t, "/api/v2/media", smPNG(t, 800, 200))
	var m struct {
		ID          string  `json:"id"`
		Type        string  `json:"type"`
		URL         string  `json:"url"`
		PreviewURL  string  `json:"preview_url"`
		RemoteURL   *string `json:"remote_url"`
		Description string  `json:"description"`
		Blurhash    string  `json:"blurhash"`
		Meta        struct {
			Original struct{ Width, Height int } `json:"original"`
			Small    struct {
				Width, Height int
				Size          string `json:"size"`
			} `json:"small"`
			Focus struct{ X, Y float64 } `json:"focus"`
		} `json:"meta"`
	}
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %v", res.StatusCode, err)
	}
	res.Body.Close()
	if m.Type != "image" || m.Meta.Original.Width != 800 || m.Meta.Small.Size != "400x100" || m.Meta.Focus.X != 0.1 ||
		m.Description != "grey" || m.Blurhash == "" || m.RemoteURL != nil {
		t.Fatalf("entity %+v", m)
	}
	file := m.URL[strings.Index(m.URL, "/media/"):]
	res, err := http.Get(in.srv.URL + file)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(res.Header.Get("Cache-Control"), "immutable") || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("serve: %d %v", res.StatusCode, res.Header)
	}
	for _, p := range []string{"/media/", "/media/..%2f..%2fetc%2fpasswd", "/media/../../etc/passwd", "/media/nope.png"} {
		res, err := http.Get(in.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMovedPermanently {
			t.Fatalf("%s: %d", p, res.StatusCode)
		}
	}
	if res := in.upload(t, "/api/v1/media", bytes.Repeat([]byte{1}, 2<<20)); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("too large: %d", res.StatusCode)
	}
	if res := in.upload(t, "/api/v1/media", []byte("plain text")); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("text: %d", res.StatusCode)
	}
}

func TestStreamingWebSocketAndSSE(t *testing.T) {
	in := smStart(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	res, err := http.Get(in.srv.URL + "/api/v1/streaming/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != "OK" {
		t.Fatalf("health: %q", body)
	}

	// The token travels as the subprotocol, as browsers send it.
	wsURL := "ws" + strings.TrimPrefix(in.srv.URL, "http") + "/api/v1/streaming"
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{in.token}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if err := conn.Write(ctx, websocket.MessageText, []byte(`{"type":"subscribe","stream":"user"}`)); err != nil {
		t.Fatal(err)
	}
	if err := conn.Write(ctx, websocket.MessageText, []byte(`{"type":"subscribe","stream":"hashtag","tag":"Plaza"}`)); err != nil {
		t.Fatal(err)
	}

	sseReq, _ := http.NewRequestWithContext(ctx, http.MethodGet, in.srv.URL+"/api/v1/streaming/public/local", nil)
	sseRes, err := http.DefaultClient.Do(sseReq)
	if err != nil || sseRes.StatusCode != 200 {
		t.Fatalf("sse: %v", err)
	}
	defer sseRes.Body.Close()
	lines := bufio.NewReader(sseRes.Body)
	if l, _ := lines.ReadString('\n'); l != ":)\n" {
		t.Fatalf("sse greeting %q", l)
	}

	// A read that times out closes a coder/websocket connection, so one
	// reader feeds a channel.
	type wsMsg struct {
		Stream  []string `json:"stream"`
		Event   string   `json:"event"`
		Payload string   `json:"payload"`
	}
	msgs := make(chan wsMsg, 64)
	go func() {
		defer close(msgs)
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				return
			}
			var m wsMsg
			if json.Unmarshal(data, &m) == nil {
				msgs <- m
			}
		}
	}()

	// Subscriptions are handled asynchronously: post until they match.
	var st *models.Status
	got := map[string]bool{}
	for attempt := 0; len(got) < 2 && attempt < 20; attempt++ {
		st, err = in.svc.Social().CreateStatus(ctx, in.alice, social.CreateStatusInput{Text: "hello #plaza"})
		if err != nil {
			t.Fatal(err)
		}
		timeout := time.After(500 * time.Millisecond)
	read:
		for {
			select {
			case m := <-msgs:
				var entity struct{ ID string }
				if m.Event != "update" || json.Unmarshal([]byte(m.Payload), &entity) != nil || entity.ID == "" {
					t.Fatalf("message %+v", m)
				}
				got[strings.Join(m.Stream, ",")] = true
			case <-timeout:
				break read
			}
		}
	}
	if !got["user"] || !got["hashtag,plaza"] {
		t.Fatalf("websocket streams %v", got)
	}
	for {
		l, err := lines.ReadString('\n')
		if err != nil {
			t.Fatalf("sse: %v", err)
		}
		if l == "event: update\n" {
			data, _ := lines.ReadString('\n')
			if !strings.HasPrefix(data, `data: {"id":"`) {
				t.Fatalf("sse data %q", data)
			}
			break
		}
	}
	if _, err := in.svc.Social().DeleteStatus(ctx, in.alice, st.ID); err != nil {
		t.Fatal(err)
	}
	deleted := false
	for m := range msgs {
		if m.Event == "delete" && m.Payload == idString(st.ID) {
			deleted = true
			break
		}
	}
	if !deleted {
		t.Fatal("no delete event")
	}

	// Anonymous clients get public streams but not the user stream.
	res, err = http.Get(in.srv.URL + "/api/v1/streaming/user")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous user stream: %d", res.StatusCode)
	}
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
