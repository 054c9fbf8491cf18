package social

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Search limits.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 40
	MaxAccountSearch   = 80
	MaxSearchWords     = 16
)

// SearchResult is what Search found, by kind.
type SearchResult struct {
	Accounts []*models.Account
	Statuses []*models.Status
	Hashtags []models.Tag
}

// handlePattern is a full "user@host" handle (with or without '@').
var handlePattern = regexp.MustCompile(`^@?[A-Za-z0-9_.\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*(:[0-9]+)?$`)

// SearchAccounts finds accounts by username or display-name prefix
// (case-insensitive). A "user@host" query matches that handle; with
// resolve, an unknown remote handle is looked up over WebFinger.
func (s *Service) SearchAccounts(ctx context.Context, viewer *models.Account, q string, limit int, resolve bool) ([]*models.Account, error) {
	if limit <= 0 {
		limit = MaxSearchLimit
	}
	limit = min(limit, MaxAccountSearch)
	q = strings.TrimPrefix(strings.TrimSpace(q), "@")
	if q == "" {
		return []*models.Account{}, nil
	}
	var exact *models.Account
	search := store.AccountSearch{Query: q, ViewerID: core.ViewerID(viewer), Limit: limit}
	if user, host, ok := strings.Cut(q, "@"); ok {
		host = strings.ToLower(host)
		search.Query = user
		if host != "" {
			// "user@thishost" is a local handle: Domain "" keeps local ones.
			search.HasDomain = true
			if !s.core.IsLocalHost(host) {
				search.Domain = host
			}
		}
		if resolve && handlePattern.MatchString(q) {
			a, err := s.core.ResolveHandle(ctx, user, host)
			if err != nil {
				return nil, err
			}
			exact = a
		}
	}
	list, err := s.store.SearchAccounts(ctx, search)
	if err != nil {
		return nil, fmt.Errorf("search accounts: %w", err)
	}
	if exact != nil && exact.SuspendedAt == nil && exact.ActorType != models.ActorApplication {
		blocked := false
		if viewer != nil {
			if blocked, err = s.store.BlockedEitherWay(ctx, viewer.ID, exact.ID); err != nil {
				return nil, fmt.Errorf("search accounts: %w", err)
			}
		}
		list = slices.DeleteFunc(list, func(a *models.Account) bool { return a.ID == exact.ID })
		if !blocked {
			list = append([]*models.Account{exact}, list...)
		}
		if len(list) > limit {
			list = list[:limit]
		}
	}
	return list, nil
}

// Search is the client API's search: a handle finds the account (looked up
// remotely with resolve), a URL the account or status it names (fetched
// with resolve), "#tag" hashtags, and other text accounts and hashtags by
// prefix, and statuses the viewer may see containing every word (with
// Mastodon's from: and has:media operators). types limits the kinds
// searched ("accounts", "statuses", "hashtags"; none: all).
func (s *Service) Search(ctx context.Context, viewer *models.Account, q string, types []string, resolve bool, limit int) (SearchResult, error) {
	res := SearchResult{Accounts: []*models.Account{}, Statuses: []*models.Status{}, Hashtags: []models.Tag{}}
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	limit = min(limit, MaxSearchLimit)
	want := func(kind string) bool { return len(types) == 0 || slices.Contains(types, kind) }
	q = strings.TrimSpace(q)
	if q == "" {
		return res, nil
	}
	var err error
	switch {
	case strings.HasPrefix(q, "https://") || strings.HasPrefix(q, "http://"):
		err = s.searchURL(ctx, viewer, q, resolve, want, &res)
	case handlePattern.MatchString(q):
		if want("accounts") {
			res.Accounts, err = s.SearchAccounts(ctx, viewer, q, limit, resolve)
		}
	case strings.HasPrefix(q, "#"):
		if want("hashtags") {
			res.Hashtags, err = s.searchTags(ctx, strings.TrimPrefix(q, "#"), limit)
		}
	default:
		if want("accounts") {
			if res.Accounts, err = s.SearchAccounts(ctx, viewer, q, limit, false); err != nil {
				break
			}
		}
		if want("hashtags") && !strings.ContainsAny(q, " \t@") {
			if res.Hashtags, err = s.searchTags(ctx, q, limit); err != nil {
				break
			}
		}
		if want("statuses") {
			res.Statuses, err = s.searchStatuses(ctx, viewer, q, limit)
		}
	}
	if err != nil {
		return SearchResult{}, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

func (s *Service) searchTags(ctx context.Context, prefix string, limit int) ([]models.Tag, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if prefix == "" {
		return []models.Tag{}, nil
	}
	tags, err := s.store.TagsByPrefix(ctx, prefix, limit)
	if err != nil {
		return nil, err
	}
	if tags == nil {
		tags = []models.Tag{}
	}
	return tags, nil
}

// searchURL finds what a URL names: a known account or status first, then
// (with resolve, for another server's URL) the remote actor or post.
func (s *Service) searchURL(ctx context.Context, viewer *models.Account, raw string, resolve bool, want func(string) bool, res *SearchResult) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil
	}
	if want("accounts") {
		if a, err := s.store.AccountByURL(ctx, raw); err == nil {
			if a.SuspendedAt == nil && a.ActorType != models.ActorApplication {
				res.Accounts = []*models.Account{a}
			}
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if want("statuses") {
		st, err := s.store.StatusWithAccountByURL(ctx, raw)
		if err == nil {
			if ok, err := s.core.CanSee(ctx, viewer, st); err != nil {
				return err
			} else if ok {
				res.Statuses = []*models.Status{st}
			}
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if !resolve || s.fetch == nil {
		return nil
	}
	if err := s.core.CheckFetchable(ctx, s.store, raw); err != nil {
		s.log.InfoContext(ctx, "search: URL not resolved", "url", raw, "error", err.Error())
		return nil // our own, or a blocked domain's: nothing to fetch
	}
	if want("accounts") {
		if a, err := s.fetch.ResolveActor(ctx, raw, false); err == nil && a != nil {
			if a.SuspendedAt == nil && a.ActorType != models.ActorApplication {
				res.Accounts = []*models.Account{a}
			}
			return nil
		}
	}
	if want("statuses") {
		st, err := s.resolveRemoteStatus(ctx, raw)
		if err != nil {
			s.log.InfoContext(ctx, "search: status not resolved", "url", raw, "error", err.Error())
			return nil
		}
		if st == nil {
			return nil
		}
		if ok, err := s.core.CanSee(ctx, viewer, st); err != nil {
			return err
		} else if ok {
			res.Statuses = []*models.Status{st}
		}
	}
	return nil
}

// ResolveRemoteStatus is resolveRemoteStatus for the areas (a quoted post).
func (s *Service) ResolveRemoteStatus(ctx context.Context, uri string) (*models.Status, error) {
	return s.resolveRemoteStatus(ctx, uri)
}

// resolveRemoteStatus fetches a remote post by URL and stores it as the
// inbox stores a Create (without notifications). Only public and unlisted
// posts are stored: a fetched object proves nothing about who may read a
// private one. (nil, nil) when the URL is not such a post.
func (s *Service) resolveRemoteStatus(ctx context.Context, raw string) (*models.Status, error) {
	obj, author, err := s.FetchNote(ctx, raw)
	var other *servedOtherIDError
	if errors.As(err, &other) {
		// Fetched by its page URL: only what its own id serves counts.
		if st, err := s.store.StatusWithAccountByURI(ctx, other.served); err == nil {
			return st, nil
		}
		obj, author, err = s.FetchNote(ctx, other.served)
	}
	if errors.Is(err, errNotANote) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if author.SuspendedAt != nil {
		return nil, nil
	}
	switch VisibilityOf(obj.To, obj.Cc, author.FollowersURI) {
	case models.VisibilityPublic, models.VisibilityUnlisted:
	default:
		return nil, nil
	}
	var st *models.Status
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if existing, err := tx.StatusWithAccountByURI(ctx, obj.ID); err == nil {
			st = existing
			return nil
		}
		var err error
		st, err = s.StoreRemoteStatus(ctx, tx, obj, author, obj.To, obj.Cc, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// searchStatuses finds statuses the viewer may see that contain every word
// of q, newest first. "from:user" or "from:user@host" keeps one author's
// posts ("from:me" the viewer's; an unknown author finds nothing), "has:media" posts with
// attachments; other operators are taken as words.
func (s *Service) searchStatuses(ctx context.Context, viewer *models.Account, q string, limit int) ([]*models.Status, error) {
	search := store.StatusSearch{ViewerID: core.ViewerID(viewer), Limit: limit}
	for _, w := range strings.Fields(q) {
		op, arg, _ := strings.Cut(strings.ToLower(w), ":")
		switch {
		case op == "from" && arg == "me" && viewer != nil:
			search.AuthorID = viewer.ID
		case op == "from" && arg != "":
			author, err := s.searchAuthor(ctx, arg)
			if errors.Is(err, store.ErrNotFound) {
				return []*models.Status{}, nil
			} else if err != nil {
				return nil, err
			}
			search.AuthorID = author.ID
		case op == "has" && arg == "media":
			search.HasMedia = true
		default:
			search.Words = append(search.Words, w)
		}
	}
	if len(search.Words) == 0 {
		return []*models.Status{}, nil
	}
	// A query is a few words: more would only make the index work harder.
	if len(search.Words) > MaxSearchWords {
		search.Words = search.Words[:MaxSearchWords]
	}
	ids, err := s.store.SearchStatuses(ctx, search)
	if err != nil {
		return nil, err
	}
	byID, err := s.store.StatusesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*models.Status, 0, len(ids))
	for _, st := range core.InOrder(ids, byID) {
		// Blocks, mutes and suspensions: the one visibility rule decides.
		if ok, err := s.core.CanSee(ctx, viewer, st); err != nil {
			return nil, err
		} else if ok {
			out = append(out, st)
		}
	}
	return out, nil
}

// searchAuthor is the account a from: operator names: a local username,
// or user@host of a known account.
func (s *Service) searchAuthor(ctx context.Context, handle string) (*models.Account, error) {
	handle = strings.TrimPrefix(handle, "@")
	user, host, _ := strings.Cut(handle, "@")
	if host == "" || s.core.IsLocalHost(host) {
		return s.store.LocalAccountByUsername(ctx, user)
	}
	return s.store.AccountByUsernameDomain(ctx, user, host)
}
