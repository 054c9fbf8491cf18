package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Mailer is the port to the SMTP adapter (server/mail): it renders
// templates/mail/NAME.{txt,html} with data and sends them to one address.
type Mailer interface {
	Send(ctx context.Context, to, name string, data any) error
}

// MailData is what every email template may show.
type MailData struct {
	Instance, Username, Email, Link, Valid, Comment string
}

// How long an emailed link works.
const (
	confirmTTL     = 24 * time.Hour
	resetTTL       = time.Hour
	emailChangeTTL = 24 * time.Hour
)

// Sign-in refusals for an account whose password was right.
var (
	ErrUnconfirmed = errors.Join(core.ErrForbidden, errors.New("confirm your email address first: follow the link we sent you, or ask for a new one"))
	ErrPending     = errors.Join(core.ErrForbidden, errors.New("your account waits for an admin's approval; you will get an email when it is approved"))
)

// SetMailer turns email on; with none, sign-ups are confirmed at once and
// nothing is sent.
func (s *Service) SetMailer(m Mailer) { s.mailer = m }

// SetApprovalRequired tells the area whether open sign-ups wait for an
// admin (the instance's registrations mode, which moderation owns).
func (s *Service) SetApprovalRequired(f func(ctx context.Context) bool) { s.approvalRequired = f }

// MailEnabled tells whether the instance sends email.
func (s *Service) MailEnabled() bool { return s.mailer != nil }

// RegisterInput is a visitor's sign-up.
type RegisterInput struct {
	Username, Email, Password string
	// Invite is an admin's invite code: it opens sign-up when closed and
	// skips approval.
	Invite string
}

// Register creates a visitor's account. Unless an invite says otherwise it
// needs open registrations, and waits for approval when the instance asks
// for it; with email on, the address must be confirmed before sign-in.
func (s *Service) Register(ctx context.Context, in RegisterInput) (*models.Account, *models.User, error) {
	pending := false
	if in.Invite != "" {
		if _, err := s.store.LiveInvite(ctx, in.Invite, s.clock.Now()); err != nil {
			return nil, nil, fmt.Errorf("%w: the invite link is not valid any more", core.ErrForbidden)
		}
	} else {
		if !s.registrationsOpen(ctx) {
			return nil, nil, fmt.Errorf("%w: this instance does not accept new accounts", core.ErrForbidden)
		}
		pending = s.approvalRequired != nil && s.approvalRequired(ctx)
	}
	acct, err := s.CreateUser(ctx, CreateUserInput{Username: in.Username, Email: in.Email, Password: in.Password,
		Unconfirmed: s.mailer != nil, Pending: pending, Invite: in.Invite})
	if err != nil {
		return nil, nil, err
	}
	user, err := s.store.UserByAccountID(ctx, acct.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("register: %w", err)
	}
	if s.mailer != nil {
		if err := s.sendToken(ctx, acct, user.Email, models.TokenConfirm, "confirm", "/auth/confirm", confirmTTL); err != nil {
			// The account exists: the person can ask for the link again.
			s.log.ErrorContext(ctx, "confirmation email", slog.Any("err", err))
		}
		if pending {
			s.notifyAdmins(ctx, "signup_request", MailData{Username: acct.Username, Email: user.Email, Link: s.urls.Base() + "/admin/users"})
		}
	}
	return acct, user, nil
}

// sendToken makes a single-use token and emails its link to addr.
func (s *Service) sendToken(ctx context.Context, acct *models.Account, addr, purpose, tmpl, path string, ttl time.Duration) error {
	secret, err := randomSecret()
	if err != nil {
		return err
	}
	now := s.clock.Now()
	t := &models.UserToken{CreatedAt: now, AccountID: acct.ID, Purpose: purpose, SecretHash: hashSecret(secret), ExpiresAt: now.Add(ttl)}
	if purpose == models.TokenEmailChange {
		t.Email = addr
	}
	if err := s.store.CreateUserToken(ctx, t); err != nil {
		return fmt.Errorf("%s token: %w", purpose, err)
	}
	return s.mailer.Send(ctx, addr, tmpl, MailData{
		Instance: s.cfg.InstanceName, Username: acct.Username, Email: addr,
		Link: s.urls.Base() + path + "?token=" + secret, Valid: ttlText(ttl),
	})
}

func ttlText(d time.Duration) string {
	if d >= 24*time.Hour {
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}

// notifyAdmins emails every admin; a failed send is logged, never fatal to
// what caused it.
func (s *Service) notifyAdmins(ctx context.Context, tmpl string, data MailData) {
	if s.mailer == nil {
		return
	}
	admins, err := s.store.AdminUsers(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "admin notice", slog.String("template", tmpl), slog.Any("err", err))
		return
	}
	data.Instance = s.cfg.InstanceName
	for _, a := range admins {
		if err := s.mailer.Send(ctx, a.Email, tmpl, data); err != nil {
			s.log.ErrorContext(ctx, "admin notice", slog.String("template", tmpl), slog.Any("err", err))
		}
	}
}

// NotifyAdmins is the port other areas use for admin notices by email
// (e.g. a report filed); it does nothing without email.
func (s *Service) NotifyAdmins(ctx context.Context, tmpl string, data MailData) {
	s.notifyAdmins(ctx, tmpl, data)
}

// Confirm follows a confirmation link: the token is spent and the account
// may sign in (unless it waits for approval). It returns the account.
func (s *Service) Confirm(ctx context.Context, secret string) (*models.Account, error) {
	var acct *models.Account
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		t, err := tx.UseUserToken(ctx, models.TokenConfirm, hashSecret(secret), s.clock.Now())
		if err != nil {
			return fmt.Errorf("%w: this link is not valid any more; sign in to ask for a new one", core.ErrNotFound)
		}
		if err := tx.ConfirmUser(ctx, t.AccountID, s.clock.Now()); err != nil {
			return err
		}
		acct, err = tx.AccountByID(ctx, t.AccountID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("confirm: %w", err)
	}
	return acct, nil
}

// ResendConfirmation sends a new confirmation link to an unconfirmed
// account's address. It says nothing about whether the address is known.
func (s *Service) ResendConfirmation(ctx context.Context, email string) error {
	if s.mailer == nil {
		return nil
	}
	user, err := s.store.UserByEmail(ctx, strings.TrimSpace(email))
	if err != nil || user.ConfirmedAt != nil || user.Account == nil {
		return nil
	}
	if err := s.store.ExpireUserTokens(ctx, user.AccountID, models.TokenConfirm, s.clock.Now()); err != nil {
		return fmt.Errorf("resend confirmation: %w", err)
	}
	return s.sendToken(ctx, user.Account, user.Email, models.TokenConfirm, "confirm", "/auth/confirm", confirmTTL)
}

// RequestPasswordReset emails a reset link to the account registered with
// email, voiding older links. It says nothing about whether it is known.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	if s.mailer == nil {
		return fmt.Errorf("%w: this instance sends no email; ask an admin to reset your password", core.ErrForbidden)
	}
	user, err := s.store.UserByEmail(ctx, strings.TrimSpace(email))
	if err != nil || user.Account == nil || user.Account.SuspendedAt != nil {
		return nil
	}
	if err := s.store.ExpireUserTokens(ctx, user.AccountID, models.TokenReset, s.clock.Now()); err != nil {
		return fmt.Errorf("password reset: %w", err)
	}
	return s.sendToken(ctx, user.Account, user.Email, models.TokenReset, "reset", "/auth/password/edit", resetTTL)
}

// ResetPasswordLinkValid tells whether a reset link still works (for the form).
func (s *Service) ResetPasswordLinkValid(ctx context.Context, secret string) bool {
	_, err := s.store.LiveUserToken(ctx, models.TokenReset, hashSecret(secret), s.clock.Now())
	return err == nil
}

// ResetPassword spends a reset link and sets the new password; every
// session, access token and pending link of the account ends with it.
// Following the link proves the address, so it also confirms it.
func (s *Service) ResetPassword(ctx context.Context, secret, password string) error {
	if len(password) < minPasswordLen || len(password) > maxPasswordLen {
		return fmt.Errorf("%w: password must be %d to %d bytes long", core.ErrValidation, minPasswordLen, maxPasswordLen)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("reset password: hash: %w", err)
	}
	now := s.clock.Now()
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		t, err := tx.UseUserToken(ctx, models.TokenReset, hashSecret(secret), now)
		if err != nil {
			return fmt.Errorf("%w: this link is not valid any more; ask for a new one", core.ErrNotFound)
		}
		if err := tx.UpdateUserPassword(ctx, t.AccountID, string(hash), now); err != nil {
			return err
		}
		if err := tx.ConfirmUser(ctx, t.AccountID, now); err != nil {
			return err
		}
		if err := tx.DeleteWebSessionsOf(ctx, t.AccountID, 0); err != nil {
			return err
		}
		if err := tx.RevokeTokensOf(ctx, t.AccountID, now); err != nil {
			return err
		}
		return tx.ExpireUserTokens(ctx, t.AccountID, "", now)
	})
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	return nil
}

// RequestEmailChange checks the password and sends a confirmation link to
// the new address; the old one stays until the link is followed.
func (s *Service) RequestEmailChange(ctx context.Context, acct *models.Account, password, email string) error {
	if s.mailer == nil {
		return fmt.Errorf("%w: this instance sends no email, so addresses cannot be changed here", core.ErrForbidden)
	}
	if _, _, err := s.checkPassword(ctx, acct.Username, password); err != nil {
		return fmt.Errorf("%w: the password is wrong", core.ErrValidation)
	}
	email = strings.TrimSpace(email)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return fmt.Errorf("%w: email is not a valid address", core.ErrValidation)
	}
	if _, err := s.store.UserByEmail(ctx, email); err == nil {
		return fmt.Errorf("%w: email is already registered", core.ErrConflict)
	}
	now := s.clock.Now()
	if err := s.store.ExpireUserTokens(ctx, acct.ID, models.TokenEmailChange, now); err != nil {
		return fmt.Errorf("email change: %w", err)
	}
	if err := s.store.UpdateUserSignIn(ctx, acct.ID, map[string]any{"unconfirmed_email": email, "updated_at": now}); err != nil {
		return fmt.Errorf("email change: %w", err)
	}
	return s.sendToken(ctx, acct, email, models.TokenEmailChange, "email_change", "/auth/confirm_email", emailChangeTTL)
}

// ConfirmEmailChange follows the link sent to a new address and makes it
// the account's address.
func (s *Service) ConfirmEmailChange(ctx context.Context, secret string) error {
	now := s.clock.Now()
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		t, err := tx.UseUserToken(ctx, models.TokenEmailChange, hashSecret(secret), now)
		if err != nil {
			return fmt.Errorf("%w: this link is not valid any more", core.ErrNotFound)
		}
		if err := tx.UpdateUserEmail(ctx, t.AccountID, t.Email, now); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%w: email is already registered", core.ErrConflict)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("confirm email change: %w", err)
	}
	return nil
}

// User returns the credentials row of a local account.
func (s *Service) User(ctx context.Context, acct *models.Account) (*models.User, error) {
	u, err := s.store.UserByAccountID(ctx, acct.ID)
	if err != nil {
		return nil, core.NotFound(err, "user")
	}
	return u, nil
}
