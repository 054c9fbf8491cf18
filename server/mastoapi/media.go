package mastoapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/media"
	"plaza/server/service/remotemedia"
)

// mountMedia adds media uploads and the files they are served from.
func (h *Handler) mountMedia(r *gin.Engine) {
	r.POST("/api/v2/media", h.user("write:media"), h.uploadMedia(true))
	r.POST("/api/v1/media", h.user("write:media"), h.uploadMedia(false))
	r.GET("/api/v1/media/:id", h.user("write:media"), h.getMedia)
	r.PUT("/api/v1/media/:id", h.user("write:media"), h.updateMedia)
	r.GET("/media/*filepath", h.serveMediaFile)
	r.HEAD("/media/*filepath", h.serveMediaFile)
}

// MediaAttachment is Mastodon's MediaAttachment entity.
type MediaAttachment struct {
	ID          string    `json:"id"`
	Type        string    `json:"type"`
	URL         *string   `json:"url"` // null while processing
	PreviewURL  *string   `json:"preview_url"`
	RemoteURL   *string   `json:"remote_url"`
	TextURL     *string   `json:"text_url"`
	Meta        MediaMeta `json:"meta"`
	Description *string   `json:"description"`
	Blurhash    *string   `json:"blurhash"`
}

// MediaMeta is the meta object of a MediaAttachment.
type MediaMeta struct {
	Original *MediaSize  `json:"original,omitempty"`
	Small    *MediaSize  `json:"small,omitempty"`
	Focus    *MediaFocus `json:"focus,omitempty"`
}

// MediaSize is the size of one version of an image or video; the
// original of a video or audio file also has its length (an audio file
// only that).
type MediaSize struct {
	Width     int     `json:"width,omitempty"`
	Height    int     `json:"height,omitempty"`
	Size      string  `json:"size,omitempty"`
	Aspect    float64 `json:"aspect,omitempty"`
	FrameRate string  `json:"frame_rate,omitempty"`
	Duration  float64 `json:"duration,omitempty"`
}

// MediaFocus is an image's focal point, each axis in [-1, 1].
type MediaFocus struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// previewSide is the long side of the thumbnails media.UploadMedia makes.
const previewSide = 400

// renderMedia converts a media attachment.
func renderMedia(m *models.MediaAttachment) MediaAttachment {
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	url := m.URL
	if url == "" {
		url = m.RemoteURL
	}
	out := MediaAttachment{
		ID: strconv.FormatInt(m.ID, 10), Type: m.Type, URL: str(url), PreviewURL: str(m.PreviewURL),
		RemoteURL: str(m.RemoteURL), Description: str(m.Description), Blurhash: str(m.Blurhash),
	}
	if out.Type == "" {
		out.Type = "unknown"
	}
	if out.PreviewURL == nil && out.Type == "image" {
		out.PreviewURL = out.URL
	}
	if m.Width > 0 && m.Height > 0 {
		out.Meta.Original = mediaSize(m.Width, m.Height)
		w, h := m.Width, m.Height
		if w > previewSide || h > previewSide {
			if w >= h {
				w, h = previewSide, max(1, h*previewSide/m.Width)
			} else {
				w, h = max(1, w*previewSide/m.Height), previewSide
			}
		}
		out.Meta.Small = mediaSize(w, h)
		out.Meta.Focus = &MediaFocus{X: m.FocusX, Y: m.FocusY}
	}
	if m.Duration > 0 {
		if out.Meta.Original == nil {
			out.Meta.Original = &MediaSize{}
		}
		out.Meta.Original.Duration, out.Meta.Original.FrameRate = m.Duration, m.FrameRate
	}
	return out
}

func mediaSize(w, h int) *MediaSize {
	return &MediaSize{Width: w, Height: h, Size: fmt.Sprintf("%dx%d", w, h), Aspect: float64(w) / float64(h)}
}

// uploadMedia serves POST /api/v1/media and, async, /api/v2/media. Images
// are processed at once (200 on both); video and audio, where ffmpeg is
// installed, are too on v1, but on v2 the answer comes at once, 202 with
// a null url, and the client polls GET /api/v1/media/:id. The router
// bounds the body (the upload limit and room for the form).
func (h *Handler) uploadMedia(async bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		h.upload(c, media.MediaConfig{Dir: h.cfg.MediaPath, MaxBytes: h.cfg.MaxUploadBytes, AV: &h.cfg.AV, Async: async})
	}
}

func (h *Handler) upload(c *gin.Context, cfg media.MediaConfig) {
	if c.ContentType() != "multipart/form-data" {
		writeErrorStatus(c, http.StatusUnsupportedMediaType, "Unsupported Content-Type: send the file as a multipart form")
		return
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeErrorStatus(c, http.StatusRequestEntityTooLarge, "Request entity too large")
			return
		}
		writeErrorStatus(c, http.StatusUnprocessableEntity, "Validation failed: File can't be blank")
		return
	}
	if fh.Size > h.cfg.MaxUploadBytes {
		writeErrorStatus(c, http.StatusRequestEntityTooLarge, "Request entity too large")
		return
	}
	f, err := fh.Open()
	if err != nil {
		writeError(c, err)
		return
	}
	defer f.Close()
	m, err := h.svc.Media().UploadMedia(c.Request.Context(), cfg, currentAccount(c), f, fh.Filename, c.PostForm("description"), c.PostForm("focus"))
	if err == nil && m.Processing == models.MediaProcessing {
		c.JSON(http.StatusAccepted, renderMedia(m))
		return
	}
	writeMedia(c, m, err)
}

// getMedia serves GET /api/v1/media/:id: 206 while a video or audio
// upload is still processing (as Mastodon), 422 when it failed.
func (h *Handler) getMedia(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	m, err := h.svc.Media().MediaByID(c.Request.Context(), currentAccount(c), id)
	switch {
	case err != nil:
	case m.Processing == models.MediaProcessing:
		c.JSON(http.StatusPartialContent, renderMedia(m))
		return
	case m.Processing == models.MediaProcessingFailed:
		writeErrorStatus(c, http.StatusUnprocessableEntity, "Validation failed: the file could not be processed as video or audio")
		return
	}
	writeMedia(c, m, err)
}

// updateMedia serves PUT /api/v1/media/:id: alt text and focal point, as
// form fields or JSON.
func (h *Handler) updateMedia(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	var in struct {
		Description *string `json:"description"`
		Focus       *string `json:"focus"`
	}
	if strings.HasPrefix(c.ContentType(), "application/json") {
		if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)).Decode(&in); err != nil {
			writeErrorStatus(c, http.StatusBadRequest, "Invalid JSON body")
			return
		}
	} else {
		if v, ok := c.GetPostForm("description"); ok {
			in.Description = &v
		}
		if v, ok := c.GetPostForm("focus"); ok {
			in.Focus = &v
		}
	}
	m, err := h.svc.Media().UpdateMedia(c.Request.Context(), currentAccount(c), id, in.Description, in.Focus)
	writeMedia(c, m, err)
}

// serveMediaFile serves GET /media/*filepath from the media directory:
// files only (no listings, no dot files), never outside the directory.
func (h *Handler) serveMediaFile(c *gin.Context) {
	name := path.Clean("/" + c.Param("filepath"))
	notFound := func() { c.AbortWithStatus(http.StatusNotFound) }
	if rest, ok := strings.CutPrefix(name, "/proxy/"); ok {
		h.serveRemoteMedia(c, rest)
		return
	}
	if h.cfg.MediaPath == "" || name == "/" || strings.Contains(name, "/.") {
		notFound()
		return
	}
	// http.Dir refuses names that climb out of the directory.
	f, err := http.Dir(h.cfg.MediaPath).Open(name)
	if err != nil {
		notFound()
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		notFound()
		return
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(c.Writer, c.Request, fi.Name(), fi.ModTime(), f)
}

// serveRemoteMedia serves /media/proxy/<kind>/<id>/<hash>: a remote
// account's avatar or header or a remote attachment, from the cache
// (fetched on first use). A file the cache refuses (too large, not an image
// or a video, unreachable) is 502, as a proxy answers for a bad upstream.
func (h *Handler) serveRemoteMedia(c *gin.Context, rest string) {
	parts := strings.Split(rest, "/")
	if len(parts) != 3 {
		c.AbortWithStatus(http.StatusNotFound)
		return
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		c.AbortWithStatus(http.StatusNotFound)
		return
	}
	f, err := h.svc.RemoteMedia().Open(c.Request.Context(), parts[0], id, parts[2])
	switch {
	case errors.Is(err, remotemedia.ErrRefused):
		writeErrorStatus(c, http.StatusBadGateway, "The remote file cannot be shown here")
		return
	case err != nil:
		writeError(c, err)
		return
	}
	file, err := os.Open(f.Path)
	if err != nil {
		c.AbortWithStatus(http.StatusNotFound)
		return
	}
	defer file.Close()
	c.Header("Content-Type", f.ContentType)
	c.Header("Cache-Control", "public, max-age=86400")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(c.Writer, c.Request, "", f.ModTime, file)
}

// writeMedia answers with the attachment m, or with err.
func writeMedia(c *gin.Context, m *models.MediaAttachment, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, renderMedia(m))
}
