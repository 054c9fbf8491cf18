package core

import (
	"context"
	"fmt"
	"plaza/models/store"
)

// Event is something a streaming client may need to hear about, published
// after the transaction that caused it committed — by this process or, on
// PostgreSQL, any process sharing the database.
type Event struct {
	Kind string
	// ID is the status, notification or conversation id.
	ID int64
	// AccountID is the status author, or the owner of the notification or
	// conversation.
	AccountID int64
}

// Subscribe returns the events published from now on; the channel is
// closed when ctx ends. A subscriber that falls far behind misses events.
func (s *Base) Subscribe(ctx context.Context) (<-chan Event, error) {
	in, err := s.store.Subscribe(ctx)
	if err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	out := make(chan Event, cap(in))
	go func() {
		defer close(out)
		for ev := range in {
			select {
			case out <- Event{Kind: ev.Kind, ID: ev.ID, AccountID: ev.AccountID}:
			default: // the reader is behind: drop, as the store does
			}
		}
	}()
	return out, nil
}

// Event kinds, as the store publishes them.
const (
	EventStatus       = store.EventStatus       // a status or boost was created
	EventStatusUpdate = store.EventStatusUpdate // a status was edited
	EventDelete       = store.EventDelete       // a status or boost was deleted
	EventNotification = store.EventNotification // a notification was created
	EventConversation = store.EventConversation // a conversation got a new status
)
