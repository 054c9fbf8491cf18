package store

import (
	"context"

	"gorm.io/gorm"

	"plaza/models"
)

// ConversationByContext returns the conversation of a thread, creating it.
func (s *Store) ConversationByContext(ctx context.Context, contextURI string) (*models.Conversation, error) {
	var c models.Conversation
	err := s.conn(ctx).Where("context_uri = ?", contextURI).Order("id ASC").Take(&c).Error
	if err == nil {
		return &c, nil
	}
	if err := translate(err, "conversation"); !isNotFound(err) {
		return nil, err
	}
	c = models.Conversation{ID: s.NewID(), CreatedAt: nowUTC(), ContextURI: contextURI}
	return &c, translate(s.conn(ctx).Create(&c).Error, "create conversation")
}

// TouchAccountConversation records a new last status of a conversation for
// one participant (and shows it again if hidden). A row read (Unread
// false, the author's) moves its read marker to the status; an unread one
// keeps its marker. RequestFromID is only set when the row is new.
func (s *Store) TouchAccountConversation(ctx context.Context, ac *models.AccountConversation) error {
	// Raw SQL: gorm would leave Unread false to the column's default (true).
	err := s.conn(ctx).Exec(`INSERT INTO account_conversations (account_id, conversation_id, last_status_id, unread, hidden, last_read_id, request_from_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, conversation_id) DO UPDATE SET
			last_status_id = excluded.last_status_id, unread = excluded.unread, hidden = excluded.hidden,
			last_read_id = CASE WHEN excluded.unread THEN account_conversations.last_read_id ELSE excluded.last_read_id END`,
		ac.AccountID, ac.ConversationID, ac.LastStatusID, ac.Unread, ac.Hidden, ac.LastReadID, ac.RequestFromID).Error
	return s.emitAfter(ctx, translate(err, "touch account conversation"), Event{Kind: EventConversation, ID: ac.ConversationID, AccountID: ac.AccountID})
}

// AccountConversationsOf lists an account's visible conversations (not
// hidden, not held as message requests), the most recently active first,
// paged by last status id.
func (s *Store) AccountConversationsOf(ctx context.Context, accountID int64, p Page) ([]models.AccountConversation, error) {
	q, rev := paged(s.conn(ctx).Where("account_id = ? AND hidden = ? AND request_from_id = 0", accountID, false), "last_status_id", p)
	var acs []models.AccountConversation
	if err := q.Find(&acs).Error; err != nil {
		return nil, translate(err, "account conversations")
	}
	if rev {
		reverse(acs)
	}
	return acs, nil
}

// ParticipantIDs returns the accounts of a conversation's rows.
func (s *Store) ParticipantIDs(ctx context.Context, conversationID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.AccountConversation{}).Where("conversation_id = ?", conversationID).Pluck("account_id", &ids).Error
	return ids, translate(err, "participants")
}

// UpdateAccountConversation sets the unread and hidden flags of one
// participant's conversation; ErrNotFound when it has none.
func (s *Store) UpdateAccountConversation(ctx context.Context, accountID, conversationID int64, unread, hidden bool) error {
	res := s.conn(ctx).Model(&models.AccountConversation{}).Where("account_id = ? AND conversation_id = ?", accountID, conversationID).
		Updates(readUpdate(unread, hidden))
	if res.Error != nil {
		return translate(res.Error, "update account conversation")
	}
	if res.RowsAffected == 0 {
		return translate(gorm.ErrRecordNotFound, "account conversation")
	}
	return nil
}

// readUpdate is the change of a participant's flags; read moves the read
// marker to the last status.
func readUpdate(unread, hidden bool) map[string]any {
	m := map[string]any{"unread": unread, "hidden": hidden}
	if !unread {
		m["last_read_id"] = gorm.Expr("last_status_id")
	}
	return m
}
