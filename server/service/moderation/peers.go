package moderation

import (
	"context"
	"fmt"
)

// maxPeers bounds the peers list of the instance API.
const maxPeers = 10000

// Peers lists the domains of the remote servers this instance knows
// accounts of (GET /api/v1/instance/peers).
func (s *Service) Peers(ctx context.Context) ([]string, error) {
	domains, err := s.store.KnownDomains(ctx, maxPeers)
	if err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	return domains, nil
}

// DomainCount counts the remote servers this instance knows accounts of.
func (s *Service) DomainCount(ctx context.Context) (int64, error) {
	n, err := s.store.CountKnownDomains(ctx)
	if err != nil {
		return 0, fmt.Errorf("domain count: %w", err)
	}
	return n, nil
}
