package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"plaza/models"
)

// CreatePaymentRequest inserts a request; a second one for the same
// Proposal id is ErrConflict.
func (s *Store) CreatePaymentRequest(ctx context.Context, r *models.PaymentRequest) error {
	if r.ID == 0 {
		r.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(r).Error, "create payment request")
}

// SavePaymentRequest writes a request back.
func (s *Store) SavePaymentRequest(ctx context.Context, r *models.PaymentRequest) error {
	return translate(s.conn(ctx).Save(r).Error, "save payment request")
}

// PaymentRequestByID returns one request.
func (s *Store) PaymentRequestByID(ctx context.Context, id int64) (*models.PaymentRequest, error) {
	var r models.PaymentRequest
	err := s.conn(ctx).Where("id = ?", id).Take(&r).Error
	return &r, translate(err, "payment request by id")
}

// PaymentRequestByIDForUpdate returns one request, locked until the
// transaction ends (PostgreSQL; SQLite serialises writers anyway): what
// makes a request paid at most once.
func (s *Store) PaymentRequestByIDForUpdate(ctx context.Context, id int64) (*models.PaymentRequest, error) {
	var r models.PaymentRequest
	q := s.conn(ctx)
	if s.driver == DriverPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id = ?", id).Take(&r).Error
	return &r, translate(err, "payment request by id")
}

// PaymentRequestByProposal finds a request by its Proposal id.
func (s *Store) PaymentRequestByProposal(ctx context.Context, uri string) (*models.PaymentRequest, error) {
	var r models.PaymentRequest
	err := s.conn(ctx).Where("proposal_uri = ?", uri).Take(&r).Error
	return &r, translate(err, "payment request by proposal")
}

// PaymentRequestByToken finds a request by its public pay page token.
func (s *Store) PaymentRequestByToken(ctx context.Context, token string) (*models.PaymentRequest, error) {
	var r models.PaymentRequest
	err := s.conn(ctx).Where("pay_token = ? AND pay_token <> ''", token).Take(&r).Error
	return &r, translate(err, "payment request by token")
}

// PaymentRequestsByNotes lists the requests carried by chat messages.
func (s *Store) PaymentRequestsByNotes(ctx context.Context, noteURIs []string) ([]models.PaymentRequest, error) {
	var out []models.PaymentRequest
	if len(noteURIs) == 0 {
		return nil, nil
	}
	err := s.conn(ctx).Where("note_uri IN ?", noteURIs).Order("id").Find(&out).Error
	return out, translate(err, "payment requests by notes")
}

// PaymentRequestsOfSplit lists a split's requests.
func (s *Store) PaymentRequestsOfSplit(ctx context.Context, splitID int64) ([]models.PaymentRequest, error) {
	var out []models.PaymentRequest
	err := s.conn(ctx).Where("split_id = ?", splitID).Order("id").Find(&out).Error
	return out, translate(err, "payment requests of split")
}

// PaymentsByNotes lists the payments sent with chat messages.
func (s *Store) PaymentsByNotes(ctx context.Context, noteURIs []string) ([]models.Payment, error) {
	var out []models.Payment
	if len(noteURIs) == 0 {
		return nil, nil
	}
	err := s.conn(ctx).Where("note_uri IN ? AND request_id = 0", noteURIs).Find(&out).Error
	return out, translate(err, "payments by notes")
}

// PaymentsByIDs loads payments by id.
func (s *Store) PaymentsByIDs(ctx context.Context, ids []int64) (map[int64]*models.Payment, error) {
	out := map[int64]*models.Payment{}
	if len(ids) == 0 {
		return out, nil
	}
	var list []models.Payment
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, translate(err, "payments by ids")
	}
	for i := range list {
		out[list[i].ID] = &list[i]
	}
	return out, nil
}

// CountRequestsSince counts the requests made by requesterID (when not 0)
// to payerID (when not 0) since t: the rate limit, kept in the database so
// it holds across restarts.
func (s *Store) CountRequestsSince(ctx context.Context, requesterID, payerID int64, t time.Time) (int64, error) {
	q := s.conn(ctx).Model(&models.PaymentRequest{}).Where("created_at >= ?", t)
	if requesterID != 0 {
		q = q.Where("requester_id = ?", requesterID)
	}
	if payerID != 0 {
		q = q.Where("payer_id = ?", payerID)
	}
	var n int64
	err := q.Count(&n).Error
	return n, translate(err, "count requests")
}

// CreatePaymentSplit inserts a split.
func (s *Store) CreatePaymentSplit(ctx context.Context, sp *models.PaymentSplit) error {
	if sp.ID == 0 {
		sp.ID = s.NewID()
	}
	return translate(s.conn(ctx).Create(sp).Error, "create payment split")
}

// PaymentSplitsByNotes lists the splits carried by chat messages.
func (s *Store) PaymentSplitsByNotes(ctx context.Context, noteURIs []string) ([]models.PaymentSplit, error) {
	var out []models.PaymentSplit
	if len(noteURIs) == 0 {
		return nil, nil
	}
	err := s.conn(ctx).Where("note_uri IN ?", noteURIs).Find(&out).Error
	return out, translate(err, "payment splits by notes")
}

// RequestFilter narrows a history of requests.
type RequestFilter struct {
	AccountID     int64
	CounterpartID int64
	ContextURI    string
	Currency      string
	State         models.RequestState
	From, Until   time.Time
}

// PaymentRequestsOf lists the requests an account made or was asked,
// newest first.
func (s *Store) PaymentRequestsOf(ctx context.Context, f RequestFilter) ([]models.PaymentRequest, error) {
	q := s.conn(ctx).Model(&models.PaymentRequest{}).Where("(requester_id = ? OR payer_id = ?)", f.AccountID, f.AccountID)
	if f.CounterpartID != 0 {
		q = q.Where("(requester_id = ? OR payer_id = ?)", f.CounterpartID, f.CounterpartID)
	}
	if f.ContextURI != "" {
		q = q.Where("context_uri = ?", f.ContextURI)
	}
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	if f.Currency != "" {
		q = q.Where("currency = ?", f.Currency)
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From)
	}
	if !f.Until.IsZero() {
		q = q.Where("created_at < ?", f.Until)
	}
	var out []models.PaymentRequest
	err := q.Order("id DESC").Limit(500).Find(&out).Error
	return out, translate(err, "payment requests of")
}

// EventCard says a payment card changed: ID is the chat message (status)
// the card belongs to, AccountID the local member who should refresh it.
const EventCard = "card"

// CountPaymentRows counts every request and payment (for checks that a
// refused action wrote nothing).
func (s *Store) CountPaymentRows(ctx context.Context) (requests, payments int64, err error) {
	if err = s.conn(ctx).Model(&models.PaymentRequest{}).Count(&requests).Error; err != nil {
		return 0, 0, translate(err, "count requests")
	}
	err = s.conn(ctx).Model(&models.Payment{}).Count(&payments).Error
	return requests, payments, translate(err, "count payments")
}

// ConversationIDOf is the id of accountID's conversation with that
// context, 0 when it has none.
func (s *Store) ConversationIDOf(ctx context.Context, accountID int64, contextURI string) (int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.AccountConversation{}).Select("account_conversations.conversation_id").
		Joins("JOIN conversations ON conversations.id = account_conversations.conversation_id").
		Where("account_conversations.account_id = ? AND conversations.context_uri = ?", accountID, contextURI).Limit(1).Pluck("account_conversations.conversation_id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, translate(err, "conversation of context")
	}
	return ids[0], nil
}

// ParticipantIDsByContext lists the local accounts that have the
// conversation of a thread in their list (none when it has no
// conversation); it creates nothing.
func (s *Store) ParticipantIDsByContext(ctx context.Context, contextURI string) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.AccountConversation{}).
		Joins("JOIN conversations ON conversations.id = account_conversations.conversation_id").
		Where("conversations.context_uri = ?", contextURI).Pluck("account_conversations.account_id", &ids).Error
	return ids, translate(err, "participants by context")
}
