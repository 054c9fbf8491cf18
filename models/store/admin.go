package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// CreateDomainBlock inserts a domain block (Domain already normalised); a
// domain blocked before is ErrConflict.
func (s *Store) CreateDomainBlock(ctx context.Context, b *models.DomainBlock) error {
	if b.ID == 0 {
		b.ID = s.NewID()
	}
	b.Domain = strings.ToLower(b.Domain)
	return translate(s.conn(ctx).Create(b).Error, "create domain block")
}

// DeleteDomainBlock lifts a domain block; ErrNotFound if there is none with
// this id.
func (s *Store) DeleteDomainBlock(ctx context.Context, id int64) (*models.DomainBlock, error) {
	var b models.DomainBlock
	if err := s.conn(ctx).Where("id = ?", id).Take(&b).Error; err != nil {
		return nil, translate(err, "domain block")
	}
	return &b, translate(s.conn(ctx).Where("id = ?", id).Delete(&models.DomainBlock{}).Error, "delete domain block")
}

// DomainBlocks lists every domain block, by domain.
func (s *Store) DomainBlocks(ctx context.Context) ([]models.DomainBlock, error) {
	var list []models.DomainBlock
	err := s.conn(ctx).Order("domain ASC").Find(&list).Error
	return list, translate(err, "domain blocks")
}

// IsDomainBlocked reports whether a remote host (which may carry a port) is
// cut off: suspended by a block of the host itself, of the host without its
// port, or of a parent domain (a block that only limits or rejects media
// does not cut it off); or, in allow-list mode, covered by no allow entry.
func (s *Store) IsDomainBlocked(ctx context.Context, domain string) (bool, error) {
	candidates := blockCandidates(domain)
	if len(candidates) == 0 {
		return false, nil
	}
	var n int64
	err := s.conn(ctx).Model(&models.DomainBlock{}).Where("domain IN ? AND severity = ?", candidates, models.SeveritySuspend).Count(&n).Error
	if err != nil || n > 0 {
		return n > 0, translate(err, "is domain blocked")
	}
	if s.fed == nil || !s.fed.allowList.Load() {
		return false, nil
	}
	err = s.conn(ctx).Model(&models.DomainAllow{}).Where("domain IN ?", candidates).Count(&n).Error
	return n == 0, translate(err, "is domain allowed")
}

// blockCandidates lists the blocked domains that would cover domain:
// "a.b.example.org:8443" is covered by itself, "a.b.example.org",
// "b.example.org" and "example.org".
func blockCandidates(domain string) []string {
	domain = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
	if domain == "" {
		return nil
	}
	out := []string{domain}
	host := domain
	if i := strings.LastIndex(domain, ":"); i > 0 && !strings.HasSuffix(domain, "]") {
		host = domain[:i]
		out = append(out, host)
	}
	if strings.HasPrefix(host, "[") || isNumericHost(host) {
		return out // an IP address has no parent domains
	}
	for {
		i := strings.Index(host, ".")
		if i < 0 || !strings.Contains(host[i+1:], ".") {
			break
		}
		host = host[i+1:]
		out = append(out, host)
	}
	return out
}

func isNumericHost(h string) bool {
	return strings.Trim(h, "0123456789.") == ""
}

// DeleteFollowsWithDomain removes every follow, either way, between an
// account of a remote domain (or its subdomains) and any other account.
// domain is a normalised host name (no LIKE wildcards: the service
// validates it).
func (s *Store) DeleteFollowsWithDomain(ctx context.Context, domain string) (int64, error) {
	domain = strings.ToLower(domain)
	sub := s.conn(ctx).Model(&models.Account{}).Select("id").
		Where("domain = ? OR domain LIKE ? OR domain LIKE ?", domain, "%."+domain, domain+":%")
	gone, err := s.deleteFollows(ctx, "delete follows with domain", "account_id IN (?) OR target_account_id IN (?)", sub, sub)
	return int64(len(gone)), err
}

// SetAccountSuspended suspends an account (at) or lifts its suspension (nil).
func (s *Store) SetAccountSuspended(ctx context.Context, id int64, at *time.Time) error {
	res := s.conn(ctx).Model(&models.Account{}).Where("id = ?", id).
		Updates(map[string]any{"suspended_at": at, "updated_at": nowUTC()})
	if res.Error != nil {
		return translate(res.Error, "set account suspended")
	}
	if res.RowsAffected == 0 {
		return translate(ErrNotFound, "set account suspended")
	}
	return nil
}

// RevokeAllTokensOf revokes every active client API token of an account and
// voids its unused authorization codes.
func (s *Store) RevokeAllTokensOf(ctx context.Context, accountID int64, at time.Time) error {
	return translate(s.WithTx(ctx, func(tx *Store) error {
		err := tx.conn(ctx).Model(&models.Token{}).Where("account_id = ? AND revoked_at IS NULL", accountID).
			Update("revoked_at", at).Error
		if err != nil {
			return err
		}
		return tx.conn(ctx).Model(&models.OAuthCode{}).Where("account_id = ? AND used_at IS NULL", accountID).
			Update("used_at", at).Error
	}), "revoke tokens of account")
}

// LocalUserEntry is a local account with its credentials row.
type LocalUserEntry struct {
	Account *models.Account
	User    models.User
}

// ListLocalUsers lists local users (never the instance actor, which has no
// user row), newest account first, paged by account id.
func (s *Store) ListLocalUsers(ctx context.Context, p Page) ([]LocalUserEntry, error) {
	q, rev := paged(s.conn(ctx).Preload("Account"), "account_id", p)
	var users []models.User
	if err := q.Find(&users).Error; err != nil {
		return nil, translate(err, "list local users")
	}
	if rev {
		reverse(users)
	}
	out := make([]LocalUserEntry, 0, len(users))
	for _, u := range users {
		if u.Account == nil {
			continue
		}
		a := u.Account
		u.Account = nil
		out = append(out, LocalUserEntry{Account: a, User: u})
	}
	return out, nil
}

// GetSettings returns every stored instance setting, by key.
func (s *Store) GetSettings(ctx context.Context) (map[string]string, error) {
	var list []models.InstanceSetting
	if err := s.conn(ctx).Find(&list).Error; err != nil {
		return nil, translate(err, "instance settings")
	}
	out := make(map[string]string, len(list))
	for _, st := range list {
		out[st.Key] = st.Value
	}
	return out, nil
}

// SetSetting stores one instance setting, replacing its earlier value.
func (s *Store) SetSetting(ctx context.Context, key, value string, at time.Time) error {
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"}),
	}).Create(&models.InstanceSetting{Key: key, Value: value, UpdatedAt: at}).Error
	return translate(err, "set instance setting")
}
