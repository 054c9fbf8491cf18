// Package announcements holds an admin's notices to every local user
// (Mastodon's announcements): made from the admin CLI, shown by apps while
// they run, dismissed per user.
package announcements

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// MaxTextRunes bounds an announcement.
const MaxTextRunes = 5000

// Announcement is one notice as a user sees it.
type Announcement struct {
	models.Announcement
	Read      bool
	Reactions []Reaction
}

// Reaction is one emoji people reacted with: Name a Unicode emoji, or the
// shortcode of a local custom emoji (Emoji then set).
type Reaction struct {
	Name  string
	Count int64
	Me    bool
	Emoji *models.CustomEmoji
}

// maxReactions is how many different reactions one account may give one
// announcement.
const maxReactions = 8

// Service runs announcements.
type Service struct {
	core  *core.Base
	store *store.Store
}

// New builds the area.
func New(c *core.Base) *Service { return &Service{core: c, store: c.Store()} }

// Create makes an announcement running from starts (nil: now) until ends
// (nil: until removed).
func (s *Service) Create(ctx context.Context, text string, starts, ends *time.Time) (*models.Announcement, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > MaxTextRunes {
		return nil, fmt.Errorf("%w: an announcement needs text of at most %d characters", core.ErrValidation, MaxTextRunes)
	}
	if starts != nil && ends != nil && !ends.After(*starts) {
		return nil, fmt.Errorf("%w: an announcement must end after it starts", core.ErrValidation)
	}
	now := s.core.Clock().Now()
	a := &models.Announcement{CreatedAt: now, UpdatedAt: now, Text: text, StartsAt: starts, EndsAt: ends,
		Content: s.core.RenderText(text, core.ScanText(text), nil)}
	if err := s.store.CreateAnnouncement(ctx, a); err != nil {
		return nil, fmt.Errorf("create announcement: %w", err)
	}
	return a, nil
}

// All lists every announcement, for the admin.
func (s *Service) All(ctx context.Context) ([]models.Announcement, error) {
	list, err := s.store.Announcements(ctx)
	if err != nil {
		return nil, fmt.Errorf("announcements: %w", err)
	}
	return list, nil
}

// Remove deletes an announcement.
func (s *Service) Remove(ctx context.Context, id int64) error {
	if err := s.store.DeleteAnnouncement(ctx, id); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: no announcement %d", core.ErrNotFound, id)
	} else if err != nil {
		return fmt.Errorf("remove announcement: %w", err)
	}
	return nil
}

// Active returns the announcements running now, newest first; dismissed
// ones only when withDismissed.
func (s *Service) Active(ctx context.Context, acct *models.Account, withDismissed bool) ([]Announcement, error) {
	list, read, err := s.store.ActiveAnnouncements(ctx, acct.ID, s.core.Clock().Now())
	if err != nil {
		return nil, fmt.Errorf("announcements: %w", err)
	}
	out := make([]Announcement, 0, len(list))
	ids := make([]int64, 0, len(list))
	for _, a := range list {
		if read[a.ID] && !withDismissed {
			continue
		}
		out = append(out, Announcement{Announcement: a, Read: read[a.ID]})
		ids = append(ids, a.ID)
	}
	counts, err := s.store.AnnouncementReactions(ctx, acct.ID, ids)
	if err != nil {
		return nil, fmt.Errorf("announcements: %w", err)
	}
	var codes []string
	for _, c := range counts {
		if !isUnicodeEmoji(c.Name) {
			codes = append(codes, c.Name)
		}
	}
	custom, err := s.store.EmojisNamed(ctx, map[string][]string{"": codes})
	if err != nil {
		return nil, fmt.Errorf("announcements: %w", err)
	}
	byCode := map[string]*models.CustomEmoji{}
	for i := range custom {
		byCode[custom[i].Shortcode] = &custom[i]
	}
	at := map[int64]int{}
	for i, a := range out {
		at[a.ID] = i
	}
	for _, c := range counts {
		r := Reaction{Name: c.Name, Count: c.Count, Me: c.Me, Emoji: byCode[c.Name]}
		if r.Emoji == nil && !isUnicodeEmoji(c.Name) {
			continue // a custom emoji removed since
		}
		out[at[c.AnnouncementID]].Reactions = append(out[at[c.AnnouncementID]].Reactions, r)
	}
	return out, nil
}

// isUnicodeEmoji tells a Unicode emoji (a few code points, none of them
// letters, digits, spaces or ASCII) from a custom emoji's shortcode.
func isUnicodeEmoji(name string) bool {
	n := utf8.RuneCountInString(name)
	if n == 0 || n > 10 {
		return false
	}
	for _, r := range name {
		if r < 0xA9 || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// running returns the announcement if it is running now.
func (s *Service) running(ctx context.Context, id int64) error {
	now := s.core.Clock().Now()
	a, err := s.store.AnnouncementByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && ((a.StartsAt != nil && a.StartsAt.After(now)) || (a.EndsAt != nil && !a.EndsAt.After(now)))) {
		return fmt.Errorf("%w: no announcement %d", core.ErrNotFound, id)
	}
	if err != nil {
		return fmt.Errorf("announcement: %w", err)
	}
	return nil
}

// React adds acct's reaction name (a Unicode emoji or a local custom
// emoji's shortcode) to a running announcement; twice is no error.
func (s *Service) React(ctx context.Context, acct *models.Account, id int64, name string) error {
	if err := s.running(ctx, id); err != nil {
		return err
	}
	if !isUnicodeEmoji(name) {
		found, err := s.store.EmojisNamed(ctx, map[string][]string{"": {name}})
		if err != nil {
			return fmt.Errorf("react: %w", err)
		}
		if len(found) == 0 {
			return fmt.Errorf("%w: %q is neither an emoji nor a custom emoji of this server", core.ErrValidation, name)
		}
	}
	counts, err := s.store.AnnouncementReactions(ctx, acct.ID, []int64{id})
	if err != nil {
		return fmt.Errorf("react: %w", err)
	}
	mine := 0
	for _, c := range counts {
		if c.Me {
			if c.Name == name {
				return nil
			}
			mine++
		}
	}
	if mine >= maxReactions {
		return fmt.Errorf("%w: at most %d reactions to one announcement", core.ErrValidation, maxReactions)
	}
	err = s.store.ReactToAnnouncement(ctx, &models.AnnouncementReaction{AnnouncementID: id, AccountID: acct.ID, Name: name, CreatedAt: s.core.Clock().Now()})
	if err != nil {
		return fmt.Errorf("react: %w", err)
	}
	return nil
}

// Unreact takes acct's reaction name back.
func (s *Service) Unreact(ctx context.Context, acct *models.Account, id int64, name string) error {
	if err := s.running(ctx, id); err != nil {
		return err
	}
	if err := s.store.UnreactToAnnouncement(ctx, id, acct.ID, name); err != nil {
		return fmt.Errorf("unreact: %w", err)
	}
	return nil
}

// Dismiss marks a running announcement read for acct.
func (s *Service) Dismiss(ctx context.Context, acct *models.Account, id int64) error {
	if _, err := s.store.AnnouncementByID(ctx, id); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: no announcement %d", core.ErrNotFound, id)
	} else if err != nil {
		return fmt.Errorf("dismiss announcement: %w", err)
	}
	if err := s.store.DismissAnnouncement(ctx, id, acct.ID, s.core.Clock().Now()); err != nil {
		return fmt.Errorf("dismiss announcement: %w", err)
	}
	return nil
}
