package quotes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// ErrForged is a quote activity that does not come from who may send it:
// an answer not from the quoted author, a request for another's post.
var ErrForged = fmt.Errorf("%w: quote activity", core.ErrForbidden)

// ReceiveActivity handles QuoteRequests for local statuses and the
// Accept/Reject of this instance's QuoteRequests, and a Delete of a
// QuoteAuthorization (the quoted author revoking it). It reports false for
// anything else.
func (s *Service) ReceiveActivity(ctx context.Context, tx *store.Store, act *models.APActivity, signer *models.Account) (bool, error) {
	if act.Type == "Delete" && act.Object != nil && act.Object.ID != "" {
		return s.inRevoke(ctx, tx, act.Object.ID, signer)
	}
	if s.decode == nil {
		return false, nil
	}
	answer := (act.Type == "Accept" || act.Type == "Reject") && act.Object != nil
	if answer && !s.recognize(act) {
		// An answer naming its request by id alone: ours if we sent it.
		if _, err := tx.QuoteByRequestURI(ctx, act.Object.ID); err != nil {
			return false, nil
		}
	} else if !s.recognize(act) {
		return false, nil
	}
	p, err := s.decode([]byte(act.Raw))
	if err != nil {
		return true, fmt.Errorf("quote activity %s: %w", act.ID, err)
	}
	if p.Actor != signer.URI {
		return true, fmt.Errorf("%w: %s is not signed by its actor", ErrForged, p.ActivityID)
	}
	if p.Type == "QuoteRequest" {
		return true, s.inRequest(ctx, tx, p, signer)
	}
	err = s.inAnswer(ctx, tx, p, signer)
	if errors.Is(err, core.ErrForbidden) {
		s.log.WarnContext(ctx, "quote answer refused", slog.String("activity", p.ActivityID), slog.String("error", err.Error()))
	}
	return true, err
}

// inRequest answers a remote QuoteRequest for a local status by its
// policy: Accept with a QuoteAuthorization, or Reject.
func (s *Service) inRequest(ctx context.Context, tx *store.Store, p *models.APQuote, signer *models.Account) error {
	if p.Quoting == "" || core.OriginOf(p.Quoting) != core.OriginOf(signer.URI) {
		return fmt.Errorf("%w: %s asks for a post not of its server", ErrForged, p.ActivityID)
	}
	quoted, err := tx.StatusWithAccountByURI(ctx, p.Quoted)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if !quoted.Local || quoted.ReblogOfID != nil {
		return nil
	}
	now := s.clock.Now()
	q, err := tx.QuoteByQuotingURI(ctx, p.Quoting)
	fresh := errors.Is(err, store.ErrNotFound)
	switch {
	case fresh:
		q = &models.Quote{ID: tx.NewID(), CreatedAt: now, QuotingURI: p.Quoting, QuotedURI: quoted.URI, QuotedStatusID: &quoted.ID}
	case err != nil:
		return err
	case q.QuotedURI != quoted.URI:
		return fmt.Errorf("%w: %s quotes another post", ErrForged, p.Quoting)
	}
	if quoting, err := tx.StatusWithAccountByURI(ctx, p.Quoting); err == nil && quoting.AccountID == signer.ID {
		q.StatusID = &quoting.ID
	}
	q.UpdatedAt, q.RequestURI, q.QuotedStatusID = now, p.RequestID, &quoted.ID
	visible, err := s.core.CanSeeIn(ctx, tx, signer, quoted, 0)
	if err != nil {
		return err
	}
	decision := Denied
	if visible {
		if decision, err = s.decide(ctx, tx, signer, quoted); err != nil {
			return err
		}
	}
	typ := "Reject"
	if q.State == models.QuoteRevoked {
		decision = Denied // a revoked quote stays revoked
	}
	if decision == Automatic {
		typ, q.State, q.AuthorizationURI = "Accept", models.QuoteAccepted, s.authorizationURI(quoted.Account, q.ID)
	} else if q.State != models.QuoteRevoked {
		q.State = models.QuoteRejected
	}
	if fresh {
		err = tx.CreateQuote(ctx, q)
	} else {
		err = tx.SaveQuote(ctx, q)
	}
	if err != nil {
		return err
	}
	if err := s.notifyQuoted(ctx, tx, quoted.Account, signer.ID, q); err != nil {
		return err
	}
	return s.core.Publish(ctx, tx, &models.Outgoing{Type: typ, ID: s.authorizationURI(quoted.Account, q.ID) + "#" + typ + "/" + core.IDString(tx.NewID()),
		Actor: quoted.Account, Quote: &models.QuoteOut{Quote: q, To: signer}})
}

// inAnswer applies the quoted author's Accept or Reject of this
// instance's QuoteRequest. Only the quoted author answers, and an Accept's
// QuoteAuthorization must be theirs, of their server, and name this very
// quote.
func (s *Service) inAnswer(ctx context.Context, tx *store.Store, p *models.APQuote, signer *models.Account) error {
	q, err := tx.QuoteByRequestURI(ctx, p.RequestID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if q.QuotedStatusID == nil || q.StatusID == nil {
		return nil
	}
	quoted, err := tx.StatusWithAccount(ctx, *q.QuotedStatusID)
	if err != nil {
		return err
	}
	if quoted.AccountID != signer.ID {
		return fmt.Errorf("%w: %s answered a quote of another's post", ErrForged, signer.URI)
	}
	if p.Type == "Reject" {
		q.State, q.AuthorizationURI = models.QuoteRejected, ""
	} else {
		if p.Result == "" || core.OriginOf(p.Result) != core.OriginOf(signer.URI) {
			return fmt.Errorf("%w: %s carries no authorization of the quoted author's server", ErrForged, p.ActivityID)
		}
		if p.ResultEmbedded && (p.ResultType != "QuoteAuthorization" || p.ResultAttributed != signer.URI ||
			p.InteractingObject != q.QuotingURI || p.InteractionTarget != q.QuotedURI) {
			return fmt.Errorf("%w: %s authorizes another quote", ErrForged, p.ActivityID)
		}
		q.State, q.AuthorizationURI = models.QuoteAccepted, p.Result
	}
	q.UpdatedAt = s.clock.Now()
	if err := tx.SaveQuote(ctx, q); err != nil {
		return err
	}
	if p.Type != "Accept" {
		return nil
	}
	// The quoting post is sent again, now with its quoteAuthorization.
	st, err := tx.StatusWithAccount(ctx, *q.StatusID)
	if err != nil {
		return err
	}
	return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Update", ID: st.URI + "#updates/" + core.IDString(tx.NewID()), Actor: st.Account, Status: st})
}

// inRevoke: the quoted author deleted a QuoteAuthorization they had
// given; handled is false when no quote has it.
func (s *Service) inRevoke(ctx context.Context, tx *store.Store, id string, signer *models.Account) (bool, error) {
	q, err := tx.QuoteByAuthorizationURI(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return true, err
	}
	if core.OriginOf(id) != core.OriginOf(signer.URI) || q.QuotedStatusID == nil {
		return true, fmt.Errorf("%w: %s revoked another's authorization", ErrForged, signer.URI)
	}
	quoted, err := tx.StatusWithAccount(ctx, *q.QuotedStatusID)
	if err != nil {
		return true, err
	}
	if quoted.AccountID != signer.ID {
		return true, fmt.Errorf("%w: %s revoked another's authorization", ErrForged, signer.URI)
	}
	q.State, q.UpdatedAt = models.QuoteRevoked, s.clock.Now()
	return true, tx.SaveQuote(ctx, q)
}

// StoreRemote runs in the transaction of each remote status stored: the
// quote policy it states, and what it quotes. A quote of a local post
// takes this instance's own decision (made on its QuoteRequest, pending
// until one comes); a quote of a remote post is accepted when it carries
// an authorization of the quoted post's server, or names it only in the
// older properties (servers before FEP-044f have no approval). A quoted
// post not known yet is fetched from its origin once the transaction has
// committed.
func (s *Service) StoreRemote(ctx context.Context, tx *store.Store, st *models.Status, obj *models.APObject) error {
	if obj.QuotePolicy != "" {
		if err := tx.SetQuotePolicy(ctx, st.ID, obj.QuotePolicy); err != nil {
			return err
		}
	}
	if obj.QuoteURI == "" {
		return nil
	}
	now := s.clock.Now()
	q, err := tx.QuoteByQuotingURI(ctx, st.URI)
	if err == nil {
		// Asked for before the post came: link it.
		if q.StatusID != nil {
			return nil
		}
		q.StatusID, q.UpdatedAt = &st.ID, now
		if err := tx.SaveQuote(ctx, q); err != nil {
			return err
		}
		if q.QuotedStatusID == nil {
			return nil
		}
		quoted, err := tx.StatusWithAccount(ctx, *q.QuotedStatusID)
		if err != nil {
			return err
		}
		return s.notifyQuoted(ctx, tx, quoted.Account, st.AccountID, q)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	q = &models.Quote{ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, QuotingURI: st.URI, StatusID: &st.ID, QuotedURI: obj.QuoteURI, State: models.QuotePending}
	quoted, err := tx.StatusWithAccountByURI(ctx, obj.QuoteURI)
	switch {
	case err == nil:
		q.QuotedStatusID = &quoted.ID
	case errors.Is(err, store.ErrNotFound):
		quoted = nil // not known here yet
	default:
		return err
	}
	if quoted == nil || !quoted.Local {
		authorized := obj.QuoteAuthorization != "" && core.OriginOf(obj.QuoteAuthorization) == core.OriginOf(obj.QuoteURI)
		if authorized || obj.QuoteLegacy {
			q.State, q.AuthorizationURI = models.QuoteAccepted, obj.QuoteAuthorization
		}
	}
	if err := tx.CreateQuote(ctx, q); err != nil {
		return err
	}
	if quoted == nil {
		// Outside the transaction (a fetch may be slow); bounded by the
		// transport's timeout, it delays only the inbox's answer.
		tx.AfterCommit(func() { s.fetchQuoted(context.WithoutCancel(ctx), q.ID, obj.QuoteURI) })
	}
	return nil
}

// fetchQuoted fetches a quoted post from its origin (public and unlisted
// ones only are stored) and links it to its quote.
func (s *Service) fetchQuoted(ctx context.Context, quoteID int64, uri string) {
	st, err := s.social.ResolveRemoteStatus(ctx, uri)
	if err != nil || st == nil {
		s.log.InfoContext(ctx, "quoted post not fetched", slog.String("uri", uri), slog.Any("error", err))
		return
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		q, err := tx.QuoteByID(ctx, quoteID)
		if err != nil {
			return err
		}
		q.QuotedStatusID, q.UpdatedAt = &st.ID, s.clock.Now()
		return tx.SaveQuote(ctx, q)
	})
	if err != nil {
		s.log.WarnContext(ctx, "quoted post not linked", slog.String("uri", uri), slog.String("error", err.Error()))
	}
}
