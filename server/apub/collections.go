package apub

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/social"
)

const collectionPageSize = 20

// collectionPage answers an OrderedCollection request: without ?page the
// collection itself pointing at its first page, with ?page=true a page of
// items older than max_id.
func (h *Handler) collectionPage(c *gin.Context, items func(p core.Page) ([]any, int64, error)) {
	id := h.svc.Core().URLs().Base() + c.Request.URL.Path
	if c.Query("page") == "" {
		renderActivity(c, http.StatusOK, map[string]any{
			"@context": "https://www.w3.org/ns/activitystreams",
			"id":       id,
			"type":     "OrderedCollection",
			"first":    id + "?page=true",
		})
		return
	}
	maxID, _ := strconv.ParseInt(c.Query("max_id"), 10, 64)
	list, lastID, err := items(core.Page{MaxID: maxID, Limit: collectionPageSize})
	if err != nil {
		h.writeError(c, err)
		return
	}
	q := url.Values{"page": {"true"}}
	if maxID > 0 {
		q.Set("max_id", strconv.FormatInt(maxID, 10))
	}
	page := map[string]any{
		"@context":     "https://www.w3.org/ns/activitystreams",
		"id":           id + "?" + q.Encode(),
		"type":         "OrderedCollectionPage",
		"partOf":       id,
		"orderedItems": list,
	}
	if len(list) == collectionPageSize {
		page["next"] = id + "?" + url.Values{"page": {"true"}, "max_id": {strconv.FormatInt(lastID, 10)}}.Encode()
	}
	renderActivity(c, http.StatusOK, page)
}

// outbox lists a user's public and unlisted posts and boosts, as Create and
// Announce activities.
func (h *Handler) outbox(c *gin.Context) {
	acct, ok := h.collectionOwner(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	h.collectionPage(c, func(p core.Page) ([]any, int64, error) {
		statuses, err := h.svc.Social().OutboxStatuses(ctx, acct, p)
		if err != nil {
			return nil, 0, err
		}
		items := make([]any, 0, len(statuses))
		var last int64
		for _, st := range statuses {
			out := &models.Outgoing{Type: "Create", ID: st.URI + "/activity", Actor: acct, Status: st}
			if st.ReblogOfID != nil {
				out = &models.Outgoing{Type: "Announce", ID: st.URI, Actor: acct, Status: st}
			}
			doc, err := h.encoder.Activity(ctx, nil, out)
			if err != nil {
				return nil, 0, err
			}
			delete(doc, "@context")
			items = append(items, doc)
			last = st.ID
		}
		return items, last, nil
	})
}

// followers and following list actor ids.
func (h *Handler) followers(c *gin.Context) { h.relations(c, h.svc.Social().Followers) }
func (h *Handler) following(c *gin.Context) { h.relations(c, h.svc.Social().Following) }

func (h *Handler) relations(c *gin.Context, list func(ctx context.Context, acct *models.Account, p core.Page) ([]social.Relation, error)) {
	acct, ok := h.collectionOwner(c)
	if !ok {
		return
	}
	h.collectionPage(c, func(p core.Page) ([]any, int64, error) {
		rels, err := list(c.Request.Context(), acct, p)
		if err != nil {
			return nil, 0, err
		}
		items := make([]any, 0, len(rels))
		var last int64
		for _, r := range rels {
			items = append(items, r.Account.URI)
			last = r.Follow.ID
		}
		return items, last, nil
	})
}

// featured is the pinned-posts collection: the owner's public and
// unlisted pins, newest first, embedded as Mastodon embeds them.
func (h *Handler) featured(c *gin.Context) {
	owner, ok := h.collectionOwner(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	list, err := h.svc.Pins().Pinned(ctx, nil, owner)
	if err != nil {
		h.writeError(c, err)
		return
	}
	items := make([]any, 0, len(list))
	for _, st := range list {
		note, err := h.encoder.Note(ctx, nil, st)
		if err != nil {
			h.writeError(c, err)
			return
		}
		delete(note, "@context")
		items = append(items, note)
	}
	renderActivity(c, http.StatusOK, map[string]any{
		"@context":     "https://www.w3.org/ns/activitystreams",
		"id":           h.svc.Core().URLs().Base() + c.Request.URL.Path,
		"type":         "OrderedCollection",
		"totalItems":   len(items),
		"orderedItems": items,
	})
}

// collectionOwner checks a signed fetch and finds the user whose collection
// is asked for.
func (h *Handler) collectionOwner(c *gin.Context) (*models.Account, bool) {
	if _, ok := h.signedFetcher(c); !ok {
		return nil, false
	}
	acct, err := h.svc.Accounts().LocalUser(c.Request.Context(), c.Param("username"))
	if err != nil {
		h.writeError(c, err)
		return nil, false
	}
	return acct, true
}
