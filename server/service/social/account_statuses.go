package social

import (
	"context"
	"fmt"
	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"strings"
)

// AccountStatusFilter narrows the statuses of a profile, as the client
// API's exclude_replies, exclude_reblogs, only_media and tagged do.
type AccountStatusFilter struct {
	ExcludeReplies bool // replies to others; threads of the account stay
	ExcludeReblogs bool
	OnlyMedia      bool
	Tagged         string // a hashtag, with or without '#'
}

// AccountStatusesFiltered is AccountStatuses with a filter, in one query.
func (s *Service) AccountStatusesFiltered(ctx context.Context, viewer, account *models.Account, p core.Page, f AccountStatusFilter) ([]*models.Status, error) {
	sf := store.AccountStatusFilter{ExcludeReplies: f.ExcludeReplies, ExcludeReblogs: f.ExcludeReblogs, OnlyMedia: f.OnlyMedia,
		Tagged: strings.ToLower(strings.TrimPrefix(strings.TrimSpace(f.Tagged), "#"))}
	list, err := s.store.AccountStatusesFiltered(ctx, core.ViewerID(viewer), account.ID, p.Store(), sf)
	if err != nil {
		return nil, fmt.Errorf("account statuses: %w", err)
	}
	return list, nil
}
