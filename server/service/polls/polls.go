// Package polls owns the polls of statuses: creating one with a local
// status, voting (locally and on remote polls, sent as vote Notes), the
// view of a poll for one viewer, the end-of-poll notifications, and the
// remote side (a Question stored and updated, a remote vote counted).
package polls

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
)

// Limits, as Mastodon's instance configuration advertises them.
const (
	MaxOptions     = 4
	MaxOptionChars = 50
	MinExpiry      = 5 * time.Minute
	MaxExpiry      = 2629746 * time.Second // a month
)

// Service is the polls area.
type Service struct {
	core  *core.Base
	store *store.Store
	clock core.Clock
	log   *slog.Logger
}

// New builds the polls area on the shared core.
func New(c *core.Base) *Service {
	return &Service{core: c, store: c.Store(), clock: c.Clock(), log: c.Log()}
}

// Input is a poll posted with a status.
type Input struct {
	Options    []string
	ExpiresIn  time.Duration
	Multiple   bool
	HideTotals bool
}

// Validate checks a poll against the advertised limits.
func Validate(in Input) error {
	if len(in.Options) < 2 {
		return fmt.Errorf("%w: a poll needs at least 2 options", core.ErrValidation)
	}
	if len(in.Options) > MaxOptions {
		return fmt.Errorf("%w: a poll has at most %d options", core.ErrValidation, MaxOptions)
	}
	seen := map[string]bool{}
	for _, o := range in.Options {
		o = strings.TrimSpace(o)
		if o == "" {
			return fmt.Errorf("%w: poll options may not be blank", core.ErrValidation)
		}
		if utf8.RuneCountInString(o) > MaxOptionChars {
			return fmt.Errorf("%w: a poll option is at most %d characters", core.ErrValidation, MaxOptionChars)
		}
		if seen[o] {
			return fmt.Errorf("%w: poll options must differ", core.ErrValidation)
		}
		seen[o] = true
	}
	if in.ExpiresIn < MinExpiry || in.ExpiresIn > MaxExpiry {
		return fmt.Errorf("%w: a poll lasts from %v to %v", core.ErrValidation, MinExpiry, MaxExpiry)
	}
	return nil
}

// Attach returns what social's CreateStatus runs in the status's
// transaction, before its Create is published, so the Question carries
// the poll: the poll row of the new status.
func (s *Service) Attach(in Input) func(ctx context.Context, tx *store.Store, st *models.Status) error {
	return func(ctx context.Context, tx *store.Store, st *models.Status) error {
		if err := Validate(in); err != nil {
			return err
		}
		opts := make([]models.PollOption, 0, len(in.Options))
		for _, o := range in.Options {
			opts = append(opts, models.PollOption{Title: strings.TrimSpace(o)})
		}
		raw, err := json.Marshal(opts)
		if err != nil {
			return fmt.Errorf("poll options: %w", err)
		}
		exp := st.CreatedAt.Add(in.ExpiresIn)
		return tx.CreatePoll(ctx, &models.Poll{CreatedAt: st.CreatedAt, UpdatedAt: st.CreatedAt, StatusID: st.ID, AccountID: st.AccountID,
			ExpiresAt: &exp, Multiple: in.Multiple, HideTotals: in.HideTotals, Options: string(raw)})
	}
}

// Options decodes a poll's options with their counts.
func Options(p *models.Poll) []models.PollOption {
	var out []models.PollOption
	_ = json.Unmarshal([]byte(p.Options), &out)
	return out
}

func setOptions(p *models.Poll, opts []models.PollOption) error {
	raw, err := json.Marshal(opts)
	if err != nil {
		return fmt.Errorf("poll options: %w", err)
	}
	p.Options = string(raw)
	return nil
}

// View is a poll as one viewer sees it.
type View struct {
	Poll    *models.Poll
	Options []models.PollOption
	Expired bool
	// ShowTotals is false while a hide_totals poll runs, for all but its
	// author: the counts are null then.
	ShowTotals bool
	// Voted and OwnVotes are the viewer's (nil viewer: not known).
	Voted    bool
	OwnVotes []int
	Viewer   bool
}

func (s *Service) expired(p *models.Poll) bool {
	return p.ExpiresAt != nil && !s.clock.Now().Before(*p.ExpiresAt)
}

// ViewsOf returns the polls of a page of statuses by status id, as viewer
// sees them, in two queries.
func (s *Service) ViewsOf(ctx context.Context, viewer *models.Account, statusIDs []int64) (map[int64]*View, error) {
	polls, err := s.store.PollsOfStatuses(ctx, statusIDs)
	if err != nil {
		return nil, fmt.Errorf("poll views: %w", err)
	}
	var votes map[int64][]int
	if viewer != nil && len(polls) > 0 {
		ids := make([]int64, 0, len(polls))
		for _, p := range polls {
			ids = append(ids, p.ID)
		}
		if votes, err = s.store.VotesOf(ctx, viewer.ID, ids); err != nil {
			return nil, fmt.Errorf("poll views: %w", err)
		}
	}
	out := make(map[int64]*View, len(polls))
	for sid, p := range polls {
		out[sid] = s.view(viewer, p, votes[p.ID])
	}
	return out, nil
}

func (s *Service) view(viewer *models.Account, p *models.Poll, own []int) *View {
	v := &View{Poll: p, Options: Options(p), Expired: s.expired(p), Viewer: viewer != nil}
	v.ShowTotals = !p.HideTotals || v.Expired || (viewer != nil && viewer.ID == p.AccountID)
	if viewer != nil {
		v.OwnVotes = own
		if v.OwnVotes == nil {
			v.OwnVotes = []int{}
		}
		// The author's own poll counts as voted, as in Mastodon.
		v.Voted = len(own) > 0 || viewer.ID == p.AccountID
	}
	return v
}

// Get returns a poll when viewer may see its status.
func (s *Service) Get(ctx context.Context, viewer *models.Account, pollID int64) (*View, error) {
	p, err := s.store.PollByID(ctx, pollID)
	if err != nil {
		return nil, core.NotFound(err, "poll")
	}
	if _, err := s.core.StatusForViewer(ctx, viewer, p.StatusID); err != nil {
		return nil, err
	}
	var own []int
	if viewer != nil {
		votes, err := s.store.VotesOf(ctx, viewer.ID, []int64{p.ID})
		if err != nil {
			return nil, fmt.Errorf("poll: %w", err)
		}
		own = votes[p.ID]
	}
	return s.view(viewer, p, own), nil
}

// Vote records a local account's choices. A local poll's counts move and
// an Update(Question) goes to its audience; a vote on a remote poll is
// counted here too and sent to the poll's server as one Note per choice.
func (s *Service) Vote(ctx context.Context, voter *models.Account, pollID int64, choices []int) (*View, error) {
	p, err := s.store.PollByID(ctx, pollID)
	if err != nil {
		return nil, core.NotFound(err, "poll")
	}
	st, err := s.core.StatusForViewer(ctx, voter, p.StatusID)
	if err != nil {
		return nil, err
	}
	if len(choices) == 0 {
		return nil, fmt.Errorf("%w: choose at least one option", core.ErrValidation)
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		p, err = tx.LockPoll(ctx, pollID)
		if err != nil {
			return err
		}
		titles, err := s.count(ctx, tx, p, voter, choices, func(int) string { return voteURI(voter, tx.NewID()) })
		if err != nil {
			return err
		}
		if st.Local {
			return s.publishCounts(ctx, tx, st, p)
		}
		for i, v := range titles {
			titles[i].QuestionURI, titles[i].Author = st.URI, st.Account
			if err := s.core.Publish(ctx, tx, &models.Outgoing{Type: "Create", ID: v.Vote.URI + "/activity", Actor: voter,
				PollVote: &titles[i], Recipients: []*models.Account{st.Account}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("vote: %w", err)
	}
	return s.Get(ctx, voter, pollID)
}

// voteURI is the id of a local vote Note, in Mastodon's form.
func voteURI(voter *models.Account, id int64) string {
	return fmt.Sprintf("%s#votes/%d", voter.URI, id)
}

// count checks and records one account's choices in a locked poll and
// saves the counts; uri names each vote.
func (s *Service) count(ctx context.Context, tx *store.Store, p *models.Poll, voter *models.Account, choices []int, uri func(int) string) ([]models.PollVoteOut, error) {
	if s.expired(p) {
		return nil, fmt.Errorf("%w: the poll has already ended", core.ErrValidation)
	}
	if p.AccountID == voter.ID {
		return nil, fmt.Errorf("%w: you cannot vote in your own poll", core.ErrValidation)
	}
	if !p.Multiple && len(choices) > 1 {
		return nil, fmt.Errorf("%w: this poll takes one choice", core.ErrValidation)
	}
	prior, err := tx.VotesOf(ctx, voter.ID, []int64{p.ID})
	if err != nil {
		return nil, err
	}
	if len(prior[p.ID]) > 0 {
		return nil, fmt.Errorf("%w: you have already voted on this poll", core.ErrValidation)
	}
	opts := Options(p)
	seen := map[int]bool{}
	var out []models.PollVoteOut
	now := s.clock.Now()
	for _, c := range choices {
		if c < 0 || c >= len(opts) {
			return nil, fmt.Errorf("%w: no option %d in this poll", core.ErrValidation, c)
		}
		if seen[c] {
			continue
		}
		seen[c] = true
		v := &models.PollVote{CreatedAt: now, PollID: p.ID, AccountID: voter.ID, Choice: c, URI: uri(c)}
		if err := tx.CreatePollVote(ctx, v); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return nil, fmt.Errorf("%w: you have already voted on this poll", core.ErrValidation)
			}
			return nil, err
		}
		opts[c].VotesCount++
		p.VotesCount++
		out = append(out, models.PollVoteOut{Vote: v, Title: opts[c].Title})
	}
	p.VotersCount++
	p.UpdatedAt = now
	if err := setOptions(p, opts); err != nil {
		return nil, err
	}
	return out, tx.SavePollCounts(ctx, p)
}

// pollVoters is everyone who voted in p.
func pollVoters(ctx context.Context, tx *store.Store, p *models.Poll) (map[int64]*models.Account, error) {
	ids, err := tx.PollVoterIDs(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return tx.AccountsByIDs(ctx, ids)
}

// publishCounts sends the new counts of a local poll as Update(Question)
// to its followers (as the status is addressed) and its remote voters.
func (s *Service) publishCounts(ctx context.Context, tx *store.Store, st *models.Status, p *models.Poll) error {
	voters, err := pollVoters(ctx, tx, p)
	if err != nil {
		return err
	}
	var remote []*models.Account
	for _, a := range voters {
		if !a.IsLocal() {
			remote = append(remote, a)
		}
	}
	return s.core.Publish(ctx, tx, &models.Outgoing{Type: "Update", ID: fmt.Sprintf("%s#updates/%d", st.URI, tx.NewID()),
		Actor: st.Account, Status: st, Recipients: remote})
}
