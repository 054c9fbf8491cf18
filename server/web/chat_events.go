package web

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/messaging"
	"plaza/server/service/payments"
	"plaza/server/sse"
)

// chatHeartbeat is how often an idle chat stream sends a comment, so
// proxies and the browser know it is alive.
const chatHeartbeat = 25 * time.Second

// chatStream is one open chat page's live stream: the web session's
// viewer, the chat, and what it has sent so far.
type chatStream struct {
	h *Handler
	*liveStream
	me   *models.Account
	cv   messaging.ConversationView
	csrf string
	// lastID is the newest message the page has (the stream's event id);
	// known are the ids of the chat's messages the page may show, so
	// edits and deletes of other chats are never told.
	lastID int64
	known  map[int64]bool
}

// chatEvents streams a chat to its open page as server-sent events, on the
// web session (its cookie, no token). Each new message is an event whose
// id is the message's id; a reconnecting browser sends the last one it saw
// (Last-Event-ID) and gets every message after it first, so nothing is
// missed. Edits, deletes and card updates carry no id: they do not move
// the cursor.
func (h *Handler) chatEvents(c *gin.Context) {
	cv, ok := h.loadChat(c)
	if !ok {
		return
	}
	after := lastEventID(c)
	ctx, cancel := context.WithCancel(c.Request.Context())
	defer cancel()
	// Subscribe before reading what was missed, so a message committed in
	// between is in one or the other (the page drops duplicates by id).
	events, err := h.svc.Core().Subscribe(ctx)
	if err != nil {
		h.renderError(c, err)
		return
	}
	s := &chatStream{liveStream: startLive(c), h: h, me: viewer(c), cv: cv, csrf: csrfToken(c), lastID: after, known: map[int64]bool{}}
	if s.learn(ctx) != nil || s.catchUp(ctx, after) != nil {
		return
	}
	s.run(ctx, events, s.handle)
}

// handle sends what one event means for this chat, if anything.
func (s *chatStream) handle(ctx context.Context, ev core.Event) error {
	switch ev.Kind {
	case core.EventConversation:
		if ev.AccountID != s.me.ID || ev.ID != s.cv.AccountConversation.ConversationID {
			return nil
		}
		cv, err := s.h.svc.Messaging().ConversationByID(ctx, s.me, ev.ID)
		if err != nil {
			return err // left, hidden or gone: the page reconnects and is told
		}
		s.cv = cv
		return s.catchUp(ctx, s.lastID)
	case payments.EventCard:
		if ev.AccountID != s.me.ID || !s.inChat(ctx, ev.ID) {
			return nil
		}
		st, err := s.h.svc.Core().StatusForViewer(ctx, s.me, ev.ID)
		if err != nil {
			return nil
		}
		return s.sendMessage(ctx, "card", st)
	case core.EventStatusUpdate:
		if !s.inChat(ctx, ev.ID) {
			return nil
		}
		st, err := s.h.svc.Core().StatusForViewer(ctx, s.me, ev.ID)
		if err != nil {
			return nil
		}
		return s.sendMessage(ctx, "edit", st)
	case core.EventDelete:
		if !s.known[ev.ID] {
			return nil
		}
		delete(s.known, ev.ID)
		return s.event("delete", "", map[string]string{"id": strconv.FormatInt(ev.ID, 10)})
	}
	return nil
}

// catchUp sends the chat's messages after the id after, oldest first, a
// page at a time.
func (s *chatStream) catchUp(ctx context.Context, after int64) error {
	for {
		list, err := s.h.chatMessagesAfter(ctx, s.me, s.chatID(), after)
		if err != nil {
			return err
		}
		for _, st := range list {
			s.known[st.ID] = true
			if err := s.sendMessage(ctx, "message", st); err != nil {
				return err
			}
			after = st.ID
		}
		if len(list) < core.MaxPageLimit {
			return nil
		}
	}
}

// learn notes the ids of the messages the page shows, whose edits and
// deletes the stream tells.
func (s *chatStream) learn(ctx context.Context) error {
	list, err := s.h.chatMessages(ctx, s.me, s.chatID(), 0)
	for _, st := range list {
		s.known[st.ID] = true
	}
	return err
}

// inChat reports whether a status is a message of this chat, learning
// the ids of older messages the page may show as their edits come.
func (s *chatStream) inChat(ctx context.Context, statusID int64) bool {
	if s.known[statusID] {
		return true
	}
	id, err := s.h.svc.Messaging().ConversationOfStatus(ctx, s.me, statusID)
	if err != nil || id != s.chatID() {
		return false
	}
	s.known[statusID] = true
	return true
}

func (s *chatStream) chatID() int64 { return s.cv.AccountConversation.ConversationID }

func (s *chatStream) group() bool { return len(s.cv.Accounts) > 1 }

// sendMessage renders one bubble and sends it (the page places it after
// the last one, with a day separator when the day changes); a new message
// moves the stream's cursor.
func (s *chatStream) sendMessage(ctx context.Context, kind string, st *models.Status) error {
	items, err := s.h.messageItems(ctx, s.me, []*models.Status{st}, s.group(), nil)
	if err != nil {
		return err
	}
	html, err := s.h.renderMessage(items[0], s.csrf, s.cv.AccountConversation.ConversationID)
	if err != nil {
		return err
	}
	id := ""
	if kind == "message" {
		id = strconv.FormatInt(st.ID, 10)
		s.lastID = st.ID
	}
	return s.event(kind, id, map[string]string{"id": strconv.FormatInt(st.ID, 10), "html": html, "day": items[0].Day})
}

// lastEventID is where a stream starts: the browser's Last-Event-ID when
// it reconnects, else the page's ?after= (the newest message it shows).
func lastEventID(c *gin.Context) int64 {
	id, _ := strconv.ParseInt(c.GetHeader("Last-Event-ID"), 10, 64)
	if id == 0 {
		id, _ = strconv.ParseInt(c.Query("after"), 10, 64)
	}
	return id
}

// liveStream is an open server-sent-events response of JSON payloads.
type liveStream struct{ *sse.Stream }

// startLive answers with an event stream and tells the browser to
// reconnect after two seconds.
func startLive(c *gin.Context) *liveStream {
	s, _ := sse.Start(c.Writer, chatHeartbeat, "retry: 2000\n\n")
	return &liveStream{s}
}

// run hands each event to handle until the client goes, handle fails or
// the events end, with a heartbeat while idle.
func (s *liveStream) run(ctx context.Context, events <-chan core.Event, handle func(context.Context, core.Event) error) {
	sse.Run(ctx, s.Stream, events, ":\n\n", handle)
}

// event writes one server-sent event with a JSON payload and flushes it.
func (s *liveStream) event(kind, id string, payload any) error {
	data, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	return s.Event(kind, id, string(data))
}
