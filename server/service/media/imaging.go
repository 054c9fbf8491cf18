package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"plaza/server/service/core"
	"strings"

	"github.com/buckket/go-blurhash"
	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Image limits. Every one is checked on the file's headers, before any
// pixel is decoded, so a small file that claims a huge image costs nothing.
const (
	// MaxImagePixels bounds one image (one GIF canvas): Mastodon's matrix
	// limit of 4096×4096, the image_matrix_limit clients are told. Decoding
	// costs at most 16 bytes a pixel (a 16-bit interlaced PNG, a
	// progressive JPEG's coefficients), so one image stays under 256 MiB.
	MaxImagePixels = 4096 * 4096
	// maxAnimationPixels bounds the pixels of all of a GIF's frames
	// together: gif.DecodeAll holds every frame, one byte a pixel, so this
	// is also the memory an animation may take (256 MiB).
	maxAnimationPixels = 256 << 20
	// maxAnimationFrames bounds a GIF's frame count (each frame costs some
	// bookkeeping and decoding time, however small it is).
	maxAnimationFrames = 1000
	// decodeBudget bounds the memory all image decodes in flight may take
	// together (estimated from their headers): uploads past it wait, so
	// many concurrent maximum-size uploads cannot add up to an exhausted
	// process. One image never costs more than the whole budget.
	decodeBudget = 512 << 20
	// stillBytesPerPixel is the estimated decoding cost of a still image:
	// the decoded image plus a progressive JPEG's coefficients or a PNG's
	// rows in flight, and the re-encoding.
	stillBytesPerPixel = 8
	thumbnailSide      = 400
	jpegQuality        = 85
)

// processedImage is an upload made safe to serve: re-encoded without its
// metadata, with a thumbnail and a blurhash.
type processedImage struct {
	data          []byte
	mimeType, ext string
	width, height int
	thumb         []byte
	thumbW        int
	thumbH        int
	blurhash      string
}

type imageCodec struct {
	decodeConfig func(io.Reader) (image.Config, error)
	decode       func(io.Reader) (image.Image, error)
}

// imageCodecs are the accepted types, by sniffed content type.
var imageCodecs = map[string]imageCodec{
	"image/jpeg": {jpeg.DecodeConfig, jpeg.Decode},
	"image/png":  {png.DecodeConfig, png.Decode},
	"image/gif":  {gif.DecodeConfig, gif.Decode},
	"image/webp": {webp.DecodeConfig, webp.Decode},
}

// processImage checks and re-encodes an uploaded image. The bytes are
// trusted for nothing: the type is sniffed, the size checked before
// decoding, and what is stored is our own encoding (so no EXIF, GPS or
// other metadata survives), except animated GIFs, which carry none and
// are kept once they decode.
func (s *Service) processImage(ctx context.Context, data []byte) (*processedImage, error) {
	mimeType := http.DetectContentType(data)
	codec, ok := imageCodecs[mimeType]
	if !ok {
		kind, _, _ := strings.Cut(mimeType, ";")
		return nil, fmt.Errorf("%w: this file is not an image Plaza can show (it is %s): upload a PNG, JPEG, GIF or WebP image", core.ErrValidation, kind)
	}
	cost, err := checkImageSize(codec, mimeType, data)
	if err != nil {
		return nil, err
	}
	cost = min(cost, decodeBudget)
	if err := s.decodes.Acquire(ctx, cost); err != nil {
		return nil, fmt.Errorf("process image: waiting for memory to decode: %w", err)
	}
	defer s.decodes.Release(cost)
	return decodeImage(codec, mimeType, data)
}

// decodeImage is processImage once the image's size was checked and its
// memory reserved.
func decodeImage(codec imageCodec, mimeType string, data []byte) (*processedImage, error) {
	out := &processedImage{}
	var img image.Image
	var err error
	if mimeType == "image/gif" {
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil || len(g.Image) == 0 {
			return nil, fmt.Errorf("%w: the image cannot be read", core.ErrValidation)
		}
		img = g.Image[0]
		if len(g.Image) > 1 {
			// Animated: the frames decode, so the file is a real GIF;
			// GIF has no EXIF to strip (comment and application
			// extensions remain).
			out.data, out.mimeType, out.ext = data, "image/gif", "gif"
			out.width, out.height = g.Config.Width, g.Config.Height
		}
	} else if img, err = codec.decode(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("%w: the image cannot be read", core.ErrValidation)
	}
	if mimeType == "image/jpeg" {
		// Applied now: the re-encoding below drops the EXIF tag that says it.
		img = orient(img, jpegOrientation(data))
	}
	if out.data == nil {
		var buf bytes.Buffer
		if mimeType == "image/jpeg" {
			err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
			out.mimeType, out.ext = "image/jpeg", "jpg"
		} else {
			// x/image has no WebP encoder, and a still GIF is a PNG's job.
			err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
			out.mimeType, out.ext = "image/png", "png"
		}
		if err != nil {
			return nil, fmt.Errorf("encode image: %w", err)
		}
		out.data = buf.Bytes()
		b := img.Bounds()
		out.width, out.height = b.Dx(), b.Dy()
	}
	thumb := thumbnail(img, thumbnailSide)
	var tb bytes.Buffer
	if err := jpeg.Encode(&tb, thumb, &jpeg.Options{Quality: 80}); err != nil {
		return nil, fmt.Errorf("encode thumbnail: %w", err)
	}
	out.thumb = tb.Bytes()
	out.thumbW, out.thumbH = thumb.Bounds().Dx(), thumb.Bounds().Dy()
	if out.blurhash, err = blurhash.Encode(4, 3, thumb); err != nil {
		return nil, fmt.Errorf("blurhash: %w", err)
	}
	return out, nil
}

// checkImageSize refuses, from the headers alone, an image whose decoding
// would take more memory than the limits allow: too many pixels for one
// image, or for a GIF too many frames or too many pixels over all frames.
// It returns the estimated bytes decoding the image takes.
func checkImageSize(codec imageCodec, mimeType string, data []byte) (int64, error) {
	unreadable := fmt.Errorf("%w: the image cannot be read", core.ErrValidation)
	cfg, err := codec.decodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, unreadable
	}
	pixels := int64(cfg.Width) * int64(cfg.Height)
	if pixels > MaxImagePixels {
		return 0, fmt.Errorf("%w: %dx%d images are not supported (at most %d pixels)", core.ErrValidation, cfg.Width, cfg.Height, MaxImagePixels)
	}
	if mimeType != "image/gif" {
		if mimeType == "image/jpeg" && jpegOrientation(data) > 1 {
			// Turning it upright takes two more RGBA copies.
			return pixels * (stillBytesPerPixel + 8), nil
		}
		return pixels * stillBytesPerPixel, nil
	}
	frames, framePixels, err := scanGIF(data)
	if err != nil {
		return 0, unreadable
	}
	if frames > maxAnimationFrames {
		return 0, fmt.Errorf("%w: animations may have at most %d frames", core.ErrValidation, maxAnimationFrames)
	}
	if framePixels > maxAnimationPixels {
		return 0, fmt.Errorf("%w: the animation is too large (at most %d pixels over all frames)", core.ErrValidation, maxAnimationPixels)
	}
	// Every frame at a byte a pixel, and the first frame re-encoded.
	return framePixels + pixels*stillBytesPerPixel, nil
}

// GIF block introducers and the extension labels image/gif reads.
const (
	gifExtension       = 0x21
	gifImageDescriptor = 0x2C
	gifTrailer         = 0x3B
	gifPlainText       = 0x01
	gifGraphicControl  = 0xF9
	gifComment         = 0xFE
	gifApplication     = 0xFF
)

// scanGIF walks a GIF's block structure without decoding any pixel and
// counts its frames and the pixels of all frame rectangles, which is what
// gif.DecodeAll will allocate. It reads the blocks exactly as image/gif
// does (fixed sizes where it uses them), so the decoder cannot find a frame
// the scan missed; it stops with an error at anything image/gif would
// refuse to read.
func scanGIF(data []byte) (frames int, pixels int64, err error) {
	s := &gifScanner{data: data}
	header := s.take(13)
	if header == nil {
		return 0, 0, errors.New("gif: short header")
	}
	s.skipColorTable(header[10])
	for s.err == nil {
		switch s.byte() {
		case gifExtension:
			s.skipExtension()
		case gifImageDescriptor:
			d := s.take(9)
			if d == nil {
				break
			}
			// image/gif allocates the frame's rectangle before it
			// reads a pixel (and refuses one outside the canvas).
			w, h := int(d[4])|int(d[5])<<8, int(d[6])|int(d[7])<<8
			frames++
			pixels += int64(w) * int64(h)
			s.skipColorTable(d[8])
			s.byte() // LZW minimum code size
			s.skipSubBlocks()
		case gifTrailer:
			return frames, pixels, nil
		default:
			if s.err == nil {
				return frames, pixels, errors.New("gif: unknown block type")
			}
		}
	}
	return frames, pixels, s.err
}

// gifScanner reads a GIF from memory; the first read past the end sets err
// and every later read returns nothing.
type gifScanner struct {
	data []byte
	pos  int
	err  error
}

func (s *gifScanner) take(n int) []byte {
	if s.err != nil || n > len(s.data)-s.pos {
		s.err = io.ErrUnexpectedEOF
		return nil
	}
	b := s.data[s.pos : s.pos+n]
	s.pos += n
	return b
}

func (s *gifScanner) byte() byte {
	if b := s.take(1); b != nil {
		return b[0]
	}
	return 0
}

// skipColorTable skips the color table a descriptor's fields announce.
func (s *gifScanner) skipColorTable(fields byte) {
	if fields&0x80 != 0 {
		s.take(3 * (1 << (1 + fields&7)))
	}
}

// skipSubBlocks skips data sub-blocks up to their zero-length terminator.
func (s *gifScanner) skipSubBlocks() {
	for n := s.byte(); n != 0 && s.err == nil; n = s.byte() {
		s.take(int(n))
	}
}

// skipExtension skips one extension the way image/gif reads it.
func (s *gifScanner) skipExtension() {
	switch s.byte() {
	case gifPlainText:
		s.take(13)
	case gifGraphicControl:
		s.take(6) // block size 4, four bytes, terminator
		return
	case gifComment:
	case gifApplication:
		s.take(int(s.byte()))
	default:
		if s.err == nil {
			s.err = errors.New("gif: unknown extension")
		}
		return
	}
	s.skipSubBlocks()
}

// thumbnail scales img so its long side is at most side (never up), over
// white, since JPEG has no transparency.
func thumbnail(img image.Image, side int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > side || h > side {
		if w >= h {
			w, h = side, max(1, h*side/b.Dx())
		} else {
			w, h = max(1, w*side/b.Dy()), side
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	return dst
}
