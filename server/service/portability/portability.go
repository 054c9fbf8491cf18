// Package portability moves a user's follows, blocks and mutes in and out
// of Plaza as Mastodon's CSV exports (following_accounts.csv,
// blocked_accounts.csv, muted_accounts.csv), for the CLI and the web
// settings page.
package portability

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// Kind is what a file lists.
type Kind string

// The kinds Mastodon exports and imports.
const (
	Follows Kind = "follows"
	Blocks  Kind = "blocks"
	Mutes   Kind = "mutes"
)

// ParseKind accepts "follows", "following", "blocks" or "mutes".
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "follows", "following":
		return Follows, nil
	case "blocks":
		return Blocks, nil
	case "mutes":
		return Mutes, nil
	}
	return "", fmt.Errorf("%w: kind must be follows, blocks or mutes, not %q", core.ErrValidation, s)
}

// FileName is the name Mastodon gives the export of k.
func (k Kind) FileName() string {
	switch k {
	case Follows:
		return "following_accounts.csv"
	case Blocks:
		return "blocked_accounts.csv"
	}
	return "muted_accounts.csv"
}

// Header rows of Mastodon's exports. blocked_accounts.csv has none.
var (
	followsHeader = []string{"Account address", "Show boosts", "Notify on new posts", "Languages"}
	mutesHeader   = []string{"Account address", "Hide notifications"}
)

// MaxImportRows bounds one import; Mastodon's own limit is of this order.
const MaxImportRows = 20000

// Service is the portability area.
type Service struct {
	core   *core.Base
	social *social.Service
}

// New builds the area on the shared core and the social area that follows,
// blocks and mutes go through (so a remote follow sends its Follow).
func New(c *core.Base, s *social.Service) *Service { return &Service{core: c, social: s} }

// address is acct's "user@host", local accounts with this instance's host.
func (s *Service) address(a *models.Account) string {
	if a.Domain == "" {
		return a.Username + "@" + s.core.Config().Host
	}
	return a.Username + "@" + a.Domain
}

// Export writes acct's list of kind k as Mastodon writes it.
func (s *Service) Export(ctx context.Context, acct *models.Account, k Kind, w io.Writer) error {
	cw := csv.NewWriter(w)
	switch k {
	case Follows:
		_ = cw.Write(followsHeader)
	case Mutes:
		_ = cw.Write(mutesHeader)
	}
	page := core.Page{Limit: 80}
	for {
		var ids []int64
		var rows [][]string
		switch k {
		case Follows:
			list, err := s.social.Following(ctx, acct, page)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			for _, r := range list {
				ids = append(ids, r.Follow.ID)
				if r.Follow.Accepted {
					rows = append(rows, []string{s.address(r.Account), "true", "false", ""})
				}
			}
		case Blocks:
			list, err := s.social.Blocks(ctx, acct, page)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			for _, e := range list {
				ids = append(ids, e.ID)
				rows = append(rows, []string{s.address(e.Account)})
			}
		case Mutes:
			list, err := s.social.Mutes(ctx, acct, page)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			for _, e := range list {
				ids = append(ids, e.ID)
				rows = append(rows, []string{s.address(e.Account), fmt.Sprint(e.Notifications)})
			}
		default:
			return fmt.Errorf("%w: unknown kind %q", core.ErrValidation, k)
		}
		if err := cw.WriteAll(rows); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if len(ids) < page.Limit {
			break
		}
		page.MaxID = ids[len(ids)-1]
	}
	cw.Flush()
	return cw.Error()
}

// Result is what an import did.
type Result struct {
	Done   int
	Failed []Failure
}

// Failure is one address that could not be imported, and why.
type Failure struct {
	Address string
	Reason  string
}

// Import follows, blocks or mutes every account r lists (a Mastodon
// export, with or without its header row; extra columns are ignored
// except "Hide notifications"). Unknown remote accounts are looked up on
// their servers. One bad address does not stop the rest.
func (s *Service) Import(ctx context.Context, acct *models.Account, k Kind, r io.Reader) (*Result, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	res := &Result{}
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, fmt.Errorf("%w: not a CSV file: %v", core.ErrValidation, err)
		}
		if n >= MaxImportRows {
			return res, fmt.Errorf("%w: more than %d rows", core.ErrValidation, MaxImportRows)
		}
		if len(rec) == 0 || strings.TrimSpace(rec[0]) == "" {
			continue
		}
		addr := strings.TrimPrefix(strings.TrimSpace(rec[0]), "@")
		if n == 0 && strings.EqualFold(addr, "Account address") {
			continue
		}
		if err := s.importOne(ctx, acct, k, addr, rec); err != nil {
			res.Failed = append(res.Failed, Failure{Address: addr, Reason: err.Error()})
			continue
		}
		res.Done++
	}
	return res, nil
}

func (s *Service) importOne(ctx context.Context, acct *models.Account, k Kind, addr string, rec []string) error {
	user, host := core.SplitHandle(addr)
	if user == "" {
		return errors.New("not an account address")
	}
	target, err := s.core.ResolveHandle(ctx, user, host)
	if err != nil {
		return err
	}
	if target == nil {
		return errors.New("no such account")
	}
	switch k {
	case Follows:
		_, err = s.social.Follow(ctx, acct, target)
	case Blocks:
		_, err = s.social.Block(ctx, acct, target)
	case Mutes:
		hide := len(rec) > 1 && strings.EqualFold(strings.TrimSpace(rec[1]), "true")
		_, err = s.social.Mute(ctx, acct, target, hide)
	default:
		err = fmt.Errorf("unknown kind %q", k)
	}
	return err
}
