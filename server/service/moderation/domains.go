package moderation

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// maxImportRows bounds one CSV import of domain blocks.
const maxImportRows = 10000

// Purger removes the stored content of a remote account (its statuses),
// in tx. The social area does it; the root wiring hands it in.
type Purger func(ctx context.Context, tx *store.Store, accountID int64) error

// SetPurger sets what removes a suspended remote account's content.
func (s *Service) SetPurger(p Purger) { s.purge = p }

// DomainBlockInput is a domain block as an admin sets it.
type DomainBlockInput struct {
	Domain         string
	Severity       string // suspend (default), silence, noop
	RejectMedia    bool
	RejectReports  bool
	PrivateComment string
	PublicComment  string
	Obfuscate      bool
}

// SaveDomainBlock creates or updates the block of a domain. Suspend cuts the
// domain off (follows removed, its accounts suspended and their posts
// purged); silence keeps its posts off public timelines; reject media
// stores no attachments from it; reject reports ignores its Flags.
func (s *Service) SaveDomainBlock(ctx context.Context, admin *models.Account, in DomainBlockInput) (*models.DomainBlock, error) {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return nil, err
	}
	d, err := NormalizeDomain(in.Domain)
	if err != nil {
		return nil, err
	}
	own, _ := NormalizeDomain(s.cfg.Host)
	ownHost, _, _ := strings.Cut(own, ":")
	if d == own || d == ownHost || strings.HasSuffix(ownHost, "."+d) {
		return nil, fmt.Errorf("%w: this instance cannot block itself", core.ErrValidation)
	}
	switch in.Severity {
	case "":
		in.Severity = models.SeveritySuspend
	case models.SeveritySuspend, models.SeveritySilence, models.SeverityNoop:
	default:
		return nil, fmt.Errorf("%w: severity must be suspend, silence or noop", core.ErrValidation)
	}
	in.PrivateComment, in.PublicComment = strings.TrimSpace(in.PrivateComment), strings.TrimSpace(in.PublicComment)
	if utf8.RuneCountInString(in.PrivateComment) > maxBlockReasonLen || utf8.RuneCountInString(in.PublicComment) > maxBlockReasonLen {
		return nil, fmt.Errorf("%w: the reason is longer than %d characters", core.ErrValidation, maxBlockReasonLen)
	}
	var b *models.DomainBlock
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		existing, err := tx.DomainBlockByDomain(ctx, d)
		switch {
		case err == nil:
			b = existing
		case errors.Is(err, store.ErrNotFound):
			b = &models.DomainBlock{ID: tx.NewID(), CreatedAt: s.clock.Now(), Domain: d}
		default:
			return err
		}
		b.Severity, b.RejectMedia, b.RejectReports = in.Severity, in.RejectMedia, in.RejectReports
		b.Reason, b.PublicComment, b.Obfuscate = in.PrivateComment, in.PublicComment, in.Obfuscate
		if err := tx.SaveDomainBlock(ctx, b); err != nil {
			return err
		}
		if b.Severity == models.SeveritySuspend {
			if err := s.suspendDomain(ctx, tx, d); err != nil {
				return err
			}
		}
		detail := fmt.Sprintf("severity=%s reject_media=%t reject_reports=%t", b.Severity, b.RejectMedia, b.RejectReports)
		return s.audit(ctx, tx, admin, "block_domain", "domain", b.ID, d, detail)
	})
	if err != nil {
		return nil, fmt.Errorf("block domain: %w", err)
	}
	s.log.InfoContext(ctx, "domain block saved", slog.String("domain", d), slog.String("severity", b.Severity), slog.String("by", adminName(admin)))
	return b, nil
}

// suspendDomain removes follows with the domain's accounts, suspends them
// and purges their posts.
func (s *Service) suspendDomain(ctx context.Context, tx *store.Store, d string) error {
	if _, err := tx.DeleteFollowsWithDomain(ctx, d); err != nil {
		return err
	}
	ids, err := tx.RemoteAccountIDsOfDomain(ctx, d)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	if err := tx.SetAccountsSuspended(ctx, ids, &now); err != nil {
		return err
	}
	if s.purge != nil {
		for _, id := range ids {
			if err := s.purge(ctx, tx, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// DomainPolicy is what a block says about one remote host, for inbound
// activities: zero when no block covers it.
func (s *Service) DomainPolicy(ctx context.Context, db *store.Store, domain string) (models.DomainBlock, error) {
	b, err := db.DomainBlockFor(ctx, domain)
	if errors.Is(err, store.ErrNotFound) {
		return models.DomainBlock{}, nil
	}
	if err != nil {
		return models.DomainBlock{}, fmt.Errorf("domain policy: %w", err)
	}
	return *b, nil
}

// PublicDomainBlock is a block as /api/v1/instance/domain_blocks shows it.
type PublicDomainBlock struct {
	Domain   string // obfuscated when the admin asked
	Digest   string // SHA-256 of the domain, hex
	Severity string
	Comment  string
}

// PublicDomainBlocks lists the blocks with their public reasons.
func (s *Service) PublicDomainBlocks(ctx context.Context) ([]PublicDomainBlock, error) {
	list, err := s.store.DomainBlocks(ctx)
	if err != nil {
		return nil, fmt.Errorf("public domain blocks: %w", err)
	}
	out := make([]PublicDomainBlock, 0, len(list))
	for _, b := range list {
		sum := sha256.Sum256([]byte(b.Domain))
		d := b.Domain
		if b.Obfuscate {
			d = obfuscate(d)
		}
		out = append(out, PublicDomainBlock{Domain: d, Digest: hex.EncodeToString(sum[:]), Severity: b.Severity, Comment: b.PublicComment})
	}
	return out, nil
}

// obfuscate hides part of a domain as Mastodon does ("ex*mp*e.org").
func obfuscate(d string) string {
	r := []rune(d)
	for i := range r {
		if i%2 == 1 && r[i] != '.' {
			r[i] = '*'
		}
	}
	return string(r)
}

// csvHeader is Mastodon's domain block export header.
var csvHeader = []string{"#domain", "#severity", "#reject_media", "#reject_reports", "#public_comment", "#obfuscate"}

// ExportDomainBlocks writes the blocks as Mastodon's CSV.
func (s *Service) ExportDomainBlocks(ctx context.Context, admin *models.Account, w io.Writer) error {
	list, err := s.DomainBlocks(ctx, admin)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	for _, b := range list {
		_ = cw.Write([]string{b.Domain, b.Severity, strconv.FormatBool(b.RejectMedia), strconv.FormatBool(b.RejectReports), b.PublicComment, strconv.FormatBool(b.Obfuscate)})
	}
	cw.Flush()
	return cw.Error()
}

// ImportDomainBlocks reads Mastodon's CSV (with or without its header;
// columns by header name when there is one) and saves each block; it
// returns how many it saved. A bad row stops the import with its line.
func (s *Service) ImportDomainBlocks(ctx context.Context, admin *models.Account, r io.Reader) (int, error) {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return 0, err
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	col := map[string]int{}
	for i, h := range csvHeader {
		col[h] = i
	}
	n := 0
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("%w: line %d: %v", core.ErrValidation, line, err)
		}
		if line == 1 && len(rec) > 0 && strings.HasPrefix(rec[0], "#") {
			col = map[string]int{}
			for i, h := range rec {
				col[strings.TrimSpace(h)] = i
			}
			continue
		}
		if line > maxImportRows {
			return n, fmt.Errorf("%w: more than %d rows", core.ErrValidation, maxImportRows)
		}
		field := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		in := DomainBlockInput{Domain: field("#domain"), Severity: field("#severity"), PublicComment: field("#public_comment")}
		in.RejectMedia, _ = strconv.ParseBool(field("#reject_media"))
		in.RejectReports, _ = strconv.ParseBool(field("#reject_reports"))
		in.Obfuscate, _ = strconv.ParseBool(field("#obfuscate"))
		if _, err := s.SaveDomainBlock(ctx, admin, in); err != nil {
			return n, fmt.Errorf("line %d: %w", line, err)
		}
		n++
	}
}

// AllowDomain puts a domain on the allow list (allow-list federation mode).
func (s *Service) AllowDomain(ctx context.Context, admin *models.Account, domain string) error {
	if err := s.requireAdmin(ctx, admin); err != nil {
		return err
	}
	d, err := NormalizeDomain(domain)
	if err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateDomainAllow(ctx, &models.DomainAllow{CreatedAt: s.clock.Now(), Domain: d}); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%w: %s is already allowed", core.ErrConflict, d)
			}
			return fmt.Errorf("allow domain: %w", err)
		}
		return s.audit(ctx, tx, admin, "allow_domain", "domain", 0, d, "")
	})
}
