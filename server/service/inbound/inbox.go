package inbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// ReceiveActivity takes an activity whose signature the federation layer has
// verified (signer is the key's owner and the activity's actor) and applies
// what it means. It is recorded once by id; a replay is a no-op. Everything
// it writes, the record included, commits in one transaction, so a failure
// is retried by the sender. A forged activity (acting on what is not the
// signer's) changes nothing but is recorded, and returns core.ErrForbidden.
func (s *Service) ReceiveActivity(ctx context.Context, in *models.InboxActivity, act *models.APActivity, signer *models.Account) error {
	if in.CreatedAt.IsZero() {
		in.CreatedAt = s.clock.Now()
	}
	if act == nil {
		act = &models.APActivity{ID: in.ActivityURI, Type: in.Type, Actor: in.ActorURI}
	}
	if act.Actor != "" && act.Actor != signer.URI {
		return s.forged(ctx, in, fmt.Errorf("%w: the actor is not the signer", core.ErrForbidden))
	}
	// A blocked server is not listened to: its activities are dropped
	// before anything is looked up or recorded.
	if blocked, err := s.store.IsDomainBlocked(ctx, signer.Domain); err != nil {
		return fmt.Errorf("receive activity: %w", err)
	} else if blocked {
		s.log.InfoContext(ctx, "activity from a blocked domain dropped", slog.String("domain", signer.Domain), slog.String("activity", in.ActivityURI))
		return nil
	}
	// A suspended account is not listened to either (moderation).
	if signer.SuspendedAt != nil {
		s.log.InfoContext(ctx, "activity from a suspended account dropped", slog.String("actor", signer.URI), slog.String("activity", in.ActivityURI))
		return nil
	}
	// Remote look-ups happen before the transaction: they may be slow.
	pre := s.prefetch(ctx, act, signer)
	s.resolveAddressees(ctx, act, signer)

	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		fresh, err := tx.RecordInboxActivity(ctx, in)
		if err != nil {
			return err
		}
		if !fresh {
			s.log.DebugContext(ctx, "activity replayed", slog.String("activity", in.ActivityURI))
			return errReplay
		}
		if in.RecipientID != nil {
			blocked, err := tx.Blocks(ctx, *in.RecipientID, signer.ID)
			if err != nil {
				return err
			}
			if blocked {
				s.log.InfoContext(ctx, "activity from a blocked actor dropped", slog.String("actor", signer.URI))
				return nil
			}
		}
		return s.dispatch(ctx, tx, act, signer, pre)
	})
	switch {
	case errors.Is(err, errReplay):
		return nil
	case errors.Is(err, core.ErrForbidden):
		return s.forged(ctx, in, err)
	case err != nil:
		return fmt.Errorf("receive activity: %w", err)
	}
	s.log.InfoContext(ctx, "activity received", slog.String("type", act.Type), slog.String("actor", signer.URI))
	if isActorUpdate(act, signer) && s.fetch != nil {
		if _, err := s.fetch.ResolveActor(ctx, signer.URI, true); err != nil {
			s.log.WarnContext(ctx, "actor refresh failed", slog.String("actor", signer.URI), slog.String("error", err.Error()))
		}
	}
	return nil
}

var errReplay = errors.New("replayed activity")

// forged records an activity that was refused, so its replays are no-ops
// too, and reports it as forbidden.
func (s *Service) forged(ctx context.Context, in *models.InboxActivity, why error) error {
	s.log.WarnContext(ctx, "activity refused", slog.String("activity", in.ActivityURI), slog.String("reason", why.Error()))
	if _, err := s.store.RecordInboxActivity(ctx, in); err != nil {
		return fmt.Errorf("receive activity: %w", err)
	}
	return why
}
