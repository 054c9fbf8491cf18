package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"plaza/models"
)

// ConversationByID returns a conversation.
func (s *Store) ConversationByID(ctx context.Context, id int64) (*models.Conversation, error) {
	var c models.Conversation
	err := s.conn(ctx).Where("id = ?", id).Take(&c).Error
	return &c, translate(err, "conversation")
}

// RenameConversation sets a chat's name.
func (s *Store) RenameConversation(ctx context.Context, id int64, name string) error {
	return translate(s.conn(ctx).Model(&models.Conversation{}).Where("id = ?", id).Update("name", name).Error, "rename conversation")
}

// ChatMembers returns the members of a chat, former ones included, with
// their accounts, in the order they joined.
func (s *Store) ChatMembers(ctx context.Context, conversationID int64) ([]models.ChatMember, error) {
	var list []models.ChatMember
	err := s.conn(ctx).Preload("Account").Where("conversation_id = ?", conversationID).Order("joined_at ASC, account_id ASC").Find(&list).Error
	return list, translate(err, "chat members")
}

// ChatMembersOf returns the members of several chats, keyed by chat.
func (s *Store) ChatMembersOf(ctx context.Context, conversationIDs []int64) (map[int64][]models.ChatMember, error) {
	out := map[int64][]models.ChatMember{}
	if len(conversationIDs) == 0 {
		return out, nil
	}
	var list []models.ChatMember
	err := s.conn(ctx).Preload("Account").Where("conversation_id IN ?", conversationIDs).Order("joined_at ASC, account_id ASC").Find(&list).Error
	if err != nil {
		return nil, translate(err, "chat members")
	}
	for _, m := range list {
		out[m.ConversationID] = append(out[m.ConversationID], m)
	}
	return out, nil
}

// JoinChat makes an account a current member of a chat: a new member, or
// a former one back (joined again now).
func (s *Store) JoinChat(ctx context.Context, conversationID, accountID int64, at time.Time) error {
	m := models.ChatMember{ConversationID: conversationID, AccountID: accountID, JoinedAt: at}
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "conversation_id"}, {Name: "account_id"}},
		DoUpdates: clause.Assignments(map[string]any{"left_at": nil, "joined_at": gorm.Expr("CASE WHEN chat_members.left_at IS NULL THEN chat_members.joined_at ELSE excluded.joined_at END")}),
	}).Omit("Account").Create(&m).Error
	return translate(err, "join chat")
}

// LeaveChat marks a member as gone; ErrNotFound when not a current member.
func (s *Store) LeaveChat(ctx context.Context, conversationID, accountID int64, at time.Time) error {
	res := s.conn(ctx).Model(&models.ChatMember{}).Where("conversation_id = ? AND account_id = ? AND left_at IS NULL", conversationID, accountID).Update("left_at", at)
	if res.Error != nil {
		return translate(res.Error, "leave chat")
	}
	if res.RowsAffected == 0 {
		return translate(gorm.ErrRecordNotFound, "chat member")
	}
	return nil
}

// FileChatMessage files a status in a chat; filing twice is a no-op.
func (s *Store) FileChatMessage(ctx context.Context, m *models.ConversationMessage) error {
	return translate(s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(m).Error, "file chat message")
}

// ChatMessageIDs pages the status ids of a chat's messages.
func (s *Store) ChatMessageIDs(ctx context.Context, conversationID int64, p Page) ([]int64, error) {
	q, rev := paged(s.conn(ctx).Model(&models.ConversationMessage{}).Where("conversation_id = ?", conversationID), "status_id", p)
	var ids []int64
	if err := q.Pluck("status_id", &ids).Error; err != nil {
		return nil, translate(err, "chat messages")
	}
	if rev {
		reverse(ids)
	}
	return ids, nil
}

// IsChatMessage reports whether a status is filed in a chat.
func (s *Store) IsChatMessage(ctx context.Context, conversationID, statusID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&models.ConversationMessage{}).Where("conversation_id = ? AND status_id = ?", conversationID, statusID).Count(&n).Error
	return n > 0, translate(err, "is chat message")
}

// UnreadCounts counts, for each of an account's chats, the messages of
// others after its read marker (only in chats flagged unread).
func (s *Store) UnreadCounts(ctx context.Context, accountID int64, conversationIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(conversationIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ConversationID int64
		N              int64
	}
	err := s.conn(ctx).Raw(`SELECT cm.conversation_id, COUNT(*) AS n FROM conversation_messages cm
		JOIN account_conversations ac ON ac.conversation_id = cm.conversation_id AND ac.account_id = ?
		WHERE cm.conversation_id IN ? AND ac.unread = ? AND cm.status_id > ac.last_read_id AND cm.account_id <> ?
		GROUP BY cm.conversation_id`, accountID, conversationIDs, true, accountID).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "unread counts")
	}
	for _, r := range rows {
		out[r.ConversationID] = r.N
	}
	return out, nil
}

// sharesChat reports whether two accounts are current members of a chat
// the first has accepted (not held as a request).
func (s *Store) sharesChat(ctx context.Context, accountID, otherID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Raw(`SELECT COUNT(*) FROM account_conversations ac
		JOIN chat_members m ON m.conversation_id = ac.conversation_id
		WHERE ac.account_id = ? AND ac.request_from_id = 0 AND m.account_id = ? AND m.left_at IS NULL`, accountID, otherID).Scan(&n).Error
	return n > 0, translate(err, "shares chat")
}

// ConversationsByIDs returns conversations keyed by id.
func (s *Store) ConversationsByIDs(ctx context.Context, ids []int64) (map[int64]*models.Conversation, error) {
	out := make(map[int64]*models.Conversation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var list []*models.Conversation
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, translate(err, "conversations by ids")
	}
	for _, c := range list {
		out[c.ID] = c
	}
	return out, nil
}

// ChatNote is what a direct Note says of the chat it is filed in.
type ChatNote struct {
	Name  string
	Event string
}

// ChatNoteOf returns the chat name and event of a direct status; nil when
// it is filed in no chat.
func (s *Store) ChatNoteOf(ctx context.Context, statusID int64) (*ChatNote, error) {
	var rows []ChatNote
	err := s.conn(ctx).Raw(`SELECT c.name, cm.event FROM conversation_messages cm JOIN conversations c ON c.id = cm.conversation_id
		WHERE cm.status_id = ? LIMIT 1`, statusID).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, translate(err, "chat note")
	}
	return &rows[0], nil
}

// ChatOfStatus returns the chat a status is filed in.
func (s *Store) ChatOfStatus(ctx context.Context, statusID int64) (int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&models.ConversationMessage{}).Where("status_id = ?", statusID).Limit(1).Pluck("conversation_id", &ids).Error
	if err == nil && len(ids) == 0 {
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return 0, translate(err, "chat of status")
	}
	return ids[0], nil
}

// UnfileChatMessage takes a deleted status out of its chat: the chat's
// rows that showed it as last show the message before it, and the local
// members' views are woken.
func (s *Store) UnfileChatMessage(ctx context.Context, statusID int64) error {
	convID, err := s.ChatOfStatus(ctx, statusID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	db := s.conn(ctx)
	if err := db.Where("conversation_id = ? AND status_id = ?", convID, statusID).Delete(&models.ConversationMessage{}).Error; err != nil {
		return translate(err, "unfile chat message")
	}
	var last []int64
	if err := db.Model(&models.ConversationMessage{}).Where("conversation_id = ?", convID).Order("status_id DESC").Limit(1).Pluck("status_id", &last).Error; err != nil {
		return translate(err, "unfile chat message")
	}
	if len(last) > 0 {
		err := db.Model(&models.AccountConversation{}).Where("conversation_id = ? AND last_status_id = ?", convID, statusID).
			Update("last_status_id", last[0]).Error
		if err != nil {
			return translate(err, "unfile chat message")
		}
	}
	var accountIDs []int64
	if err := db.Model(&models.AccountConversation{}).Where("conversation_id = ?", convID).Pluck("account_id", &accountIDs).Error; err != nil {
		return translate(err, "unfile chat message")
	}
	for _, id := range accountIDs {
		if err := s.Emit(ctx, Event{Kind: EventConversation, ID: convID, AccountID: id}); err != nil {
			return err
		}
	}
	return nil
}

// TwoPersonChat returns the newest chat whose only current members are a
// and b and that a has accepted; ErrNotFound when there is none.
func (s *Store) TwoPersonChat(ctx context.Context, a, b int64) (int64, error) {
	var ids []int64
	err := s.conn(ctx).Raw(`SELECT ma.conversation_id FROM chat_members ma
		JOIN chat_members mb ON mb.conversation_id = ma.conversation_id AND mb.account_id = ? AND mb.left_at IS NULL
		JOIN account_conversations ac ON ac.conversation_id = ma.conversation_id AND ac.account_id = ma.account_id AND ac.request_from_id = 0
		WHERE ma.account_id = ? AND ma.left_at IS NULL
		AND (SELECT COUNT(*) FROM chat_members m WHERE m.conversation_id = ma.conversation_id AND m.left_at IS NULL) = 2
		ORDER BY ma.conversation_id DESC LIMIT 1`, b, a).Scan(&ids).Error
	if err != nil {
		return 0, translate(err, "two-person chat")
	}
	if len(ids) == 0 {
		return 0, ErrNotFound
	}
	return ids[0], nil
}
