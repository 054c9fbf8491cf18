package models

import "time"

// ChatMember is one account's membership of a chat (a Conversation): local
// or remote, current or (LeftAt set) former.
type ChatMember struct {
	ConversationID int64     `gorm:"primaryKey;autoIncrement:false"`
	AccountID      int64     `gorm:"primaryKey;autoIncrement:false;index"`
	JoinedAt       time.Time `gorm:"not null"`
	LeftAt         *time.Time
	Account        *Account `gorm:"foreignKey:AccountID;constraint:OnDelete:CASCADE"`
}

// Active reports whether the member is in the chat now.
func (m *ChatMember) Active() bool { return m.LeftAt == nil }

// ConversationMessage files a direct status in the chat it belongs to; the
// chat's messages are read from here, paged by status id.
type ConversationMessage struct {
	ConversationID int64 `gorm:"primaryKey;autoIncrement:false"`
	StatusID       int64 `gorm:"primaryKey;autoIncrement:false;index"`
	AccountID      int64 `gorm:"not null"` // the author, to count what is unread
	// Event is what a notice message did to the chat (added, left,
	// renamed; docs/CHATS.md), "" for an ordinary message.
	Event string `gorm:"size:16;not null;default:''"`
}

// MessageRequestState is where a message request stands.
type MessageRequestState string

// Message request states.
const (
	RequestPending   MessageRequestState = "pending"
	RequestAccepted  MessageRequestState = "accepted" // later messages from the sender are not held
	RequestDismissed MessageRequestState = "dismissed"
)

// MessageRequest holds the direct messages a stranger sent a local
// account (Mastodon's notification request): one row per pair.
type MessageRequest struct {
	ID            int64               `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt     time.Time           `gorm:"not null"`
	UpdatedAt     time.Time           `gorm:"not null"`
	AccountID     int64               `gorm:"not null;uniqueIndex:idx_message_requests_pair;index:idx_message_requests_state,priority:1"`
	FromAccountID int64               `gorm:"not null;uniqueIndex:idx_message_requests_pair"`
	State         MessageRequestState `gorm:"size:16;not null;index:idx_message_requests_state,priority:2"`
	LastStatusID  int64               `gorm:"not null;default:0"`
	MessagesCount int64               `gorm:"not null;default:0"` // held since the request was last opened
}
