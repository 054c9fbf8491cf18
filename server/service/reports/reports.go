package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/sanitize"
	"plaza/server/service/core"
)

// Limits of one report.
const (
	maxCommentLen = 1000
	maxStatuses   = 50
	maxRules      = 20
)

// Input is a report as a user files it (POST /api/v1/reports).
type Input struct {
	AccountID int64
	StatusIDs []int64
	RuleIDs   []string
	Comment   string
	Category  string // spam, legal, violation, other (default)
	Forward   bool   // send a Flag to the reported account's server
}

// File files a report by reporter. When Forward is set and the account is
// remote, a Flag from the instance actor (so the reporter stays unknown
// there) carries the account, the statuses and the comment to its server.
func (s *Service) File(ctx context.Context, reporter *models.Account, in Input) (*models.Report, error) {
	if reporter == nil {
		return nil, fmt.Errorf("%w: sign in first", core.ErrUnauthorized)
	}
	in.Comment = strings.TrimSpace(in.Comment)
	switch {
	case in.AccountID == reporter.ID:
		return nil, fmt.Errorf("%w: you cannot report yourself", core.ErrValidation)
	case utf8.RuneCountInString(in.Comment) > maxCommentLen:
		return nil, fmt.Errorf("%w: the comment is longer than %d characters", core.ErrValidation, maxCommentLen)
	case len(in.StatusIDs) > maxStatuses:
		return nil, fmt.Errorf("%w: at most %d posts in one report", core.ErrValidation, maxStatuses)
	case len(in.RuleIDs) > maxRules:
		return nil, fmt.Errorf("%w: at most %d rules in one report", core.ErrValidation, maxRules)
	}
	switch in.Category {
	case "":
		in.Category = models.ReportOther
		if len(in.RuleIDs) > 0 {
			in.Category = models.ReportViolation
		}
	case models.ReportSpam, models.ReportLegal, models.ReportViolation, models.ReportOther:
	default:
		return nil, fmt.Errorf("%w: category must be spam, legal, violation or other", core.ErrValidation)
	}
	target, err := s.store.AccountByID(ctx, in.AccountID)
	if err != nil {
		return nil, core.NotFound(err, "account")
	}
	var uris []string
	ids := slices.Compact(slices.Sorted(slices.Values(in.StatusIDs)))
	for _, id := range ids {
		st, err := s.store.StatusByID(ctx, id)
		if err != nil {
			return nil, core.NotFound(err, "status")
		}
		if st.AccountID != target.ID {
			return nil, fmt.Errorf("%w: status %d is not by the reported account", core.ErrValidation, id)
		}
		if ok, err := s.core.CanSee(ctx, reporter, st); err != nil {
			return nil, err
		} else if !ok {
			return nil, fmt.Errorf("%w: status not found", core.ErrNotFound)
		}
		uris = append(uris, st.URI)
	}
	statusJSON, _ := json.Marshal(nonNil(ids))
	ruleJSON, _ := json.Marshal(nonNilS(in.RuleIDs))
	now := s.clock.Now()
	r := &models.Report{ID: s.store.NewID(), CreatedAt: now, UpdatedAt: now, AccountID: reporter.ID, TargetAccountID: target.ID,
		StatusIDsJSON: string(statusJSON), RuleIDsJSON: string(ruleJSON), Category: in.Category, Comment: in.Comment}
	forward := in.Forward && !target.IsLocal() && s.pub != nil
	var actor *models.Account
	if forward {
		if actor, err = s.accounts.EnsureInstanceActor(ctx); err != nil {
			return nil, fmt.Errorf("file report: %w", err)
		}
		r.Forwarded = true
		r.URI = s.core.URLs().Base() + "/reports/" + core.IDString(r.ID)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateReport(ctx, r); err != nil {
			return err
		}
		if forward {
			out := &models.Outgoing{Type: "Flag", ID: r.URI, Actor: actor, Target: target, Objects: uris, Content: in.Comment}
			if err := s.pub.Publish(ctx, tx, out); err != nil {
				return err
			}
		}
		s.notifyFiled(ctx, tx, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("file report: %w", err)
	}
	s.log.InfoContext(ctx, "report filed", slog.Int64("report", r.ID), slog.Int64("target", target.ID), slog.Bool("forwarded", r.Forwarded))
	return r, nil
}

// ReceiveFlag turns a Flag from another server into a report, in the inbox
// transaction: its object names a local account (and some of its statuses);
// the reporter is the signer (usually the remote instance actor). A Flag
// naming nothing local, from a domain whose reports are rejected, or
// received before (by id) is ignored.
func (s *Service) ReceiveFlag(ctx context.Context, tx *store.Store, act *models.APActivity, signer *models.Account) error {
	policy, err := s.mod.DomainPolicy(ctx, tx, signer.Domain)
	if err != nil {
		return err
	}
	if policy.RejectReports {
		s.log.InfoContext(ctx, "flag ignored: reports from this domain are rejected", slog.String("domain", signer.Domain))
		return nil
	}
	if act.ID != "" {
		if _, err := tx.ReportByURI(ctx, act.ID); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	objects := act.Objects
	if len(objects) == 0 && act.Object != nil {
		objects = []string{act.Object.ID}
	}
	var target *models.Account
	var statusIDs []int64
	for _, uri := range objects[:min(len(objects), maxStatuses+1)] {
		if a, err := tx.AccountByURI(ctx, uri); err == nil {
			if a.IsLocal() && target == nil {
				target = a
			}
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		st, err := tx.StatusWithAccountByURI(ctx, uri)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if st.Local {
			if target == nil {
				target = st.Account
			}
			if st.AccountID == target.ID {
				statusIDs = append(statusIDs, st.ID)
			}
		}
	}
	if target == nil {
		return nil
	}
	comment := sanitize.Text(act.Content)
	if r := []rune(comment); len(r) > maxCommentLen {
		comment = string(r[:maxCommentLen])
	}
	statusJSON, _ := json.Marshal(nonNil(statusIDs))
	now := s.clock.Now()
	r := &models.Report{CreatedAt: now, UpdatedAt: now, AccountID: signer.ID, TargetAccountID: target.ID,
		StatusIDsJSON: string(statusJSON), RuleIDsJSON: "[]", Category: models.ReportOther, Comment: comment, URI: act.ID}
	if err := tx.CreateReport(ctx, r); err != nil {
		return err
	}
	s.notifyFiled(ctx, tx, r)
	s.log.InfoContext(ctx, "report received", slog.Int64("report", r.ID), slog.String("from", signer.URI), slog.Int64("target", target.ID))
	return nil
}

// StatusIDs returns the ids of a report's statuses.
func StatusIDs(r *models.Report) []int64 {
	var ids []int64
	_ = json.Unmarshal([]byte(r.StatusIDsJSON), &ids)
	return ids
}

// RuleIDs returns the rules a report names.
func RuleIDs(r *models.Report) []string {
	var ids []string
	_ = json.Unmarshal([]byte(r.RuleIDsJSON), &ids)
	return ids
}

func nonNil(v []int64) []int64 {
	if v == nil {
		return []int64{}
	}
	return v
}

func nonNilS(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
