package core

import (
	"context"
	"errors"
	"fmt"
	"plaza/models"
	"plaza/models/store"
	"strings"
)

// Publish hands an activity to the federation layer, when there is one.
func (s *Base) Publish(ctx context.Context, tx *store.Store, out *models.Outgoing) error {
	if s.pub == nil {
		return nil
	}
	if err := s.pub.Publish(ctx, tx, out); err != nil {
		return fmt.Errorf("publish %s: %w", out.Type, err)
	}
	return nil
}

// ResolveMentions finds the accounts the mentions of a local post name.
// Unknown handles are left out (they stay plain text). It may fetch remote
// actors, so it runs outside any transaction.
func (s *Base) ResolveMentions(ctx context.Context, toks []TextToken) map[string]*models.Account {
	out := map[string]*models.Account{}
	for _, t := range toks {
		if t.user == "" {
			continue
		}
		key := t.handleKey()
		if _, done := out[key]; done {
			continue
		}
		out[key] = nil
		var a *models.Account
		var err error
		if t.host == "" || t.host == strings.ToLower(s.cfg.Host) {
			a, err = s.store.LocalAccountByUsername(ctx, t.user)
		} else {
			a, err = s.store.AccountByUsernameDomain(ctx, t.user, t.host)
			if err != nil && s.fetch != nil {
				a, err = s.fetch.ResolveHandle(ctx, t.user+"@"+t.host)
			}
		}
		if err == nil && a != nil && a.SuspendedAt == nil && a.ActorType != models.ActorApplication {
			out[key] = a
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.WarnContext(ctx, "mention not resolved", "handle", key, "error", err.Error())
		}
	}
	for k, v := range out {
		if v == nil {
			delete(out, k)
		}
	}
	return out
}

// Hashtags returns the distinct lower-case hashtags of a local post.
func Hashtags(toks []TextToken) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range toks {
		if t.tag == "" {
			continue
		}
		name := strings.ToLower(t.tag)
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// MentionList is the mentioned accounts of a local post, the author left out.
func MentionList(m map[string]*models.Account, author *models.Account) []*models.Account {
	var out []*models.Account
	for _, a := range m {
		if a.ID != author.ID && !ContainsAccount(out, a.ID) {
			out = append(out, a)
		}
	}
	return out
}

// ContainsAccount reports whether list holds the account with id.
func ContainsAccount(list []*models.Account, id int64) bool {
	for _, a := range list {
		if a.ID == id {
			return true
		}
	}
	return false
}

// LinkTags files a status under its hashtags, creating the tags it needs.
func (s *Base) LinkTags(ctx context.Context, tx *store.Store, statusID int64, tags []string) error {
	for _, name := range tags {
		if name == "" || len(name) > 255 {
			continue
		}
		t, err := tx.EnsureTag(ctx, name)
		if err != nil {
			return err
		}
		if err := tx.LinkStatusTag(ctx, statusID, t.ID); err != nil {
			return err
		}
	}
	return nil
}

// NotifyGate decides, in the writing transaction, whether Notify delivers
// n; false means it dropped or held it (the notifications area's policy
// and thread mutes). Wired once by the root before serving.
type NotifyGate func(ctx context.Context, tx *store.Store, to *models.Account, n *models.Notification) (bool, error)

// SetNotifyGate installs the gate every Notify passes.
func (s *Base) SetNotifyGate(g NotifyGate) { s.gate = g }

// Notify tells a local account that from did something, unless it is about
// itself or it blocks from or from's domain.
func (s *Base) Notify(ctx context.Context, tx *store.Store, to *models.Account, fromID int64, typ models.NotificationType, statusID *int64) error {
	if to == nil || !to.IsLocal() || to.ID == fromID {
		return nil
	}
	blocked, err := tx.BlocksAccountOrDomain(ctx, to.ID, fromID)
	if err != nil || blocked {
		return err
	}
	n := &models.Notification{CreatedAt: s.clock.Now(), AccountID: to.ID, FromAccountID: fromID, Type: typ, StatusID: statusID}
	if s.gate != nil {
		if deliver, err := s.gate(ctx, tx, to, n); err != nil || !deliver {
			return err
		}
	}
	return tx.CreateNotification(ctx, n)
}

// PaymentSubject is what a payment notification is about: a payment or a
// money request, and the state it reached.
type PaymentSubject struct {
	PaymentID, RequestID int64
	State                string
}

// NotifyPayment is Notify for a payment or money request, naming it, so the
// notification can say what happened ("paid you 12.50 EUR") and link to it.
func (s *Base) NotifyPayment(ctx context.Context, tx *store.Store, to *models.Account, fromID int64, statusID *int64, subj PaymentSubject) error {
	if to == nil || !to.IsLocal() || to.ID == fromID {
		return nil
	}
	blocked, err := tx.Blocks(ctx, to.ID, fromID)
	if err != nil || blocked {
		return err
	}
	return tx.CreateNotification(ctx, &models.Notification{CreatedAt: s.clock.Now(), AccountID: to.ID, FromAccountID: fromID,
		Type: models.NotifyPayment, StatusID: statusID, PaymentID: subj.PaymentID, RequestID: subj.RequestID, SubjectState: subj.State})
}

// CanSee is THE visibility rule. Public and unlisted statuses are for
// anyone the author does not block; private ones for the author, accepted
// followers and mentioned accounts; supporters-only ones for the author,
// mentioned accounts and current (active) supporters of the author; direct
// ones for the author and mentioned accounts. A boost is visible when what it boosts is. viewer nil
// is an anonymous reader.
func (s *Base) CanSee(ctx context.Context, viewer *models.Account, st *models.Status) (bool, error) {
	return s.CanSeeIn(ctx, s.store, viewer, st, 0)
}

// CanSeeIn is CanSee read through db (a transaction, for inbound). Callers
// pass depth 0; the rule itself passes 1 when it checks what a boost boosts.
func (s *Base) CanSeeIn(ctx context.Context, db *store.Store, viewer *models.Account, st *models.Status, depth int) (bool, error) {
	if st.ReblogOfID != nil && depth == 0 {
		orig, err := db.StatusWithAccount(ctx, *st.ReblogOfID)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if ok, err := s.CanSeeIn(ctx, db, viewer, orig, 1); !ok || err != nil {
			return ok, err
		}
	}
	// A suspended author's posts are hidden from everyone (moderation).
	if suspended, err := authorSuspended(ctx, db, st); err != nil || suspended {
		return false, err
	}
	if viewer != nil && viewer.ID == st.AccountID {
		return true, nil
	}
	if viewer != nil {
		blocked, err := db.BlockedEitherWay(ctx, viewer.ID, st.AccountID)
		if err != nil || blocked {
			return false, err
		}
	}
	switch st.Visibility {
	case models.VisibilityPublic, models.VisibilityUnlisted:
		return true, nil
	}
	if viewer == nil {
		return false, nil
	}
	mentioned, err := db.IsMentioned(ctx, st.ID, viewer.ID)
	if err != nil || mentioned {
		return mentioned, err
	}
	if st.Visibility == models.VisibilityPrivate {
		return db.IsFollowing(ctx, viewer.ID, st.AccountID)
	}
	if st.Visibility == models.VisibilitySupporters {
		// Current supporters only: a lapsed one sees none of them.
		return db.IsSupporter(ctx, viewer.ID, st.AccountID)
	}
	return false, nil
}

// StatusForViewer returns a status (Account preloaded) if viewer may see
// it, ErrNotFound otherwise.
func (s *Base) StatusForViewer(ctx context.Context, viewer *models.Account, statusID int64) (*models.Status, error) {
	st, err := s.store.StatusWithAccount(ctx, statusID)
	if err != nil {
		return nil, NotFound(err, "status")
	}
	return s.VisibleOrNotFound(ctx, viewer, st)
}

// StatusByURIForViewer is StatusForViewer by ActivityPub id.
func (s *Base) StatusByURIForViewer(ctx context.Context, viewer *models.Account, uri string) (*models.Status, error) {
	st, err := s.store.StatusWithAccountByURI(ctx, uri)
	if err != nil {
		return nil, NotFound(err, "status")
	}
	return s.VisibleOrNotFound(ctx, viewer, st)
}

// VisibleOrNotFound returns st if viewer may see it, else ErrNotFound (a
// status one may not see does not exist for them).
func (s *Base) VisibleOrNotFound(ctx context.Context, viewer *models.Account, st *models.Status) (*models.Status, error) {
	ok, err := s.CanSee(ctx, viewer, st)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: status", ErrNotFound)
	}
	return st, nil
}

// ValidVisibility reports whether v is one of Mastodon's visibilities or
// Plaza's supporters-only one.
func ValidVisibility(v models.Visibility) bool {
	switch v {
	case models.VisibilityPublic, models.VisibilityUnlisted, models.VisibilityPrivate, models.VisibilitySupporters, models.VisibilityDirect:
		return true
	}
	return false
}

// CanReachUnmentioned reports whether a status of this visibility can be
// seen by an account it does not mention (without following).
func CanReachUnmentioned(v models.Visibility) bool {
	return v == models.VisibilityPublic || v == models.VisibilityUnlisted
}

// authorSuspended reports whether a status's author is suspended.
func authorSuspended(ctx context.Context, db *store.Store, st *models.Status) (bool, error) {
	a := st.Account
	if a == nil || a.ID != st.AccountID {
		var err error
		if a, err = db.AccountByID(ctx, st.AccountID); errors.Is(err, store.ErrNotFound) {
			return true, nil
		} else if err != nil {
			return false, err
		}
	}
	return a.SuspendedAt != nil, nil
}
