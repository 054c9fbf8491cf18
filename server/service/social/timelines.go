package social

import (
	"context"
	"fmt"
	"strings"

	"plaza/models"
	"plaza/server/service/core"
)

// HomeTimeline returns acct's own statuses and those (boosts included) of
// the accounts it follows, newest first; no direct statuses, nothing of
// blocked accounts.
func (s *Service) HomeTimeline(ctx context.Context, acct *models.Account, p core.Page) ([]*models.Status, error) {
	list, err := s.store.HomeTimeline(ctx, acct.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("home timeline: %w", err)
	}
	return list, nil
}

// PublicTimeline returns public statuses (no boosts): local ones, remote
// ones or both.
func (s *Service) PublicTimeline(ctx context.Context, viewer *models.Account, local, remote bool, p core.Page) ([]*models.Status, error) {
	if !local && !remote {
		local, remote = true, true
	}
	list, err := s.store.PublicTimeline(ctx, core.ViewerID(viewer), local, remote, p.Store())
	if err != nil {
		return nil, fmt.Errorf("public timeline: %w", err)
	}
	return list, nil
}

// AccountStatuses returns the statuses of account that viewer (nil:
// anonymous) may see.
func (s *Service) AccountStatuses(ctx context.Context, viewer, account *models.Account, p core.Page) ([]*models.Status, error) {
	list, err := s.store.AccountStatuses(ctx, core.ViewerID(viewer), account.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("account statuses: %w", err)
	}
	return list, nil
}

// TagTimeline returns the public statuses with a hashtag.
func (s *Service) TagTimeline(ctx context.Context, viewer *models.Account, tag string, p core.Page) ([]*models.Status, error) {
	tag = strings.ToLower(strings.TrimPrefix(tag, "#"))
	list, err := s.store.TagTimeline(ctx, core.ViewerID(viewer), tag, p.Store())
	if err != nil {
		return nil, fmt.Errorf("tag timeline: %w", err)
	}
	return list, nil
}

// OutboxStatuses returns an account's public and unlisted statuses and
// boosts, for its ActivityPub outbox.
func (s *Service) OutboxStatuses(ctx context.Context, account *models.Account, p core.Page) ([]*models.Status, error) {
	list, err := s.store.OutboxStatuses(ctx, account.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return list, nil
}

// StatusReplies returns the public and unlisted replies to a status, for
// its ActivityPub replies collection.
func (s *Service) StatusReplies(ctx context.Context, statusID int64, p core.Page) ([]*models.Status, error) {
	list, err := s.store.StatusReplies(ctx, statusID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("status replies: %w", err)
	}
	return list, nil
}

// Thread returns what a status replies to (oldest first) and the replies
// below it, keeping only what viewer may see.
func (s *Service) Thread(ctx context.Context, viewer *models.Account, statusID int64) (ancestors, descendants []*models.Status, err error) {
	if _, err := s.core.StatusForViewer(ctx, viewer, statusID); err != nil {
		return nil, nil, err
	}
	up, err := s.store.Ancestors(ctx, statusID)
	if err != nil {
		return nil, nil, fmt.Errorf("thread: %w", err)
	}
	down, err := s.store.Descendants(ctx, statusID)
	if err != nil {
		return nil, nil, fmt.Errorf("thread: %w", err)
	}
	if ancestors, err = s.core.VisibleOnly(ctx, viewer, up); err != nil {
		return nil, nil, err
	}
	if descendants, err = s.core.VisibleOnly(ctx, viewer, down); err != nil {
		return nil, nil, err
	}
	return ancestors, descendants, nil
}
