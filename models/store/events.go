package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"plaza/models"
)

// Event kinds: what the streaming API tells connected clients about.
const (
	EventStatus       = "status"        // a status (or boost) was created
	EventStatusUpdate = "status.update" // a status was edited
	EventDelete       = "delete"        // a status (or boost) was deleted
	EventNotification = "notification"  // a notification was created
	EventConversation = "conversation"  // a participant's conversation got a new status
)

// Event says that something streamable changed. It is published only once
// the transaction that caused it has committed.
type Event struct {
	Kind string `json:"kind"`
	// ID is the status, notification or conversation id.
	ID int64 `json:"id"`
	// AccountID is the status author, or the account the notification or
	// conversation belongs to.
	AccountID int64 `json:"account_id"`
}

// eventBuffer is how many events a subscriber may lag behind before new
// ones are dropped for it.
const eventBuffer = 256

// NOTIFY channels: streaming events, and "deliveries were queued".
const (
	pgEventsChannel     = "plaza_events"
	pgDeliveriesChannel = "plaza_deliveries"
)

// pgChannelExpr is the SQL naming a NOTIFY channel: one per schema, so
// instances sharing a PostgreSQL database in different schemas do not hear
// each other.
func pgChannelExpr(base string) string {
	return `left(CASE WHEN current_schema() = 'public' THEN '` + base + `' ELSE '` + base + `_' || current_schema() END, 63)`
}

// hub fans events out to the subscribers of one Store (shared by its
// transaction copies). On PostgreSQL it owns the LISTEN connection.
type hub struct {
	driver string
	dsn    string

	mu   sync.Mutex
	subs map[chan Event]struct{}
	// wakers hear that deliveries were queued (see DeliveriesQueued).
	wakers map[chan struct{}]struct{}

	listenOnce sync.Once
	ready      chan struct{} // closed once the first LISTEN is in place
	stop       context.CancelFunc
	done       chan struct{}
}

func newHub(driver, dsn string) *hub {
	return &hub{driver: driver, dsn: dsn, subs: map[chan Event]struct{}{}, wakers: map[chan struct{}]struct{}{},
		ready: make(chan struct{})}
}

// publish hands ev to every subscriber; a full subscriber misses it rather
// than holding up the others.
func (h *hub) publish(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- ev:
		default:
		}
	}
}

// wake tells every waker that deliveries were queued; a waker with a
// wake-up pending needs no second one.
func (h *hub) wake() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.wakers {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// close stops the PostgreSQL listener, if one runs.
func (h *hub) close() {
	h.mu.Lock()
	stop, done := h.stop, h.done
	h.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

// startListener starts, once, the goroutine that LISTENs on PostgreSQL and
// publishes what it hears; it reconnects with backoff when the connection
// breaks.
func (h *hub) startListener() {
	h.listenOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		h.mu.Lock()
		h.stop, h.done = cancel, make(chan struct{})
		done := h.done
		h.mu.Unlock()
		go func() {
			defer close(done)
			backoff := 100 * time.Millisecond
			for ctx.Err() == nil {
				err := h.listen(ctx, func() { backoff = 100 * time.Millisecond })
				if ctx.Err() != nil {
					return
				}
				slog.Default().WarnContext(ctx, "event listener disconnected", "error", err.Error(), "retry_in", backoff)
				select {
				case <-ctx.Done():
					return
				case <-time.After(backoff):
				}
				backoff = min(backoff*2, 30*time.Second)
			}
		}()
	})
}

// listen holds one LISTEN connection until it fails or ctx ends.
func (h *hub) listen(ctx context.Context, connected func()) error {
	conn, err := pgx.Connect(ctx, h.dsn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	var events, deliveries string
	if err := conn.QueryRow(ctx, "SELECT "+pgChannelExpr(pgEventsChannel)+", "+pgChannelExpr(pgDeliveriesChannel)).
		Scan(&events, &deliveries); err != nil {
		return fmt.Errorf("channel names: %w", err)
	}
	for _, channel := range []string{events, deliveries} {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
			return fmt.Errorf("listen: %w", err)
		}
	}
	connected()
	select {
	case <-h.ready:
	default:
		close(h.ready)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait for notification: %w", err)
		}
		if n.Channel == deliveries {
			h.wake()
			continue
		}
		var ev Event
		if err := json.Unmarshal([]byte(n.Payload), &ev); err != nil {
			continue // not ours
		}
		h.publish(ev)
	}
}

// Emit publishes ev once the current transaction commits (at once outside
// one). On PostgreSQL it is a NOTIFY, so every process sharing the database
// hears it; on SQLite it reaches this process's subscribers.
func (s *Store) Emit(ctx context.Context, ev Event) error {
	if s.driver == DriverPostgres {
		payload, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("emit %s: %w", ev.Kind, err)
		}
		return translate(s.conn(ctx).Exec("SELECT pg_notify("+pgChannelExpr(pgEventsChannel)+", ?)", string(payload)).Error, "emit "+ev.Kind)
	}
	s.AfterCommit(func() { s.hub.publish(ev) })
	return nil
}

// emitAfter emits ev when err (of the write that caused it) is nil.
func (s *Store) emitAfter(ctx context.Context, err error, ev Event) error {
	if err != nil {
		return err
	}
	return s.Emit(ctx, ev)
}

// emitDeletes emits a delete event for each status id.
func (s *Store) emitDeletes(ctx context.Context, ids []int64) error {
	for _, id := range ids {
		if err := s.Emit(ctx, Event{Kind: EventDelete, ID: id}); err != nil {
			return err
		}
	}
	return nil
}

// Subscribe returns the events published from now on (by any process
// sharing the database, on PostgreSQL). The channel is closed when ctx
// ends; a subscriber that falls more than 256 events behind misses events.
func (s *Store) Subscribe(ctx context.Context) (<-chan Event, error) {
	h := s.hub
	if err := h.waitListening(ctx); err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	ch := make(chan Event, eventBuffer)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
		close(ch)
	}()
	return ch, nil
}

// DeliveriesQueued returns a channel that receives a value after each
// commit that queued deliveries: in this process, and on PostgreSQL in
// every process sharing the database. Wake-ups coalesce (one pending at a
// time) and can be lost, e.g. while the PostgreSQL listener reconnects, so
// a delivery worker still polls. The channel is closed when ctx ends.
func (s *Store) DeliveriesQueued(ctx context.Context) (<-chan struct{}, error) {
	h := s.hub
	if err := h.waitListening(ctx); err != nil {
		return nil, fmt.Errorf("deliveries queued: %w", err)
	}
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	h.wakers[ch] = struct{}{}
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		delete(h.wakers, ch)
		h.mu.Unlock()
		close(ch)
	}()
	return ch, nil
}

// waitListening starts the PostgreSQL listener if needed and waits until
// it LISTENs; on SQLite there is nothing to wait for.
func (h *hub) waitListening(ctx context.Context) error {
	if h.driver != DriverPostgres {
		return nil
	}
	h.startListener()
	select {
	case <-h.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(15 * time.Second):
		return errors.New("the listener could not connect to PostgreSQL")
	}
}

// signalDeliveriesQueued wakes delivery workers once the current
// transaction commits, once per transaction. On PostgreSQL the NOTIFY is
// part of the transaction, so the server sends it only at commit, and a
// rollback discards it; the in-process wake-up spares this process the
// round trip.
func (s *Store) signalDeliveriesQueued(ctx context.Context) error {
	if s.tx != nil {
		if s.tx.deliveriesQueued {
			return nil
		}
		s.tx.deliveriesQueued = true
	}
	if s.driver == DriverPostgres {
		if err := s.conn(ctx).Exec("SELECT pg_notify(" + pgChannelExpr(pgDeliveriesChannel) + ", '')").Error; err != nil {
			return translate(err, "notify deliveries")
		}
	}
	s.AfterCommit(s.hub.wake)
	return nil
}

// AccountConversation returns one participant's row of a conversation.
func (s *Store) AccountConversation(ctx context.Context, accountID, conversationID int64) (*models.AccountConversation, error) {
	var ac models.AccountConversation
	err := s.conn(ctx).Where("account_id = ? AND conversation_id = ?", accountID, conversationID).Take(&ac).Error
	return &ac, translate(err, "account conversation")
}
