package core

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"plaza/models"
	"plaza/models/store"
	"strconv"
	"strings"
)

// SplitHandle splits "@user@host", "user@host" or "user" (host "").
func SplitHandle(handle string) (user, host string) {
	handle = strings.TrimPrefix(strings.TrimSpace(handle), "@")
	user, host, _ = strings.Cut(handle, "@")
	return user, strings.ToLower(host)
}

// IsLocalHost reports whether host (lower-case) is this instance.
func (s *Base) IsLocalHost(host string) bool {
	return host == "" || strings.EqualFold(host, s.cfg.Host)
}

// ResolveHandle returns the account of a handle: from the database, or
// for an unknown remote one from its server. Not finding it is (nil, nil).
func (s *Base) ResolveHandle(ctx context.Context, user, host string) (*models.Account, error) {
	if s.IsLocalHost(host) {
		host = ""
	}
	a, err := s.store.AccountByUsernameDomain(ctx, user, host)
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("resolve handle: %w", err)
	}
	if host == "" || s.fetch == nil {
		return nil, nil
	}
	if err := s.CheckFetchable(ctx, s.store, s.cfg.Protocol+"://"+host+"/"); err != nil {
		s.log.InfoContext(ctx, "search: handle not resolved", "handle", user+"@"+host, "error", err.Error())
		return nil, nil // a blocked domain is not asked
	}
	a, err = s.fetch.ResolveHandle(ctx, user+"@"+host)
	if err != nil {
		// An unreachable or unknown remote account is an empty result.
		s.log.InfoContext(ctx, "search: handle not resolved", "handle", user+"@"+host, "error", err.Error())
		return nil, nil
	}
	return a, nil
}

// OriginOf is the origin of an absolute http(s) URL: its host and port,
// lower-cased, the scheme's default port left out. It is "" for anything
// else, which matches no origin.
func OriginOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return ""
	}
	host := strings.ToLower(u.Host)
	if port := u.Port(); (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		host = strings.TrimSuffix(host, ":"+port)
	}
	return host
}

// CheckFetchable refuses an id that must not be asked for from outside:
// not an http(s) URL, on this instance's own host, or on a blocked domain.
// It runs before any fetch, so none of these is ever requested.
func (s *Base) CheckFetchable(ctx context.Context, st *store.Store, id string) error {
	origin := OriginOf(id)
	switch {
	case origin == "":
		return fmt.Errorf("%w: %q is not an http(s) URL", ErrForbidden, id)
	case origin == OriginOf(s.cfg.Protocol+"://"+s.cfg.Host+"/") || strings.EqualFold(origin, s.cfg.Host):
		return fmt.Errorf("%w: %s is this server's own and is never taken from outside", ErrForbidden, id)
	}
	blocked, err := st.IsDomainBlocked(ctx, origin)
	if err != nil {
		return fmt.Errorf("origin of %s: %w", id, err)
	}
	if blocked {
		return fmt.Errorf("%w: %s is on a blocked domain", ErrForbidden, id)
	}
	return nil
}

// IDString is an id in decimal, as ids appear in URLs and JSON.
func IDString(id int64) string { return strconv.FormatInt(id, 10) }
