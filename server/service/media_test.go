package service_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/media"
	"plaza/server/service/social"
)

// testImage is a w×h gradient, so scaling and encoding have work to do.
func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	return img
}

// jpegWithExif is a JPEG carrying an APP1 Exif segment (with a GPS-ish
// marker string) right after SOI, as cameras write it.
func jpegWithExif(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), []byte("GPSLatitude=48.8584;SecretCamera")...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	seg = append(seg, payload...)
	data := buf.Bytes()
	out := append([]byte{}, data[:2]...) // SOI
	out = append(out, seg...)
	return append(out, data[2:]...)
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploadMedia(t *testing.T) {
	w := newWorld(t)
	cfg := media.MediaConfig{Dir: t.TempDir(), MaxBytes: 4 << 20}

	t.Run("jpeg loses its exif", func(t *testing.T) {
		data := jpegWithExif(t, 800, 600)
		if !bytes.Contains(data, []byte("Exif")) {
			t.Fatal("fixture has no Exif")
		}
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			t.Fatalf("fixture does not decode: %v", err)
		}
		m, err := w.svc.Media().UploadMedia(w.ctx, cfg, w.alice, bytes.NewReader(data), "holiday.jpg", "the sea", "0.5,-0.25")
		if err != nil {
			t.Fatal(err)
		}
		stored, err := os.ReadFile(filepath.Join(cfg.Dir, m.File))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(stored, []byte("Exif")) || bytes.Contains(stored, []byte("GPSLatitude")) {
			t.Fatal("stored file still carries metadata")
		}
		got, err := jpeg.DecodeConfig(bytes.NewReader(stored))
		if err != nil || got.Width != 800 || got.Height != 600 {
			t.Fatalf("stored image %+v, %v", got, err)
		}
		thumb, err := os.ReadFile(filepath.Join(cfg.Dir, m.PreviewFile))
		if err != nil {
			t.Fatal(err)
		}
		tc, err := jpeg.DecodeConfig(bytes.NewReader(thumb))
		if err != nil || tc.Width != 400 || tc.Height != 300 {
			t.Fatalf("thumbnail %+v, %v", tc, err)
		}
		if m.Type != "image" || m.MimeType != "image/jpeg" || m.Width != 800 || m.Height != 600 || m.Blurhash == "" ||
			m.Description != "the sea" || m.FocusX != 0.5 || m.FocusY != -0.25 || m.StatusID != nil {
			t.Fatalf("row %+v", m)
		}
		if !strings.HasPrefix(m.URL, "https://plaza.test/media/") || !strings.HasSuffix(m.URL, ".jpg") || m.PreviewURL == "" ||
			strings.Contains(m.File, "holiday") {
			t.Fatalf("urls %q %q file %q", m.URL, m.PreviewURL, m.File)
		}
		again, err := w.svc.Media().MediaByID(w.ctx, w.alice, m.ID)
		if err != nil || again.Blurhash != m.Blurhash {
			t.Fatalf("MediaByID: %v", err)
		}
		if _, err := w.svc.Media().MediaByID(w.ctx, w.bob, m.ID); !errors.Is(err, core.ErrNotFound) {
			t.Fatalf("someone else's media: %v", err)
		}
	})

	t.Run("png", func(t *testing.T) {
		m, err := w.svc.Media().UploadMedia(w.ctx, cfg, w.alice, bytes.NewReader(pngBytes(t, 120, 300)), "a.png", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if m.MimeType != "image/png" || !strings.HasSuffix(m.File, ".png") || m.Width != 120 || m.Height != 300 {
			t.Fatalf("row %+v", m)
		}
	})

	t.Run("animated gif kept", func(t *testing.T) {
		pal := color.Palette{color.Black, color.White}
		g := &gif.GIF{}
		for range 2 {
			g.Image = append(g.Image, image.NewPaletted(image.Rect(0, 0, 10, 10), pal))
			g.Delay = append(g.Delay, 10)
		}
		var buf bytes.Buffer
		if err := gif.EncodeAll(&buf, g); err != nil {
			t.Fatal(err)
		}
		m, err := w.svc.Media().UploadMedia(w.ctx, cfg, w.alice, bytes.NewReader(buf.Bytes()), "a.gif", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if m.MimeType != "image/gif" || m.Width != 10 {
			t.Fatalf("row %+v", m)
		}
	})

	bad := []struct {
		name  string
		data  []byte
		focus string
		desc  string
	}{
		{"text file", []byte("hello, this is not an image at all\n"), "", ""},
		{"truncated jpeg", jpegWithExif(t, 64, 64)[:200], "", ""},
		{"too large", bytes.Repeat([]byte{0xFF}, int(cfg.MaxBytes)+10), "", ""},
		{"bad focus", pngBytes(t, 8, 8), "2,0", ""},
		{"long description", pngBytes(t, 8, 8), "", strings.Repeat("a", 1501)},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadDir(cfg.Dir)
			_, err := w.svc.Media().UploadMedia(w.ctx, cfg, w.alice, bytes.NewReader(tc.data), "x", tc.desc, tc.focus)
			if !errors.Is(err, core.ErrValidation) {
				t.Fatalf("err = %v, want ErrValidation", err)
			}
			after, _ := os.ReadDir(cfg.Dir)
			if len(after) != len(before) {
				t.Fatal("a rejected upload left files behind")
			}
		})
	}

	t.Run("too many pixels", func(t *testing.T) {
		// A PNG header claiming 10000×5000 is refused before decoding.
		var buf bytes.Buffer
		img := image.NewGray(image.Rect(0, 0, 10000, 5000))
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		big := media.MediaConfig{Dir: cfg.Dir, MaxBytes: 64 << 20}
		if _, err := w.svc.Media().UploadMedia(w.ctx, big, w.alice, &buf, "x.png", "", ""); !errors.Is(err, core.ErrValidation) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestUpdateMediaAndAttach(t *testing.T) {
	w := newWorld(t)
	cfg := media.MediaConfig{Dir: t.TempDir(), MaxBytes: 4 << 20}
	m, err := w.svc.Media().UploadMedia(w.ctx, cfg, w.alice, bytes.NewReader(pngBytes(t, 16, 16)), "a.png", "", "")
	if err != nil {
		t.Fatal(err)
	}
	desc, focus := "a square", "-1,1"
	if _, err := w.svc.Media().UpdateMedia(w.ctx, w.bob, m.ID, &desc, nil); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("bob updates alice's media: %v", err)
	}
	if _, err := w.svc.Media().UpdateMedia(w.ctx, w.alice, m.ID, &desc, &focus); err != nil {
		t.Fatal(err)
	}
	got, err := w.svc.Media().MediaByID(w.ctx, w.alice, m.ID)
	if err != nil || got.Description != desc || got.FocusX != -1 || got.FocusY != 1 {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := w.svc.Social().CreateStatus(w.ctx, w.bob, social.CreateStatusInput{MediaIDs: []int64{m.ID}}); !errors.Is(err, core.ErrValidation) {
		t.Fatalf("bob attaches alice's media: %v", err)
	}
	st := w.post(w.alice, social.CreateStatusInput{MediaIDs: []int64{m.ID}})
	got, err = w.svc.Media().MediaByID(w.ctx, w.alice, m.ID)
	if err != nil || got.StatusID == nil || *got.StatusID != st.ID {
		t.Fatalf("not attached: %+v %v", got, err)
	}
}

// nextEvent waits for the first event matching ok.
func nextEvent(t *testing.T, ch <-chan core.Event, ok func(core.Event) bool) core.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-ch:
			if ok(ev) {
				return ev
			}
		case <-deadline:
			t.Fatal("no matching event")
		}
	}
}

func TestStreamEvents(t *testing.T) {
	w := newWorld(t)
	w.accepts(w.carol, w.alice) // her DM is no message request
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	ch, err := w.svc.Core().Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Social().Follow(w.ctx, w.bob, w.alice); err != nil {
		t.Fatal(err)
	}
	pub := w.post(w.alice, social.CreateStatusInput{Text: "hello #Fediverse @carol"})
	ev := nextEvent(t, ch, func(ev core.Event) bool { return ev.Kind == core.EventStatus && ev.ID == pub.ID })

	targets := func(viewer *models.Account, ev core.Event) []string {
		t.Helper()
		streams, _, err := w.svc.Social().StreamTargets(w.ctx, viewer, ev, nil)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(streams)
		return streams
	}
	want := []string{"hashtag:fediverse", "hashtag:local:fediverse", "public", "public:local", "user"}
	if got := targets(w.bob, ev); !slices.Equal(got, want) {
		t.Fatalf("follower: %v, want %v", got, want)
	}
	if got := targets(w.carol, ev); slices.Contains(got, "user") || !slices.Contains(got, "public") {
		t.Fatalf("non-follower: %v", got)
	}
	if got := targets(nil, ev); slices.Contains(got, "user") || !slices.Contains(got, "public:local") {
		t.Fatalf("anonymous: %v", got)
	}

	nev := nextEvent(t, ch, func(ev core.Event) bool { return ev.Kind == core.EventNotification && ev.AccountID == w.carol.ID })
	nv, err := w.svc.Social().NotificationByID(w.ctx, w.carol, nev.ID)
	if err != nil || nv.Notification.Type != models.NotifyMention || nv.Status == nil || nv.Status.ID != pub.ID {
		t.Fatalf("notification view %+v %v", nv, err)
	}
	if _, err := w.svc.Social().NotificationByID(w.ctx, w.bob, nev.ID); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("someone else's notification: %v", err)
	}

	dm := w.post(w.alice, social.CreateStatusInput{Text: "psst @carol", Visibility: models.VisibilityDirect})
	dev := nextEvent(t, ch, func(ev core.Event) bool { return ev.Kind == core.EventStatus && ev.ID == dm.ID })
	if got := targets(w.carol, dev); !slices.Equal(got, []string{"direct"}) {
		t.Fatalf("dm, participant: %v", got)
	}
	if got := targets(w.bob, dev); len(got) != 0 {
		t.Fatalf("dm, follower outside it: %v", got)
	}
	cev := nextEvent(t, ch, func(ev core.Event) bool { return ev.Kind == core.EventConversation && ev.AccountID == w.carol.ID })
	cv, err := w.svc.Messaging().ConversationByID(w.ctx, w.carol, cev.ID)
	if err != nil || cv.LastStatus == nil || cv.LastStatus.ID != dm.ID || len(cv.Accounts) != 1 || cv.Accounts[0].ID != w.alice.ID {
		t.Fatalf("conversation view %+v %v", cv, err)
	}

	if _, err := w.svc.Social().DeleteStatus(w.ctx, w.alice, pub.ID); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, ch, func(ev core.Event) bool { return ev.Kind == core.EventDelete && ev.ID == pub.ID })
	if got := targets(w.bob, ev); len(got) != 0 {
		t.Fatalf("deleted status still streams: %v", got)
	}
}
