package relations

import (
	"context"
	"fmt"
	"strings"

	"plaza/models"
	"plaza/server/service/core"
)

// NormalizeDomain is how a domain is stored and compared: lower case, no
// scheme, path or surrounding dots; "" when it cannot be a domain.
func NormalizeDomain(raw string) string {
	d := strings.ToLower(strings.TrimSpace(raw))
	d = strings.TrimPrefix(strings.TrimPrefix(d, "https://"), "http://")
	if i := strings.IndexAny(d, "/?#"); i >= 0 {
		d = d[:i]
	}
	d = strings.Trim(d, ".")
	if d == "" || len(d) > 253 || strings.ContainsAny(d, " \t\r\n@,;\\\"'<>") {
		return ""
	}
	return d
}

// BlockDomain hides the accounts of domain from acct: their posts leave
// acct's timelines, their notifications go and come no more, and the
// follows between acct and them end both ways (an Undo for acct's follows,
// a Reject for their follows of acct), as on Mastodon. Blocking a domain
// again changes nothing new.
func (s *Service) BlockDomain(ctx context.Context, acct *models.Account, raw string) error {
	domain := NormalizeDomain(raw)
	switch {
	case domain == "":
		return fmt.Errorf("%w: domain is not a valid domain", core.ErrValidation)
	case domain == strings.ToLower(s.core.Config().Host):
		return fmt.Errorf("%w: you cannot block your own domain", core.ErrValidation)
	}
	if err := s.store.CreateAccountDomainBlock(ctx, &models.AccountDomainBlock{CreatedAt: s.clock.Now(), AccountID: acct.ID, Domain: domain}); err != nil {
		return fmt.Errorf("block domain: %w", err)
	}
	if err := s.store.DeleteNotificationsFromDomain(ctx, acct.ID, domain); err != nil {
		return fmt.Errorf("block domain: %w", err)
	}
	return s.endFollowsWith(ctx, acct, domain)
}

// endFollowsWith ends every follow between acct and the accounts of
// domain, a batch at a time; each ends in its own transaction through
// social, which sends what the other server must hear.
func (s *Service) endFollowsWith(ctx context.Context, acct *models.Account, domain string) error {
	for range maxDomainBlockRounds {
		follows, err := s.store.FollowsWithDomain(ctx, acct.ID, domain, domainBlockBatch)
		if err != nil {
			return fmt.Errorf("block domain: %w", err)
		}
		if len(follows) == 0 {
			return nil
		}
		for _, f := range follows {
			if f.AccountID != acct.ID {
				if err := s.RemoveFromFollowers(ctx, acct, &models.Account{ID: f.AccountID}); err != nil {
					return fmt.Errorf("block domain: %w", err)
				}
				continue
			}
			target, err := s.store.AccountByID(ctx, f.TargetAccountID)
			if err != nil {
				return fmt.Errorf("block domain: %w", err)
			}
			if err := s.social.Unfollow(ctx, acct, target); err != nil {
				return fmt.Errorf("block domain: %w", err)
			}
		}
	}
	s.core.Log().WarnContext(ctx, "domain block left follows to end", "domain", domain, "account", acct.ID)
	return nil
}

// UnblockDomain lifts acct's block of a domain; follows do not come back.
func (s *Service) UnblockDomain(ctx context.Context, acct *models.Account, raw string) error {
	domain := NormalizeDomain(raw)
	if domain == "" {
		return fmt.Errorf("%w: domain is not a valid domain", core.ErrValidation)
	}
	if err := s.store.DeleteAccountDomainBlock(ctx, acct.ID, domain); err != nil {
		return fmt.Errorf("unblock domain: %w", err)
	}
	return nil
}

// BlockedDomain is one of a user's domain blocks; ID pages the list.
type BlockedDomain struct {
	ID     int64
	Domain string
}

// BlockedDomains pages acct's blocked domains, newest first.
func (s *Service) BlockedDomains(ctx context.Context, acct *models.Account, p core.Page) ([]BlockedDomain, error) {
	list, err := s.store.AccountDomainBlocks(ctx, acct.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("blocked domains: %w", err)
	}
	out := make([]BlockedDomain, len(list))
	for i, b := range list {
		out[i] = BlockedDomain{ID: b.ID, Domain: b.Domain}
	}
	return out, nil
}
