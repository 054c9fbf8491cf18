package service

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"

	"github.com/buckket/go-blurhash"
	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Image limits.
const (
	maxImagePixels = 40_000_000
	thumbnailSide  = 400
	jpegQuality    = 85
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
func processImage(data []byte) (*processedImage, error) {
	mimeType := http.DetectContentType(data)
	codec, ok := imageCodecs[mimeType]
	if !ok {
		return nil, fmt.Errorf("%w: unsupported media type %s", ErrValidation, mimeType)
	}
	cfg, err := codec.decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: the image cannot be read", ErrValidation)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return nil, fmt.Errorf("%w: images may have at most %d megapixels", ErrValidation, maxImagePixels/1_000_000)
	}
	out := &processedImage{}
	var img image.Image
	if mimeType == "image/gif" {
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil || len(g.Image) == 0 {
			return nil, fmt.Errorf("%w: the image cannot be read", ErrValidation)
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
		return nil, fmt.Errorf("%w: the image cannot be read", ErrValidation)
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
