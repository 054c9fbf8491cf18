package reports

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// requireAdmin checks that admin may moderate (or that the command line
// runs).
func (s *Service) requireAdmin(ctx context.Context, admin *models.Account) error {
	if admin == nil && !isOperator(ctx) {
		return fmt.Errorf("%w: sign in first", core.ErrUnauthorized)
	}
	if isOperator(ctx) {
		return nil
	}
	ok, err := s.mod.IsAdmin(ctx, admin)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: only admins may do this", core.ErrForbidden)
	}
	return nil
}

// Filter narrows the admin's list of reports.
type Filter = store.ReportFilter

// List lists reports for an admin, newest first.
func (s *Service) List(ctx context.Context, admin *models.Account, f Filter, p core.Page) ([]models.Report, error) {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return nil, err
	}
	list, err := s.store.Reports(ctx, f, p.Store())
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return list, nil
}

// Get returns one report for an admin.
func (s *Service) Get(ctx context.Context, admin *models.Account, id int64) (*models.Report, error) {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return nil, err
	}
	r, err := s.store.ReportByID(ctx, id)
	if err != nil {
		return nil, core.NotFound(err, "report")
	}
	return r, nil
}

// Change is what an admin does to a report.
type Change string

// Changes to a report.
const (
	AssignToSelf Change = "assign_to_self"
	Unassign     Change = "unassign"
	Resolve      Change = "resolve"
	Reopen       Change = "reopen"
)

// Update assigns, unassigns, resolves or reopens a report, under a row lock
// so two admins acting at once see each other's change. Resolving tells a
// local reporter (a notification).
func (s *Service) Update(ctx context.Context, admin *models.Account, id int64, change Change) (*models.Report, error) {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return nil, err
	}
	var r *models.Report
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		var err error
		if r, err = tx.LockReport(ctx, id); err != nil {
			return core.NotFound(err, "report")
		}
		return s.apply(ctx, tx, admin, r, change)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// apply changes r in tx and logs it.
func (s *Service) apply(ctx context.Context, tx *store.Store, admin *models.Account, r *models.Report, change Change) error {
	now := s.clock.Now()
	switch change {
	case AssignToSelf:
		if admin == nil {
			return fmt.Errorf("%w: the command line cannot be assigned a report", core.ErrValidation)
		}
		r.AssignedAccountID = &admin.ID
	case Unassign:
		r.AssignedAccountID = nil
	case Resolve:
		if r.Resolved() {
			return fmt.Errorf("%w: the report is already resolved", core.ErrConflict)
		}
		r.ActionTakenAt = &now
		if admin != nil {
			r.ActionTakenByAccountID = &admin.ID
		}
		if err := s.tellReporter(ctx, tx, r, admin); err != nil {
			return err
		}
	case Reopen:
		r.ActionTakenAt, r.ActionTakenByAccountID = nil, nil
	default:
		return fmt.Errorf("%w: unknown change %q", core.ErrValidation, change)
	}
	if err := tx.SaveReport(ctx, r); err != nil {
		return fmt.Errorf("report %s: %w", change, err)
	}
	return s.mod.Audit(ctx, tx, admin, "report_"+string(change), "report", r.ID, "report "+core.IDString(r.ID), "")
}

// tellReporter notifies a local reporter that their report was resolved.
func (s *Service) tellReporter(ctx context.Context, tx *store.Store, r *models.Report, admin *models.Account) error {
	reporter, err := tx.AccountByID(ctx, r.AccountID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !reporter.IsLocal() || reporter.ActorType == models.ActorApplication {
		return nil // a remote server's report: it is not told
	}
	// The notification comes "from" the reported account, as the report
	// is about it; the admin stays unnamed.
	return tx.CreateNotification(ctx, &models.Notification{CreatedAt: s.clock.Now(), AccountID: reporter.ID,
		FromAccountID: r.TargetAccountID, Type: models.NotifyReportResolved})
}

// Action is an admin's action on an account (Mastodon's
// POST /api/v1/admin/accounts/:id/action).
type Action struct {
	Type     string // none (a warning), sensitive, disable, silence, suspend
	Text     string // the warning shown to the user
	ReportID int64  // resolved by the action, when set
}

// TakeAction acts on an account: none warns it (a notification when local),
// sensitive marks its media sensitive, silence limits it (off public
// timelines), suspend (and disable, the same here) suspends it: a local
// user can no longer sign in and their actor Delete is federated; a remote
// account's posts are hidden and purged. Each is written to the audit log.
func (s *Service) TakeAction(ctx context.Context, admin *models.Account, accountID int64, a Action) error {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return err
	}
	target, err := s.store.AccountByID(ctx, accountID)
	if err != nil {
		return core.NotFound(err, "account")
	}
	if admin != nil && target.ID == admin.ID {
		return fmt.Errorf("%w: you cannot act on your own account", core.ErrValidation)
	}
	if target.ActorType == models.ActorApplication && target.IsLocal() {
		return fmt.Errorf("%w: the instance actor cannot be moderated", core.ErrValidation)
	}
	switch a.Type {
	case "suspend", "disable":
		if target.IsLocal() {
			if err := s.mod.SuspendUser(ctx, admin, target.ID); err != nil {
				return err
			}
		} else if err := s.suspendRemote(ctx, admin, target); err != nil {
			return err
		}
	case "none", "sensitive", "silence", "":
		if a.Type == "" {
			a.Type = "none"
		}
		if err := s.limit(ctx, admin, target, a); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w: type must be none, sensitive, disable, silence or suspend", core.ErrValidation)
	}
	if a.ReportID != 0 {
		if _, err := s.Update(ctx, admin, a.ReportID, Resolve); err != nil && !errors.Is(err, core.ErrConflict) {
			return err
		}
	}
	s.log.InfoContext(ctx, "account action", slog.String("type", a.Type), slog.Int64("account", target.ID))
	return nil
}

// limit warns, marks sensitive or silences an account.
func (s *Service) limit(ctx context.Context, admin *models.Account, target *models.Account, a Action) error {
	now := s.clock.Now()
	return s.store.WithTx(ctx, func(tx *store.Store) error {
		silenced, sensitized := target.SilencedAt, target.SensitizedAt
		switch a.Type {
		case "silence":
			silenced = &now
		case "sensitive":
			sensitized = &now
		}
		if err := tx.SetAccountLimits(ctx, target.ID, silenced, sensitized); err != nil {
			return err
		}
		action := a.Type
		if action == "none" {
			action = "warn"
		}
		if target.IsLocal() {
			from := target.ID
			if admin != nil {
				from = admin.ID
			}
			if err := tx.CreateNotification(ctx, &models.Notification{CreatedAt: now, AccountID: target.ID, FromAccountID: from,
				Type: models.NotifyModerationWarning}); err != nil {
				return err
			}
		}
		return s.mod.Audit(ctx, tx, admin, action, "account", target.ID, core.Handle(target), a.Text)
	})
}

// suspendRemote suspends a remote account here: its posts are purged and
// it can no longer reach anyone.
func (s *Service) suspendRemote(ctx context.Context, admin *models.Account, target *models.Account) error {
	if target.SuspendedAt != nil {
		return fmt.Errorf("%w: %s is already suspended", core.ErrConflict, core.Handle(target))
	}
	now := s.clock.Now()
	return s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.SetAccountSuspended(ctx, target.ID, &now); err != nil {
			return err
		}
		if err := tx.DeleteFollowsOf(ctx, target.ID); err != nil {
			return err
		}
		if err := s.Purge(ctx, tx, target.ID); err != nil {
			return err
		}
		return s.mod.Audit(ctx, tx, admin, "suspend", "account", target.ID, core.Handle(target), "")
	})
}

// Undo lifts a suspension (within the grace period), a silence or a
// sensitive mark: kind is unsuspend, unsilence or unsensitive.
func (s *Service) Undo(ctx context.Context, admin *models.Account, accountID int64, kind string) error {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return err
	}
	target, err := s.store.AccountByID(ctx, accountID)
	if err != nil {
		return core.NotFound(err, "account")
	}
	switch kind {
	case "unsuspend":
		if target.IsLocal() {
			return s.mod.UnsuspendUser(ctx, admin, target.ID)
		}
		if target.SuspendedAt == nil {
			return fmt.Errorf("%w: %s is not suspended", core.ErrConflict, core.Handle(target))
		}
		return s.store.WithTx(ctx, func(tx *store.Store) error {
			if err := tx.SetAccountSuspended(ctx, target.ID, nil); err != nil {
				return err
			}
			return s.mod.Audit(ctx, tx, admin, "unsuspend", "account", target.ID, core.Handle(target), "")
		})
	case "unsilence", "unsensitive":
		silenced, sensitized := target.SilencedAt, target.SensitizedAt
		if kind == "unsilence" {
			silenced = nil
		} else {
			sensitized = nil
		}
		return s.store.WithTx(ctx, func(tx *store.Store) error {
			if err := tx.SetAccountLimits(ctx, target.ID, silenced, sensitized); err != nil {
				return err
			}
			return s.mod.Audit(ctx, tx, admin, kind, "account", target.ID, core.Handle(target), "")
		})
	}
	return fmt.Errorf("%w: unknown action %q", core.ErrValidation, kind)
}

// Purge removes every stored status of an account (a suspended remote
// one), in tx, as a Delete of each would.
func (s *Service) Purge(ctx context.Context, tx *store.Store, accountID int64) error {
	ids, err := tx.StatusIDsOfAccount(ctx, accountID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		st, err := tx.StatusWithAccount(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := s.social.RemoveStatus(ctx, tx, st); err != nil {
			return err
		}
	}
	return nil
}

// AccountInfo is an account as the admin API shows it.
type AccountInfo struct {
	Account *models.Account
	Email   string // local users only
	Admin   bool
	HasUser bool // a local user (not the instance actor, not remote)
}

// AccountInfo returns what admins see of one account.
func (s *Service) AccountInfo(ctx context.Context, admin *models.Account, id int64) (AccountInfo, error) {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return AccountInfo{}, err
	}
	a, err := s.store.AccountByID(ctx, id)
	if err != nil {
		return AccountInfo{}, core.NotFound(err, "account")
	}
	return s.info(ctx, a)
}

func (s *Service) info(ctx context.Context, a *models.Account) (AccountInfo, error) {
	out := AccountInfo{Account: a}
	if !a.IsLocal() {
		return out, nil
	}
	u, err := s.store.UserByAccountID(ctx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("account info: %w", err)
	}
	out.Email, out.Admin, out.HasUser = u.Email, u.Admin, true
	return out, nil
}

// Accounts lists local users for the admin API, newest first.
func (s *Service) Accounts(ctx context.Context, admin *models.Account, p core.Page) ([]AccountInfo, error) {
	users, err := s.mod.AdminUsers(ctx, admin, p)
	if err != nil {
		return nil, err
	}
	out := make([]AccountInfo, len(users))
	for i, u := range users {
		out[i] = AccountInfo{Account: u.Account, Email: u.Email, Admin: u.Admin, HasUser: true}
	}
	return out, nil
}
