package moderation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Keys of the instance settings an admin can change in the web UI.
const (
	settingName        = "name"
	settingDescription = "description"
	// settingOpenRegistrations is the yes/no of earlier releases, read
	// when no registrations mode is saved.
	settingOpenRegistrations = "open_registrations"
	settingRegistrationsMode = "registrations_mode"
	settingRules             = "rules"
	settingContactEmail      = "contact_email"
)

// Registration modes: anyone may sign up, sign-ups wait for an admin's
// approval, or nobody may sign up.
const (
	RegistrationsOpen     = "open"
	RegistrationsApproval = "approval"
	RegistrationsClosed   = "closed"
)

// Limits of the instance settings and domain blocks.
const (
	maxInstanceNameLen        = 100
	maxInstanceDescriptionLen = 5000
	maxBlockReasonLen         = 1000
	maxRules                  = 50
	maxRuleLen                = 1000
	maxContactEmailLen        = 254
)

// requireAdmin checks that acct is a local user with the admin flag.
func (s *Service) requireAdmin(ctx context.Context, acct *models.Account) error {
	if IsOperator(ctx) {
		return nil // the command line, run on the server
	}
	if acct == nil {
		return fmt.Errorf("%w: sign in first", core.ErrUnauthorized)
	}
	ok, err := s.IsAdmin(ctx, acct)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: only admins may do this", core.ErrForbidden)
	}
	return nil
}

// IsAdmin reports whether acct is a local, not suspended user with the
// admin flag.
func (s *Service) IsAdmin(ctx context.Context, acct *models.Account) (bool, error) {
	if acct == nil || !acct.IsLocal() || acct.SuspendedAt != nil {
		return false, nil
	}
	u, err := s.store.UserByAccountID(ctx, acct.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("is admin: %w", err)
	}
	return u.Admin, nil
}

// AdminUser is a local user as the admin pages list it.
type AdminUser struct {
	Account *models.Account
	Email   string
	Admin   bool
}

// AdminUsers lists the local users, newest first.
func (s *Service) AdminUsers(ctx context.Context, admin *models.Account, p core.Page) ([]AdminUser, error) {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return nil, err
	}
	list, err := s.store.ListLocalUsers(ctx, p.Store())
	if err != nil {
		return nil, fmt.Errorf("admin users: %w", err)
	}
	out := make([]AdminUser, len(list))
	for i, e := range list {
		out[i] = AdminUser{Account: e.Account, Email: e.User.Email, Admin: e.User.Admin}
	}
	return out, nil
}

// localUserForAdmin returns the local user accountID names (not the
// instance actor, which has no user row).
func (s *Service) localUserForAdmin(ctx context.Context, accountID int64) (*models.Account, error) {
	a, err := s.store.AccountByID(ctx, accountID)
	if err != nil {
		return nil, core.NotFound(err, "user")
	}
	if !a.IsLocal() {
		return nil, fmt.Errorf("%w: user not found", core.ErrNotFound)
	}
	if _, err := s.store.UserByAccountID(ctx, a.ID); err != nil {
		return nil, core.NotFound(err, "user")
	}
	return a, nil
}

// SuspendUser suspends a local user: they can no longer sign in, their
// client API tokens are revoked and their browser sessions end, and their
// profile and posts are no longer served. An admin cannot suspend
// themselves.
func (s *Service) SuspendUser(ctx context.Context, admin *models.Account, accountID int64) error {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return err
	}
	if admin != nil && accountID == admin.ID {
		return fmt.Errorf("%w: you cannot suspend your own account", core.ErrValidation)
	}
	target, err := s.localUserForAdmin(ctx, accountID)
	if err != nil {
		return err
	}
	if target.SuspendedAt != nil {
		return fmt.Errorf("%w: @%s is already suspended", core.ErrConflict, target.Username)
	}
	now := s.clock.Now()
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.SetAccountSuspended(ctx, target.ID, &now); err != nil {
			return err
		}
		if err := tx.RevokeAllTokensOf(ctx, target.ID, now); err != nil {
			return err
		}
		if err := tx.DeleteWebSessionsOf(ctx, target.ID, 0); err != nil {
			return err
		}
		// Followers' servers drop the account and its posts; the rows stay
		// here for the grace period, so an unsuspension gives them back.
		if s.pub != nil {
			out := &models.Outgoing{Type: "Delete", ID: target.URI + "#delete-" + strconv.FormatInt(now.UnixNano(), 36), Actor: target}
			if err := s.pub.Publish(ctx, tx, out); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, admin, "suspend", "account", target.ID, "@"+target.Username, "")
	})
	if err != nil {
		return fmt.Errorf("suspend user: %w", err)
	}
	s.log.InfoContext(ctx, "user suspended", slog.String("username", target.Username), slog.String("by", adminName(admin)))
	return nil
}

// UnsuspendUser lifts a local user's suspension; they sign in again (their
// old tokens and sessions stay revoked).
func (s *Service) UnsuspendUser(ctx context.Context, admin *models.Account, accountID int64) error {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return err
	}
	target, err := s.localUserForAdmin(ctx, accountID)
	if err != nil {
		return err
	}
	if err := s.checkGrace(target); err != nil {
		return err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.SetAccountSuspended(ctx, target.ID, nil); err != nil {
			return err
		}
		return s.audit(ctx, tx, admin, "unsuspend", "account", target.ID, "@"+target.Username, "")
	})
	if err != nil {
		return fmt.Errorf("unsuspend user: %w", err)
	}
	s.log.InfoContext(ctx, "user unsuspended", slog.String("username", target.Username), slog.String("by", adminName(admin)))
	return nil
}

var domainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

// NormalizeDomain turns what an admin typed ("Example.org",
// "https://example.org/about", "@user@example.org") into the lower-case
// host a domain block stores, keeping a port if one is given.
func NormalizeDomain(in string) (string, error) {
	d := strings.TrimSpace(in)
	if strings.Contains(d, "://") {
		u, err := url.Parse(d)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("%w: %q is not a domain", core.ErrValidation, in)
		}
		d = u.Host
	}
	if i := strings.LastIndex(d, "@"); i >= 0 {
		d = d[i+1:]
	}
	if i := strings.IndexAny(d, "/?#"); i >= 0 {
		d = d[:i]
	}
	d = strings.TrimSuffix(strings.ToLower(d), ".")
	host, port := d, ""
	if i := strings.LastIndex(d, ":"); i >= 0 {
		host, port = d[:i], d[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return "", fmt.Errorf("%w: %q is not a domain", core.ErrValidation, in)
		}
	}
	if host == "" || len(d) > 253 || !domainPattern.MatchString(host) {
		return "", fmt.Errorf("%w: %q is not a domain", core.ErrValidation, in)
	}
	return d, nil
}

// BlockDomain suspends a remote server: activities it sends are dropped,
// nothing is delivered to it, and every follow between its accounts and
// local ones is removed (SaveDomainBlock sets the other severities).
func (s *Service) BlockDomain(ctx context.Context, admin *models.Account, domain, reason string) (*models.DomainBlock, error) {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return nil, err
	}
	if d, err := NormalizeDomain(domain); err == nil {
		if _, err := s.store.DomainBlockByDomain(ctx, d); err == nil {
			return nil, fmt.Errorf("%w: %s is already blocked", core.ErrConflict, d)
		}
	}
	return s.SaveDomainBlock(ctx, admin, DomainBlockInput{Domain: domain, Severity: models.SeveritySuspend, PrivateComment: reason})
}

// UnblockDomain lifts a domain block. Follows it removed stay removed.
func (s *Service) UnblockDomain(ctx context.Context, admin *models.Account, id int64) error {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return err
	}
	b, err := s.store.DeleteDomainBlock(ctx, id)
	if err != nil {
		return core.NotFound(err, "domain block")
	}
	if err := s.audit(ctx, s.store, admin, "unblock_domain", "domain", b.ID, b.Domain, ""); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "domain unblocked", slog.String("domain", b.Domain), slog.String("by", adminName(admin)))
	return nil
}

// DomainBlocks lists the blocked domains.
func (s *Service) DomainBlocks(ctx context.Context, admin *models.Account) ([]models.DomainBlock, error) {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return nil, err
	}
	list, err := s.store.DomainBlocks(ctx)
	if err != nil {
		return nil, fmt.Errorf("domain blocks: %w", err)
	}
	return list, nil
}

// InstanceSettings are what the instance says about itself: what admins
// saved in the web UI, else the configuration's first defaults. Every page
// and API that shows them (about page, /api/v1/instance, /api/v2/instance,
// NodeInfo) reads them here.
type InstanceSettings struct {
	Name        string
	Description string
	// RegistrationsMode is RegistrationsOpen, RegistrationsApproval or
	// RegistrationsClosed; OpenRegistrations is RegistrationsMode == open.
	RegistrationsMode string
	OpenRegistrations bool
	// Rules are the server's rules, in order, one line each.
	Rules        []string
	ContactEmail string
}

// ApprovalRequired reports whether sign-ups wait for an admin.
func (in InstanceSettings) ApprovalRequired() bool {
	return in.RegistrationsMode == RegistrationsApproval
}

// InstanceSettings returns the settings in effect.
func (s *Service) InstanceSettings(ctx context.Context) (InstanceSettings, error) {
	mode := RegistrationsClosed
	if s.cfg.OpenRegistrations {
		mode = RegistrationsOpen
	}
	out := InstanceSettings{Name: s.cfg.InstanceName, Description: s.cfg.InstanceDescription, ContactEmail: s.cfg.ContactEmail}
	saved, err := s.store.GetSettings(ctx)
	if err != nil {
		out.RegistrationsMode, out.OpenRegistrations = mode, mode == RegistrationsOpen
		return out, fmt.Errorf("instance settings: %w", err)
	}
	if v, ok := saved[settingName]; ok && v != "" {
		out.Name = v
	}
	if v, ok := saved[settingDescription]; ok {
		out.Description = v
	}
	if v, ok := saved[settingRegistrationsMode]; ok && validMode(v) {
		mode = v
	} else if v, ok := saved[settingOpenRegistrations]; ok {
		mode = RegistrationsClosed
		if v == "true" {
			mode = RegistrationsOpen
		}
	}
	out.RegistrationsMode, out.OpenRegistrations = mode, mode == RegistrationsOpen
	if v, ok := saved[settingRules]; ok {
		out.Rules = splitRules(v)
	}
	if v, ok := saved[settingContactEmail]; ok {
		out.ContactEmail = v
	}
	return out, nil
}

func validMode(m string) bool {
	return m == RegistrationsOpen || m == RegistrationsApproval || m == RegistrationsClosed
}

// splitRules is one rule per non-blank line.
func splitRules(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// InstanceInfo returns the instance's name, description and whether
// registrations are open, settings merged over the configuration. On a
// database error it falls back to the configuration: pages still render.
// NodeInfo and the client API's instance entity read Config() instead.
func (s *Service) InstanceInfo(ctx context.Context) (name, description string, open bool) {
	in, err := s.InstanceSettings(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "instance settings not read", slog.String("error", err.Error()))
	}
	return in.Name, in.Description, in.OpenRegistrations
}

// SaveInstanceSettings stores the instance's name, description and
// whether anyone may sign up, keeping its other settings.
func (s *Service) SaveInstanceSettings(ctx context.Context, admin *models.Account, name, description string, openRegistrations bool) error {
	set, err := s.InstanceSettings(ctx)
	if err != nil {
		return err
	}
	set.Name, set.Description, set.RegistrationsMode = name, description, RegistrationsClosed
	if openRegistrations {
		set.RegistrationsMode = RegistrationsOpen
	}
	return s.SaveSettings(ctx, admin, set)
}

// SaveSettings stores every instance setting an admin edits: name,
// description, registrations mode, rules and contact address.
func (s *Service) SaveSettings(ctx context.Context, admin *models.Account, set InstanceSettings) error {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return err
	}
	name, description := strings.TrimSpace(set.Name), strings.TrimSpace(set.Description)
	contact := strings.TrimSpace(set.ContactEmail)
	var rules []string
	for _, r := range set.Rules {
		rules = append(rules, splitRules(r)...)
	}
	switch {
	case name == "":
		return fmt.Errorf("%w: the name cannot be empty", core.ErrValidation)
	case utf8.RuneCountInString(name) > maxInstanceNameLen:
		return fmt.Errorf("%w: the name is longer than %d characters", core.ErrValidation, maxInstanceNameLen)
	case utf8.RuneCountInString(description) > maxInstanceDescriptionLen:
		return fmt.Errorf("%w: the description is longer than %d characters", core.ErrValidation, maxInstanceDescriptionLen)
	case !validMode(set.RegistrationsMode):
		return fmt.Errorf("%w: registrations must be open, approval or closed", core.ErrValidation)
	case len(rules) > maxRules:
		return fmt.Errorf("%w: at most %d rules", core.ErrValidation, maxRules)
	case len(contact) > maxContactEmailLen || (contact != "" && !strings.Contains(contact, "@")):
		return fmt.Errorf("%w: the contact must be an e-mail address", core.ErrValidation)
	}
	for _, r := range rules {
		if utf8.RuneCountInString(r) > maxRuleLen {
			return fmt.Errorf("%w: a rule is longer than %d characters", core.ErrValidation, maxRuleLen)
		}
	}
	now := s.clock.Now()
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		// A fixed order, so concurrent saves lock the rows alike.
		for _, kv := range [][2]string{
			{settingContactEmail, contact}, {settingDescription, description}, {settingName, name},
			{settingRegistrationsMode, set.RegistrationsMode}, {settingRules, strings.Join(rules, "\n")},
		} {
			if err := tx.SetSetting(ctx, kv[0], kv[1], now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save instance settings: %w", err)
	}
	s.log.InfoContext(ctx, "instance settings saved", slog.String("by", admin.Username))
	return nil
}
