package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// MaxMediaDescriptionChars is the longest alt text accepted.
const MaxMediaDescriptionChars = 1500

// MediaConfig says where uploads are stored and how large one may be.
type MediaConfig struct {
	Dir      string // storage directory, served under /media/
	MaxBytes int64
	// AV lets video and audio in (attachments, not avatars or headers);
	// nil takes images only.
	AV *AVTools
	// Async leaves video and audio to the processor (RunProcessor): the
	// upload returns while it is still processing (the v2 API's 202).
	Async bool
}

// UploadMedia stores an image uploaded by a local account: checked,
// re-encoded without metadata, with a thumbnail and blurhash; or, when cfg
// takes them, a video or audio file (see uploadAV). It stays
// unattached until a status names it. focus is Mastodon's "x,y", each in
// [-1, 1]; filename is only a hint and is not used for the stored name.
func (s *Service) UploadMedia(ctx context.Context, cfg MediaConfig, acct *models.Account, r io.Reader, filename, description, focus string) (*models.MediaAttachment, error) {
	if !acct.IsLocal() {
		return nil, fmt.Errorf("%w: only local accounts upload here", core.ErrForbidden)
	}
	if cfg.Dir == "" || cfg.MaxBytes <= 0 {
		return nil, errors.New("upload media: media storage is not configured")
	}
	if utf8.RuneCountInString(description) > MaxMediaDescriptionChars {
		return nil, fmt.Errorf("%w: description is longer than %d characters", core.ErrValidation, MaxMediaDescriptionChars)
	}
	fx, fy, err := parseFocus(focus)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, cfg.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("upload media: read: %w", err)
	}
	if int64(len(data)) > cfg.MaxBytes {
		return nil, fmt.Errorf("%w: the file is larger than %d bytes", core.ErrValidation, cfg.MaxBytes)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", core.ErrValidation)
	}
	if f, ok := sniffAV(data); ok && cfg.AV != nil {
		return s.uploadAV(ctx, cfg, &models.MediaAttachment{CreatedAt: s.clock.Now(), AccountID: acct.ID, Type: f.kind,
			Description: description, FocusX: fx, FocusY: fy}, data)
	}
	img, err := s.processImage(ctx, data)
	if err != nil {
		return nil, err
	}
	name, err := core.RandomToken()
	if err != nil {
		return nil, fmt.Errorf("upload media: %w", err)
	}
	m := &models.MediaAttachment{
		CreatedAt: s.clock.Now(), AccountID: acct.ID, Type: "image", MimeType: img.mimeType,
		File: name + "." + img.ext, PreviewFile: name + "_small.jpg",
		Description: description, Blurhash: img.blurhash,
		Width: img.width, Height: img.height, FocusX: fx, FocusY: fy,
	}
	m.URL = s.MediaURL(m.File)
	m.PreviewURL = s.MediaURL(m.PreviewFile)
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("upload media: %w", err)
	}
	original, preview := filepath.Join(cfg.Dir, m.File), filepath.Join(cfg.Dir, m.PreviewFile)
	if err := writeFileAtomic(original, img.data); err != nil {
		return nil, fmt.Errorf("upload media: %w", err)
	}
	if err := writeFileAtomic(preview, img.thumb); err != nil {
		_ = os.Remove(original)
		return nil, fmt.Errorf("upload media: %w", err)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		m.ID = tx.NewID()
		return tx.CreateMediaAttachment(ctx, m)
	})
	if err != nil {
		_ = os.Remove(original)
		_ = os.Remove(preview)
		return nil, fmt.Errorf("upload media: %w", err)
	}
	s.log.InfoContext(ctx, "media uploaded", "media_id", m.ID, "account_id", acct.ID, "mime_type", m.MimeType, "bytes", len(img.data))
	return m, nil
}

// MediaURL is the public address of a stored media file.
func (s *Service) MediaURL(file string) string { return s.urls.Base() + "/media/" + file }

// MediaByID returns one of acct's own media attachments.
func (s *Service) MediaByID(ctx context.Context, acct *models.Account, id int64) (*models.MediaAttachment, error) {
	m, err := s.store.MediaByID(ctx, id)
	if err != nil {
		return nil, core.NotFound(err, "media")
	}
	if m.AccountID != acct.ID {
		return nil, fmt.Errorf("%w: media", core.ErrNotFound)
	}
	return m, nil
}

// UpdateMedia changes the alt text and/or focal point of one of acct's own
// media attachments; nil leaves a field as it is.
func (s *Service) UpdateMedia(ctx context.Context, acct *models.Account, id int64, description, focus *string) (*models.MediaAttachment, error) {
	m, err := s.MediaByID(ctx, acct, id)
	if err != nil {
		return nil, err
	}
	if description != nil {
		if utf8.RuneCountInString(*description) > MaxMediaDescriptionChars {
			return nil, fmt.Errorf("%w: description is longer than %d characters", core.ErrValidation, MaxMediaDescriptionChars)
		}
		m.Description = *description
	}
	if focus != nil {
		if m.FocusX, m.FocusY, err = parseFocus(*focus); err != nil {
			return nil, err
		}
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error { return tx.UpdateMediaMeta(ctx, m) })
	if err != nil {
		return nil, fmt.Errorf("update media: %w", err)
	}
	return m, nil
}

// parseFocus reads Mastodon's focal point "x,y"; empty is the centre.
func parseFocus(focus string) (x, y float64, err error) {
	focus = strings.TrimSpace(focus)
	if focus == "" {
		return 0, 0, nil
	}
	xs, ys, ok := strings.Cut(focus, ",")
	if ok {
		x, err = strconv.ParseFloat(strings.TrimSpace(xs), 64)
		if err == nil {
			y, err = strconv.ParseFloat(strings.TrimSpace(ys), 64)
		}
	}
	if !ok || err != nil || math.IsNaN(x) || math.IsNaN(y) || x < -1 || x > 1 || y < -1 || y > 1 {
		return 0, 0, fmt.Errorf("%w: focus must be \"x,y\" with both in [-1, 1]", core.ErrValidation)
	}
	return x, y, nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it into place, so a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".upload-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
