// Package scheduled holds posts their authors asked to publish later
// (Mastodon's scheduled statuses). The database holds the schedule, so a
// restart loses nothing; PublishDue, run by the server's worker, posts what
// is due through the social area exactly once.
package scheduled

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"plaza/models"
	"plaza/models/store"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

// Mastodon's rules: at least five minutes ahead, at most 300 waiting per
// account and 25 on any one day.
const (
	MinLead     = 5 * time.Minute
	MaxMedia    = 4
	TotalLimit  = 300
	DailyLimit  = 25
	publishBulk = 50 // due posts one PublishDue call takes at most
)

// Params is a scheduled post as the client sent it (Mastodon's
// ScheduledStatus params).
type Params struct {
	Text        string            `json:"text"`
	SpoilerText string            `json:"spoiler_text,omitempty"`
	Sensitive   bool              `json:"sensitive,omitempty"`
	Visibility  models.Visibility `json:"visibility"`
	Language    string            `json:"language,omitempty"`
	InReplyToID *int64            `json:"in_reply_to_id,omitempty"`
	MediaIDs    []int64           `json:"media_ids,omitempty"`
}

// Post is one scheduled post with its params decoded and its media.
type Post struct {
	models.ScheduledStatus
	Params Params
	Media  []models.MediaAttachment
}

// Poster is what this area needs of the social area.
type Poster interface {
	CheckStatusInput(ctx context.Context, author *models.Account, in social.CreateStatusInput) error
	CreateStatusIdempotent(ctx context.Context, author *models.Account, key string, in social.CreateStatusInput) (*models.Status, error)
}

// Service schedules and publishes posts.
type Service struct {
	core   *core.Base
	store  *store.Store
	poster Poster
	log    *slog.Logger
}

// New builds the area.
func New(c *core.Base, poster Poster) *Service {
	log := c.Log()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{core: c, store: c.Store(), poster: poster, log: log}
}

var limits = store.ScheduleLimits{Total: TotalLimit, PerDay: DailyLimit}

func (p Params) input() social.CreateStatusInput {
	return social.CreateStatusInput{Text: p.Text, SpoilerText: p.SpoilerText, Sensitive: p.Sensitive,
		Visibility: p.Visibility, Language: p.Language, InReplyToID: p.InReplyToID, MediaIDs: p.MediaIDs}
}

// Schedule checks a post as if it were published now and keeps it for at.
func (s *Service) Schedule(ctx context.Context, author *models.Account, at time.Time, p Params) (*Post, error) {
	if err := s.check(ctx, author, at, p); err != nil {
		return nil, err
	}
	if p.Visibility == "" {
		p.Visibility = models.VisibilityPublic
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("schedule status: %w", err)
	}
	ss := &models.ScheduledStatus{AccountID: author.ID, ScheduledAt: at.UTC(), Params: string(raw), CreatedAt: s.core.Clock().Now()}
	if err := s.store.CreateScheduledStatus(ctx, ss, limits); err != nil {
		return nil, fmt.Errorf("schedule status: %w", limitError(err))
	}
	post := &Post{ScheduledStatus: *ss, Params: p}
	return post, s.withMedia(ctx, author.ID, []*Post{post})
}

// check refuses a time too soon and a post that could not be published.
func (s *Service) check(ctx context.Context, author *models.Account, at time.Time, p Params) error {
	if at.Before(s.core.Clock().Now().Add(MinLead)) {
		return fmt.Errorf("%w: scheduled_at must be at least 5 minutes in the future", core.ErrValidation)
	}
	if err := s.poster.CheckStatusInput(ctx, author, p.input()); err != nil {
		return err
	}
	if len(p.MediaIDs) > MaxMedia {
		return fmt.Errorf("%w: at most %d media attachments", core.ErrValidation, MaxMedia)
	}
	owned, err := s.store.MediaOwnedBy(ctx, author.ID, p.MediaIDs)
	if err != nil {
		return fmt.Errorf("schedule status: %w", err)
	}
	free := map[int64]bool{}
	for _, m := range owned {
		free[m.ID] = m.StatusID == nil
	}
	for _, id := range p.MediaIDs {
		if !free[id] {
			return fmt.Errorf("%w: media %d not found or already attached", core.ErrValidation, id)
		}
	}
	return nil
}

// withMedia loads the media of posts, in one query per author.
func (s *Service) withMedia(ctx context.Context, accountID int64, posts []*Post) error {
	var ids []int64
	for _, p := range posts {
		ids = append(ids, p.Params.MediaIDs...)
	}
	media, err := s.store.MediaOwnedBy(ctx, accountID, ids)
	if err != nil {
		return fmt.Errorf("scheduled statuses: %w", err)
	}
	byID := make(map[int64]models.MediaAttachment, len(media))
	for _, m := range media {
		byID[m.ID] = m
	}
	for _, p := range posts {
		for _, id := range p.Params.MediaIDs {
			if m, ok := byID[id]; ok {
				p.Media = append(p.Media, m)
			}
		}
	}
	return nil
}

func limitError(err error) error {
	if errors.Is(err, store.ErrLimit) {
		return fmt.Errorf("%w: too many scheduled statuses (at most %d in all and %d on one day)", core.ErrValidation, TotalLimit, DailyLimit)
	}
	return err
}

// List returns a page of the account's scheduled posts.
func (s *Service) List(ctx context.Context, acct *models.Account, p core.Page) ([]*Post, error) {
	rows, err := s.store.ScheduledStatusesOf(ctx, acct.ID, p.Store())
	if err != nil {
		return nil, fmt.Errorf("scheduled statuses: %w", err)
	}
	out := make([]*Post, 0, len(rows))
	for _, r := range rows {
		post, err := decode(r)
		if err != nil {
			return nil, err
		}
		out = append(out, post)
	}
	return out, s.withMedia(ctx, acct.ID, out)
}

// Get returns one of the account's scheduled posts; core.ErrNotFound for
// anyone else's.
func (s *Service) Get(ctx context.Context, acct *models.Account, id int64) (*Post, error) {
	ss, err := s.store.ScheduledStatusOf(ctx, acct.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, core.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("scheduled status: %w", err)
	}
	post, err := decode(*ss)
	if err != nil {
		return nil, err
	}
	return post, s.withMedia(ctx, acct.ID, []*Post{post})
}

// Reschedule moves one of the account's scheduled posts to at.
func (s *Service) Reschedule(ctx context.Context, acct *models.Account, id int64, at time.Time) (*Post, error) {
	post, err := s.Get(ctx, acct, id)
	if err != nil {
		return nil, err
	}
	if err := s.check(ctx, acct, at, post.Params); err != nil {
		return nil, err
	}
	if err := s.store.RescheduleStatus(ctx, &post.ScheduledStatus, at.UTC(), post.ScheduledStatus.Params, limits); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, core.ErrNotFound
		}
		return nil, fmt.Errorf("reschedule status: %w", limitError(err))
	}
	post.ScheduledAt = at.UTC()
	return post, nil
}

// Cancel drops one of the account's scheduled posts.
func (s *Service) Cancel(ctx context.Context, acct *models.Account, id int64) error {
	if _, err := s.Get(ctx, acct, id); err != nil {
		return err
	}
	if _, err := s.store.DeleteScheduledStatus(ctx, id); err != nil {
		return fmt.Errorf("cancel scheduled status: %w", err)
	}
	return nil
}

// PublishDue posts every scheduled post whose time has come and returns
// how many it posted. Each is posted with the Idempotency-Key
// "scheduled:<id>" before its row is removed, so a crash between the two,
// or two workers at once, still make one status. A post that can no longer
// be made (its reply target or media gone, its author suspended) is dropped
// with a log line; other errors leave it for the next run.
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	due, err := s.store.DueScheduledStatuses(ctx, s.core.Clock().Now(), publishBulk)
	if err != nil {
		return 0, fmt.Errorf("publish scheduled: %w", err)
	}
	posted := 0
	for _, ss := range due {
		ok, err := s.publish(ctx, ss)
		if err != nil {
			return posted, err
		}
		if ok {
			posted++
		}
	}
	return posted, nil
}

func (s *Service) publish(ctx context.Context, ss models.ScheduledStatus) (bool, error) {
	post, err := decode(ss)
	if err != nil {
		return false, err
	}
	author, err := s.store.AccountByID(ctx, ss.AccountID)
	if err == nil {
		_, err = s.poster.CreateStatusIdempotent(ctx, author, fmt.Sprintf("scheduled:%d", ss.ID), post.Params.input())
	}
	permanent := errors.Is(err, store.ErrNotFound) || errors.Is(err, core.ErrValidation) || errors.Is(err, core.ErrForbidden) || errors.Is(err, core.ErrNotFound)
	if err != nil && !permanent {
		return false, fmt.Errorf("publish scheduled %d: %w", ss.ID, err)
	}
	if err != nil {
		s.log.Warn("scheduled status dropped: it can no longer be posted", slog.Int64("scheduled_status_id", ss.ID),
			slog.Int64("account_id", ss.AccountID), slog.Any("error", err))
	}
	if _, derr := s.store.DeleteScheduledStatus(ctx, ss.ID); derr != nil {
		return false, fmt.Errorf("publish scheduled %d: %w", ss.ID, derr)
	}
	return err == nil, nil
}

func decode(ss models.ScheduledStatus) (*Post, error) {
	var p Params
	if err := json.Unmarshal([]byte(ss.Params), &p); err != nil {
		return nil, fmt.Errorf("scheduled status %d: params: %w", ss.ID, err)
	}
	return &Post{ScheduledStatus: ss, Params: p}, nil
}
