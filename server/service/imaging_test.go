package service_test

import (
	"bytes"
	"compress/lzw"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image/jpeg"
	"os"
	"strings"
	"testing"

	"plaza/server/service/core"
	"plaza/server/service/media"
)

// bombGIF is an animated GIF of frames full-canvas frames of w×h pixels,
// all of colour 0. LZW packs a run of one colour so well that the file is
// a few kilobytes a frame, while decoding it takes w×h bytes a frame.
func bombGIF(t *testing.T, w, h, frames int) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("GIF89a")
	_ = binary.Write(&out, binary.LittleEndian, [2]uint16{uint16(w), uint16(h)})
	out.Write([]byte{0x80, 0, 0})             // global colour table of 2 entries
	out.Write([]byte{0, 0, 0, 255, 255, 255}) // black, white
	frame := lzwBlocks(t, w*h)
	for range frames {
		out.WriteByte(0x2C)
		_ = binary.Write(&out, binary.LittleEndian, [4]uint16{0, 0, uint16(w), uint16(h)})
		out.WriteByte(0) // no local colour table
		out.WriteByte(2) // LZW minimum code size
		out.Write(frame)
	}
	out.WriteByte(0x3B)
	return out.Bytes()
}

// lzwBlocks is n zero pixels, LZW-compressed and cut into GIF sub-blocks.
func lzwBlocks(t *testing.T, n int) []byte {
	t.Helper()
	var packed bytes.Buffer
	zw := lzw.NewWriter(&packed, lzw.LSB, 2)
	zeros := make([]byte, 64<<10)
	for n > 0 {
		k := min(n, len(zeros))
		if _, err := zw.Write(zeros[:k]); err != nil {
			t.Fatal(err)
		}
		n -= k
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for b := packed.Bytes(); len(b) > 0; {
		k := min(len(b), 255)
		out.WriteByte(byte(k))
		out.Write(b[:k])
		b = b[k:]
	}
	out.WriteByte(0)
	return out.Bytes()
}

// pngClaiming is a small valid PNG whose header (with a correct checksum)
// claims w×h pixels.
func pngClaiming(t *testing.T, w, h uint32) []byte {
	t.Helper()
	data := pngBytes(t, 4, 4)
	// Signature (8), IHDR length (4), "IHDR" (4), then width and height.
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

// jpegClaiming is a small JPEG whose frame header claims w×h pixels.
func jpegClaiming(t *testing.T, w, h uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(8, 8), nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	sof := bytes.Index(data, []byte{0xFF, 0xC0})
	if sof < 0 {
		t.Fatal("no SOF0 marker")
	}
	// Marker (2), length (2), precision (1), then height and width.
	binary.BigEndian.PutUint16(data[sof+5:], h)
	binary.BigEndian.PutUint16(data[sof+7:], w)
	return data
}

// webpClaiming is a lossless WebP header (no pixel data) claiming w×h
// pixels (each at most 16384).
func webpClaiming(w, h uint32) []byte {
	bits := (w - 1) | (h-1)<<14 // then alpha and version, both 0
	chunk := binary.LittleEndian.AppendUint32([]byte{0x2f}, bits)
	chunk = append(chunk, 0) // pad to an even length
	var out bytes.Buffer
	out.WriteString("RIFF")
	_ = binary.Write(&out, binary.LittleEndian, uint32(4+8+len(chunk)))
	out.WriteString("WEBPVP8L")
	_ = binary.Write(&out, binary.LittleEndian, uint32(5))
	out.Write(chunk)
	return out.Bytes()
}

// TestUploadRefusesDecompressionBombs: an image whose decoding would take
// more memory than the limits allow is refused from its headers, with a
// validation error and nothing stored, for every format; an animation
// within the limits is still kept.
func TestUploadRefusesDecompressionBombs(t *testing.T) {
	w := newWorld(t)
	cfg := media.MediaConfig{Dir: t.TempDir(), MaxBytes: 16 << 20}
	bombs := []struct {
		name, want string
		data       []byte
	}{
		// The GIF of the report: 150 frames of 6000×6000, 5.4 GB decoded.
		{"gif 150 frames of 6000x6000", "6000x6000 images are not supported", bombGIF(t, 6000, 6000, 150)},
		// Each frame is within the per-image limit; all 20 together are
		// 320 million pixels.
		{"gif 20 frames of 4000x4000", "over all frames", bombGIF(t, 4000, 4000, 20)},
		{"gif of 1001 frames", "at most 1000 frames", bombGIF(t, 2, 2, 1001)},
		{"png claiming 100000x100000", "100000x100000 images are not supported", pngClaiming(t, 100000, 100000)},
		{"jpeg claiming 65535x65535", "65535x65535 images are not supported", jpegClaiming(t, 65535, 65535)},
		{"webp claiming 16384x16384", "16384x16384 images are not supported", webpClaiming(16384, 16384)},
		{"png claiming 5000x4000", "5000x4000 images are not supported", pngClaiming(t, 5000, 4000)},
	}
	for _, tc := range bombs {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.data) > 4<<20 {
				t.Fatalf("fixture is %d bytes, want a small file", len(tc.data))
			}
			before, _ := os.ReadDir(cfg.Dir)
			_, err := w.svc.Media().UploadMedia(w.ctx, cfg, w.alice, bytes.NewReader(tc.data), "bomb", "", "")
			if !errors.Is(err, core.ErrValidation) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a validation error saying %q", err, tc.want)
			}
			after, _ := os.ReadDir(cfg.Dir)
			if len(after) != len(before) {
				t.Fatal("a refused upload left files behind")
			}
		})
	}

	t.Run("animation within the limits", func(t *testing.T) {
		m, err := w.svc.Media().UploadMedia(w.ctx, cfg, w.alice, bytes.NewReader(bombGIF(t, 1000, 1000, 50)), "a.gif", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if m.MimeType != "image/gif" || m.Width != 1000 || m.Height != 1000 {
			t.Fatalf("row %+v", m)
		}
	})
}
