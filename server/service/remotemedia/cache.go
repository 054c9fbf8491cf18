package remotemedia

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for DecodeConfig of cached images
	_ "image/jpeg"
	_ "image/png"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "golang.org/x/image/webp"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// ErrRefused is returned (wrapped) when a remote file may not be cached:
// too large, not an image or a video, too many pixels, or unreachable.
var ErrRefused = errors.New("remote media refused")

// allowedTypes are the media types the cache serves, as sniffed from the
// bytes (never SVG or HTML, which a browser could run as a page).
var allowedTypes = map[string]string{
	"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
	"video/mp4": ".mp4", "video/webm": ".webm",
}

// File is a cached remote file ready to serve.
type File struct {
	Path        string // absolute path on disk
	ContentType string
	ModTime     time.Time
}

// Open returns the cached copy of the remote file a proxy path names
// (kind, id, hash prefix), fetching it on first use. A path that names
// nothing known, or a remote URL that changed since, is ErrNotFound.
func (s *Service) Open(ctx context.Context, kind string, id int64, hash string) (*File, error) {
	if s.dl == nil {
		return nil, fmt.Errorf("%w: remote media cache is off", core.ErrNotFound)
	}
	remote, err := s.remoteURL(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	full := hashOf(remote)
	if len(hash) != pathHashChars || !strings.HasPrefix(full, hash) {
		return nil, fmt.Errorf("%w: remote media changed", core.ErrNotFound)
	}
	if f, err := s.cached(ctx, full); err == nil || !errors.Is(err, store.ErrNotFound) {
		return f, err
	}
	// Readers opening one page ask for the same file at once: fetch it once.
	v, err, _ := s.group.Do(full, func() (any, error) { return s.fetch(context.WithoutCancel(ctx), remote, full) })
	if err != nil {
		return nil, err
	}
	return v.(*File), nil
}

// remoteURL finds the remote address a proxy path stands for.
func (s *Service) remoteURL(ctx context.Context, kind string, id int64) (string, error) {
	var remote string
	switch kind {
	case KindAvatar, KindHeader:
		a, err := s.store.AccountByID(ctx, id)
		if err != nil {
			return "", core.NotFound(err, "account")
		}
		if !a.IsLocal() {
			remote = a.AvatarURL
			if kind == KindHeader {
				remote = a.HeaderURL
			}
		}
	case KindEmoji:
		e, err := s.store.CustomEmojiByID(ctx, id)
		if err != nil {
			return "", core.NotFound(err, "emoji")
		}
		remote = e.ImageRemoteURL
	case KindAttachment:
		m, err := s.store.MediaByID(ctx, id)
		if err != nil {
			return "", core.NotFound(err, "media")
		}
		if m.URL == "" {
			remote = m.RemoteURL
		}
	}
	if remote == "" {
		return "", fmt.Errorf("%w: no remote media here", core.ErrNotFound)
	}
	return remote, nil
}

// cached returns the stored copy, noting the access; store.ErrNotFound
// when there is none (or its file is gone).
func (s *Service) cached(ctx context.Context, hash string) (*File, error) {
	m, err := s.store.RemoteMediaByHash(ctx, hash)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(s.cfg.Dir, filepath.FromSlash(m.File))
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("cached file %s: %w", m.File, store.ErrNotFound)
	}
	if now := s.clock.Now(); now.Sub(m.LastAccessAt) > touchEvery {
		if err := s.store.TouchRemoteMedia(ctx, hash, now); err != nil {
			return nil, err
		}
	}
	return &File{Path: path, ContentType: m.ContentType, ModTime: m.FetchedAt}, nil
}

// fetch downloads, checks and stores one remote file.
func (s *Service) fetch(ctx context.Context, remote, hash string) (*File, error) {
	data, _, err := s.dl.FetchMedia(ctx, remote, s.cfg.MaxBytes)
	if err != nil {
		s.log.InfoContext(ctx, "remote media not cached", slog.String("url", remote), slog.Any("error", err))
		return nil, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	// The bytes decide the type, whatever the server said.
	typ := http.DetectContentType(data)
	ext, ok := allowedTypes[typ]
	if !ok {
		return nil, fmt.Errorf("%w: %s is %s, not an image or a video", ErrRefused, remote, typ)
	}
	if strings.HasPrefix(typ, "image/") {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: unreadable image: %w", ErrRefused, remote, err)
		}
		if px := int64(cfg.Width) * int64(cfg.Height); px > s.cfg.MaxPixels || cfg.Width <= 0 || cfg.Height <= 0 {
			return nil, fmt.Errorf("%w: %s: %dx%d pixels (at most %d)", ErrRefused, remote, cfg.Width, cfg.Height, s.cfg.MaxPixels)
		}
	}
	rel := "cache/" + hash[:2] + "/" + hash + ext
	path := filepath.Join(s.cfg.Dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("cache dir: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fetch-*")
	if err != nil {
		return nil, fmt.Errorf("cache file: %w", err)
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return nil, fmt.Errorf("cache file: %w", werr)
	}
	now := s.clock.Now()
	m := &models.RemoteMedia{URLHash: hash, RemoteURL: remote, ContentType: typ, Size: int64(len(data)), File: rel, FetchedAt: now, LastAccessAt: now}
	if err := s.store.SaveRemoteMedia(ctx, m); err != nil {
		return nil, err
	}
	return &File{Path: path, ContentType: typ, ModTime: now}, nil
}

// pruneBatch is how many cached files one query of Prune handles.
const pruneBatch = 500

// Prune removes the cached files nobody asked for since olderThan ago and
// returns how many it removed; they are fetched again when next asked for.
// `plaza media prune` calls it, after Enable (with a nil Downloader if it
// only prunes) has told the area where the files are.
func (s *Service) Prune(ctx context.Context, olderThan time.Duration) (int, error) {
	if s.cfg.Dir == "" {
		return 0, errors.New("prune remote media: no media directory (call Enable first)")
	}
	cutoff := s.clock.Now().Add(-olderThan)
	removed := 0
	for {
		list, err := s.store.RemoteMediaUnusedSince(ctx, cutoff, pruneBatch)
		if err != nil {
			return removed, fmt.Errorf("prune remote media: %w", err)
		}
		for _, m := range list {
			path := filepath.Join(s.cfg.Dir, filepath.FromSlash(m.File))
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return removed, fmt.Errorf("prune remote media: %w", err)
			}
			if err := s.store.DeleteRemoteMedia(ctx, m.URLHash); err != nil {
				return removed, fmt.Errorf("prune remote media: %w", err)
			}
			removed++
		}
		if len(list) < pruneBatch {
			return removed, nil
		}
	}
}

// Unused returns up to limit cached files nobody asked for since olderThan
// ago, for a dry run of Prune.
func (s *Service) Unused(ctx context.Context, olderThan time.Duration, limit int) ([]models.RemoteMedia, error) {
	list, err := s.store.RemoteMediaUnusedSince(ctx, s.clock.Now().Add(-olderThan), limit)
	if err != nil {
		return nil, fmt.Errorf("unused remote media: %w", err)
	}
	return list, nil
}
