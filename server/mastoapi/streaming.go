package mastoapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service"
)

// heartbeat is how often an idle stream proves it is alive.
const heartbeat = 30 * time.Second

// mountStreaming adds Mastodon's streaming API: one WebSocket carrying any
// number of streams, and one server-sent-events endpoint per stream.
func (h *Handler) mountStreaming(r *gin.Engine) {
	r.GET("/api/v1/streaming/health", func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.String(http.StatusOK, "OK")
	})
	r.GET("/api/v1/streaming", h.streamWebSocket)
	r.GET("/api/v1/streaming/", h.streamWebSocket)
	sse := []struct {
		path, stream, scope string
	}{
		{"/user", service.StreamUser, "read:statuses"},
		{"/user/notification", service.StreamNotification, "read:notifications"},
		{"/direct", service.StreamDirect, "read:statuses"},
		{"/public", service.StreamPublic, ""},
		{"/public/local", service.StreamPublicLocal, ""},
		{"/public/remote", service.StreamPublicRemote, ""},
		{"/hashtag", service.StreamHashtag, ""},
		{"/hashtag/local", service.StreamHashtagLocal, ""},
	}
	for _, s := range sse {
		auth := h.optional("read:statuses")
		if s.scope != "" {
			auth = h.user(s.scope)
		}
		r.GET("/api/v1/streaming"+s.path, auth, h.streamSSE(s.stream))
	}
}

// streamScope is the scope a stream needs, "" for the public ones (open to
// anonymous clients).
func streamScope(name string) string {
	switch name {
	case service.StreamUser, service.StreamDirect:
		return "read:statuses"
	case service.StreamNotification:
		return "read:notifications"
	}
	return ""
}

// streamKey turns a client's stream name (and tag) into the name
// service.StreamTargets uses: hashtag streams carry their tag,
// "hashtag:<tag>" and "hashtag:local:<tag>".
func streamKey(name, tag string) (string, error) {
	switch name {
	case service.StreamUser, service.StreamNotification, service.StreamDirect,
		service.StreamPublic, service.StreamPublicLocal, service.StreamPublicRemote:
		return name, nil
	case service.StreamHashtag, service.StreamHashtagLocal:
		tag = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(tag), "#"))
		if tag == "" {
			return "", errors.New("No tag for stream provided")
		}
		return name + ":" + tag, nil
	}
	return "", errors.New("Unknown stream type")
}

// streamArray is how Mastodon names a stream in a message: ["user"],
// ["hashtag", "tag"], ["hashtag:local", "tag"].
func streamArray(key string) []string {
	for _, p := range []string{service.StreamHashtagLocal + ":", service.StreamHashtag + ":"} {
		if tag, ok := strings.CutPrefix(key, p); ok {
			return []string{strings.TrimSuffix(p, ":"), tag}
		}
	}
	return []string{key}
}

// streamMessage is one event for one stream; payload is what Mastodon
// sends: a JSON document, or a bare id for deletes.
type streamMessage struct {
	stream  string
	event   string
	payload string
}

// streamSession is one client's set of streams and who it is.
type streamSession struct {
	h      *Handler
	tok    *models.Token // nil: anonymous
	viewer *models.Account

	mu   sync.Mutex
	subs map[string]bool
}

func (h *Handler) newStreamSession(tok *models.Token) *streamSession {
	s := &streamSession{h: h, tok: tok, subs: map[string]bool{}}
	if tok != nil {
		s.viewer = tok.Account
	}
	return s
}

// subscribe adds a stream, checking the token allows it.
func (s *streamSession) subscribe(name, tag string) (string, error) {
	key, err := streamKey(name, tag)
	if err != nil {
		return "", err
	}
	if scope := streamScope(name); scope != "" {
		if s.viewer == nil {
			return "", errors.New("Missing access token")
		}
		if !hasScope(s.tok.Scopes, scope) {
			return "", errors.New("Access token does not have the required scopes")
		}
	}
	s.mu.Lock()
	s.subs[key] = true
	s.mu.Unlock()
	return key, nil
}

func (s *streamSession) unsubscribe(name, tag string) {
	if key, err := streamKey(name, tag); err == nil {
		s.mu.Lock()
		delete(s.subs, key)
		s.mu.Unlock()
	}
}

func (s *streamSession) subscribed(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subs[key]
}

func (s *streamSession) streams() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.subs))
	for k := range s.subs {
		out = append(out, k)
	}
	return out
}

// messages turns an event into what this session's streams should send.
func (s *streamSession) messages(ctx context.Context, ev service.Event) ([]streamMessage, error) {
	streams := s.streams()
	if len(streams) == 0 {
		return nil, nil
	}
	var out []streamMessage
	switch ev.Kind {
	case service.EventStatus, service.EventStatusUpdate:
		targets, st, err := s.h.svc.StreamTargets(ctx, s.viewer, ev)
		if err != nil || st == nil {
			return nil, err
		}
		var payload string
		for _, key := range targets {
			// Mastodon's direct stream carries conversation events only.
			if key == service.StreamDirect || !s.subscribed(key) {
				continue
			}
			if payload == "" {
				entity, err := s.h.renderStatus(ctx, s.viewer, st)
				if errors.Is(err, service.ErrNotFound) {
					return nil, nil
				}
				if err != nil {
					return nil, err
				}
				if payload, err = marshalString(entity); err != nil {
					return nil, err
				}
			}
			event := "update"
			if ev.Kind == service.EventStatusUpdate {
				event = "status.update"
			}
			out = append(out, streamMessage{stream: key, event: event, payload: payload})
		}
	case service.EventDelete:
		id := strconv.FormatInt(ev.ID, 10)
		for _, key := range streams {
			out = append(out, streamMessage{stream: key, event: "delete", payload: id})
		}
	case service.EventNotification:
		if s.viewer == nil || ev.AccountID != s.viewer.ID || !hasScope(s.tok.Scopes, "read:notifications") {
			return nil, nil
		}
		keys := []string{}
		for _, key := range []string{service.StreamUser, service.StreamNotification} {
			if s.subscribed(key) {
				keys = append(keys, key)
			}
		}
		if len(keys) == 0 {
			return nil, nil
		}
		view, err := s.h.svc.NotificationByID(ctx, s.viewer, ev.ID)
		if errors.Is(err, service.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		entity, err := s.h.renderNotification(ctx, s.viewer, view)
		if err != nil {
			return nil, err
		}
		payload, err := marshalString(entity)
		if err != nil {
			return nil, err
		}
		for _, key := range keys {
			out = append(out, streamMessage{stream: key, event: "notification", payload: payload})
		}
	case service.EventConversation:
		if s.viewer == nil || ev.AccountID != s.viewer.ID || !s.subscribed(service.StreamDirect) {
			return nil, nil
		}
		view, err := s.h.svc.ConversationByID(ctx, s.viewer, ev.ID)
		if errors.Is(err, service.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		entity, err := s.h.renderConversation(ctx, s.viewer, view)
		if err != nil {
			return nil, err
		}
		payload, err := marshalString(entity)
		if err != nil {
			return nil, err
		}
		out = append(out, streamMessage{stream: service.StreamDirect, event: "conversation", payload: payload})
	}
	return out, nil
}

func marshalString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// streamToken authenticates a streaming request: the bearer header, the
// access_token parameter or, as browsers' WebSocket API allows no headers,
// the Sec-WebSocket-Protocol header. It returns the offered protocol to
// echo back. On failure it has answered the request.
func (h *Handler) streamToken(c *gin.Context) (tok *models.Token, protocol string, ok bool) {
	secret := bearer(c)
	if p := c.GetHeader("Sec-WebSocket-Protocol"); p != "" {
		protocol = strings.TrimSpace(strings.Split(p, ",")[0])
		if secret == "" {
			secret = protocol
		}
	}
	if secret == "" {
		return nil, protocol, true
	}
	tok, err := h.svc.Authenticate(c.Request.Context(), secret)
	if err != nil {
		writeError(c, err)
		return nil, "", false
	}
	if !hasScope(tok.Scopes, "read:statuses") && !hasScope(tok.Scopes, "read:notifications") {
		writeErrorStatus(c, http.StatusForbidden, "Access token does not have the required scopes")
		return nil, "", false
	}
	return tok, protocol, true
}

// streamWebSocket serves GET /api/v1/streaming: a WebSocket on which the
// client subscribes to streams ({"type":"subscribe","stream":"hashtag",
// "tag":"x"}); without an Upgrade it is the SSE stream named by ?stream=.
func (h *Handler) streamWebSocket(c *gin.Context) {
	tok, protocol, ok := h.streamToken(c)
	if !ok {
		return
	}
	if !strings.EqualFold(c.GetHeader("Upgrade"), "websocket") {
		if c.Query("stream") == "" {
			writeErrorStatus(c, http.StatusBadRequest, "Unknown stream type")
			return
		}
		h.serveSSE(c, h.newStreamSession(tok), c.Query("stream"))
		return
	}
	sess := h.newStreamSession(tok)
	opts := &websocket.AcceptOptions{
		// Tokens, not cookies, authenticate: any web client may connect.
		InsecureSkipVerify: true,
	}
	if protocol != "" {
		opts.Subprotocols = []string{protocol}
	}
	ctx, cancel := context.WithCancel(c.Request.Context())
	defer cancel()
	events, err := h.svc.Subscribe(ctx)
	if err != nil {
		writeError(c, err)
		return
	}
	conn, err := websocket.Accept(c.Writer, c.Request, opts)
	if err != nil {
		return // Accept has answered
	}
	defer conn.CloseNow()
	conn.SetReadLimit(16 << 10)

	send := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return conn.Write(wctx, websocket.MessageText, b)
	}
	sendError := func(msg string, status int) { _ = send(gin.H{"error": msg, "status": status}) }

	if name := c.Query("stream"); name != "" {
		if _, err := sess.subscribe(name, c.Query("tag")); err != nil {
			sendError(err.Error(), http.StatusBadRequest)
		}
	}

	// Reader: subscription requests; its end (close or error) ends all.
	go func() {
		defer cancel()
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				return
			}
			var msg struct {
				Type   string `json:"type"`
				Stream string `json:"stream"`
				Tag    string `json:"tag"`
			}
			if json.Unmarshal(data, &msg) != nil {
				sendError("Invalid JSON", http.StatusBadRequest)
				continue
			}
			switch msg.Type {
			case "subscribe":
				if _, err := sess.subscribe(msg.Stream, msg.Tag); err != nil {
					sendError(err.Error(), http.StatusBadRequest)
				}
			case "unsubscribe":
				sess.unsubscribe(msg.Stream, msg.Tag)
			default:
				sendError("Unknown message type", http.StatusBadRequest)
			}
		}
	}()

	ticker := time.NewTicker(heartbeat)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			conn.Close(websocket.StatusNormalClosure, "")
			return
		case <-ticker.C:
			pctx, pcancel := context.WithTimeout(ctx, heartbeat)
			err := conn.Ping(pctx)
			pcancel()
			if err != nil {
				return
			}
		case ev, ok := <-events:
			if !ok {
				conn.Close(websocket.StatusGoingAway, "")
				return
			}
			msgs, err := sess.messages(ctx, ev)
			if err != nil {
				h.log.WarnContext(ctx, "stream event not rendered", "kind", ev.Kind, "id", ev.ID, "error", err.Error())
				continue
			}
			for _, m := range msgs {
				if err := send(gin.H{"stream": streamArray(m.stream), "event": m.event, "payload": m.payload}); err != nil {
					return
				}
			}
		}
	}
}

// streamSSE serves one stream as server-sent events.
func (h *Handler) streamSSE(stream string) gin.HandlerFunc {
	return func(c *gin.Context) {
		h.serveSSE(c, h.newStreamSession(currentToken(c)), stream)
	}
}

func (h *Handler) serveSSE(c *gin.Context, sess *streamSession, stream string) {
	if _, err := sess.subscribe(stream, c.Query("tag")); err != nil {
		status := http.StatusBadRequest
		if streamScope(stream) != "" {
			status = http.StatusUnauthorized
		}
		writeErrorStatus(c, status, err.Error())
		return
	}
	ctx, cancel := context.WithCancel(c.Request.Context())
	defer cancel()
	events, err := h.svc.Subscribe(ctx)
	if err != nil {
		writeError(c, err)
		return
	}
	w := c.Writer
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, ":)\n"); err != nil {
		return
	}
	w.Flush()
	ticker := time.NewTicker(heartbeat)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if _, err := fmt.Fprint(w, ":thump\n"); err != nil {
				return
			}
			w.Flush()
		case ev, ok := <-events:
			if !ok {
				return
			}
			msgs, err := sess.messages(ctx, ev)
			if err != nil {
				h.log.WarnContext(ctx, "stream event not rendered", "kind", ev.Kind, "id", ev.ID, "error", err.Error())
				continue
			}
			for _, m := range msgs {
				if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", m.event, m.payload); err != nil {
					return
				}
			}
			if len(msgs) > 0 {
				w.Flush()
			}
		}
	}
}
