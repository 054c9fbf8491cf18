package accounts

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"regexp"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// InstanceActorUsername is the reserved username of the instance actor. It
// cannot collide with a user: usernames may not contain dots.
const InstanceActorUsername = "instance.actor"

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9_]{1,30}$`)

// Password length rules: bcrypt reads at most 72 bytes.
const (
	minPasswordLen = 8
	maxPasswordLen = 72
)

// CreateUserInput is what a new local user is made from.
type CreateUserInput struct {
	Username string
	Email    string
	Password string
	Admin    bool
	// Unconfirmed leaves the address to be confirmed by email; Pending makes
	// the account wait for an admin; Invite is spent in the same transaction.
	Unconfirmed, Pending bool
	Invite               string
}

// ValidateUsername checks the local username rules.
func ValidateUsername(username string) error {
	if !usernamePattern.MatchString(username) {
		return fmt.Errorf("%w: username must be 1 to 30 letters, digits or underscores", core.ErrValidation)
	}
	return nil
}

// CreateUser makes a local account with its credentials and an RSA-2048 key
// pair, all in one transaction.
func (s *Service) CreateUser(ctx context.Context, in CreateUserInput) (*models.Account, error) {
	if err := ValidateUsername(in.Username); err != nil {
		return nil, err
	}
	addr, err := mail.ParseAddress(in.Email)
	if err != nil || addr.Address != strings.TrimSpace(in.Email) {
		return nil, fmt.Errorf("%w: email is not a valid address", core.ErrValidation)
	}
	if len(in.Password) < minPasswordLen || len(in.Password) > maxPasswordLen {
		return nil, fmt.Errorf("%w: password must be %d to %d bytes long", core.ErrValidation, minPasswordLen, maxPasswordLen)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("create user: hash password: %w", err)
	}
	acct, err := s.newLocalAccount(in.Username, models.ActorPerson)
	if err != nil {
		return nil, err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateAccount(ctx, acct); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%w: username %q is taken", core.ErrConflict, in.Username)
			}
			return err
		}
		user := &models.User{AccountID: acct.ID, Email: addr.Address, PasswordHash: string(hash), Admin: in.Admin}
		if !in.Unconfirmed {
			now := s.clock.Now()
			user.ConfirmedAt = &now
		}
		user.ApprovalPending = in.Pending
		if in.Invite != "" {
			if err := tx.UseInvite(ctx, in.Invite, s.clock.Now()); err != nil {
				return fmt.Errorf("%w: the invite link is not valid any more", core.ErrForbidden)
			}
		}
		if err := tx.CreateUser(ctx, user); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%w: email is already registered", core.ErrConflict)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	s.log.InfoContext(ctx, "user created", slog.String("username", acct.Username), slog.Bool("admin", in.Admin))
	return acct, nil
}

// newLocalAccount fills the ids, addresses and a fresh key pair of a local
// actor; it does not store it.
func (s *Service) newLocalAccount(username string, actorType models.ActorType) (*models.Account, error) {
	privPEM, pubPEM, err := generateKeyPair()
	if err != nil {
		return nil, fmt.Errorf("create account: %w", err)
	}
	now := s.clock.Now()
	a := &models.Account{
		CreatedAt:     now,
		UpdatedAt:     now,
		Username:      username,
		ActorType:     actorType,
		Discoverable:  actorType == models.ActorPerson,
		PublicKeyPEM:  pubPEM,
		PrivateKeyPEM: privPEM,
		SharedInbox:   s.urls.SharedInbox(),
	}
	if actorType == models.ActorApplication {
		base := s.urls.InstanceActor()
		a.URI, a.URL = base, s.urls.Base()+"/about"
		a.InboxURI, a.OutboxURI = base+"/inbox", base+"/outbox"
		a.DisplayName = s.cfg.Host
	} else {
		base := s.urls.Actor(username)
		a.URI, a.URL = base, s.urls.Profile(username)
		a.InboxURI, a.OutboxURI = base+"/inbox", base+"/outbox"
		a.FollowersURI, a.FollowingURI = base+"/followers", base+"/following"
		a.FeaturedURI = base + "/collections/featured"
		a.FeaturedTagsURI = base + "/collections/tags"
		a.DisplayName = username
	}
	a.PublicKeyID = a.URI + "#main-key"
	return a, nil
}

// generateKeyPair makes an RSA-2048 key pair as PKCS#8 and PKIX PEM.
func generateKeyPair() (privatePEM, publicPEM string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", fmt.Errorf("generate key: %w", err)
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", fmt.Errorf("encode private key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", fmt.Errorf("encode public key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})), nil
}

// EnsureInstanceActor returns the instance actor, creating it on first start.
func (s *Service) EnsureInstanceActor(ctx context.Context) (*models.Account, error) {
	a, err := s.store.LocalAccountByUsername(ctx, InstanceActorUsername)
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("instance actor: %w", err)
	}
	a, err = s.newLocalAccount(InstanceActorUsername, models.ActorApplication)
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateAccount(ctx, a); err != nil {
		if errors.Is(err, store.ErrConflict) { // another process made it first
			return s.store.LocalAccountByUsername(ctx, InstanceActorUsername)
		}
		return nil, fmt.Errorf("instance actor: %w", err)
	}
	return a, nil
}

// LocalUser returns a local user's account (not the instance actor, not a
// suspended account).
func (s *Service) LocalUser(ctx context.Context, username string) (*models.Account, error) {
	if ValidateUsername(username) != nil {
		return nil, fmt.Errorf("%w: user %q", core.ErrNotFound, username)
	}
	a, err := s.store.LocalAccountByUsername(ctx, username)
	if err != nil {
		return nil, core.NotFound(err, "user")
	}
	if a.SuspendedAt != nil {
		return nil, fmt.Errorf("%w: user %q", core.ErrNotFound, username)
	}
	return a, nil
}

// LocalUserByActorURI returns the local user an actor id names.
func (s *Service) LocalUserByActorURI(ctx context.Context, uri string) (*models.Account, error) {
	name, ok := s.urls.UsernameFromActor(uri)
	if !ok {
		if p := s.urls.Profile(""); strings.HasPrefix(uri, p) {
			name, ok = strings.TrimPrefix(uri, p), true
		}
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s is not a local actor", core.ErrNotFound, uri)
	}
	return s.LocalUser(ctx, name)
}

// Token scopes, as in Mastodon: the four top-level ones, admin scopes, and
// granular forms such as read:statuses.
var scopePattern = regexp.MustCompile(`^(read|write|follow|push|admin:read|admin:write)(:[a-z_]+)?$`)

// ParseScopes validates a space-separated scope list; empty means "read".
func ParseScopes(scopes string) ([]string, error) {
	fields := strings.Fields(scopes)
	if len(fields) == 0 {
		return []string{"read"}, nil
	}
	for _, f := range fields {
		if !scopePattern.MatchString(f) {
			return nil, fmt.Errorf("%w: unknown scope %q", core.ErrValidation, f)
		}
	}
	return fields, nil
}

// CreateToken issues a bearer token for a local user and returns its secret,
// which is shown once and stored only as a hash.
func (s *Service) CreateToken(ctx context.Context, username, scopes string) (string, error) {
	acct, err := s.LocalUser(ctx, username)
	if err != nil {
		return "", err
	}
	list, err := ParseScopes(scopes)
	if err != nil {
		return "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	secret := base64.RawURLEncoding.EncodeToString(raw[:])
	tok := &models.Token{CreatedAt: s.clock.Now(), AccountID: &acct.ID, SecretHash: hashSecret(secret), Scopes: strings.Join(list, " ")}
	if err := s.store.CreateToken(ctx, tok); err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	return secret, nil
}

// Authenticate returns the active token a bearer secret belongs to, with its
// account.
func (s *Service) Authenticate(ctx context.Context, secret string) (*models.Token, error) {
	if secret == "" {
		return nil, fmt.Errorf("%w: no access token", core.ErrUnauthorized)
	}
	tok, err := s.store.ActiveTokenBySecretHash(ctx, hashSecret(secret))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: the access token is invalid", core.ErrUnauthorized)
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if tok.AccountID != nil && (tok.Account == nil || tok.Account.SuspendedAt != nil) {
		return nil, fmt.Errorf("%w: the account is suspended", core.ErrUnauthorized)
	}
	return tok, nil
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CheckPassword reports whether password is the user's, and refuses an
// account whose address is unconfirmed or that waits for approval (with
// ErrUnconfirmed or ErrPending) once the password is right.
func (s *Service) CheckPassword(ctx context.Context, username, password string) (*models.Account, error) {
	acct, user, err := s.checkPassword(ctx, username, password)
	if err != nil {
		return nil, err
	}
	if user.ConfirmedAt == nil {
		return nil, ErrUnconfirmed
	}
	if user.ApprovalPending {
		return nil, ErrPending
	}
	return acct, nil
}

func (s *Service) checkPassword(ctx context.Context, username, password string) (*models.Account, *models.User, error) {
	acct, err := s.LocalUser(ctx, username)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: wrong username or password", core.ErrUnauthorized)
	}
	user, err := s.store.UserByAccountID(ctx, acct.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: wrong username or password", core.ErrUnauthorized)
	}
	if bcrypt.CompareHashAndPassword([]byte(user.PasswordHash), []byte(password)) != nil {
		return nil, nil, fmt.Errorf("%w: wrong username or password", core.ErrUnauthorized)
	}
	return acct, user, nil
}
