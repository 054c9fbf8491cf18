package quotes

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// ownQuoted loads one of acct's own statuses, the quoted one.
func (s *Service) ownQuoted(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.core.StatusForViewer(ctx, acct, statusID)
	if err != nil {
		return nil, err
	}
	if st.AccountID != acct.ID {
		return nil, fmt.Errorf("%w: only the author sees and revokes the quotes of a status", core.ErrForbidden)
	}
	return st, nil
}

// QuotesOf lists the accepted quotes of one of acct's statuses that acct
// may see, newest quote first, paged by quote id (max_id only).
func (s *Service) QuotesOf(ctx context.Context, acct *models.Account, statusID int64, p core.Page) ([]core.StatusEntry, error) {
	st, err := s.ownQuoted(ctx, acct, statusID)
	if err != nil {
		return nil, err
	}
	sp := p.Store()
	rows, err := s.store.QuotesOfQuoted(ctx, st.ID, models.QuoteAccepted, sp.MaxID, sp.Limit)
	if err != nil {
		return nil, fmt.Errorf("quotes of %d: %w", st.ID, err)
	}
	ids := make([]int64, 0, len(rows))
	for _, q := range rows {
		ids = append(ids, *q.StatusID)
	}
	byID, err := s.store.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("quotes of %d: %w", st.ID, err)
	}
	out := make([]core.StatusEntry, 0, len(rows))
	for _, q := range rows {
		quoting := byID[*q.StatusID]
		if quoting == nil {
			continue
		}
		if ok, err := s.core.CanSee(ctx, acct, quoting); err != nil {
			return nil, err
		} else if ok {
			out = append(out, core.StatusEntry{ID: q.ID, Status: quoting})
		}
	}
	return out, nil
}

// Revoke withdraws the approval acct gave a quote of their status: the
// quote becomes revoked, its QuoteAuthorization is no longer served, and
// a remote quoting author is sent a Delete of it. It returns the quoting
// status.
func (s *Service) Revoke(ctx context.Context, acct *models.Account, statusID, quotingID int64) (*models.Status, error) {
	st, err := s.ownQuoted(ctx, acct, statusID)
	if err != nil {
		return nil, err
	}
	quoting, err := s.store.StatusWithAccount(ctx, quotingID)
	if err != nil {
		return nil, core.NotFound(err, "status")
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		q, err := tx.QuoteByQuotingURI(ctx, quoting.URI)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w: that status does not quote this one", core.ErrNotFound)
		} else if err != nil {
			return err
		}
		if q.QuotedStatusID == nil || *q.QuotedStatusID != st.ID {
			return fmt.Errorf("%w: that status does not quote this one", core.ErrNotFound)
		}
		if q.State == models.QuoteRevoked {
			return nil
		}
		q.State, q.UpdatedAt = models.QuoteRevoked, s.clock.Now()
		if err := tx.SaveQuote(ctx, q); err != nil {
			return err
		}
		if quoting.Local || q.AuthorizationURI == "" {
			return nil
		}
		return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Delete", ID: q.AuthorizationURI + "#delete", Actor: acct,
			Quote: &models.QuoteOut{Quote: q, To: quoting.Account}})
	})
	if err != nil {
		return nil, fmt.Errorf("revoke quote: %w", err)
	}
	return quoting, nil
}
