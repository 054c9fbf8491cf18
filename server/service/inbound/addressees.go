package inbound

import (
	"context"
	"errors"
	"log/slog"
	"slices"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/messaging"
	"plaza/server/service/social"
)

// resolveAddressees looks up, before the inbox transaction, the unknown
// actors a received direct Note is addressed to: in a group chat they are
// members on other servers, and a reply from here must reach them too.
func (s *Service) resolveAddressees(ctx context.Context, act *models.APActivity, signer *models.Account) {
	obj := act.Object
	if act.Type != "Create" || obj == nil || !social.IsNoteLike(obj.Type) || s.fetch == nil {
		return
	}
	to, cc := obj.To, obj.Cc
	if len(to) == 0 && len(cc) == 0 {
		to, cc = act.To, act.Cc
	}
	if social.VisibilityOf(to, cc, signer.FollowersURI) != models.VisibilityDirect {
		return
	}
	uris := append(slices.Clone(to), cc...)
	if len(uris) > messaging.MaxChatMembers+1 {
		uris = uris[:messaging.MaxChatMembers+1]
	}
	for _, uri := range uris {
		if uri == signer.URI || uri == "" {
			continue
		}
		if _, err := s.store.AccountByURI(ctx, uri); !errors.Is(err, store.ErrNotFound) {
			continue
		}
		if _, err := s.fetch.ResolveActor(ctx, uri, false); err != nil {
			s.log.InfoContext(ctx, "addressee not resolved", slog.String("addressee", uri), slog.String("error", err.Error()))
		}
	}
}
