package store

import (
	"context"
	"regexp"
	"slices"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// emojiShortcode is a custom emoji's :shortcode: in text, as Mastodon
// reads it.
var emojiShortcode = regexp.MustCompile(`:([a-zA-Z0-9_]{2,64}):`)

// EmojiShortcodes returns the distinct shortcodes named in the texts, in
// the order they first appear.
func EmojiShortcodes(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for _, m := range emojiShortcode.FindAllStringSubmatch(t, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// LocalEmojisIn returns this instance's emoji named in the texts (for an
// outgoing object's Emoji tags).
func (s *Store) LocalEmojisIn(ctx context.Context, texts ...string) ([]models.CustomEmoji, error) {
	codes := EmojiShortcodes(texts...)
	if len(codes) == 0 {
		return nil, nil
	}
	return s.EmojisNamed(ctx, map[string][]string{"": codes})
}

// CreateCustomEmoji stores a local emoji; ErrConflict when the shortcode
// is taken.
func (s *Store) CreateCustomEmoji(ctx context.Context, e *models.CustomEmoji) error {
	return translate(s.conn(ctx).Create(e).Error, "create custom emoji")
}

// DeleteLocalEmoji removes this instance's emoji with the shortcode and
// returns it (for its file); ErrNotFound when there is none.
func (s *Store) DeleteLocalEmoji(ctx context.Context, shortcode string) (*models.CustomEmoji, error) {
	var e models.CustomEmoji
	if err := s.conn(ctx).Where("shortcode = ? AND domain = ?", shortcode, "").Take(&e).Error; err != nil {
		return nil, translate(err, "custom emoji")
	}
	err := s.conn(ctx).Delete(&models.CustomEmoji{}, e.ID).Error
	return &e, translate(err, "delete custom emoji")
}

// LocalEmojis lists this instance's emoji by shortcode.
func (s *Store) LocalEmojis(ctx context.Context) ([]models.CustomEmoji, error) {
	var out []models.CustomEmoji
	err := s.conn(ctx).Where("domain = ?", "").Order("shortcode").Find(&out).Error
	return out, translate(err, "local emojis")
}

// CustomEmojiByID returns one emoji.
func (s *Store) CustomEmojiByID(ctx context.Context, id int64) (*models.CustomEmoji, error) {
	var e models.CustomEmoji
	err := s.conn(ctx).Take(&e, id).Error
	return &e, translate(err, "custom emoji")
}

// EmojisNamed returns the emoji of each domain ("" is local) with the
// shortcodes given for it, in one query.
func (s *Store) EmojisNamed(ctx context.Context, byDomain map[string][]string) ([]models.CustomEmoji, error) {
	if len(byDomain) == 0 {
		return nil, nil
	}
	q := s.conn(ctx).Model(&models.CustomEmoji{})
	or := s.conn(ctx)
	first := true
	for domain, codes := range byDomain {
		if first {
			or = or.Where("domain = ? AND shortcode IN ?", domain, codes)
			first = false
		} else {
			or = or.Or("domain = ? AND shortcode IN ?", domain, codes)
		}
	}
	var out []models.CustomEmoji
	err := q.Where(or).Find(&out).Error
	return out, translate(err, "emojis named")
}

// UpsertRemoteEmojis stores the emoji a remote domain's object named,
// replacing the image of one seen before under that shortcode.
func (s *Store) UpsertRemoteEmojis(ctx context.Context, list []models.CustomEmoji) error {
	if len(list) == 0 {
		return nil
	}
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "shortcode"}, {Name: "domain"}},
		DoUpdates: clause.AssignmentColumns([]string{"image_remote_url", "uri", "mime_type", "updated_at"}),
	}).Create(&list).Error
	return translate(err, "upsert remote emojis")
}
