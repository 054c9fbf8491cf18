// Package filters owns a user's content filters, as Mastodon 4 has them:
// filters with a title, contexts, an action (warn or hide) and an expiry,
// holding keywords and statuses; the v1 API's one-phrase view of them; and
// the Matcher that marks (or hides) the statuses of a page in Go.
package filters

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Context is where a filter applies.
type Context string

// The contexts of Mastodon's filters.
const (
	ContextHome          Context = "home"
	ContextNotifications Context = "notifications"
	ContextPublic        Context = "public"
	ContextThread        Context = "thread"
	ContextAccount       Context = "account"
)

var contexts = []Context{ContextHome, ContextNotifications, ContextPublic, ContextThread, ContextAccount}

// The actions of a filter: warn shows the status behind a warning, hide
// leaves it out.
const (
	ActionWarn = "warn"
	ActionHide = "hide"
)

// Limits of one account's filters; beyond them a request is refused (422).
const (
	MaxFilters    = 100
	MaxKeywords   = 100 // per filter
	MaxStatuses   = 100 // per filter
	maxTitleRunes = 256
	maxWordRunes  = 512
)

// Filter is a stored filter with its contexts, keywords and statuses.
type Filter struct {
	models.Filter
	Contexts []Context
	Keywords []models.FilterKeyword
	Statuses []models.FilterStatus
}

// KeywordInput is one entry of keywords_attributes: a new keyword (no
// ID), a change to one (ID) or its removal (ID and Destroy).
type KeywordInput struct {
	ID        int64
	Keyword   *string
	WholeWord *bool
	Destroy   bool
}

// Input is a filter to create or the changes to one; nil fields are left
// as they are (on create: title and context are required, action is warn
// and there is no expiry).
type Input struct {
	Title   *string
	Context []string // nil: unchanged
	Action  *string
	// ExpiresIn is seconds from now; 0 means never.
	ExpiresIn *int64
	Keywords  []KeywordInput
}

// Service is the filters area.
type Service struct {
	core  *core.Base
	store *store.Store
	clock core.Clock
}

// New builds the filters area on the shared core.
func New(c *core.Base) *Service {
	return &Service{core: c, store: c.Store(), clock: c.Clock()}
}

// List returns acct's filters, oldest first, with their keywords and
// statuses (three queries).
func (s *Service) List(ctx context.Context, acct *models.Account) ([]Filter, error) {
	list, err := s.store.FiltersOf(ctx, acct.ID, false, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("filters: %w", err)
	}
	return s.withRules(ctx, s.store, list)
}

// Active is a Matcher of acct's filters that have not expired, loaded once
// for a request; nil (matching nothing) for an anonymous viewer.
func (s *Service) Active(ctx context.Context, acct *models.Account) (*Matcher, error) {
	if acct == nil {
		return nil, nil
	}
	now := s.clock.Now()
	list, err := s.store.FiltersOf(ctx, acct.ID, true, now)
	if err != nil {
		return nil, fmt.Errorf("active filters: %w", err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	full, err := s.withRules(ctx, s.store, list)
	if err != nil {
		return nil, err
	}
	return NewMatcher(full, now), nil
}

// Get returns one of acct's filters; not found for anyone else's.
func (s *Service) Get(ctx context.Context, acct *models.Account, id int64) (Filter, error) {
	return s.get(ctx, s.store, acct, id)
}

// Create makes a filter with its keywords.
func (s *Service) Create(ctx context.Context, acct *models.Account, in Input) (Filter, error) {
	now := s.clock.Now()
	f := models.Filter{CreatedAt: now, UpdatedAt: now, AccountID: acct.ID, Action: ActionWarn}
	if in.Title == nil || in.Context == nil {
		return Filter{}, fmt.Errorf("%w: title and context are required", core.ErrValidation)
	}
	if err := s.apply(&f, in, now); err != nil {
		return Filter{}, err
	}
	var out Filter
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.LockAccountFilters(ctx, acct.ID); err != nil {
			return err
		}
		n, err := tx.CountFilters(ctx, acct.ID)
		if err != nil {
			return err
		}
		if n >= MaxFilters {
			return fmt.Errorf("%w: you can have at most %d filters", core.ErrValidation, MaxFilters)
		}
		if err := tx.CreateFilter(ctx, &f); err != nil {
			return err
		}
		if err := s.applyKeywords(ctx, tx, f.ID, in.Keywords); err != nil {
			return err
		}
		out, err = s.get(ctx, tx, acct, f.ID)
		return err
	})
	if err != nil {
		return Filter{}, fmt.Errorf("create filter: %w", err)
	}
	return out, nil
}

// Update changes one of acct's filters and its keywords in one go.
func (s *Service) Update(ctx context.Context, acct *models.Account, id int64, in Input) (Filter, error) {
	var out Filter
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.LockAccountFilters(ctx, acct.ID); err != nil {
			return err
		}
		f, err := s.filter(ctx, tx, acct, id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if err := s.apply(f, in, now); err != nil {
			return err
		}
		f.UpdatedAt = now
		if err := tx.SaveFilter(ctx, f); err != nil {
			return err
		}
		if err := s.applyKeywords(ctx, tx, f.ID, in.Keywords); err != nil {
			return err
		}
		out, err = s.get(ctx, tx, acct, id)
		return err
	})
	if err != nil {
		return Filter{}, fmt.Errorf("update filter: %w", err)
	}
	return out, nil
}

// Delete removes one of acct's filters with its keywords and statuses.
func (s *Service) Delete(ctx context.Context, acct *models.Account, id int64) error {
	if _, err := s.filter(ctx, s.store, acct, id); err != nil {
		return err
	}
	if err := s.store.DeleteFilter(ctx, id); err != nil {
		return fmt.Errorf("delete filter: %w", err)
	}
	return nil
}

// Keywords returns the keywords of one of acct's filters.
func (s *Service) Keywords(ctx context.Context, acct *models.Account, filterID int64) ([]models.FilterKeyword, error) {
	f, err := s.get(ctx, s.store, acct, filterID)
	return f.Keywords, err
}

// AddKeyword adds a keyword to one of acct's filters.
func (s *Service) AddKeyword(ctx context.Context, acct *models.Account, filterID int64, in KeywordInput) (models.FilterKeyword, error) {
	if in.Keyword == nil {
		return models.FilterKeyword{}, fmt.Errorf("%w: keyword can't be blank", core.ErrValidation)
	}
	in.ID, in.Destroy = 0, false
	var out models.FilterKeyword
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.LockAccountFilters(ctx, acct.ID); err != nil {
			return err
		}
		if _, err := s.filter(ctx, tx, acct, filterID); err != nil {
			return err
		}
		if err := s.applyKeywords(ctx, tx, filterID, []KeywordInput{in}); err != nil {
			return err
		}
		list, err := tx.FilterKeywordsOf(ctx, []int64{filterID})
		if err != nil {
			return err
		}
		out = list[len(list)-1] // ids grow: the newest is last
		return nil
	})
	if err != nil {
		return models.FilterKeyword{}, fmt.Errorf("add filter keyword: %w", err)
	}
	return out, nil
}

// Keyword returns a keyword of one of acct's filters.
func (s *Service) Keyword(ctx context.Context, acct *models.Account, id int64) (models.FilterKeyword, error) {
	k, err := s.store.FilterKeywordByID(ctx, acct.ID, id)
	if err != nil {
		return models.FilterKeyword{}, notFound(err)
	}
	return *k, nil
}

// UpdateKeyword changes a keyword of one of acct's filters.
func (s *Service) UpdateKeyword(ctx context.Context, acct *models.Account, id int64, in KeywordInput) (models.FilterKeyword, error) {
	k, err := s.Keyword(ctx, acct, id)
	if err != nil {
		return k, err
	}
	in.ID, in.Destroy = id, false
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.LockAccountFilters(ctx, acct.ID); err != nil {
			return err
		}
		return s.applyKeywords(ctx, tx, k.FilterID, []KeywordInput{in})
	})
	if err != nil {
		return k, fmt.Errorf("update filter keyword: %w", err)
	}
	return s.Keyword(ctx, acct, id)
}

// DeleteKeyword removes a keyword of one of acct's filters.
func (s *Service) DeleteKeyword(ctx context.Context, acct *models.Account, id int64) error {
	k, err := s.Keyword(ctx, acct, id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteFilterKeyword(ctx, k.FilterID, id); err != nil {
		return fmt.Errorf("delete filter keyword: %w", err)
	}
	return nil
}

// Statuses returns the statuses of one of acct's filters.
func (s *Service) Statuses(ctx context.Context, acct *models.Account, filterID int64) ([]models.FilterStatus, error) {
	f, err := s.get(ctx, s.store, acct, filterID)
	return f.Statuses, err
}

// AddStatus adds a status acct may see to one of acct's filters.
func (s *Service) AddStatus(ctx context.Context, acct *models.Account, filterID, statusID int64) (models.FilterStatus, error) {
	if _, err := s.core.StatusForViewer(ctx, acct, statusID); errors.Is(err, core.ErrNotFound) {
		return models.FilterStatus{}, fmt.Errorf("%w: status must exist", core.ErrValidation)
	} else if err != nil {
		return models.FilterStatus{}, err
	}
	fs := models.FilterStatus{CreatedAt: s.clock.Now(), FilterID: filterID, StatusID: statusID}
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.LockAccountFilters(ctx, acct.ID); err != nil {
			return err
		}
		if _, err := s.filter(ctx, tx, acct, filterID); err != nil {
			return err
		}
		n, err := tx.CountFilterStatuses(ctx, filterID)
		if err != nil {
			return err
		}
		if n >= MaxStatuses {
			return fmt.Errorf("%w: a filter holds at most %d statuses", core.ErrValidation, MaxStatuses)
		}
		err = tx.CreateFilterStatus(ctx, &fs)
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w: status has already been taken", core.ErrValidation)
		}
		return err
	})
	if err != nil {
		return models.FilterStatus{}, fmt.Errorf("add filter status: %w", err)
	}
	return fs, nil
}

// StatusEntry returns a status entry of one of acct's filters.
func (s *Service) StatusEntry(ctx context.Context, acct *models.Account, id int64) (models.FilterStatus, error) {
	fs, err := s.store.FilterStatusByID(ctx, acct.ID, id)
	if err != nil {
		return models.FilterStatus{}, notFound(err)
	}
	return *fs, nil
}

// DeleteStatus removes a status entry of one of acct's filters.
func (s *Service) DeleteStatus(ctx context.Context, acct *models.Account, id int64) error {
	if _, err := s.StatusEntry(ctx, acct, id); err != nil {
		return err
	}
	if err := s.store.DeleteFilterStatus(ctx, id); err != nil {
		return fmt.Errorf("delete filter status: %w", err)
	}
	return nil
}

// apply checks in and writes its fields into f.
func (s *Service) apply(f *models.Filter, in Input, now time.Time) error {
	if in.Title != nil {
		t := strings.TrimSpace(*in.Title)
		if t == "" {
			return fmt.Errorf("%w: title can't be blank", core.ErrValidation)
		}
		if utf8.RuneCountInString(t) > maxTitleRunes {
			return fmt.Errorf("%w: title is too long (at most %d characters)", core.ErrValidation, maxTitleRunes)
		}
		f.Title = t
	}
	if in.Context != nil {
		list, err := parseContexts(in.Context)
		if err != nil {
			return err
		}
		f.Context = joinContexts(list)
	}
	if in.Action != nil {
		switch *in.Action {
		case ActionWarn, ActionHide:
			f.Action = *in.Action
		default:
			return fmt.Errorf("%w: filter action is not included in the list", core.ErrValidation)
		}
	}
	if in.ExpiresIn != nil {
		switch n := *in.ExpiresIn; {
		case n < 0:
			return fmt.Errorf("%w: expires_in must be a positive number of seconds", core.ErrValidation)
		case n == 0:
			f.ExpiresAt = nil
		default:
			at := now.Add(time.Duration(n) * time.Second)
			f.ExpiresAt = &at
		}
	}
	return nil
}

// applyKeywords adds, changes and removes keywords of a filter as
// keywords_attributes asks; a keyword id of another filter is not found.
func (s *Service) applyKeywords(ctx context.Context, tx *store.Store, filterID int64, list []KeywordInput) error {
	if len(list) == 0 {
		return nil
	}
	existing, err := tx.FilterKeywordsOf(ctx, []int64{filterID})
	if err != nil {
		return err
	}
	now := s.clock.Now()
	for _, in := range list {
		k := models.FilterKeyword{CreatedAt: now, FilterID: filterID, WholeWord: true}
		if in.ID != 0 {
			i := slices.IndexFunc(existing, func(e models.FilterKeyword) bool { return e.ID == in.ID })
			if i < 0 {
				return fmt.Errorf("filter keyword %d: %w", in.ID, core.ErrNotFound)
			}
			k = existing[i]
			if in.Destroy {
				if err := tx.DeleteFilterKeyword(ctx, filterID, k.ID); err != nil {
					return err
				}
				continue
			}
		} else if in.Destroy {
			continue
		}
		if in.Keyword != nil {
			k.Keyword = strings.TrimSpace(*in.Keyword)
		}
		if in.WholeWord != nil {
			k.WholeWord = *in.WholeWord
		}
		if k.Keyword == "" {
			return fmt.Errorf("%w: keyword can't be blank", core.ErrValidation)
		}
		if utf8.RuneCountInString(k.Keyword) > maxWordRunes {
			return fmt.Errorf("%w: keyword is too long (at most %d characters)", core.ErrValidation, maxWordRunes)
		}
		k.UpdatedAt = now
		if k.ID != 0 {
			err = tx.SaveFilterKeyword(ctx, &k)
		} else {
			err = tx.CreateFilterKeyword(ctx, &k)
		}
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w: keyword %q is in the filter already", core.ErrValidation, k.Keyword)
		}
		if err != nil {
			return err
		}
	}
	n, err := tx.CountFilterKeywords(ctx, filterID)
	if err != nil {
		return err
	}
	if n > MaxKeywords {
		return fmt.Errorf("%w: a filter holds at most %d keywords", core.ErrValidation, MaxKeywords)
	}
	return nil
}

// filter loads one of acct's filters.
func (s *Service) filter(ctx context.Context, st *store.Store, acct *models.Account, id int64) (*models.Filter, error) {
	f, err := st.FilterByID(ctx, acct.ID, id)
	if err != nil {
		return nil, notFound(err)
	}
	return f, nil
}

// get loads one of acct's filters with its keywords and statuses.
func (s *Service) get(ctx context.Context, st *store.Store, acct *models.Account, id int64) (Filter, error) {
	f, err := s.filter(ctx, st, acct, id)
	if err != nil {
		return Filter{}, err
	}
	list, err := s.withRules(ctx, st, []models.Filter{*f})
	if err != nil {
		return Filter{}, err
	}
	return list[0], nil
}

// withRules adds the keywords and statuses to filters, two queries for all.
func (s *Service) withRules(ctx context.Context, st *store.Store, list []models.Filter) ([]Filter, error) {
	out := make([]Filter, len(list))
	ids := make([]int64, len(list))
	at := make(map[int64]int, len(list))
	for i, f := range list {
		out[i] = Filter{Filter: f, Contexts: splitContexts(f.Context), Keywords: []models.FilterKeyword{}, Statuses: []models.FilterStatus{}}
		ids[i], at[f.ID] = f.ID, i
	}
	keywords, err := st.FilterKeywordsOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("filter keywords: %w", err)
	}
	for _, k := range keywords {
		out[at[k.FilterID]].Keywords = append(out[at[k.FilterID]].Keywords, k)
	}
	statuses, err := st.FilterStatusesOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("filter statuses: %w", err)
	}
	for _, fs := range statuses {
		out[at[fs.FilterID]].Statuses = append(out[at[fs.FilterID]].Statuses, fs)
	}
	return out, nil
}

// parseContexts checks a filter's contexts: at least one, each known.
func parseContexts(list []string) ([]Context, error) {
	var out []Context
	for _, c := range list {
		ctx := Context(strings.TrimSpace(c))
		if !slices.Contains(contexts, ctx) {
			return nil, fmt.Errorf("%w: context %q is not one of home, notifications, public, thread, account", core.ErrValidation, c)
		}
		if !slices.Contains(out, ctx) {
			out = append(out, ctx)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: context can't be blank", core.ErrValidation)
	}
	return out, nil
}

func joinContexts(list []Context) string {
	s := make([]string, len(list))
	for i, c := range list {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}

func splitContexts(s string) []Context {
	out := []Context{}
	for _, c := range strings.Split(s, ",") {
		if c != "" {
			out = append(out, Context(c))
		}
	}
	return out
}

// notFound turns the store's not-found into the business layer's.
func notFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w", core.ErrNotFound)
	}
	return err
}
