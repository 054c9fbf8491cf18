// Package reports holds complaints about accounts and what admins do about
// them: reports filed by local users (forwarded as a Flag when asked),
// Flags received from other servers, the admin's queue (assign, resolve,
// reopen) and the account actions taken on a report (warn, mark sensitive,
// limit, suspend), each written to the moderation audit log.
package reports

import (
	"context"
	"log/slog"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/moderation"
	"plaza/server/service/social"
)

// Notifier is told about what admins want to hear of at once (by email:
// helper "mail" implements it). It runs after the report has committed;
// it must not block for long.
type Notifier interface {
	ReportFiled(ctx context.Context, r *models.Report)
}

// Service is the reports area.
type Service struct {
	core     *core.Base
	store    *store.Store
	accounts *accounts.Service
	mod      *moderation.Service
	social   *social.Service
	pub      core.Publisher
	clock    core.Clock
	log      *slog.Logger
	notifier Notifier
}

// New builds the reports area on the areas it acts through.
func New(c *core.Base, acc *accounts.Service, mod *moderation.Service, soc *social.Service) *Service {
	return &Service{core: c, store: c.Store(), accounts: acc, mod: mod, social: soc, pub: c.Publisher(), clock: c.Clock(), log: c.Log()}
}

// SetNotifier sets who is told of new reports; nil: nobody.
func (s *Service) SetNotifier(n Notifier) { s.notifier = n }

// notifyFiled tells the notifier about r once tx has committed.
func (s *Service) notifyFiled(ctx context.Context, tx *store.Store, r *models.Report) {
	if s.notifier == nil {
		return
	}
	rc := *r
	tx.AfterCommit(func() { s.notifier.ReportFiled(context.WithoutCancel(ctx), &rc) })
}

// isOperator reports whether the command line runs (moderation's mark).
func isOperator(ctx context.Context) bool { return moderation.IsOperator(ctx) }
