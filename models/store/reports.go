package store

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// CreateReport inserts a report.
func (s *Store) CreateReport(ctx context.Context, r *models.Report) error {
	if r.ID == 0 {
		r.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(r).Error, "create report")
}

// ReportByID returns one report.
func (s *Store) ReportByID(ctx context.Context, id int64) (*models.Report, error) {
	var r models.Report
	err := s.conn(ctx).Where("id = ?", id).Take(&r).Error
	return &r, translate(err, "report by id")
}

// LockReport reads a report for update, so two admins resolving it at once
// are serialised.
func (s *Store) LockReport(ctx context.Context, id int64) (*models.Report, error) {
	var r models.Report
	q := s.conn(ctx)
	if s.driver == DriverPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id = ?", id).Take(&r).Error
	return &r, translate(err, "lock report")
}

// ReportByURI finds the report a Flag with this id made (a redelivered Flag
// makes no second report).
func (s *Store) ReportByURI(ctx context.Context, uri string) (*models.Report, error) {
	var r models.Report
	err := s.conn(ctx).Where("uri = ? AND uri <> ''", uri).Take(&r).Error
	return &r, translate(err, "report by uri")
}

// SaveReport writes every column of a report.
func (s *Store) SaveReport(ctx context.Context, r *models.Report) error {
	r.UpdatedAt = nowUTC()
	return translate(s.conn(ctx).Save(r).Error, "save report")
}

// ReportFilter narrows a list of reports.
type ReportFilter struct {
	Resolved        *bool
	AccountID       int64 // reporter
	TargetAccountID int64
}

// Reports lists reports, newest first.
func (s *Store) Reports(ctx context.Context, f ReportFilter, p Page) ([]models.Report, error) {
	q := s.conn(ctx).Model(&models.Report{})
	if f.Resolved != nil {
		if *f.Resolved {
			q = q.Where("action_taken_at IS NOT NULL")
		} else {
			q = q.Where("action_taken_at IS NULL")
		}
	}
	if f.AccountID != 0 {
		q = q.Where("account_id = ?", f.AccountID)
	}
	if f.TargetAccountID != 0 {
		q = q.Where("target_account_id = ?", f.TargetAccountID)
	}
	q, rev := paged(q, "id", p)
	var list []models.Report
	if err := q.Find(&list).Error; err != nil {
		return nil, translate(err, "reports")
	}
	if rev {
		reverse(list)
	}
	return list, nil
}

// AddModerationAction appends a line to the audit log.
func (s *Store) AddModerationAction(ctx context.Context, a *models.ModerationAction) error {
	if a.ID == 0 {
		a.ID = s.NewID()
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = nowUTC()
	}
	return translate(s.conn(ctx).Create(a).Error, "add moderation action")
}

// ModerationActions lists the audit log, newest first.
func (s *Store) ModerationActions(ctx context.Context, p Page) ([]models.ModerationAction, error) {
	q, rev := paged(s.conn(ctx).Model(&models.ModerationAction{}), "id", p)
	var list []models.ModerationAction
	if err := q.Find(&list).Error; err != nil {
		return nil, translate(err, "moderation actions")
	}
	if rev {
		reverse(list)
	}
	return list, nil
}

// SetAccountLimits sets or clears an account's silence and sensitive
// marks (nil clears).
func (s *Store) SetAccountLimits(ctx context.Context, id int64, silenced, sensitized *time.Time) error {
	res := s.conn(ctx).Model(&models.Account{}).Where("id = ?", id).
		Updates(map[string]any{"silenced_at": silenced, "sensitized_at": sensitized, "updated_at": nowUTC()})
	if res.Error != nil {
		return translate(res.Error, "set account limits")
	}
	if res.RowsAffected == 0 {
		return translate(ErrNotFound, "set account limits")
	}
	return nil
}

// DomainBlockFor returns the block covering a remote host (itself, without
// its port, or a parent domain), the most specific first; ErrNotFound if
// none does.
func (s *Store) DomainBlockFor(ctx context.Context, domain string) (*models.DomainBlock, error) {
	candidates := blockCandidates(domain)
	if len(candidates) == 0 {
		return nil, translate(ErrNotFound, "domain block for")
	}
	var list []models.DomainBlock
	if err := s.conn(ctx).Where("domain IN ?", candidates).Find(&list).Error; err != nil {
		return nil, translate(err, "domain block for")
	}
	for _, c := range candidates {
		for i := range list {
			if list[i].Domain == c {
				return &list[i], nil
			}
		}
	}
	return nil, translate(ErrNotFound, "domain block for")
}

// SaveDomainBlock writes every column of a domain block (an update of its
// severity or options).
func (s *Store) SaveDomainBlock(ctx context.Context, b *models.DomainBlock) error {
	b.Domain = strings.ToLower(b.Domain)
	return translate(s.conn(ctx).Save(b).Error, "save domain block")
}

// DomainBlockByDomain returns the block of exactly this domain.
func (s *Store) DomainBlockByDomain(ctx context.Context, domain string) (*models.DomainBlock, error) {
	var b models.DomainBlock
	err := s.conn(ctx).Where("domain = ?", strings.ToLower(domain)).Take(&b).Error
	return &b, translate(err, "domain block by domain")
}

// RemoteAccountIDsOfDomain lists the accounts of a remote domain and its
// subdomains (domain is normalised, no LIKE wildcards).
func (s *Store) RemoteAccountIDsOfDomain(ctx context.Context, domain string) ([]int64, error) {
	domain = strings.ToLower(domain)
	var ids []int64
	err := s.conn(ctx).Model(&models.Account{}).
		Where("domain = ? OR domain LIKE ? OR domain LIKE ?", domain, "%."+domain, domain+":%").Pluck("id", &ids).Error
	return ids, translate(err, "remote accounts of domain")
}

// SetAccountsSuspended marks many accounts suspended (at) or lifts it (nil).
func (s *Store) SetAccountsSuspended(ctx context.Context, ids []int64, at *time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return translate(s.conn(ctx).Model(&models.Account{}).Where("id IN ?", ids).
		Updates(map[string]any{"suspended_at": at, "updated_at": nowUTC()}).Error, "set accounts suspended")
}

// Domain allow list (federation.allowlist_mode).

// CreateDomainAllow lets a domain federate in allow-list mode.
func (s *Store) CreateDomainAllow(ctx context.Context, a *models.DomainAllow) error {
	if a.ID == 0 {
		a.ID = s.NewID()
	}
	a.Domain = strings.ToLower(a.Domain)
	return translate(s.conn(ctx).Create(a).Error, "create domain allow")
}

// DeleteDomainAllow removes a domain from the allow list.
func (s *Store) DeleteDomainAllow(ctx context.Context, domain string) error {
	res := s.conn(ctx).Where("domain = ?", strings.ToLower(domain)).Delete(&models.DomainAllow{})
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(ErrNotFound, "delete domain allow")
	}
	return translate(res.Error, "delete domain allow")
}

// DomainAllows lists the allowed domains.
func (s *Store) DomainAllows(ctx context.Context) ([]models.DomainAllow, error) {
	var list []models.DomainAllow
	err := s.conn(ctx).Order("domain ASC").Find(&list).Error
	return list, translate(err, "domain allows")
}

// fedPolicy is how the instance federates, set once at start from the
// configuration.
type fedPolicy struct {
	allowList atomic.Bool
}

// SetAllowListMode turns allow-list federation on: only domains on the
// allow list (and not suspended) are federated with.
func (s *Store) SetAllowListMode(on bool) {
	if s.fed != nil {
		s.fed.allowList.Store(on)
	}
}

// SetUserAdmin gives or takes a local user's admin flag.
func (s *Store) SetUserAdmin(ctx context.Context, accountID int64, admin bool) error {
	res := s.conn(ctx).Model(&models.User{}).Where("account_id = ?", accountID).
		Updates(map[string]any{"admin": admin, "updated_at": nowUTC()})
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(ErrNotFound, "set user admin")
	}
	return translate(res.Error, "set user admin")
}

// DeleteUser removes a local user's credentials (the account row stays,
// suspended, so its name and URI are never reused).
func (s *Store) DeleteUser(ctx context.Context, accountID int64) error {
	res := s.conn(ctx).Where("account_id = ?", accountID).Delete(&models.User{})
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(ErrNotFound, "delete user")
	}
	return translate(res.Error, "delete user")
}
