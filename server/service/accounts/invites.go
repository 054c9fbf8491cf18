package accounts

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"plaza/models"
	"plaza/server/service/core"
)

// Limits of one invite link.
const (
	maxInviteUses = 1000
	maxInviteTTL  = 365 * 24 * time.Hour
)

func requireAdmin(ctx context.Context, s *Service, acct *models.Account) error {
	u, err := s.User(ctx, acct)
	if err != nil || !u.Admin {
		return fmt.Errorf("%w: admins only", core.ErrForbidden)
	}
	return nil
}

// CreateInvite makes an invite link for admin: maxUses 0 is unlimited, ttl
// 0 never expires.
func (s *Service) CreateInvite(ctx context.Context, admin *models.Account, maxUses int, ttl time.Duration) (*models.Invite, error) {
	if err := requireAdmin(ctx, s, admin); err != nil {
		return nil, err
	}
	if maxUses < 0 || maxUses > maxInviteUses || ttl < 0 || ttl > maxInviteTTL {
		return nil, fmt.Errorf("%w: an invite is for 0 (unlimited) to %d sign-ups and expires within a year", core.ErrValidation, maxInviteUses)
	}
	code, err := randomSecret()
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	inv := &models.Invite{CreatedAt: now, CreatedByID: admin.ID, Code: code[:16], MaxUses: maxUses}
	if ttl > 0 {
		exp := now.Add(ttl)
		inv.ExpiresAt = &exp
	}
	if err := s.store.CreateInvite(ctx, inv); err != nil {
		return nil, fmt.Errorf("create invite: %w", err)
	}
	s.log.InfoContext(ctx, "invite created", slog.String("admin", admin.Username), slog.Int("max_uses", maxUses))
	return inv, nil
}

// InviteLink is the sign-up address an invite opens.
func (s *Service) InviteLink(inv *models.Invite) string {
	return s.urls.Base() + "/auth/sign_up?invite=" + inv.Code
}

// InviteValid tells whether an invite code may still be used.
func (s *Service) InviteValid(ctx context.Context, code string) bool {
	if code == "" {
		return false
	}
	_, err := s.store.LiveInvite(ctx, code, s.clock.Now())
	return err == nil
}

// Invites lists the invite links, newest first.
func (s *Service) Invites(ctx context.Context) ([]models.Invite, error) {
	out, err := s.store.Invites(ctx)
	if err != nil {
		return nil, fmt.Errorf("invites: %w", err)
	}
	return out, nil
}

// PendingUsers lists the accounts that wait for approval.
func (s *Service) PendingUsers(ctx context.Context) ([]models.User, error) {
	out, err := s.store.PendingUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("pending users: %w", err)
	}
	return out, nil
}

// Approve lets a waiting account sign in and tells its owner by email.
func (s *Service) Approve(ctx context.Context, admin *models.Account, accountID int64) error {
	if err := requireAdmin(ctx, s, admin); err != nil {
		return err
	}
	acct, err := s.store.AccountByID(ctx, accountID)
	if err != nil {
		return core.NotFound(err, "account")
	}
	u, err := s.User(ctx, acct)
	if err != nil {
		return err
	}
	if err := s.store.UpdateUserSignIn(ctx, accountID, map[string]any{"approval_pending": false, "updated_at": s.clock.Now()}); err != nil {
		return fmt.Errorf("approve: %w", err)
	}
	s.log.InfoContext(ctx, "account approved", slog.String("admin", admin.Username), slog.String("username", acct.Username))
	if s.mailer != nil && u.ApprovalPending {
		if err := s.mailer.Send(ctx, u.Email, "approved", MailData{Instance: s.cfg.InstanceName, Username: acct.Username,
			Link: s.urls.Base() + "/auth/sign_in"}); err != nil {
			s.log.ErrorContext(ctx, "approval email", slog.Any("err", err))
		}
	}
	return nil
}

// ReportFiled emails the admins about a new report (wire it as the
// reports area's notifier). target is who or what is reported.
func (s *Service) ReportFiled(ctx context.Context, target, comment string) {
	s.notifyAdmins(ctx, "report_filed", MailData{Username: target, Comment: comment, Link: s.urls.Base() + "/admin/reports"})
}
