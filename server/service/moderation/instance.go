package moderation

import (
	"context"
	"fmt"

	"plaza/models"
)

// Usage is what NodeInfo reports about the instance.
type Usage struct {
	Users      int64
	LocalPosts int64
}

// Usage counts active local users and posts.
func (s *Service) Usage(ctx context.Context) (Usage, error) {
	users, err := s.store.CountLocalAccounts(ctx, models.ActorPerson)
	if err != nil {
		return Usage{}, fmt.Errorf("usage: %w", err)
	}
	posts, err := s.store.CountLocalStatuses(ctx)
	if err != nil {
		return Usage{}, fmt.Errorf("usage: %w", err)
	}
	return Usage{Users: users, LocalPosts: posts}, nil
}
