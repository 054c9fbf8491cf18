package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Web session lifetimes: a session not used for WebSessionIdle ends; using
// it moves the end forward, at most once per webSessionTouch.
const (
	WebSessionIdle  = 30 * 24 * time.Hour
	webSessionTouch = time.Hour
)

// StartWebSession signs acct in on a browser. It returns the secret for the
// cookie (only its hash is stored) and the session with its CSRF token.
func (s *Service) StartWebSession(ctx context.Context, acct *models.Account, userAgent string) (string, *models.WebSession, error) {
	secret, err := randomSecret()
	if err != nil {
		return "", nil, err
	}
	csrf, err := randomSecret()
	if err != nil {
		return "", nil, err
	}
	if len(userAgent) > 512 {
		userAgent = userAgent[:512]
	}
	now := s.clock.Now()
	ws := &models.WebSession{
		CreatedAt: now, AccountID: acct.ID, Account: acct, SecretHash: hashSecret(secret), CSRFToken: csrf,
		UserAgent: userAgent, LastSeenAt: now, ExpiresAt: now.Add(WebSessionIdle),
	}
	if err := s.store.CreateWebSession(ctx, ws); err != nil {
		return "", nil, fmt.Errorf("start web session: %w", err)
	}
	return secret, ws, nil
}

// WebSession returns the live session a cookie secret names, with its
// account; core.ErrUnauthorized when there is none or the account is suspended.
func (s *Service) WebSession(ctx context.Context, secret string) (*models.WebSession, error) {
	if secret == "" {
		return nil, fmt.Errorf("%w: no session", core.ErrUnauthorized)
	}
	now := s.clock.Now()
	ws, err := s.store.WebSessionByHash(ctx, hashSecret(secret), now)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (ws.Account == nil || ws.Account.SuspendedAt != nil)) {
		return nil, fmt.Errorf("%w: no session", core.ErrUnauthorized)
	}
	if err != nil {
		return nil, fmt.Errorf("web session: %w", err)
	}
	if now.Sub(ws.LastSeenAt) >= webSessionTouch {
		if err := s.store.TouchWebSession(ctx, ws.ID, now, now.Add(WebSessionIdle)); err != nil {
			return nil, fmt.Errorf("web session: %w", err)
		}
		ws.LastSeenAt, ws.ExpiresAt = now, now.Add(WebSessionIdle)
	}
	return ws, nil
}

// EndWebSession signs a browser out.
func (s *Service) EndWebSession(ctx context.Context, ws *models.WebSession) error {
	if err := s.store.DeleteWebSession(ctx, ws.ID); err != nil {
		return fmt.Errorf("end web session: %w", err)
	}
	return nil
}
