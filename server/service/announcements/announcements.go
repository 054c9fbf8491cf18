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
	Read bool
}

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
	for _, a := range list {
		if read[a.ID] && !withDismissed {
			continue
		}
		out = append(out, Announcement{Announcement: a, Read: read[a.ID]})
	}
	return out, nil
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
