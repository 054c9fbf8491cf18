// Package emoji holds custom emoji: this instance's own, which an admin
// adds and removes (CLI and admin page), and those remote objects name in
// their Emoji tags, kept per domain so :blob: of one server never shows
// another's image. Which emoji a status or an account shows is worked out
// in core (views); this area writes them.
package emoji

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // emoji images: GIF, PNG, WebP
	_ "image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	_ "golang.org/x/image/webp"

	"plaza/models"
	"plaza/models/store"
	"plaza/sanitize"
	"plaza/server/service/core"
)

// Limits of a local emoji image, as Mastodon's (256 KB) with a pixel cap
// so a decoded frame stays small.
const (
	MaxEmojiBytes  = 256 << 10
	MaxEmojiPixels = 512
	// maxRemoteEmojis bounds what one remote object may add.
	maxRemoteEmojis = 50
)

var shortcodeRule = regexp.MustCompile(`^[a-zA-Z0-9_]{2,64}$`)

// Service is the custom emoji area.
type Service struct {
	store *store.Store
	clock core.Clock
	urls  core.URLs
	log   *slog.Logger
}

// New builds the emoji area on the shared core.
func New(c *core.Base) *Service {
	return &Service{store: c.Store(), clock: c.Clock(), urls: c.URLs(), log: c.Log()}
}

// Add stores a local emoji from an image (PNG, GIF or WebP, at most
// MaxEmojiBytes and MaxEmojiPixels a side) under dir, the media directory.
func (s *Service) Add(ctx context.Context, dir, shortcode, category string, r io.Reader) (*models.CustomEmoji, error) {
	if !shortcodeRule.MatchString(shortcode) {
		return nil, fmt.Errorf("%w: a shortcode is 2 to 64 letters, digits or underscores", core.ErrValidation)
	}
	if len(category) > 64 {
		return nil, fmt.Errorf("%w: a category is at most 64 characters", core.ErrValidation)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxEmojiBytes+1))
	if err != nil {
		return nil, fmt.Errorf("add emoji: %w", err)
	}
	if len(data) > MaxEmojiBytes {
		return nil, fmt.Errorf("%w: an emoji image is at most %d KB", core.ErrValidation, MaxEmojiBytes>>10)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: an emoji is a PNG, GIF or WebP image", core.ErrValidation)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxEmojiPixels || cfg.Height > MaxEmojiPixels {
		return nil, fmt.Errorf("%w: an emoji image is at most %d×%d pixels", core.ErrValidation, MaxEmojiPixels, MaxEmojiPixels)
	}
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("add emoji: %w", err)
	}
	file := "emoji_" + hex.EncodeToString(b[:]) + "." + format
	if err := writeFile(dir, file, data); err != nil {
		return nil, fmt.Errorf("add emoji: %w", err)
	}
	now := s.clock.Now()
	e := &models.CustomEmoji{ID: s.store.NewID(), CreatedAt: now, UpdatedAt: now, Shortcode: shortcode, File: file,
		URL: s.urls.Base() + "/media/" + file, URI: s.urls.Base() + "/emojis/" + shortcode, MimeType: "image/" + format,
		Category: category, VisibleInPicker: true}
	if err := s.store.CreateCustomEmoji(ctx, e); err != nil {
		_ = os.Remove(filepath.Join(dir, file))
		if errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("%w: the shortcode :%s: is taken", core.ErrConflict, shortcode)
		}
		return nil, fmt.Errorf("add emoji: %w", err)
	}
	return e, nil
}

// writeFile writes data to dir/name through a temporary file, so a reader
// never sees half an image.
func writeFile(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	tmp := filepath.Join(dir, ".emoji-"+name)
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}

// Remove deletes a local emoji and its image; posts that named it show
// the plain :shortcode: again.
func (s *Service) Remove(ctx context.Context, dir, shortcode string) error {
	e, err := s.store.DeleteLocalEmoji(ctx, shortcode)
	if err != nil {
		return core.NotFound(err, "emoji")
	}
	if err := os.Remove(filepath.Join(dir, e.File)); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.WarnContext(ctx, "remove emoji file", "file", e.File, "error", err.Error())
	}
	return nil
}

// Local lists this instance's emoji by shortcode.
func (s *Service) Local(ctx context.Context) ([]models.CustomEmoji, error) {
	list, err := s.store.LocalEmojis(ctx)
	if err != nil {
		return nil, fmt.Errorf("list emoji: %w", err)
	}
	return list, nil
}

// StoreRemote keeps the Emoji tags of a remote object from domain (a
// status's or an actor's): an http(s) image, a valid shortcode, at most
// maxRemoteEmojis. Their images are fetched later, through the remote
// media cache (SSRF guard, size and type limits), when someone looks.
func (s *Service) StoreRemote(ctx context.Context, tx *store.Store, domain string, tags []models.APTag) error {
	if domain == "" {
		return nil
	}
	now := s.clock.Now()
	var list []models.CustomEmoji
	for _, t := range tags {
		code := strings.Trim(t.Name, ":")
		if t.Type != "Emoji" || !shortcodeRule.MatchString(code) || sanitize.URL(t.Href) == "" || len(t.Href) > 2048 || len(list) == maxRemoteEmojis {
			continue
		}
		list = append(list, models.CustomEmoji{ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, Shortcode: code,
			Domain: domain, ImageRemoteURL: t.Href, VisibleInPicker: false})
	}
	if err := tx.UpsertRemoteEmojis(ctx, list); err != nil {
		return fmt.Errorf("store remote emoji: %w", err)
	}
	return nil
}
