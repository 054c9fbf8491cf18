package accounts

import (
	"context"
	"fmt"
	"regexp"

	"plaza/models"
	"plaza/server/service/core"
)

// Preferences are a user's posting defaults, as Mastodon's source[…] and
// /api/v1/preferences: what a new post gets when the client says nothing.
type Preferences struct {
	Privacy   models.Visibility
	Sensitive bool
	Language  string // ISO 639-1, "" for none
}

// PreferencesInput changes some of them; nil leaves one as it is.
type PreferencesInput struct {
	Privacy   *string
	Sensitive *bool
	Language  *string
}

var languageCode = regexp.MustCompile(`^[a-z]{2}$`)

// Preferences returns acct's posting defaults (public, not sensitive, no
// language until set).
func (s *Service) Preferences(ctx context.Context, acct *models.Account) (Preferences, error) {
	u, err := s.store.UserByAccountID(ctx, acct.ID)
	if err != nil {
		return Preferences{}, core.NotFound(err, "user")
	}
	p := Preferences{Privacy: models.Visibility(u.DefaultPrivacy), Sensitive: u.DefaultSensitive, Language: u.DefaultLanguage}
	if p.Privacy == "" {
		p.Privacy = models.VisibilityPublic
	}
	return p, nil
}

// Check refuses input SavePreferences would refuse, writing nothing (so a
// form that changes more than preferences can check them first).
func (in PreferencesInput) Check() error {
	_, err := in.apply(Preferences{})
	return err
}

func (in PreferencesInput) apply(p Preferences) (Preferences, error) {
	if in.Privacy != nil {
		switch v := models.Visibility(*in.Privacy); v {
		case models.VisibilityPublic, models.VisibilityUnlisted, models.VisibilityPrivate, models.VisibilityDirect:
			p.Privacy = v
		default:
			return p, fmt.Errorf("%w: source[privacy] must be public, unlisted, private or direct", core.ErrValidation)
		}
	}
	if in.Sensitive != nil {
		p.Sensitive = *in.Sensitive
	}
	if in.Language != nil {
		if *in.Language != "" && !languageCode.MatchString(*in.Language) {
			return p, fmt.Errorf("%w: source[language] must be an ISO 639-1 code such as en", core.ErrValidation)
		}
		p.Language = *in.Language
	}
	return p, nil
}

// SavePreferences checks and stores a change of acct's posting defaults:
// privacy is public, unlisted, private or direct; language two lower-case
// letters or "" (none).
func (s *Service) SavePreferences(ctx context.Context, acct *models.Account, in PreferencesInput) (Preferences, error) {
	p, err := s.Preferences(ctx, acct)
	if err != nil {
		return p, err
	}
	if p, err = in.apply(p); err != nil {
		return p, err
	}
	if in == (PreferencesInput{}) {
		return p, nil
	}
	if err := s.store.SavePostingPreferences(ctx, acct.ID, string(p.Privacy), p.Sensitive, p.Language); err != nil {
		return p, fmt.Errorf("save preferences: %w", err)
	}
	return p, nil
}
