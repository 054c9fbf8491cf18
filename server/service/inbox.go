package service

import (
	"context"
	"fmt"
	"log/slog"

	"plaza/models"
)

// ReceiveActivity takes an activity whose signature the federation layer has
// verified. It is recorded once by id; a replay is a no-op.
func (s *Service) ReceiveActivity(ctx context.Context, act *models.InboxActivity, signer *models.Account) error {
	if act.CreatedAt.IsZero() {
		act.CreatedAt = s.clock.Now()
	}
	fresh, err := s.store.RecordInboxActivity(ctx, act)
	if err != nil {
		return fmt.Errorf("receive activity: %w", err)
	}
	if !fresh {
		s.log.DebugContext(ctx, "activity replayed", slog.String("activity", act.ActivityURI))
		return nil
	}
	s.log.InfoContext(ctx, "activity received", slog.String("type", act.Type), slog.String("actor", signer.URI))
	return nil
}
