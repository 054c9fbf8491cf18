// Package remotemedia is the cache of remote media: avatars, headers and
// attachments of remote accounts and statuses are served from this
// instance's own URLs, fetched once through the SSRF-guarded transport,
// checked (size, type, pixels), stored with their last access and pruned,
// so readers' browsers never contact other servers.
package remotemedia

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strconv"
	"time"

	"golang.org/x/sync/singleflight"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Downloader fetches a remote file, refusing one larger than maxBytes or
// announced as neither an image nor a video. federation.Transport
// implements it.
type Downloader interface {
	FetchMedia(ctx context.Context, url string, maxBytes int64) (data []byte, contentType string, err error)
}

// Config of the cache.
type Config struct {
	// Dir is the media directory; cached files go to Dir/cache/.
	Dir string
	// MaxBytes bounds one remote file (storage.remote_media_max_bytes).
	MaxBytes int64
	// MaxPixels bounds a remote image's width × height, read from its
	// header before anything is decoded.
	MaxPixels int64
}

// Defaults of Config.
const (
	DefaultMaxBytes  = 16 << 20
	DefaultMaxPixels = 4096 * 4096
	// touchEvery limits last-access writes to one per file per period.
	touchEvery = time.Hour
)

// Service is the remote media area.
type Service struct {
	store *store.Store
	clock core.Clock
	log   *slog.Logger
	urls  core.URLs
	cfg   Config
	dl    Downloader
	group singleflight.Group
}

// New builds the area; until Enable is called it hands out remote URLs
// unchanged (the CLI, which serves no pages).
func New(c *core.Base) *Service {
	return &Service{store: c.Store(), clock: c.Clock(), log: c.Log(), urls: c.URLs()}
}

// Enable turns the cache on with its downloader.
func (s *Service) Enable(cfg Config, dl Downloader) {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxPixels <= 0 {
		cfg.MaxPixels = DefaultMaxPixels
	}
	s.cfg, s.dl = cfg, dl
}

// The kinds of proxied files: what the id in the path names.
const (
	KindAvatar     = "avatar"
	KindHeader     = "header"
	KindAttachment = "attachment"
	KindEmoji      = "emoji"
)

// hashOf is the cache key of a remote URL.
func hashOf(remote string) string {
	sum := sha256.Sum256([]byte(remote))
	return hex.EncodeToString(sum[:])
}

// pathHashChars of the URL's hash go into the proxy path: the file changes
// its address when the remote URL changes, and the path cannot be guessed
// without knowing the remote URL.
const pathHashChars = 24

// proxyURL is this instance's address of a remote file.
func (s *Service) proxyURL(kind string, id int64, remote string) string {
	if remote == "" || s.dl == nil {
		return remote
	}
	return s.urls.Base() + "/media/proxy/" + kind + "/" + strconv.FormatInt(id, 10) + "/" + hashOf(remote)[:pathHashChars]
}

// AccountImages returns the avatar and header URLs pages and the client API
// show for an account: a remote account's through the cache.
func (s *Service) AccountImages(a *models.Account) (avatar, header string) {
	if a.IsLocal() {
		return a.AvatarURL, a.HeaderURL
	}
	return s.proxyURL(KindAvatar, a.ID, a.AvatarURL), s.proxyURL(KindHeader, a.ID, a.HeaderURL)
}

// EmojiURL is the image address pages and the client API show for a
// custom emoji: a remote one's through the cache.
func (s *Service) EmojiURL(e *models.CustomEmoji) string {
	if e.Domain == "" {
		return e.URL
	}
	return s.proxyURL(KindEmoji, e.ID, e.ImageRemoteURL)
}

// Attachments returns copies of attachments whose remote files (with no
// local copy) are given cached URLs; RemoteURL keeps the original.
func (s *Service) Attachments(list []models.MediaAttachment) []models.MediaAttachment {
	out := make([]models.MediaAttachment, len(list))
	for i, m := range list {
		if m.URL == "" && m.RemoteURL != "" {
			m.URL = s.proxyURL(KindAttachment, m.ID, m.RemoteURL)
		}
		out[i] = m
	}
	return out
}
