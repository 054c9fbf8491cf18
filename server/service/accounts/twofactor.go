package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// secondStepTTL is how long a sign-in form waits for the code after the
// password was right.
const secondStepTTL = 5 * time.Minute

const recoveryCodeCount = 10

// TwoFactorEnabled tells whether acct signs in with a TOTP code too.
func (s *Service) TwoFactorEnabled(ctx context.Context, acct *models.Account) (bool, error) {
	u, err := s.User(ctx, acct)
	if err != nil {
		return false, err
	}
	return u.TOTPEnabledAt != nil, nil
}

// BeginSecondStep is called once the password was right for an account
// with TOTP on: it returns a short-lived secret the sign-in form carries
// instead of the password while it asks for the code.
func (s *Service) BeginSecondStep(ctx context.Context, acct *models.Account) (string, error) {
	secret, err := randomSecret()
	if err != nil {
		return "", err
	}
	now := s.clock.Now()
	if err := s.store.CreateUserToken(ctx, &models.UserToken{CreatedAt: now, AccountID: acct.ID, Purpose: models.TokenSecondStep,
		SecretHash: hashSecret(secret), ExpiresAt: now.Add(secondStepTTL)}); err != nil {
		return "", fmt.Errorf("second step: %w", err)
	}
	return secret, nil
}

// FinishSecondStep checks the code (a TOTP code or an unused recovery
// code, which is then spent) for a second-step secret and returns the
// account. A wrong code leaves the step open for another try (sign-in
// attempts are rate limited by the caller); a right one ends it.
func (s *Service) FinishSecondStep(ctx context.Context, secret, code string) (*models.Account, error) {
	now := s.clock.Now()
	t, err := s.store.LiveUserToken(ctx, models.TokenSecondStep, hashSecret(secret), now)
	if err != nil {
		return nil, fmt.Errorf("%w: the sign-in has expired; enter your password again", core.ErrUnauthorized)
	}
	user, err := s.store.UserByAccountID(ctx, t.AccountID)
	if err != nil {
		return nil, fmt.Errorf("second step: %w", err)
	}
	if err := s.checkCode(ctx, user, code); err != nil {
		return nil, err
	}
	if _, err := s.store.UseUserToken(ctx, models.TokenSecondStep, hashSecret(secret), now); err != nil {
		return nil, fmt.Errorf("%w: the sign-in has expired; enter your password again", core.ErrUnauthorized)
	}
	acct, err := s.store.AccountByID(ctx, t.AccountID)
	if err != nil || acct.SuspendedAt != nil {
		return nil, fmt.Errorf("%w: wrong username or password", core.ErrUnauthorized)
	}
	return acct, nil
}

// checkCode accepts the current TOTP code (one step of clock skew either
// way) or spends a recovery code.
func (s *Service) checkCode(ctx context.Context, user *models.User, code string) error {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if user.TOTPEnabledAt == nil || code == "" {
		return fmt.Errorf("%w: wrong code", core.ErrUnauthorized)
	}
	if len(code) == 6 {
		ok, err := totp.ValidateCustom(code, user.TOTPSecret, s.clock.Now(), totp.ValidateOpts{
			Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && ok {
			return nil
		}
		return fmt.Errorf("%w: wrong code", core.ErrUnauthorized)
	}
	used, err := s.store.UseRecoveryCode(ctx, user.AccountID, hashSecret(normalRecoveryCode(code)), s.clock.Now())
	if err != nil {
		return fmt.Errorf("recovery code: %w", err)
	}
	if !used {
		return fmt.Errorf("%w: wrong code", core.ErrUnauthorized)
	}
	return nil
}

func normalRecoveryCode(c string) string { return strings.ToLower(strings.ReplaceAll(c, "-", "")) }

// TOTPSetup is a secret being set up, shown to the person to scan or type.
type TOTPSetup struct {
	Secret string
	URI    string // otpauth://totp/…
}

// BeginTOTP makes a new secret for acct (not yet in force) and returns it.
func (s *Service) BeginTOTP(ctx context.Context, acct *models.Account) (*TOTPSetup, error) {
	u, err := s.User(ctx, acct)
	if err != nil {
		return nil, err
	}
	if u.TOTPEnabledAt != nil {
		return nil, fmt.Errorf("%w: two-factor sign-in is already on", core.ErrConflict)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.cfg.InstanceName, AccountName: acct.Username + "@" + s.cfg.Host})
	if err != nil {
		return nil, fmt.Errorf("totp: %w", err)
	}
	if err := s.store.UpdateUserSignIn(ctx, acct.ID, map[string]any{"totp_secret": key.Secret()}); err != nil {
		return nil, fmt.Errorf("totp: %w", err)
	}
	return &TOTPSetup{Secret: key.Secret(), URI: key.URL()}, nil
}

// PendingTOTP returns the secret being set up, if any.
func (s *Service) PendingTOTP(ctx context.Context, acct *models.Account) (*TOTPSetup, error) {
	u, err := s.User(ctx, acct)
	if err != nil || u.TOTPSecret == "" || u.TOTPEnabledAt != nil {
		return nil, err
	}
	// The same URI totp.Generate makes (Key Uri Format).
	q := url.Values{"secret": {u.TOTPSecret}, "issuer": {s.cfg.InstanceName}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	label := url.PathEscape(s.cfg.InstanceName) + ":" + url.PathEscape(acct.Username+"@"+s.cfg.Host)
	return &TOTPSetup{Secret: u.TOTPSecret, URI: "otpauth://totp/" + label + "?" + q.Encode()}, nil
}

// EnableTOTP puts the pending secret in force once code proves the app has
// it, and returns ten recovery codes, shown once and stored hashed.
func (s *Service) EnableTOTP(ctx context.Context, acct *models.Account, code string) ([]string, error) {
	u, err := s.User(ctx, acct)
	if err != nil {
		return nil, err
	}
	if u.TOTPEnabledAt != nil || u.TOTPSecret == "" {
		return nil, fmt.Errorf("%w: start the set-up first", core.ErrValidation)
	}
	ok, err := totp.ValidateCustom(strings.TrimSpace(code), u.TOTPSecret, s.clock.Now(), totp.ValidateOpts{
		Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil || !ok {
		return nil, fmt.Errorf("%w: wrong code; check the time on your device", core.ErrValidation)
	}
	codes := make([]string, recoveryCodeCount)
	hashes := make([]string, recoveryCodeCount)
	for i := range codes {
		var raw [10]byte
		if _, err := rand.Read(raw[:]); err != nil {
			return nil, fmt.Errorf("recovery codes: %w", err)
		}
		c := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw[:]))
		codes[i] = c[:8] + "-" + c[8:]
		hashes[i] = hashSecret(normalRecoveryCode(codes[i]))
	}
	now := s.clock.Now()
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.ReplaceRecoveryCodes(ctx, acct.ID, hashes); err != nil {
			return err
		}
		return tx.UpdateUserSignIn(ctx, acct.ID, map[string]any{"totp_enabled_at": now})
	})
	if err != nil {
		return nil, fmt.Errorf("enable totp: %w", err)
	}
	return codes, nil
}

// DisableTOTP turns two-factor sign-in off after the password and a code
// (or recovery code) prove it is the owner.
func (s *Service) DisableTOTP(ctx context.Context, acct *models.Account, password, code string) error {
	_, u, err := s.checkPassword(ctx, acct.Username, password)
	if err != nil {
		return fmt.Errorf("%w: the password is wrong", core.ErrValidation)
	}
	if err := s.checkCode(ctx, u, code); err != nil {
		return fmt.Errorf("%w: wrong code", core.ErrValidation)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.ReplaceRecoveryCodes(ctx, acct.ID, nil); err != nil {
			return err
		}
		return tx.UpdateUserSignIn(ctx, acct.ID, map[string]any{"totp_enabled_at": nil, "totp_secret": ""})
	})
	if err != nil {
		return fmt.Errorf("disable totp: %w", err)
	}
	return nil
}
