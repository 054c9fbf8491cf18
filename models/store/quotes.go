package store

import (
	"context"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// SetQuotePolicy records who may quote a status (replacing an earlier
// policy).
func (s *Store) SetQuotePolicy(ctx context.Context, statusID int64, p models.QuotePolicy) error {
	row := &models.StatusQuotePolicy{StatusID: statusID, Policy: p}
	err := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "status_id"}}, DoUpdates: clause.AssignmentColumns([]string{"policy"})}).Create(row).Error
	return translate(err, "set quote policy")
}

// QuotePoliciesOf returns the quote policies set on these statuses (a
// status without one is absent).
func (s *Store) QuotePoliciesOf(ctx context.Context, statusIDs []int64) (map[int64]models.QuotePolicy, error) {
	out := map[int64]models.QuotePolicy{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []models.StatusQuotePolicy
	if err := s.conn(ctx).Where("status_id IN ?", statusIDs).Find(&rows).Error; err != nil {
		return nil, translate(err, "quote policies")
	}
	for _, r := range rows {
		out[r.StatusID] = r.Policy
	}
	return out, nil
}

// CreateQuote stores a quote; ErrConflict when its quoting post has one.
func (s *Store) CreateQuote(ctx context.Context, q *models.Quote) error {
	if q.ID == 0 {
		q.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(q).Error, "create quote")
}

// SaveQuote writes a quote's links and state.
func (s *Store) SaveQuote(ctx context.Context, q *models.Quote) error {
	err := s.conn(ctx).Model(&models.Quote{}).Where("id = ?", q.ID).Updates(map[string]any{
		"updated_at": q.UpdatedAt, "status_id": q.StatusID, "quoted_uri": q.QuotedURI, "quoted_status_id": q.QuotedStatusID,
		"state": q.State, "request_uri": q.RequestURI, "authorization_uri": q.AuthorizationURI,
	}).Error
	return translate(err, "save quote")
}

// QuoteByID returns one quote.
func (s *Store) QuoteByID(ctx context.Context, id int64) (*models.Quote, error) {
	return s.quoteWhere(ctx, "id = ?", id)
}

// QuoteByQuotingURI returns the quote a post makes.
func (s *Store) QuoteByQuotingURI(ctx context.Context, uri string) (*models.Quote, error) {
	return s.quoteWhere(ctx, "quoting_uri = ?", uri)
}

// QuoteByRequestURI returns the quote a QuoteRequest asked for.
func (s *Store) QuoteByRequestURI(ctx context.Context, uri string) (*models.Quote, error) {
	return s.quoteWhere(ctx, "request_uri = ?", uri)
}

// QuoteByAuthorizationURI returns the quote a QuoteAuthorization approves.
func (s *Store) QuoteByAuthorizationURI(ctx context.Context, uri string) (*models.Quote, error) {
	return s.quoteWhere(ctx, "authorization_uri = ?", uri)
}

func (s *Store) quoteWhere(ctx context.Context, cond string, arg any) (*models.Quote, error) {
	var q models.Quote
	if err := s.conn(ctx).Where(cond, arg).Take(&q).Error; err != nil {
		return nil, translate(err, "quote")
	}
	return &q, nil
}

// QuotesOfStatuses returns the quotes these statuses make, by quoting
// status id.
func (s *Store) QuotesOfStatuses(ctx context.Context, statusIDs []int64) (map[int64]*models.Quote, error) {
	out := map[int64]*models.Quote{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	var rows []*models.Quote
	if err := s.conn(ctx).Where("status_id IN ?", statusIDs).Find(&rows).Error; err != nil {
		return nil, translate(err, "quotes of statuses")
	}
	for _, q := range rows {
		out[*q.StatusID] = q
	}
	return out, nil
}

// QuotesOfQuoted returns the stored quotes of a status in one state,
// newest first, below maxID when not 0.
func (s *Store) QuotesOfQuoted(ctx context.Context, quotedID int64, state models.QuoteState, maxID int64, limit int) ([]*models.Quote, error) {
	q := s.conn(ctx).Where("quoted_status_id = ? AND state = ? AND status_id IS NOT NULL", quotedID, state)
	if maxID > 0 {
		q = q.Where("id < ?", maxID)
	}
	var rows []*models.Quote
	err := q.Order("id DESC").Limit(limit).Find(&rows).Error
	return rows, translate(err, "quotes of status")
}
