package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"
	"time"

	"golang.org/x/sync/semaphore"
)

// TestImageDecodesShareOneMemoryBudget: an upload decodes only once its
// estimated memory fits in what the decodes in flight leave of the budget;
// while the budget is taken it waits (and gives up with its request), and
// once memory is released it goes through.
func TestImageDecodesShareOneMemoryBudget(t *testing.T) {
	data := pngOf(t, 64, 64)
	s := &Service{decodes: semaphore.NewWeighted(decodeBudget)}
	if !s.decodes.TryAcquire(decodeBudget) {
		t.Fatal("budget not free at start")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.processImage(ctx, data); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("decode while the budget is taken: err = %v, want it to wait until its deadline", err)
	}
	s.decodes.Release(decodeBudget)
	img, err := s.processImage(context.Background(), data)
	if err != nil || img.width != 64 {
		t.Fatalf("decode with the budget free: %v, %+v", err, img)
	}
	// Everything it reserved was given back.
	if !s.decodes.TryAcquire(decodeBudget) {
		t.Fatal("a finished decode kept part of the budget")
	}
}

// TestImageCostFromHeaders: the reserved cost grows with the pixels the
// headers announce, and an animation is charged for all of its frames.
func TestImageCostFromHeaders(t *testing.T) {
	small, large := pngOf(t, 10, 10), pngOf(t, 100, 100)
	cs, err := checkImageSize(imageCodecs["image/png"], "image/png", small)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := checkImageSize(imageCodecs["image/png"], "image/png", large)
	if err != nil {
		t.Fatal(err)
	}
	if cs != 100*stillBytesPerPixel || cl != 10000*stillBytesPerPixel {
		t.Fatalf("costs %d and %d, want %d and %d", cs, cl, 100*stillBytesPerPixel, 10000*stillBytesPerPixel)
	}
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
