package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// CreatePoll inserts a poll.
func (s *Store) CreatePoll(ctx context.Context, p *models.Poll) error {
	if p.ID == 0 {
		p.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(p).Error, "create poll")
}

// PollByID returns a poll.
func (s *Store) PollByID(ctx context.Context, id int64) (*models.Poll, error) {
	var p models.Poll
	return &p, translate(s.conn(ctx).Take(&p, id).Error, "poll")
}

// PollOfStatus returns the poll of a status.
func (s *Store) PollOfStatus(ctx context.Context, statusID int64) (*models.Poll, error) {
	var p models.Poll
	return &p, translate(s.conn(ctx).Where("status_id = ?", statusID).Take(&p).Error, "poll of status")
}

// LockPoll reads a poll and, on PostgreSQL, holds its row until the
// transaction ends, so that votes counted at once do not lose each other
// (SQLite's write transaction already serialises them).
func (s *Store) LockPoll(ctx context.Context, id int64) (*models.Poll, error) {
	q := s.conn(ctx)
	if s.driver == DriverPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var p models.Poll
	return &p, translate(q.Take(&p, id).Error, "lock poll")
}

// PollsOfStatuses returns the polls of a page of statuses by status id.
func (s *Store) PollsOfStatuses(ctx context.Context, statusIDs []int64) (map[int64]*models.Poll, error) {
	out := map[int64]*models.Poll{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []*models.Poll
	if err := s.conn(ctx).Where("status_id IN ?", statusIDs).Find(&rows).Error; err != nil {
		return nil, translate(err, "polls of statuses")
	}
	for _, p := range rows {
		out[p.StatusID] = p
	}
	return out, nil
}

// SavePollCounts writes a poll's options, counts, expiry and flags.
func (s *Store) SavePollCounts(ctx context.Context, p *models.Poll) error {
	return translate(s.conn(ctx).Model(&models.Poll{}).Where("id = ?", p.ID).Updates(map[string]any{
		"options": p.Options, "votes_count": p.VotesCount, "voters_count": p.VotersCount,
		"expires_at": p.ExpiresAt, "multiple": p.Multiple, "updated_at": p.UpdatedAt,
	}).Error, "save poll counts")
}

// CreatePollVote inserts one choice; ErrConflict when the account already
// chose it (or the vote's URI is known).
func (s *Store) CreatePollVote(ctx context.Context, v *models.PollVote) error {
	if v.ID == 0 {
		v.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(v).Error, "create poll vote")
}

// VotesOf returns the choices an account made in each of the polls.
func (s *Store) VotesOf(ctx context.Context, accountID int64, pollIDs []int64) (map[int64][]int, error) {
	out := map[int64][]int{}
	if len(pollIDs) == 0 {
		return out, nil
	}
	var rows []models.PollVote
	if err := s.conn(ctx).Where("account_id = ? AND poll_id IN ?", accountID, pollIDs).Order("choice").Find(&rows).Error; err != nil {
		return nil, translate(err, "votes of account")
	}
	for _, v := range rows {
		out[v.PollID] = append(out[v.PollID], v.Choice)
	}
	return out, nil
}

// PollVoterIDs returns the distinct accounts that voted in a poll.
func (s *Store) PollVoterIDs(ctx context.Context, pollID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.PollVote{}).Where("poll_id = ?", pollID).Distinct("account_id").Pluck("account_id", &ids).Error
	return ids, translate(err, "poll voters")
}

// EndedPollsToAnnounce claims up to limit polls that ended at or before
// now and were not announced yet, marking them announced in the same
// statement's transaction; the caller notifies inside that transaction, so
// an announcement is made once even with several processes sweeping.
func (s *Store) EndedPollsToAnnounce(ctx context.Context, now time.Time, limit int) ([]*models.Poll, error) {
	q := s.conn(ctx).Where("expiry_notified = ? AND expires_at IS NOT NULL AND expires_at <= ?", false, now).Order("expires_at").Limit(limit)
	if s.driver == DriverPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
	}
	var rows []*models.Poll
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err, "ended polls")
	}
	claimed := rows[:0]
	for _, p := range rows {
		res := s.conn(ctx).Model(&models.Poll{}).Where("id = ? AND expiry_notified = ?", p.ID, false).Update("expiry_notified", true)
		if res.Error != nil {
			return nil, translate(res.Error, "mark poll announced")
		}
		if res.RowsAffected == 1 {
			claimed = append(claimed, p)
		}
	}
	return claimed, nil
}

// deletePollsOf removes the polls of statuses and their votes (part of
// DeleteStatusCascade).
func (s *Store) deletePollsOf(ctx context.Context, statusIDs []int64) error {
	db := s.conn(ctx)
	if err := db.Where("poll_id IN (?)", db.Model(&models.Poll{}).Select("id").Where("status_id IN ?", statusIDs)).Delete(&models.PollVote{}).Error; err != nil {
		return translate(err, "delete poll votes")
	}
	return translate(db.Where("status_id IN ?", statusIDs).Delete(&models.Poll{}).Error, "delete polls")
}
