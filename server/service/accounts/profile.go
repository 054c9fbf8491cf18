package accounts

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Profile limits, as Mastodon's.
const (
	MaxDisplayNameChars = 30
	MaxNoteChars        = 500
	MaxProfileFields    = 4
	MaxFieldNameChars   = 255
	MaxFieldValueChars  = 255
)

// ProfileInput is an edit of a local user's profile; nil fields are left
// as they are. Note is plain text; Fields replaces every field.
type ProfileInput struct {
	DisplayName  *string
	Note         *string
	Locked       *bool
	Discoverable *bool
	Fields       *[]models.AccountField
	AvatarURL    *string
	HeaderURL    *string
}

// UpdateProfile validates and saves an edit of acct's profile (acct is
// updated in place) and returns the saved account.
func (s *Service) UpdateProfile(ctx context.Context, acct *models.Account, in ProfileInput) (*models.Account, error) {
	if !acct.IsLocal() {
		return nil, fmt.Errorf("%w: not a local account", core.ErrForbidden)
	}
	updated := *acct
	if in.DisplayName != nil {
		name := strings.TrimSpace(*in.DisplayName)
		if utf8.RuneCountInString(name) > MaxDisplayNameChars {
			return nil, fmt.Errorf("%w: display name is too long (maximum is %d characters)", core.ErrValidation, MaxDisplayNameChars)
		}
		updated.DisplayName = name
	}
	if in.Note != nil {
		note := strings.TrimSpace(strings.ReplaceAll(*in.Note, "\r\n", "\n"))
		if utf8.RuneCountInString(note) > MaxNoteChars {
			return nil, fmt.Errorf("%w: note is too long (maximum is %d characters)", core.ErrValidation, MaxNoteChars)
		}
		// The note is rendered as a status is: escaped, linked, paragraphs.
		toks := core.ScanText(note)
		updated.Note = s.core.RenderText(note, toks, s.core.ResolveMentions(ctx, toks))
	}
	if in.Fields != nil {
		fields, err := profileFields(*in.Fields)
		if err != nil {
			return nil, err
		}
		raw, err := json.Marshal(fields)
		if err != nil {
			return nil, fmt.Errorf("update profile: %w", err)
		}
		updated.FieldsJSON = string(raw)
	}
	if in.Locked != nil {
		updated.Locked = *in.Locked
	}
	if in.Discoverable != nil {
		updated.Discoverable = *in.Discoverable
	}
	if in.AvatarURL != nil {
		updated.AvatarURL = *in.AvatarURL
	}
	if in.HeaderURL != nil {
		updated.HeaderURL = *in.HeaderURL
	}
	updated.UpdatedAt = s.clock.Now()
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.SaveAccountProfile(ctx, &updated); err != nil {
			return err
		}
		// Followers' instances refresh their copy of the actor.
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Update",
			ID: updated.URI + "#updates/" + strconv.FormatInt(updated.UpdatedAt.UnixNano(), 10), Actor: &updated})
	})
	if err != nil {
		return nil, fmt.Errorf("update profile: %w", err)
	}
	*acct = updated
	return acct, nil
}

// profileFields checks profile fields and escapes them for display; pairs
// with neither name nor value are dropped, as Mastodon does.
func profileFields(in []models.AccountField) ([]models.AccountField, error) {
	out := make([]models.AccountField, 0, len(in))
	for _, f := range in {
		name, value := strings.TrimSpace(f.Name), strings.TrimSpace(f.Value)
		if name == "" && value == "" {
			continue
		}
		if utf8.RuneCountInString(name) > MaxFieldNameChars {
			return nil, fmt.Errorf("%w: field name is too long (maximum is %d characters)", core.ErrValidation, MaxFieldNameChars)
		}
		if utf8.RuneCountInString(value) > MaxFieldValueChars {
			return nil, fmt.Errorf("%w: field value is too long (maximum is %d characters)", core.ErrValidation, MaxFieldValueChars)
		}
		out = append(out, models.AccountField{Name: html.EscapeString(name), Value: html.EscapeString(value)})
	}
	if len(out) > MaxProfileFields {
		return nil, fmt.Errorf("%w: too many profile fields (maximum is %d)", core.ErrValidation, MaxProfileFields)
	}
	return out, nil
}

// AccountForViewer returns an account to show; suspended accounts are not
// found. viewer may be nil (anonymous).
func (s *Service) AccountForViewer(ctx context.Context, viewer *models.Account, id int64) (*models.Account, error) {
	a, err := s.store.AccountByID(ctx, id)
	if err != nil {
		return nil, core.NotFound(err, "account")
	}
	if a.SuspendedAt != nil {
		return nil, fmt.Errorf("%w: account", core.ErrNotFound)
	}
	return a, nil
}

// LookupAccount finds an account by handle: "user" or "user@thishost" for
// local accounts, "user@host" for remote ones already known here. It
// never asks the network.
func (s *Service) LookupAccount(ctx context.Context, handle string) (*models.Account, error) {
	user, host := core.SplitHandle(handle)
	if user == "" {
		return nil, fmt.Errorf("%w: account", core.ErrNotFound)
	}
	if s.core.IsLocalHost(host) {
		host = ""
	}
	a, err := s.store.AccountByUsernameDomain(ctx, user, host)
	if err != nil {
		return nil, core.NotFound(err, "account")
	}
	if a.SuspendedAt != nil || a.ActorType == models.ActorApplication {
		return nil, fmt.Errorf("%w: account", core.ErrNotFound)
	}
	return a, nil
}

// SetLocked makes a local account approve its followers by hand (or not);
// followers' instances are told through Update of the actor.
func (s *Service) SetLocked(ctx context.Context, acct *models.Account, locked bool) error {
	if _, err := s.UpdateProfile(ctx, acct, ProfileInput{Locked: &locked}); err != nil {
		return fmt.Errorf("set locked: %w", err)
	}
	return nil
}
