package store

import (
	"context"

	"plaza/models"
)

// KnownDomains lists, in order, the distinct domains of the remote accounts
// this instance knows (at most limit).
func (s *Store) KnownDomains(ctx context.Context, limit int) ([]string, error) {
	var domains []string
	err := s.conn(ctx).Model(&models.Account{}).Distinct("domain").
		Where("domain <> ''").Order("domain").Limit(limit).Pluck("domain", &domains).Error
	return domains, translate(err, "known domains")
}

// CountKnownDomains counts the distinct domains of known remote accounts.
func (s *Store) CountKnownDomains(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&models.Account{}).Where("domain <> ''").Distinct("domain").Count(&n).Error
	return n, translate(err, "count known domains")
}
