// Package quotes owns quote posts as Mastodon 4.5 has them (FEP-044f):
// each status's quote policy (public, followers, nobody), a local post
// quoting another (accepted at once when the quoted post is local, asked
// for with a QuoteRequest when it is remote), the quoted author's answer
// to a remote QuoteRequest, remote Notes' quotes, revocation, and the
// view of a status's quote and quote approval for one viewer.
package quotes

import (
	"context"
	"fmt"
	"log/slog"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// Service is the quotes area.
type Service struct {
	core      *core.Base
	social    *social.Service // fetches and stores remote quoted posts
	store     *store.Store
	clock     core.Clock
	log       *slog.Logger
	recognize func(*models.APActivity) bool
	decode    Decoder
}

// Decoder reads a quote activity's own fields from its raw JSON;
// federation.DecodeQuote implements it.
type Decoder func(raw []byte) (*models.APQuote, error)

// New builds the quotes area on the shared core and social.
func New(c *core.Base, soc *social.Service) *Service {
	return &Service{core: c, social: soc, store: c.Store(), clock: c.Clock(), log: c.Log()}
}

// SetDecoder lets this instance receive quote activities: recognize
// tells them by shape, d reads them.
func (s *Service) SetDecoder(recognize func(*models.APActivity) bool, d Decoder) {
	s.recognize, s.decode = recognize, d
}

// Current-user answers of the quote_approval entity.
const (
	Automatic = "automatic"
	Denied    = "denied"
	Unknown   = "unknown"
)

// ParsePolicy reads a quote_approval_policy parameter ("" is unset).
func ParsePolicy(raw string) (models.QuotePolicy, error) {
	switch p := models.QuotePolicy(raw); p {
	case "", models.QuotePublic, models.QuoteFollowers, models.QuoteNobody:
		return p, nil
	}
	return "", fmt.Errorf("%w: quote_approval_policy must be public, followers or nobody", core.ErrValidation)
}

// Attach returns what social's CreateStatus runs in the new status's
// transaction (after next, when not nil): the status's quote policy and,
// with quotedID, its quote. The quote is checked first, against what
// author may see and the quoted author's policy; quoting a private post
// makes a public or unlisted quote private, as Mastodon does.
func (s *Service) Attach(ctx context.Context, author *models.Account, in *social.CreateStatusInput, quotedID *int64, policy models.QuotePolicy) error {
	var quoted *models.Status
	if quotedID != nil {
		st, err := s.core.StatusForViewer(ctx, author, *quotedID)
		if err != nil {
			return fmt.Errorf("%w: the quoted status does not exist or is not visible to you", core.ErrValidation)
		}
		if st.ReblogOfID != nil {
			return fmt.Errorf("%w: a boost cannot be quoted", core.ErrValidation)
		}
		if d, err := s.decide(ctx, s.store, author, st); err != nil {
			return err
		} else if d == Denied {
			return fmt.Errorf("%w: the author of the quoted status does not allow you to quote it", core.ErrValidation)
		}
		quoted = st
		if st.Visibility == models.VisibilityPrivate && (in.Visibility == "" || in.Visibility == models.VisibilityPublic || in.Visibility == models.VisibilityUnlisted) {
			in.Visibility = models.VisibilityPrivate
		}
	}
	next := in.Extra
	in.Extra = func(ctx context.Context, tx *store.Store, st *models.Status) error {
		if next != nil {
			if err := next(ctx, tx, st); err != nil {
				return err
			}
		}
		p := policy
		if p == "" || !core.CanReachUnmentioned(st.Visibility) {
			p = models.DefaultQuotePolicy(st.Visibility)
		}
		if err := tx.SetQuotePolicy(ctx, st.ID, p); err != nil {
			return err
		}
		if quoted == nil {
			return nil
		}
		return s.startQuote(ctx, tx, author, st, quoted)
	}
	return nil
}

// startQuote records a new local post's quote: accepted with a local
// authorization when the quoted post is local, pending with a
// QuoteRequest to its author when remote.
func (s *Service) startQuote(ctx context.Context, tx *store.Store, author *models.Account, st, quoted *models.Status) error {
	now := s.clock.Now()
	q := &models.Quote{ID: tx.NewID(), CreatedAt: now, UpdatedAt: now, QuotingURI: st.URI, StatusID: &st.ID,
		QuotedURI: quoted.URI, QuotedStatusID: &quoted.ID, State: models.QuotePending}
	if quoted.Local {
		q.State, q.AuthorizationURI = models.QuoteAccepted, s.authorizationURI(quoted.Account, q.ID)
		if err := tx.CreateQuote(ctx, q); err != nil {
			return err
		}
		return s.notifyQuoted(ctx, tx, quoted.Account, author.ID, q)
	}
	q.RequestURI = st.URI + "#quote_request"
	if err := tx.CreateQuote(ctx, q); err != nil {
		return err
	}
	return s.core.Publish(ctx, tx, &models.Outgoing{Type: "QuoteRequest", ID: q.RequestURI, Actor: author,
		Quote: &models.QuoteOut{Quote: q, Quoting: st, To: quoted.Account}})
}

// notifyQuoted tells a local quoted author of an accepted quote once its
// quoting post is stored here (not of quoting themselves).
func (s *Service) notifyQuoted(ctx context.Context, tx *store.Store, quotedAuthor *models.Account, fromID int64, q *models.Quote) error {
	if q.State != models.QuoteAccepted || q.StatusID == nil || !quotedAuthor.IsLocal() || quotedAuthor.ID == fromID {
		return nil
	}
	return s.core.Notify(ctx, tx, quotedAuthor, fromID, models.NotifyQuote, q.StatusID)
}

func (s *Service) authorizationURI(quotedAuthor *models.Account, quoteID int64) string {
	return s.core.URLs().Actor(quotedAuthor.Username) + "/quote_authorizations/" + core.IDString(quoteID)
}

// policyOf is the quote policy of a status: the one stored, else the
// local default for its visibility; a remote status that said nothing is
// quoted by nobody but its author (Mastodon's reading).
func policyOf(st *models.Status, stored map[int64]models.QuotePolicy) models.QuotePolicy {
	if p, ok := stored[st.ID]; ok {
		return p
	}
	if st.Local {
		return models.DefaultQuotePolicy(st.Visibility)
	}
	return models.QuoteNobody
}

// decide is how a status's policy applies to viewer: automatic or denied
// (Plaza has no manual review), unknown for an anonymous reader.
func (s *Service) decide(ctx context.Context, db *store.Store, viewer *models.Account, st *models.Status) (string, error) {
	stored, err := db.QuotePoliciesOf(ctx, []int64{st.ID})
	if err != nil {
		return "", fmt.Errorf("quote policy: %w", err)
	}
	return s.decideWith(ctx, db, viewer, st, policyOf(st, stored))
}

func (s *Service) decideWith(ctx context.Context, db *store.Store, viewer *models.Account, st *models.Status, p models.QuotePolicy) (string, error) {
	var rel relations
	if viewer != nil {
		var err error
		if rel.blocked, err = db.BlockedEitherWayAmong(ctx, viewer.ID, []int64{st.AccountID}); err != nil {
			return "", fmt.Errorf("quote policy: %w", err)
		}
		if rel.following, err = db.FollowingAmong(ctx, viewer.ID, []int64{st.AccountID}); err != nil {
			return "", fmt.Errorf("quote policy: %w", err)
		}
	}
	return decideAmong(viewer, st, p, rel), nil
}

// relations are the viewer's blocks (either way) and follows among a
// page's authors.
type relations struct{ blocked, following map[int64]bool }

// decideAmong is the quote rule: how policy p lets viewer quote st, given
// the viewer's blocks and follows (rel; one page's or one author's).
func decideAmong(viewer *models.Account, st *models.Status, p models.QuotePolicy, rel relations) string {
	switch {
	case viewer == nil:
		return Unknown
	case st.Visibility == models.VisibilityDirect:
		return Denied
	case viewer.ID == st.AccountID:
		return Automatic
	case rel.blocked[st.AccountID]:
		return Denied
	case p == models.QuotePublic, p == models.QuoteFollowers && rel.following[st.AccountID]:
		return Automatic
	}
	return Denied
}

// Approval is the quote_approval entity of one status for one viewer.
type Approval struct {
	Automatic   []string
	CurrentUser string
}

// View is a status's quote as one viewer sees it: Quoted is set only when
// the quote is accepted and viewer may see the quoted post.
type View struct {
	State  models.QuoteState
	Quoted *models.Status
}

// ViewsOf returns, for a page of statuses, each one's quote (only those
// that quote) and quote approval, with a fixed number of queries.
func (s *Service) ViewsOf(ctx context.Context, viewer *models.Account, statuses []*models.Status) (map[int64]View, map[int64]Approval, error) {
	ids := make([]int64, 0, len(statuses))
	for _, st := range statuses {
		ids = append(ids, st.ID)
	}
	quotes, err := s.store.QuotesOfStatuses(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var quotedIDs []int64
	for _, q := range quotes {
		if q.QuotedStatusID != nil && q.State == models.QuoteAccepted {
			quotedIDs = append(quotedIDs, *q.QuotedStatusID)
		}
	}
	quoted, err := s.store.StatusesByIDs(ctx, quotedIDs)
	if err != nil {
		return nil, nil, err
	}
	views := map[int64]View{}
	for id, q := range quotes {
		v := View{State: q.State}
		if q.QuotedStatusID != nil {
			if qs := quoted[*q.QuotedStatusID]; qs != nil {
				if ok, err := s.core.CanSee(ctx, viewer, qs); err != nil {
					return nil, nil, err
				} else if ok {
					v.Quoted = qs
				}
			}
		}
		views[id] = v
	}
	stored, err := s.store.QuotePoliciesOf(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	// Who the viewer blocks or follows among the authors, for every
	// status's decision at once (decideAmong).
	var authors []int64
	for _, st := range statuses {
		authors = append(authors, st.AccountID)
	}
	var rel relations
	if viewer != nil {
		if rel.blocked, err = s.store.BlockedEitherWayAmong(ctx, viewer.ID, authors); err != nil {
			return nil, nil, err
		}
		if rel.following, err = s.store.FollowingAmong(ctx, viewer.ID, authors); err != nil {
			return nil, nil, err
		}
	}
	approvals := map[int64]Approval{}
	for _, st := range statuses {
		p := policyOf(st, stored)
		a := Approval{Automatic: []string{}}
		switch p {
		case models.QuotePublic:
			a.Automatic = []string{"public"}
		case models.QuoteFollowers:
			a.Automatic = []string{"followers"}
		}
		a.CurrentUser = decideAmong(viewer, st, p, rel)
		approvals[st.ID] = a
	}
	return views, approvals, nil
}

// Authorization returns an accepted quote of one of username's statuses
// by the id of its QuoteAuthorization, and the quoted author.
func (s *Service) Authorization(ctx context.Context, username string, id int64) (*models.Quote, *models.Account, error) {
	q, err := s.store.QuoteByID(ctx, id)
	if err != nil {
		return nil, nil, core.NotFound(err, "quote authorization")
	}
	if q.State != models.QuoteAccepted || q.QuotedStatusID == nil {
		return nil, nil, fmt.Errorf("quote authorization %d: %w", id, core.ErrNotFound)
	}
	quoted, err := s.store.StatusWithAccount(ctx, *q.QuotedStatusID)
	if err != nil {
		return nil, nil, core.NotFound(err, "quote authorization")
	}
	if !quoted.Local || quoted.Account.Username != username || q.AuthorizationURI != s.authorizationURI(quoted.Account, q.ID) {
		return nil, nil, fmt.Errorf("quote authorization %d: %w", id, core.ErrNotFound)
	}
	return q, quoted.Account, nil
}
