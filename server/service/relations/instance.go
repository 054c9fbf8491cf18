package relations

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"plaza/models/store"
	"plaza/server/service/core"
)

// ActivityWeeks is how many weeks /api/v1/instance/activity reports.
const ActivityWeeks = 12

// Week is one week of the instance's activity; Start is its Monday.
type Week struct {
	Start                           time.Time
	Statuses, Logins, Registrations int64
}

// Activity returns the last ActivityWeeks weeks (UTC, from Monday), this
// week first: local posts, accounts that signed in, sign-ups.
func (s *Service) Activity(ctx context.Context) ([]Week, error) {
	now := s.clock.Now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	out := make([]Week, 0, ActivityWeeks)
	for i := range ActivityWeeks {
		start := monday.AddDate(0, 0, -7*i)
		w, err := s.store.InstanceActivity(ctx, start, start.AddDate(0, 0, 7))
		if err != nil {
			return nil, fmt.Errorf("instance activity: %w", err)
		}
		out = append(out, Week{Start: start, Statuses: w.Statuses, Logins: w.Logins, Registrations: w.Registrations})
	}
	return out, nil
}

// The instance's longer texts, by the setting key that holds an admin's
// version.
const (
	TextExtendedDescription = "extended_description"
	TextPrivacyPolicy       = "privacy_policy"
	TextTermsOfService      = "terms_of_service"
)

// Text is one of the instance's longer texts as HTML.
type Text struct {
	Content   string
	UpdatedAt time.Time
}

// InstanceText returns the admin's saved text of kind, else the
// configuration's; ErrNotFound when neither says anything (the extended
// description then falls back to the short description, as Mastodon's).
func (s *Service) InstanceText(ctx context.Context, kind string) (Text, error) {
	saved, err := s.store.Setting(ctx, kind)
	switch {
	case err == nil && strings.TrimSpace(saved.Value) != "":
		return Text{Content: textHTML(saved.Value), UpdatedAt: saved.UpdatedAt}, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return Text{}, fmt.Errorf("instance text: %w", err)
	}
	cfg := s.core.Config()
	fallback := map[string]string{
		TextExtendedDescription: cfg.ExtendedDescription,
		TextPrivacyPolicy:       cfg.PrivacyPolicy,
		TextTermsOfService:      cfg.TermsOfService,
	}[kind]
	if kind == TextExtendedDescription && strings.TrimSpace(fallback) == "" {
		fallback = cfg.InstanceDescription
	}
	if strings.TrimSpace(fallback) == "" {
		return Text{}, fmt.Errorf("%w: %s", core.ErrNotFound, strings.ReplaceAll(kind, "_", " "))
	}
	return Text{Content: textHTML(fallback), UpdatedAt: s.started}, nil
}

// SetInstanceText saves an admin's text of kind (plain text; empty goes
// back to the configuration's).
func (s *Service) SetInstanceText(ctx context.Context, kind, text string) error {
	switch kind {
	case TextExtendedDescription, TextPrivacyPolicy, TextTermsOfService:
	default:
		return fmt.Errorf("%w: unknown instance text %q", core.ErrValidation, kind)
	}
	if err := s.store.SetSetting(ctx, kind, strings.TrimSpace(text), s.clock.Now()); err != nil {
		return fmt.Errorf("set instance text: %w", err)
	}
	s.core.Log().InfoContext(ctx, "instance text saved", "kind", kind)
	return nil
}

// textHTML renders plain text as escaped paragraphs: a blank line between
// paragraphs, a line break within one.
func textHTML(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>"))
		b.WriteString("</p>")
	}
	return b.String()
}
