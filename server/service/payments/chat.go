package payments

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// postPaymentInChat posts the message of a payment sent from a chat; its
// card shows the payment. The payee must be a member of the chat.
func (s *Service) postPaymentInChat(ctx context.Context, payer, payee *models.Account, p *models.Payment, conversationID int64) (*models.Status, error) {
	if s.chats == nil {
		return nil, fmt.Errorf("%w: chat", core.ErrNotFound)
	}
	_, members, err := s.chats.ChatMembers(ctx, payer, conversationID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(members, func(a *models.Account) bool { return a.ID == payee.ID }) {
		return nil, fmt.Errorf("%w: @%s is not in this chat", core.ErrValidation, payee.Username)
	}
	text := fmt.Sprintf("%s I'm sending you %s %s", core.Handle(payee), FormatAmount(p.Amount, p.Currency), p.Currency)
	if p.Note != "" {
		text += " for " + p.Note
	}
	return s.chats.PostInChat(ctx, payer, conversationID, text+".")
}

// Retract deletes a chat message whose payment or request was not
// recorded; a failure is logged (the message's links lead to nothing).
func (s *Service) Retract(ctx context.Context, from *models.Account, st *models.Status) {
	if err := s.chats.RetractInChat(ctx, from, st.ID); err != nil {
		s.log.WarnContext(ctx, "chat message of a refused payment not retracted", slog.Int64("status", st.ID), slog.String("error", err.Error()))
	}
}

// LocalStatusID is the id of the local copy of a chat message, nil when
// there is none (yet).
func LocalStatusID(ctx context.Context, tx *store.Store, noteURI string) *int64 {
	if noteURI == "" {
		return nil
	}
	st, err := tx.StatusWithAccountByURI(ctx, noteURI)
	if err != nil {
		return nil
	}
	return &st.ID
}

// EventCard is the event kind of a payment card that changed: ID is the
// chat message, AccountID a local member of the chat.
const EventCard = store.EventCard

// EmitCard tells every local member of the chat holding noteURI to
// refresh its card, once the transaction commits.
func EmitCard(ctx context.Context, tx *store.Store, noteURI string) error {
	if noteURI == "" {
		return nil
	}
	st, err := tx.StatusWithAccountByURI(ctx, noteURI)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the message has not arrived yet; its card shows when it does
	}
	if err != nil {
		return err
	}
	ids := []int64{st.AccountID}
	if st.ContextURI != "" {
		more, err := tx.ParticipantIDsByContext(ctx, st.ContextURI)
		if err != nil {
			return err
		}
		ids = append(ids, more...)
	}
	mentions, err := tx.MentionedIDsOf(ctx, []int64{st.ID})
	if err != nil {
		return err
	}
	ids = append(ids, mentions[st.ID]...)
	slices.Sort(ids)
	accts, err := tx.AccountsByIDs(ctx, slices.Compact(ids))
	if err != nil {
		return err
	}
	for _, a := range accts {
		if !a.IsLocal() {
			continue
		}
		if err := tx.Emit(ctx, store.Event{Kind: store.EventCard, ID: st.ID, AccountID: a.ID}); err != nil {
			return err
		}
	}
	return nil
}
