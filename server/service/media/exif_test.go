package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"golang.org/x/sync/semaphore"
)

// jpegWithOrientation is a 32×24 JPEG, red in its bottom-left quarter and
// blue elsewhere, carrying EXIF Orientation o (byte order bo) as a phone
// writes it.
func jpegWithOrientation(t *testing.T, o uint16, bo binary.ByteOrder) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for y := range 24 {
		for x := range 32 {
			c := color.RGBA{0, 0, 255, 255}
			if x < 16 && y >= 12 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)       // one entry
	bo.PutUint16(tiff[10:], 0x0112) // Orientation
	bo.PutUint16(tiff[12:], 3)      // SHORT
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], o)
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	data := enc.Bytes()
	out := append([]byte{}, data[:2]...)
	out = append(out, seg...)
	out = append(out, app1...)
	return append(out, data[2:]...)
}

// TestUploadsTurnedUpright: a phone photo's EXIF orientation is applied
// before the re-encoding drops it: 6 (turn right) and 8 (turn left) swap
// width and height and move the red corner where the viewer saw it; 3
// turns it over; no tag leaves the image as it is.
func TestUploadsTurnedUpright(t *testing.T) {
	s := &Service{decodes: semaphore.NewWeighted(decodeBudget)}
	red := func(c color.Color) bool { r, g, b, _ := c.RGBA(); return r > 0xC000 && g < 0x4000 && b < 0x4000 }
	for _, tc := range []struct {
		o      uint16
		bo     binary.ByteOrder
		w, h   int
		redAtX int // red at (redAtX, redAtY) after turning
		redAtY int
	}{
		{1, binary.BigEndian, 32, 24, 2, 21},
		{3, binary.LittleEndian, 32, 24, 29, 2},
		{6, binary.BigEndian, 24, 32, 2, 2},
		{8, binary.LittleEndian, 24, 32, 21, 29},
	} {
		data := jpegWithOrientation(t, tc.o, tc.bo)
		if got := jpegOrientation(data); got != int(tc.o) {
			t.Fatalf("orientation %d read as %d", tc.o, got)
		}
		p, err := s.processImage(context.Background(), data)
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(p.data))
		if err != nil {
			t.Fatal(err)
		}
		if p.width != tc.w || p.height != tc.h || img.Bounds().Dx() != tc.w {
			t.Errorf("orientation %d: %dx%d, want %dx%d", tc.o, p.width, p.height, tc.w, tc.h)
		}
		if !red(img.At(tc.redAtX, tc.redAtY)) {
			t.Errorf("orientation %d: no red at (%d,%d): %v", tc.o, tc.redAtX, tc.redAtY, img.At(tc.redAtX, tc.redAtY))
		}
		if jpegOrientation(p.data) != 1 {
			t.Errorf("orientation %d: the stored file still carries an orientation", tc.o)
		}
	}
}
