package mastoapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/filters"
	"plaza/server/service/social"
	"plaza/server/sse"
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
		{"/user", social.StreamUser, "read:statuses"},
		{"/user/notification", social.StreamNotification, "read:notifications"},
		{"/direct", social.StreamDirect, "read:statuses"},
		{"/public", social.StreamPublic, ""},
		{"/public/local", social.StreamPublicLocal, ""},
		{"/public/remote", social.StreamPublicRemote, ""},
		{"/public/media", social.StreamPublicMedia, ""},
		{"/public/local/media", social.StreamPublicLocalMedia, ""},
		{"/public/remote/media", social.StreamPublicRemoteMedia, ""},
		{"/hashtag", social.StreamHashtag, ""},
		{"/hashtag/local", social.StreamHashtagLocal, ""},
		{"/list", social.StreamList, "read:lists"},
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
	case social.StreamUser, social.StreamDirect:
		return "read:statuses"
	case social.StreamList:
		return "read:lists"
	case social.StreamNotification:
		return "read:notifications"
	}
	return ""
}

// streamKey turns a client's stream name (and tag) into the name
// social.StreamTargets uses: hashtag streams carry their tag,
// "hashtag:<tag>" and "hashtag:local:<tag>".
func streamKey(name, tag string) (string, error) {
	switch name {
	case social.StreamUser, social.StreamNotification, social.StreamDirect,
		social.StreamPublic, social.StreamPublicLocal, social.StreamPublicRemote,
		social.StreamPublicMedia, social.StreamPublicLocalMedia, social.StreamPublicRemoteMedia:
		return name, nil
	case social.StreamHashtag, social.StreamHashtagLocal:
		tag = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(tag), "#"))
		if tag == "" {
			return "", errors.New("No tag for stream provided")
		}
		return name + ":" + tag, nil
	case social.StreamList:
		if _, err := strconv.ParseInt(tag, 10, 64); err != nil {
			return "", errors.New("No list for stream provided")
		}
		return name + ":" + tag, nil
	}
	return "", errors.New("Unknown stream type")
}

// streamParam is what names a stream's instance: a hashtag stream's tag,
// a list stream's list id.
func streamParam(name, tag, list string) string {
	if name == social.StreamList {
		return list
	}
	return tag
}

// streamArray is how Mastodon names a stream in a message: ["user"],
// ["hashtag", "tag"], ["hashtag:local", "tag"].
func streamArray(key string) []string {
	for _, p := range []string{social.StreamHashtagLocal + ":", social.StreamHashtag + ":", social.StreamList + ":"} {
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

// subscribe adds a stream, checking the token allows it (and, for a list
// stream, that the list is the viewer's).
func (s *streamSession) subscribe(ctx context.Context, name, tag string) (string, error) {
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
	if name == social.StreamList {
		id, _ := strconv.ParseInt(tag, 10, 64)
		if _, err := s.h.svc.Lists().List(ctx, s.viewer, id); err != nil {
			return "", errors.New("No list for stream provided")
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

// wants tells StreamTargets whether this session has a list stream or a
// media stream, so it looks those up only then.
func (s *streamSession) wants(kind string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key := range s.subs {
		if (kind == social.StreamList && strings.HasPrefix(key, social.StreamList+":")) ||
			(kind == social.StreamMedia && strings.HasSuffix(key, ":"+social.StreamMedia)) {
			return true
		}
	}
	return false
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
func (s *streamSession) messages(ctx context.Context, ev core.Event) ([]streamMessage, error) {
	streams := s.streams()
	if len(streams) == 0 {
		return nil, nil
	}
	var msgs []streamMessage
	var err error
	switch ev.Kind {
	case core.EventStatus, core.EventStatusUpdate:
		msgs, err = s.statusMessages(ctx, ev)
	case core.EventDelete:
		msgs = deleteMessages(ev, streams)
	case core.EventNotification:
		msgs, err = s.notificationMessages(ctx, ev)
	case core.EventConversation:
		msgs, err = s.conversationMessages(ctx, ev)
	}
	if errors.Is(err, errGone) {
		return nil, nil
	}
	return msgs, err
}

// statusEvents names the Mastodon event of a status event kind.
var statusEvents = map[string]string{
	core.EventStatus:       "update",
	core.EventStatusUpdate: "status.update",
}

// statusMessages sends a new or edited status to each subscribed stream it
// belongs on, rendering it once for all of them.
func (s *streamSession) statusMessages(ctx context.Context, ev core.Event) ([]streamMessage, error) {
	targets, st, err := s.h.svc.Social().StreamTargets(ctx, s.viewer, ev, s.wants)
	if err != nil || st == nil {
		return nil, err
	}
	var keys []string
	for _, key := range targets {
		// Mastodon's direct stream carries conversation events only.
		if key != social.StreamDirect && s.subscribed(key) {
			keys = append(keys, key)
		}
	}
	// Each filter context (home for the user stream, public for the others)
	// renders once; a status its filters hide is not sent there.
	byContext := map[filters.Context][]string{}
	for _, key := range keys {
		where := streamFilterContext(key)
		byContext[where] = append(byContext[where], key)
	}
	var msgs []streamMessage
	for where, keys := range byContext {
		m, err := renderTo(keys, statusEvents[ev.Kind], func() (any, error) {
			return s.h.renderStatusIn(ctx, s.viewer, st, where)
		})
		if err != nil && !errors.Is(err, errGone) {
			return nil, err
		}
		msgs = append(msgs, m...)
	}
	return msgs, nil
}

// deleteMessages tells every stream a status is gone; the payload is its
// bare id, as Mastodon sends it.
func deleteMessages(ev core.Event, streams []string) []streamMessage {
	return fanOut(streams, "delete", strconv.FormatInt(ev.ID, 10))
}

// notificationMessages sends the viewer's own notification to its user and
// notification streams, if the token may read notifications.
func (s *streamSession) notificationMessages(ctx context.Context, ev core.Event) ([]streamMessage, error) {
	if !s.owns(ev) || !hasScope(s.tok.Scopes, "read:notifications") {
		return nil, nil
	}
	keys := s.subscribedOf(social.StreamUser, social.StreamNotification)
	return renderTo(keys, "notification", func() (any, error) {
		view, err := s.h.svc.Social().NotificationByID(ctx, s.viewer, ev.ID)
		if err != nil {
			return nil, err
		}
		return s.h.renderNotification(ctx, s.viewer, view)
	})
}

// conversationMessages sends the viewer's own conversation to its direct
// stream.
func (s *streamSession) conversationMessages(ctx context.Context, ev core.Event) ([]streamMessage, error) {
	if !s.owns(ev) || !s.subscribed(social.StreamDirect) {
		return nil, nil
	}
	return renderTo([]string{social.StreamDirect}, "conversation", func() (any, error) {
		view, err := s.h.svc.Messaging().ConversationByID(ctx, s.viewer, ev.ID)
		if err != nil {
			return nil, err
		}
		return s.h.renderConversation(ctx, s.viewer, view)
	})
}

// owns reports whether an event is about the session's own account.
func (s *streamSession) owns(ev core.Event) bool {
	return s.viewer != nil && ev.AccountID == s.viewer.ID
}

// subscribedOf keeps the streams of keys the session is subscribed to.
func (s *streamSession) subscribedOf(keys ...string) []string {
	var out []string
	for _, key := range keys {
		if s.subscribed(key) {
			out = append(out, key)
		}
	}
	return out
}

// errGone marks an event whose subject the viewer may no longer see (or
// that no longer exists): nothing is sent, and it is not an error.
var errGone = errors.New("stream: nothing to send")

// renderTo renders what an event is about once and sends it to every
// stream of keys; render's "not found" (the viewer may not see it, or it
// is gone) is errGone.
func renderTo(keys []string, event string, render func() (any, error)) ([]streamMessage, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	entity, err := render()
	if errors.Is(err, core.ErrNotFound) {
		return nil, errGone
	}
	if err != nil {
		return nil, err
	}
	payload, err := marshalString(entity)
	if err != nil {
		return nil, err
	}
	return fanOut(keys, event, payload), nil
}

// fanOut is one message per stream with the same event and payload.
func fanOut(keys []string, event, payload string) []streamMessage {
	out := make([]streamMessage, 0, len(keys))
	for _, key := range keys {
		out = append(out, streamMessage{stream: key, event: event, payload: payload})
	}
	return out
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
	tok, err := h.svc.Accounts().Authenticate(c.Request.Context(), secret)
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
	ctx, cancel, events, ok := h.subscribeEvents(c)
	if !ok {
		return
	}
	defer cancel()
	ws, err := acceptWebSocket(c, protocol)
	if err != nil {
		return // Accept has answered
	}
	defer ws.conn.CloseNow()
	sess := h.newStreamSession(tok)
	if name := c.Query("stream"); name != "" {
		if _, err := sess.subscribe(ctx, name, streamParam(name, c.Query("tag"), c.Query("list"))); err != nil {
			ws.sendError(ctx, err.Error())
		}
	}
	// The reader's end (close or error) ends the whole connection.
	go func() {
		defer cancel()
		ws.readRequests(ctx, sess)
	}()
	h.writeWebSocket(ctx, ws, sess, events)
}

// wsStream is an accepted streaming WebSocket.
type wsStream struct {
	conn *websocket.Conn
}

// acceptWebSocket upgrades the request, echoing the offered subprotocol
// (which may have carried the token).
func acceptWebSocket(c *gin.Context, protocol string) (*wsStream, error) {
	opts := &websocket.AcceptOptions{
		// Tokens, not cookies, authenticate: any web client may connect.
		InsecureSkipVerify: true,
	}
	if protocol != "" {
		opts.Subprotocols = []string{protocol}
	}
	conn, err := websocket.Accept(c.Writer, c.Request, opts)
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(16 << 10)
	return &wsStream{conn: conn}, nil
}

// send writes one JSON message, giving a slow client 10 seconds.
func (ws *wsStream) send(ctx context.Context, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return ws.conn.Write(wctx, websocket.MessageText, b)
}

// sendError tells the client a request was refused, as Mastodon does: the
// connection stays open.
func (ws *wsStream) sendError(ctx context.Context, msg string) {
	_ = ws.send(ctx, gin.H{"error": msg, "status": http.StatusBadRequest})
}

// wsRequest is a client's message on the WebSocket.
type wsRequest struct {
	Type   string `json:"type"`
	Stream string `json:"stream"`
	Tag    string `json:"tag"`
	List   string `json:"list"`
}

// readRequests applies the client's subscribe and unsubscribe requests
// until the connection is closed or fails.
func (ws *wsStream) readRequests(ctx context.Context, sess *streamSession) {
	for {
		_, data, err := ws.conn.Read(ctx)
		if err != nil {
			return
		}
		var req wsRequest
		if json.Unmarshal(data, &req) != nil {
			ws.sendError(ctx, "Invalid JSON")
			continue
		}
		if msg := sess.apply(ctx, req); msg != "" {
			ws.sendError(ctx, msg)
		}
	}
}

// apply carries out one client request and returns the error to send
// back, "" when there is none.
func (s *streamSession) apply(ctx context.Context, req wsRequest) string {
	switch req.Type {
	case "subscribe":
		if _, err := s.subscribe(ctx, req.Stream, streamParam(req.Stream, req.Tag, req.List)); err != nil {
			return err.Error()
		}
	case "unsubscribe":
		s.unsubscribe(req.Stream, streamParam(req.Stream, req.Tag, req.List))
	default:
		return "Unknown message type"
	}
	return ""
}

// writeWebSocket sends the session's messages and a ping every heartbeat
// until the context ends, the events stop or the client is gone.
func (h *Handler) writeWebSocket(ctx context.Context, ws *wsStream, sess *streamSession, events <-chan core.Event) {
	ticker := time.NewTicker(heartbeat)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			ws.conn.Close(websocket.StatusNormalClosure, "")
			return
		case <-ticker.C:
			if ws.ping(ctx) != nil {
				return
			}
		case ev, ok := <-events:
			if !ok {
				ws.conn.Close(websocket.StatusGoingAway, "")
				return
			}
			for _, m := range h.sessionMessages(ctx, sess, ev) {
				if ws.send(ctx, gin.H{"stream": streamArray(m.stream), "event": m.event, "payload": m.payload}) != nil {
					return
				}
			}
		}
	}
}

// ping checks the client still answers within a heartbeat.
func (ws *wsStream) ping(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(ctx, heartbeat)
	defer cancel()
	return ws.conn.Ping(pctx)
}

// sessionMessages is sess.messages for a stream loop: an event that cannot
// be rendered is logged and skipped, not the end of the stream.
func (h *Handler) sessionMessages(ctx context.Context, sess *streamSession, ev core.Event) []streamMessage {
	msgs, err := sess.messages(ctx, ev)
	if err != nil {
		h.log.WarnContext(ctx, "stream event not rendered", "kind", ev.Kind, "id", ev.ID, "error", err.Error())
		return nil
	}
	return msgs
}

// streamSSE serves one stream as server-sent events.
func (h *Handler) streamSSE(stream string) gin.HandlerFunc {
	return func(c *gin.Context) {
		name := stream
		if queryBool(c, "only_media") && (stream == social.StreamPublic || stream == social.StreamPublicLocal || stream == social.StreamPublicRemote) {
			name += ":media" // Mastodon's ?only_media=true
		}
		h.serveSSE(c, h.newStreamSession(currentToken(c)), name)
	}
}

func (h *Handler) serveSSE(c *gin.Context, sess *streamSession, stream string) {
	if _, err := sess.subscribe(c.Request.Context(), stream, streamParam(stream, c.Query("tag"), c.Query("list"))); err != nil {
		status := http.StatusBadRequest
		if streamScope(stream) != "" {
			status = http.StatusUnauthorized
		}
		writeErrorStatus(c, status, err.Error())
		return
	}
	ctx, cancel, events, ok := h.subscribeEvents(c)
	if !ok {
		return
	}
	defer cancel()
	s, err := sse.Start(c.Writer, heartbeat, ":)\n")
	if err != nil {
		return
	}
	sse.Run(ctx, s, events, ":thump\n", func(ctx context.Context, ev core.Event) error {
		for _, m := range h.sessionMessages(ctx, sess, ev) {
			if err := s.Event(m.event, "", m.payload); err != nil {
				return err
			}
		}
		return nil
	})
}

// subscribeEvents subscribes to the service's events until the request
// ends or cancel is called; on failure it has answered the request.
func (h *Handler) subscribeEvents(c *gin.Context) (ctx context.Context, cancel context.CancelFunc, events <-chan core.Event, ok bool) {
	ctx, cancel = context.WithCancel(c.Request.Context())
	events, err := h.svc.Core().Subscribe(ctx)
	if err != nil {
		cancel()
		writeError(c, err)
		return nil, nil, nil, false
	}
	return ctx, cancel, events, true
}
