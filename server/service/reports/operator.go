package reports

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// What the operator does to local users from the command line (and an admin
// could from the API): roles, password resets, deletion.

// localUser returns the local user account named username.
func (s *Service) localUser(ctx context.Context, username string) (*models.Account, error) {
	a, err := s.store.LocalAccountByUsername(ctx, username)
	if err != nil {
		return nil, core.NotFound(err, "user")
	}
	if _, err := s.store.UserByAccountID(ctx, a.ID); err != nil {
		return nil, core.NotFound(err, "user")
	}
	return a, nil
}

// LocalUserID returns the account id of a local user, for the command line.
func (s *Service) LocalUserID(ctx context.Context, username string) (int64, error) {
	a, err := s.localUser(ctx, username)
	if err != nil {
		return 0, err
	}
	return a.ID, nil
}

// SetRole makes a local user an admin or takes it away.
func (s *Service) SetRole(ctx context.Context, admin *models.Account, username string, isAdmin bool) error {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return err
	}
	a, err := s.localUser(ctx, username)
	if err != nil {
		return err
	}
	role := "user"
	if isAdmin {
		role = "admin"
	}
	return s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.SetUserAdmin(ctx, a.ID, isAdmin); err != nil {
			return err
		}
		return s.mod.Audit(ctx, tx, admin, "set_role", "account", a.ID, core.Handle(a), role)
	})
}

// ResetPassword gives a local user a new random password (returned, to be
// handed over), ending their sessions and tokens.
func (s *Service) ResetPassword(ctx context.Context, admin *models.Account, username string) (string, error) {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return "", err
	}
	a, err := s.localUser(ctx, username)
	if err != nil {
		return "", err
	}
	raw := make([]byte, 15)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("reset password: %w", err)
	}
	password := base64.RawURLEncoding.EncodeToString(raw)
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("reset password: %w", err)
	}
	now := s.clock.Now()
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateUserPassword(ctx, a.ID, string(hash), now); err != nil {
			return err
		}
		if err := tx.RevokeAllTokensOf(ctx, a.ID, now); err != nil {
			return err
		}
		if err := tx.DeleteWebSessionsOf(ctx, a.ID, 0); err != nil {
			return err
		}
		return s.mod.Audit(ctx, tx, admin, "reset_password", "account", a.ID, core.Handle(a), "")
	})
	if err != nil {
		return "", fmt.Errorf("reset password: %w", err)
	}
	return password, nil
}

// DeleteUser deletes a local user for good: suspended (its Delete
// federated) if it was not, its posts removed, its credentials gone. The
// account row stays so its name is never given to someone else.
func (s *Service) DeleteUser(ctx context.Context, admin *models.Account, username string) error {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return err
	}
	a, err := s.localUser(ctx, username)
	if err != nil {
		return err
	}
	if a.SuspendedAt == nil {
		if err := s.mod.SuspendUser(ctx, admin, a.ID); err != nil && !errors.Is(err, core.ErrConflict) {
			return err
		}
	}
	return s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := s.Purge(ctx, tx, a.ID); err != nil {
			return err
		}
		if err := tx.DeleteFollowsOf(ctx, a.ID); err != nil {
			return err
		}
		if err := tx.DeleteUser(ctx, a.ID); err != nil {
			return err
		}
		return s.mod.Audit(ctx, tx, admin, "delete", "account", a.ID, core.Handle(a), "")
	})
}
