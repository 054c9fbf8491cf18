// Package sse writes server-sent event streams: the client API's streaming
// endpoints and the web UI's live chats share it. A stream outlives the
// server's write timeout, so every write pushes the deadline back.
package sse

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Stream is an open event-stream response.
type Stream struct {
	w         http.ResponseWriter
	rc        *http.ResponseController
	heartbeat time.Duration
}

// Start answers 200 with an event stream that proxies must not buffer and
// writes first (a comment or a retry line) so the client knows it is open.
// heartbeat is how often Run writes a comment while idle.
func Start(w http.ResponseWriter, heartbeat time.Duration, first string) (*Stream, error) {
	s := &Stream{w: w, rc: http.NewResponseController(w), heartbeat: heartbeat}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	return s, s.Write(first)
}

// Write sends raw stream text and flushes it.
func (s *Stream) Write(text string) error {
	_ = s.rc.SetWriteDeadline(time.Now().Add(2 * s.heartbeat))
	if _, err := fmt.Fprint(s.w, text); err != nil {
		return err
	}
	return s.rc.Flush()
}

// Event writes one event; id is left out when empty.
func (s *Stream) Event(kind, id, data string) error {
	msg := "event: " + kind + "\n"
	if id != "" {
		msg += "id: " + id + "\n"
	}
	return s.Write(msg + "data: " + data + "\n\n")
}

// Run hands each event to handle until the client goes, handle fails or
// events ends, writing the comment beat while idle.
func Run[E any](ctx context.Context, s *Stream, events <-chan E, beat string, handle func(context.Context, E) error) {
	ticker := time.NewTicker(s.heartbeat)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if s.Write(beat) != nil {
				return
			}
		case ev, ok := <-events:
			if !ok || handle(ctx, ev) != nil {
				return
			}
		}
	}
}
