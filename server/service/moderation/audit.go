package moderation

import (
	"context"
	"fmt"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// operatorKey marks a context as the command line's.
type operatorKey struct{}

// OperatorContext marks ctx as the server operator's (the admin command
// line, run on the server with its configuration): admin checks pass, and
// the audit log records the action as the command line's.
func OperatorContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, operatorKey{}, true)
}

// IsOperator reports whether ctx was marked by OperatorContext.
func IsOperator(ctx context.Context) bool {
	v, _ := ctx.Value(operatorKey{}).(bool)
	return v
}

// adminName names who acted, for logs and the audit log.
func adminName(admin *models.Account) string {
	if admin == nil {
		return "command line"
	}
	return admin.Username
}

// audit appends one line to the audit log in db (the action's transaction).
func (s *Service) audit(ctx context.Context, db *store.Store, admin *models.Account, action, targetType string, targetID int64, target, detail string) error {
	var by int64
	if admin != nil {
		by = admin.ID
	}
	return db.AddModerationAction(ctx, &models.ModerationAction{CreatedAt: s.clock.Now(), AccountID: by, Action: action,
		TargetType: targetType, TargetID: targetID, Target: target, Detail: detail})
}

// Audit appends a line to the audit log for another area's action (reports)
// in its transaction.
func (s *Service) Audit(ctx context.Context, db *store.Store, admin *models.Account, action, targetType string, targetID int64, target, detail string) error {
	return s.audit(ctx, db, admin, action, targetType, targetID, target, detail)
}

// AuditEntry is a line of the audit log with who acted.
type AuditEntry struct {
	models.ModerationAction
	By string // "@username", or "command line"
}

// AuditLog lists the audit log, newest first.
func (s *Service) AuditLog(ctx context.Context, admin *models.Account, p core.Page) ([]AuditEntry, error) {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return nil, err
	}
	list, err := s.store.ModerationActions(ctx, p.Store())
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	out := make([]AuditEntry, len(list))
	names := map[int64]string{0: "command line"}
	for i, a := range list {
		name, ok := names[a.AccountID]
		if !ok {
			name = fmt.Sprintf("account %d", a.AccountID)
			if acct, err := s.store.AccountByID(ctx, a.AccountID); err == nil {
				name = "@" + acct.Username
			}
			names[a.AccountID] = name
		}
		out[i] = AuditEntry{ModerationAction: a, By: name}
	}
	return out, nil
}

// gracePeriod is how long a suspension can be undone with everything kept.
func (s *Service) gracePeriod() time.Duration {
	if s.cfg.SuspensionGrace > 0 {
		return s.cfg.SuspensionGrace
	}
	return 30 * 24 * time.Hour
}

// checkGrace refuses to unsuspend an account that is not suspended or
// whose grace period is over (its content may be purged).
func (s *Service) checkGrace(a *models.Account) error {
	if a.SuspendedAt == nil {
		return fmt.Errorf("%w: @%s is not suspended", core.ErrConflict, a.Username)
	}
	if s.clock.Now().Sub(*a.SuspendedAt) > s.gracePeriod() {
		return fmt.Errorf("%w: @%s was suspended more than %s ago; the grace period is over", core.ErrValidation, a.Username, s.gracePeriod())
	}
	return nil
}
