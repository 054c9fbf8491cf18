package accounts

import (
	"context"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// SignUp creates an account for a visitor of the web UI. It is refused
// unless the instance has open registrations (the admin's setting, else the
// configuration), and never makes an admin.
func (s *Service) SignUp(ctx context.Context, username, email, password string) (*models.Account, error) {
	acct, _, err := s.Register(ctx, RegisterInput{Username: username, Email: email, Password: password})
	return acct, err
}

// ChangePassword replaces acct's password after checking the current one,
// and ends every other browser session of the account (keep is the one
// making the change; 0 ends all).
func (s *Service) ChangePassword(ctx context.Context, acct *models.Account, current, next string, keep int64) error {
	if _, err := s.CheckPassword(ctx, acct.Username, current); err != nil {
		return fmt.Errorf("%w: the current password is wrong", core.ErrValidation)
	}
	if len(next) < minPasswordLen || len(next) > maxPasswordLen {
		return fmt.Errorf("%w: password must be %d to %d bytes long", core.ErrValidation, minPasswordLen, maxPasswordLen)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(next), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("change password: hash: %w", err)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateUserPassword(ctx, acct.ID, string(hash), s.clock.Now()); err != nil {
			return err
		}
		return tx.DeleteWebSessionsOf(ctx, acct.ID, keep)
	})
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	return nil
}
