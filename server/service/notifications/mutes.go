package notifications

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/server/service/core"
)

// MuteThread stops notifications about the thread of a status acct can
// see (Mastodon's conversation mute); muting it again changes nothing.
func (s *Service) MuteThread(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error) {
	return s.setThreadMute(ctx, acct, statusID, true)
}

// UnmuteThread lets the thread's notifications through again.
func (s *Service) UnmuteThread(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error) {
	return s.setThreadMute(ctx, acct, statusID, false)
}

func (s *Service) setThreadMute(ctx context.Context, acct *models.Account, statusID int64, mute bool) (*models.Status, error) {
	st, err := s.core.StatusForViewer(ctx, acct, statusID)
	if err != nil {
		return nil, err
	}
	if st.ContextURI == "" {
		return nil, fmt.Errorf("%w: this status is in no thread", core.ErrValidation)
	}
	if mute {
		err = s.store.MuteConversation(ctx, &models.ConversationMute{CreatedAt: s.clock.Now(), AccountID: acct.ID, ContextURI: st.ContextURI})
	} else {
		err = s.store.UnmuteConversation(ctx, acct.ID, st.ContextURI)
	}
	if err != nil {
		return nil, fmt.Errorf("thread mute: %w", err)
	}
	return st, nil
}

// MutedAmong reports which of the statuses are in threads viewer muted,
// in one query.
func (s *Service) MutedAmong(ctx context.Context, viewer *models.Account, statuses []*models.Status) (map[int64]bool, error) {
	out := map[int64]bool{}
	if viewer == nil || len(statuses) == 0 {
		return out, nil
	}
	uris := make([]string, 0, len(statuses))
	for _, st := range statuses {
		if st.ContextURI != "" {
			uris = append(uris, st.ContextURI)
		}
	}
	muted, err := s.store.MutedContexts(ctx, viewer.ID, uris)
	if err != nil {
		return nil, fmt.Errorf("muted threads: %w", err)
	}
	for _, st := range statuses {
		if muted[st.ContextURI] {
			out[st.ID] = true
		}
	}
	return out, nil
}
