package polls

import (
	"context"
	"errors"
	"fmt"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// The remote side: a Question stored with its status, its counts updated
// by Update(Question), and remote votes (Create of a Note whose name is an
// option and whose inReplyTo is a local poll) counted.

// maxRemoteOptions bounds what a remote Question may make us store.
const maxRemoteOptions = 50

// StoreRemote stores the poll of a remote Question just stored as st
// (social's hook for every remote status, whichever path brought it).
func (s *Service) StoreRemote(ctx context.Context, tx *store.Store, st *models.Status, obj *models.APObject) error {
	if obj.Poll == nil || len(obj.Poll.Options) == 0 {
		return nil
	}
	p := &models.Poll{CreatedAt: s.clock.Now(), StatusID: st.ID, AccountID: st.AccountID}
	if err := s.applyRemote(p, obj.Poll); err != nil {
		return err
	}
	// An already closed poll has nothing left to announce.
	p.ExpiryNotified = !obj.Poll.Closed.IsZero()
	err := tx.CreatePoll(ctx, p)
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	return err
}

// applyRemote copies a decoded Question onto a poll row.
func (s *Service) applyRemote(p *models.Poll, q *models.APPoll) error {
	opts := q.Options
	if len(opts) > maxRemoteOptions {
		opts = opts[:maxRemoteOptions]
	}
	var sum int64
	clean := make([]models.PollOption, 0, len(opts))
	for _, o := range opts {
		n := max(o.VotesCount, 0)
		sum += n
		clean = append(clean, models.PollOption{Title: core.StripHTML(o.Title), VotesCount: n})
	}
	if err := setOptions(p, clean); err != nil {
		return err
	}
	p.Multiple, p.VotesCount, p.VotersCount, p.UpdatedAt = q.Multiple, sum, max(q.VotersCount, 0), s.clock.Now()
	if !p.Multiple && p.VotersCount == 0 {
		p.VotersCount = sum
	}
	end := q.EndTime
	if !q.Closed.IsZero() && (end.IsZero() || q.Closed.Before(end)) {
		end = q.Closed
	}
	if !end.IsZero() {
		e := end.UTC()
		p.ExpiresAt = &e
	}
	return nil
}

// ReceiveQuestionUpdate applies the counts of an Update(Question) from its
// author's server. It reports whether the text changed too, in which case
// the Update is also an edit (inbound applies it as one).
func (s *Service) ReceiveQuestionUpdate(ctx context.Context, tx *store.Store, obj *models.APObject, signer *models.Account) (edited bool, err error) {
	st, err := tx.StatusWithAccountByURI(ctx, obj.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if st.AccountID != signer.ID {
		return false, fmt.Errorf("%w: only its author may update %s", core.ErrForbidden, obj.ID)
	}
	p, err := tx.PollOfStatus(ctx, st.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := s.StoreRemote(ctx, tx, st, obj); err != nil {
			return false, err
		}
	case err != nil:
		return false, err
	default:
		if p, err = tx.LockPoll(ctx, p.ID); err != nil {
			return false, err
		}
		if err := s.applyRemote(p, obj.Poll); err != nil {
			return false, err
		}
		if err := tx.SavePollCounts(ctx, p); err != nil {
			return false, err
		}
	}
	return core.SanitizeHTML(obj.Content) != st.Content || core.StripHTML(obj.Summary) != st.SpoilerText, nil
}

// ReceiveVote counts a remote vote on a local poll. handled is false when
// the Note answers no local poll (then it is an ordinary reply).
func (s *Service) ReceiveVote(ctx context.Context, tx *store.Store, obj *models.APObject, signer *models.Account) (handled bool, err error) {
	st, err := tx.StatusWithAccountByURI(ctx, obj.InReplyTo)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !st.Local {
		return false, nil
	}
	p, err := tx.PollOfStatus(ctx, st.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if obj.AttributedTo != signer.URI || core.OriginOf(obj.ID) != core.OriginOf(signer.URI) {
		return true, fmt.Errorf("%w: vote %s is not the signer's", core.ErrForbidden, obj.ID)
	}
	if ok, err := s.core.CanSeeIn(ctx, tx, signer, st, 0); err != nil || !ok {
		return true, err // a vote on a poll the voter may not see is dropped
	}
	if p, err = tx.LockPoll(ctx, p.ID); err != nil {
		return true, err
	}
	choice := -1
	for i, o := range Options(p) {
		if o.Title == obj.Name {
			choice = i
			break
		}
	}
	if choice < 0 {
		return true, nil // no such option: dropped, as Mastodon does
	}
	if err := s.countRemote(ctx, tx, p, signer, choice, obj.ID); err != nil {
		if errors.Is(err, core.ErrValidation) {
			s.log.InfoContext(ctx, "remote vote refused", "vote", obj.ID, "error", err.Error())
			return true, nil
		}
		return true, err
	}
	return true, s.publishCounts(ctx, tx, st, p)
}

// countRemote records one remote choice: a multiple-choice poll takes one
// Note per option, so a voter's later Notes add choices and are counted as
// one voter.
func (s *Service) countRemote(ctx context.Context, tx *store.Store, p *models.Poll, voter *models.Account, choice int, uri string) error {
	if s.expired(p) {
		return fmt.Errorf("%w: the poll has already ended", core.ErrValidation)
	}
	prior, err := tx.VotesOf(ctx, voter.ID, []int64{p.ID})
	if err != nil {
		return err
	}
	if len(prior[p.ID]) > 0 && !p.Multiple {
		return fmt.Errorf("%w: already voted", core.ErrValidation)
	}
	v := &models.PollVote{CreatedAt: s.clock.Now(), PollID: p.ID, AccountID: voter.ID, Choice: choice, URI: uri}
	if err := tx.CreatePollVote(ctx, v); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w: already counted", core.ErrValidation)
		}
		return err
	}
	opts := Options(p)
	opts[choice].VotesCount++
	p.VotesCount++
	if len(prior[p.ID]) == 0 {
		p.VotersCount++
	}
	p.UpdatedAt = s.clock.Now()
	if err := setOptions(p, opts); err != nil {
		return err
	}
	return tx.SavePollCounts(ctx, p)
}
