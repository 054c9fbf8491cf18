package mastoapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/filters"
	"plaza/server/service/polls"
	"plaza/server/service/social"
)

// mountStatuses adds /api/v1/statuses and the lists of the user's own
// favourites and bookmarks.
func (h *Handler) mountStatuses(r *gin.Engine) {
	g := r.Group("/api/v1/statuses")
	g.POST("", h.user("write:statuses"), h.createStatus)
	g.GET("/:id", h.optional("read:statuses"), h.statusAction(h.svc.Core().StatusForViewer))
	g.PUT("/:id", h.user("write:statuses"), h.editStatus)
	g.DELETE("/:id", h.user("write:statuses"), h.deleteStatus)
	g.GET("/:id/context", h.optional("read:statuses"), h.statusContext)
	g.GET("/:id/history", h.optional("read:statuses"), h.statusHistory)
	g.GET("/:id/source", h.user("read:statuses"), h.statusSource)
	g.GET("/:id/favourited_by", h.optional("read:accounts"), h.statusAccounts(h.svc.Social().FavouritedBy))
	g.GET("/:id/reblogged_by", h.optional("read:accounts"), h.statusAccounts(h.svc.Social().RebloggedBy))
	g.POST("/:id/favourite", h.user("write:favourites"), h.statusAction(h.svc.Social().Favourite))
	g.POST("/:id/unfavourite", h.user("write:favourites"), h.statusAction(h.svc.Social().Unfavourite))
	g.POST("/:id/bookmark", h.user("write:bookmarks"), h.statusAction(h.svc.Social().Bookmark))
	g.POST("/:id/unbookmark", h.user("write:bookmarks"), h.statusAction(h.svc.Social().Unbookmark))
	g.POST("/:id/reblog", h.user("write:statuses"), h.statusAction(h.svc.Social().Boost))
	g.POST("/:id/unreblog", h.user("write:statuses"), h.unreblog)
	g.POST("/:id/pin", h.user("write:accounts"), h.statusAction(h.svc.Pins().Pin))
	g.POST("/:id/unpin", h.user("write:accounts"), h.statusAction(h.svc.Pins().Unpin))
	h.mountQuotes(g) // quotes.go

	r.GET("/api/v1/favourites", h.user("read:favourites"), h.favourites)
	r.GET("/api/v1/bookmarks", h.user("read:bookmarks"), h.bookmarks)
}

// params reads a request body sent as a form, multipart form or JSON
// object, as Mastodon accepts all three.
type params struct {
	json map[string]json.RawMessage
	c    *gin.Context
}

// Errors of readParams other than the JSON's shape: a body of a type it
// does not parse (415), and a form that cannot be parsed (400).
var (
	errUnsupportedBody = errors.New("unsupported Content-Type: send JSON, a form or a multipart form")
	errBadForm         = errors.New("the form could not be parsed")
)

// maxFormMemory is how much of a multipart form readParams keeps in memory;
// the router's body limit (1 MiB) is below it, so nothing spills to disk.
const maxFormMemory = 1 << 20

// readParams parses the body once, by its Content-Type: JSON, a form or a
// multipart form. Any other type with a body is refused, so that a client
// never sees its parameters silently ignored; a body cut at the request's
// size limit gives an *http.MaxBytesError. writeParamsError answers each.
func readParams(c *gin.Context) (*params, error) {
	p := &params{c: c}
	ct, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			return nil, fmt.Errorf("read params: %w", err)
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, &p.json); err != nil {
				return nil, errors.New("the request body is not a JSON object")
			}
		}
		if p.json == nil {
			p.json = map[string]json.RawMessage{}
		}
	case "multipart/form-data":
		if err := c.Request.ParseMultipartForm(maxFormMemory); err != nil {
			return nil, formError(err)
		}
	case "application/x-www-form-urlencoded":
		if err := c.Request.ParseForm(); err != nil {
			return nil, formError(err)
		}
	default:
		// No (or an unknown) type is fine only without a body.
		n, err := io.Copy(io.Discard, io.LimitReader(c.Request.Body, 1))
		if err != nil {
			return nil, fmt.Errorf("read params: %w", err)
		}
		if n > 0 {
			return nil, errUnsupportedBody
		}
	}
	return p, nil
}

// formError keeps a size-limit error (413) and makes any other parse
// error a bad form (400).
func formError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fmt.Errorf("read params: %w", err)
	}
	return fmt.Errorf("%w: %w", errBadForm, err)
}

// writeParamsError answers an error of readParams.
func writeParamsError(c *gin.Context, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(c, err)
	case errors.Is(err, errUnsupportedBody):
		writeErrorStatus(c, http.StatusUnsupportedMediaType, "Unsupported Content-Type: send JSON, a form or a multipart form")
	case errors.Is(err, errBadForm):
		writeErrorStatus(c, http.StatusBadRequest, "The form could not be parsed")
	default:
		unprocessable(c, err.Error())
	}
}

// has reports whether the request sent a parameter (a JSON null counts as
// not sent).
func (p *params) has(key string) bool {
	if p.json != nil {
		v, ok := p.json[key]
		return ok && string(v) != "null"
	}
	if _, ok := p.c.GetPostForm(key); ok {
		return true
	}
	_, ok := p.c.GetPostForm(key + "[]")
	if !ok {
		_, ok = p.c.GetPostFormMap(key)
	}
	return ok
}

// str returns a string parameter; JSON numbers and booleans are taken as
// their text.
func (p *params) str(key string) string {
	if p.json == nil {
		return p.c.PostForm(key)
	}
	raw, ok := p.json[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// boolean reads Rails-style booleans: true, "true", "1", "on".
func (p *params) boolean(key string) bool {
	switch strings.ToLower(p.str(key)) {
	case "true", "1", "on", "t", "yes":
		return true
	}
	return false
}

// strs reads an array parameter: form key[] (or key), or a JSON array of
// strings or numbers.
func (p *params) strs(key string) []string {
	if p.json == nil {
		if v := p.c.PostFormArray(key + "[]"); len(v) > 0 {
			return v
		}
		return p.c.PostFormArray(key)
	}
	raw, ok := p.json[key]
	if !ok {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		var s string
		if json.Unmarshal(item, &s) != nil {
			s = string(item)
		}
		out = append(out, s)
	}
	return out
}

// ids parses an array of decimal ids.
func (p *params) ids(key string) ([]int64, error) {
	var out []int64
	for _, s := range p.strs(key) {
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, errors.New(key + " must be ids")
		}
		out = append(out, id)
	}
	return out, nil
}

func unprocessable(c *gin.Context, msg string) {
	writeErrorStatus(c, http.StatusUnprocessableEntity, "Validation failed: "+msg)
}

// statusParams reads the form of a status being written, refusing what
// Plaza cannot store; when it refuses, it has answered the request.
func statusParams(c *gin.Context) (*params, bool) {
	p, err := readParams(c)
	if err != nil {
		writeParamsError(c, err)
		return p, false
	}
	return p, true
}

func (h *Handler) createStatus(c *gin.Context) {
	p, ok := statusParams(c)
	if !ok {
		return
	}
	in := social.CreateStatusInput{
		Text: p.str("status"), SpoilerText: p.str("spoiler_text"), Sensitive: p.boolean("sensitive"),
		Visibility: models.Visibility(p.str("visibility")), Language: p.str("language"),
	}
	// What the client leaves out, the user's posting preferences fill in.
	prefs, err := h.svc.Accounts().Preferences(c.Request.Context(), currentAccount(c))
	if err != nil {
		writeError(c, err)
		return
	}
	if in.Visibility == "" {
		in.Visibility = prefs.Privacy
	}
	if !p.has("sensitive") {
		in.Sensitive = prefs.Sensitive
	}
	if in.Language == "" {
		in.Language = prefs.Language
	}
	if s := p.str("in_reply_to_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			writeErrorStatus(c, http.StatusNotFound, "Record not found")
			return
		}
		in.InReplyToID = &id
	}
	if in.MediaIDs, err = p.ids("media_ids"); err != nil {
		unprocessable(c, err.Error())
		return
	}
	if poll, has, msg := pollParams(p); msg != "" {
		unprocessable(c, msg)
		return
	} else if has {
		if len(in.MediaIDs) > 0 {
			unprocessable(c, "a status cannot have both media and a poll")
			return
		}
		if err := polls.Validate(poll); err != nil {
			writeError(c, err)
			return
		}
		in.Extra = h.svc.Polls().Attach(poll)
	}
	acct := currentAccount(c)
	if !h.attachQuote(c, acct, p, &in) { // quotes.go
		return
	}
	if at := p.str("scheduled_at"); at != "" {
		h.scheduleStatus(c, acct, at, in)
		return
	}
	st, err := h.svc.Social().CreateStatusIdempotent(c.Request.Context(), acct, c.GetHeader("Idempotency-Key"), in)
	if err != nil {
		writeError(c, err)
		return
	}
	h.writeStatus(c, acct, st)
}

// writeStatus answers with one status as the signed-in user sees it.
func (h *Handler) writeStatus(c *gin.Context, viewer *models.Account, st *models.Status) {
	out, err := h.renderStatus(c.Request.Context(), viewer, st)
	reply(c, out, err)
}

func (h *Handler) editStatus(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	p, ok := statusParams(c)
	if !ok {
		return
	}
	ctx, acct := c.Request.Context(), currentAccount(c)
	// Fields left out keep their value, as in Mastodon.
	cur, ok := h.ownStatus(c, acct, id)
	if !ok {
		return
	}
	in := social.EditStatusInput{Text: cur.Text, SpoilerText: cur.SpoilerText, Sensitive: cur.Sensitive, Language: cur.Language}
	if p.has("status") {
		in.Text = p.str("status")
	}
	if p.has("spoiler_text") {
		in.SpoilerText = p.str("spoiler_text")
	}
	if p.has("sensitive") {
		in.Sensitive = p.boolean("sensitive")
	}
	if p.has("language") {
		in.Language = p.str("language")
	}
	if p.has("media_ids") {
		// Plaza keeps a status's media as posted: the same list is fine,
		// a different one is refused rather than silently ignored.
		want, err := p.ids("media_ids")
		if err != nil {
			unprocessable(c, err.Error())
			return
		}
		rendered, err := h.renderStatus(ctx, acct, cur)
		if err != nil {
			writeError(c, err)
			return
		}
		if !sameMedia(rendered.MediaAttachments, want) {
			unprocessable(c, "changing the media of a status is not supported")
			return
		}
	}
	st, err := h.svc.Social().EditStatus(ctx, acct, id, in)
	if err != nil {
		writeError(c, err)
		return
	}
	h.writeStatus(c, acct, st)
}

// ownStatus loads status id for editing or deleting by acct. Someone
// else's status answers 404, as in Mastodon; on false the error has been
// written.
func (h *Handler) ownStatus(c *gin.Context, acct *models.Account, id int64) (*models.Status, bool) {
	st, err := h.svc.Core().StatusForViewer(c.Request.Context(), acct, id)
	if err != nil {
		writeError(c, err)
		return nil, false
	}
	if st.AccountID != acct.ID {
		writeError(c, core.ErrNotFound)
		return nil, false
	}
	return st, true
}

func sameMedia(have []MediaAttachment, want []int64) bool {
	if len(have) != len(want) {
		return false
	}
	got := map[string]bool{}
	for _, m := range have {
		got[m.ID] = true
	}
	for _, id := range want {
		if !got[idString(id)] {
			return false
		}
	}
	return true
}

// deleteStatus deletes one's own status and answers with it, its source
// text included so a client can offer "delete and redraft".
func (h *Handler) deleteStatus(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	ctx, acct := c.Request.Context(), currentAccount(c)
	st, ok := h.ownStatus(c, acct, id)
	if !ok {
		return
	}
	// Rendered first: once deleted, its mentions, tags and media are gone.
	out, err := h.renderStatus(ctx, acct, st)
	if err != nil {
		writeError(c, err)
		return
	}
	if _, err := h.svc.Social().DeleteStatus(ctx, acct, id); err != nil {
		writeError(c, err)
		return
	}
	text := st.Text
	out.Text = &text
	c.JSON(http.StatusOK, out)
}

func (h *Handler) statusContext(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	ctx, viewer := c.Request.Context(), currentAccount(c)
	up, down, err := h.svc.Social().Thread(ctx, viewer, id)
	if err != nil {
		writeError(c, err)
		return
	}
	ancestors, descendants, err := h.renderThread(ctx, viewer, up, down)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"ancestors": ancestors, "descendants": descendants})
}

// StatusEdit is Mastodon's StatusEdit entity: one version of a status.
type StatusEdit struct {
	Content          string            `json:"content"`
	SpoilerText      string            `json:"spoiler_text"`
	Sensitive        bool              `json:"sensitive"`
	CreatedAt        string            `json:"created_at"`
	Account          Account           `json:"account"`
	MediaAttachments []MediaAttachment `json:"media_attachments"`
	Emojis           []any             `json:"emojis"`
}

// statusHistory lists every version of a status, oldest first, the
// current one last, as Mastodon does.
func (h *Handler) statusHistory(c *gin.Context) {
	st, viewer, ok := h.visibleStatus(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	edits, err := h.svc.Social().StatusHistory(ctx, viewer, st.ID)
	if err != nil {
		writeError(c, err)
		return
	}
	cur, err := h.renderStatus(ctx, viewer, st)
	if err != nil {
		writeError(c, err)
		return
	}
	// An edit row keeps the version it replaced and when it was replaced;
	// a version was written when the one before it was replaced.
	written := st.CreatedAt
	out := make([]StatusEdit, 0, len(edits)+1)
	for _, e := range edits {
		out = append(out, StatusEdit{Content: e.Content, SpoilerText: e.SpoilerText, Sensitive: e.Sensitive,
			CreatedAt: timestamp(written), Account: cur.Account, MediaAttachments: cur.MediaAttachments, Emojis: []any{}})
		written = e.CreatedAt
	}
	if st.EditedAt != nil {
		written = *st.EditedAt
	}
	out = append(out, StatusEdit{Content: st.Content, SpoilerText: st.SpoilerText, Sensitive: st.Sensitive,
		CreatedAt: timestamp(written), Account: cur.Account, MediaAttachments: cur.MediaAttachments, Emojis: []any{}})
	c.JSON(http.StatusOK, out)
}

func (h *Handler) statusSource(c *gin.Context) {
	id, ok := idParam(c, "id")
	if !ok {
		return
	}
	text, spoiler, err := h.svc.Social().StatusSource(c.Request.Context(), currentAccount(c), id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": idString(id), "text": text, "spoiler_text": spoiler})
}

// statusAction runs an action of the viewer (nil for a visitor where the
// route allows one) on a status and answers with the status it returns;
// GET /api/v1/statuses/:id is the action that only reads it.
func (h *Handler) statusAction(act func(ctx context.Context, acct *models.Account, statusID int64) (*models.Status, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := idParam(c, "id")
		if !ok {
			return
		}
		acct := currentAccount(c)
		st, err := act(c.Request.Context(), acct, id)
		if err != nil {
			writeError(c, err)
			return
		}
		h.writeStatus(c, acct, st)
	}
}

// unreblog takes a boost back and answers with the original status.
func (h *Handler) unreblog(c *gin.Context) {
	st, acct, ok := h.visibleStatus(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	var err error
	if st.ReblogOfID != nil { // the id of a boost: undo what it boosts
		if st, err = h.svc.Core().StatusForViewer(ctx, acct, *st.ReblogOfID); err != nil {
			writeError(c, err)
			return
		}
	}
	if err := h.svc.Social().Unboost(ctx, acct, st.ID); err != nil {
		writeError(c, err)
		return
	}
	if st, err = h.svc.Core().StatusForViewer(ctx, acct, st.ID); err != nil {
		writeError(c, err)
		return
	}
	h.writeStatus(c, acct, st)
}

// statusAccounts lists the accounts that favourited or boosted a status.
func (h *Handler) statusAccounts(list func(ctx context.Context, viewer *models.Account, statusID int64, p core.Page) ([]core.AccountEntry, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := idParam(c, "id")
		if !ok {
			return
		}
		entries, err := list(c.Request.Context(), currentAccount(c), id, pageFromQuery(c))
		if err != nil {
			writeError(c, err)
			return
		}
		h.writeAccountEntries(c, entries)
	}
}

func (h *Handler) favourites(c *gin.Context) {
	h.serveStatusEntries(c, h.svc.Social().Favourites)
}

func (h *Handler) bookmarks(c *gin.Context) {
	h.serveStatusEntries(c, h.svc.Social().Bookmarks)
}

// serveStatusEntries answers with a page of one of the signed-in account's
// lists of statuses, paged by entry (like, bookmark) id.
func (h *Handler) serveStatusEntries(c *gin.Context, list func(ctx context.Context, acct *models.Account, p core.Page) ([]core.StatusEntry, error)) {
	acct := currentAccount(c)
	entries, err := list(c.Request.Context(), acct, pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	statuses := make([]*models.Status, len(entries))
	ids := make([]int64, len(entries))
	for i, e := range entries {
		statuses[i], ids[i] = e.Status, e.ID
	}
	h.writeStatusPage(c, acct, statuses, ids, "")
}

// writeStatusPage answers with a page of statuses and its Link header;
// pageIDs are what the list pages by, newest first.
func (h *Handler) writeStatusPage(c *gin.Context, viewer *models.Account, statuses []*models.Status, pageIDs []int64, where filters.Context) {
	out, err := h.renderStatusesIn(c.Request.Context(), viewer, statuses, where)
	if err != nil {
		writeError(c, err)
		return
	}
	h.setLinkHeader(c, pageIDs)
	c.JSON(http.StatusOK, out)
}

// visibleStatus loads the status named by the route's :id as the viewer
// may see it; when it cannot, it has answered the request.
func (h *Handler) visibleStatus(c *gin.Context) (*models.Status, *models.Account, bool) {
	id, ok := idParam(c, "id")
	if !ok {
		return nil, nil, false
	}
	viewer := currentAccount(c)
	st, err := h.svc.Core().StatusForViewer(c.Request.Context(), viewer, id)
	if err != nil {
		writeError(c, err)
		return nil, nil, false
	}
	return st, viewer, true
}
