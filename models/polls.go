package models

import "time"

// NotifyPoll tells voters and the author that a poll has ended.
const NotifyPoll NotificationType = "poll"

// Poll is the poll of one status (a Question in ActivityPub), local or
// remote. Options holds the choices in order with their counts as JSON
// ([{"title":…,"votes_count":…}]); a local poll's counts move under the
// poll's row lock, a remote poll's are what its server last sent.
type Poll struct {
	ID        int64      `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time  `gorm:"not null"`
	UpdatedAt time.Time  `gorm:"not null"`
	StatusID  int64      `gorm:"not null;uniqueIndex"`
	AccountID int64      `gorm:"not null"` // the author
	ExpiresAt *time.Time `gorm:"index:idx_polls_expiry,priority:2"`
	Multiple  bool       `gorm:"not null;default:false"`
	// HideTotals keeps the counts from everyone but the author until the
	// poll ends.
	HideTotals  bool   `gorm:"not null;default:false"`
	Options     string `gorm:"type:text;not null"`
	VotesCount  int64  `gorm:"not null;default:0"`
	VotersCount int64  `gorm:"not null;default:0"`
	// ExpiryNotified is set once the end was announced (notifications and,
	// for a local poll, the final Update); the expiry sweep looks for
	// ended polls where it is false.
	ExpiryNotified bool `gorm:"not null;default:false;index:idx_polls_expiry,priority:1"`
}

// PollOption is one choice of a poll with its count.
type PollOption struct {
	Title      string `json:"title"`
	VotesCount int64  `json:"votes_count"`
}

// PollVote is one account's choice in a poll; a multiple-choice poll has a
// row per choice. URI is the vote Note's id (local or remote).
type PollVote struct {
	ID        int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time `gorm:"not null"`
	PollID    int64     `gorm:"not null;uniqueIndex:idx_poll_votes_choice,priority:1"`
	AccountID int64     `gorm:"not null;uniqueIndex:idx_poll_votes_choice,priority:2;index"`
	Choice    int       `gorm:"not null;uniqueIndex:idx_poll_votes_choice,priority:3"`
	URI       string    `gorm:"size:2048;not null;uniqueIndex"`
}

// APPoll is the poll part of a decoded Question.
type APPoll struct {
	Multiple    bool // anyOf rather than oneOf
	Options     []PollOption
	EndTime     time.Time // zero: none given
	Closed      time.Time // when it closed; zero: open
	VotersCount int64
}

// PollVoteOut is a local account's vote on a remote poll, sent as
// Create(Note) with name = the option's title, to the poll's author.
type PollVoteOut struct {
	Vote        *PollVote
	Title       string
	QuestionURI string
	Author      *Account // the poll's author
}
