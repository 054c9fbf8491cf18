package filters

import (
	"context"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// V1 is the v1 API's filter: one keyword with its filter's context,
// action and expiry. Its id is the keyword's, as in Mastodon.
type V1 struct {
	Keyword models.FilterKeyword
	Filter  Filter
}

// Irreversible is the v1 name of the hide action.
func (v V1) Irreversible() bool { return v.Filter.Action == ActionHide }

// V1Input is a v1 filter to create or the changes to one; nil fields are
// left as they are.
type V1Input struct {
	Phrase       *string
	Context      []string // nil: unchanged
	WholeWord    *bool
	Irreversible *bool
	ExpiresIn    *int64 // seconds from now; 0 means never
}

// V1List returns every keyword of acct's filters as a v1 filter.
func (s *Service) V1List(ctx context.Context, acct *models.Account) ([]V1, error) {
	list, err := s.List(ctx, acct)
	if err != nil {
		return nil, err
	}
	var out []V1
	for _, f := range list {
		for _, k := range f.Keywords {
			out = append(out, V1{Keyword: k, Filter: f})
		}
	}
	return out, nil
}

// V1Get returns the v1 filter of one of acct's keywords.
func (s *Service) V1Get(ctx context.Context, acct *models.Account, keywordID int64) (V1, error) {
	k, err := s.Keyword(ctx, acct, keywordID)
	if err != nil {
		return V1{}, err
	}
	f, err := s.Get(ctx, acct, k.FilterID)
	return V1{Keyword: k, Filter: f}, err
}

// V1Create makes a filter titled by its phrase with that one keyword.
func (s *Service) V1Create(ctx context.Context, acct *models.Account, in V1Input) (V1, error) {
	if in.Phrase == nil {
		return V1{}, fmt.Errorf("%w: phrase can't be blank", core.ErrValidation)
	}
	f, err := s.Create(ctx, acct, Input{
		Title: in.Phrase, Context: in.Context, Action: v1Action(in.Irreversible), ExpiresIn: in.ExpiresIn,
		Keywords: []KeywordInput{{Keyword: in.Phrase, WholeWord: in.WholeWord}},
	})
	if err != nil {
		return V1{}, err
	}
	return V1{Keyword: f.Keywords[0], Filter: f}, nil
}

// V1Update changes a keyword and its filter. As in Mastodon, the filter's
// context, action and expiry cannot change through v1 when it holds more
// than this one keyword (they would change for the others too).
func (s *Service) V1Update(ctx context.Context, acct *models.Account, keywordID int64, in V1Input) (V1, error) {
	cur, err := s.V1Get(ctx, acct, keywordID)
	if err != nil {
		return V1{}, err
	}
	filterChange := Input{Context: in.Context, Action: v1Action(in.Irreversible), ExpiresIn: in.ExpiresIn}
	changes := filterChange.Context != nil || filterChange.Action != nil || filterChange.ExpiresIn != nil
	if changes && len(cur.Filter.Keywords) > 1 && s.changesFilter(cur.Filter, filterChange) {
		return V1{}, fmt.Errorf("%w: these parameters apply to more than one filter keyword; use a more recent application", core.ErrValidation)
	}
	filterChange.Keywords = []KeywordInput{{ID: keywordID, Keyword: in.Phrase, WholeWord: in.WholeWord}}
	if _, err := s.Update(ctx, acct, cur.Filter.ID, filterChange); err != nil {
		return V1{}, err
	}
	return s.V1Get(ctx, acct, keywordID)
}

// V1Delete removes a keyword, and its filter when nothing else is left in
// it (a filter made through v1 goes with its phrase).
func (s *Service) V1Delete(ctx context.Context, acct *models.Account, keywordID int64) error {
	cur, err := s.V1Get(ctx, acct, keywordID)
	if err != nil {
		return err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if len(cur.Filter.Keywords) == 1 && len(cur.Filter.Statuses) == 0 {
			return tx.DeleteFilter(ctx, cur.Filter.ID)
		}
		return tx.DeleteFilterKeyword(ctx, cur.Filter.ID, keywordID)
	})
	if err != nil {
		return fmt.Errorf("delete v1 filter: %w", err)
	}
	return nil
}

// changesFilter reports whether in would change f's context, action or
// expiry (clients resend unchanged values on every edit).
func (s *Service) changesFilter(f Filter, in Input) bool {
	probe := f.Filter
	if err := s.apply(&probe, in, s.clock.Now()); err != nil {
		return true
	}
	// Any expires_in but "never" on a filter that never expires sets a new
	// expiry.
	expiry := in.ExpiresIn != nil && (*in.ExpiresIn != 0 || f.ExpiresAt != nil)
	return probe.Context != f.Filter.Context || probe.Action != f.Filter.Action || expiry
}

func v1Action(irreversible *bool) *string {
	if irreversible == nil {
		return nil
	}
	a := ActionWarn
	if *irreversible {
		a = ActionHide
	}
	return &a
}
