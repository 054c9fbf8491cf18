package apub

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
)

// status serves a local status as a Note, to those allowed to see it: anyone
// for public and unlisted posts; for followers-only and direct ones only a
// signed request from an actor the post is addressed to. Everyone else gets
// 404, so a private post's existence does not leak.
func (h *Handler) status(c *gin.Context) {
	st, ok := h.visibleStatus(c)
	if !ok {
		return
	}
	if st.ReblogOfID != nil {
		h.serveActivity(c, &models.Outgoing{Type: "Announce", ID: st.URI, Actor: st.Account, Status: st})
		return
	}
	doc, err := h.encoder.Note(c.Request.Context(), nil, st)
	h.answer(c, doc, err)
}

// statusActivity serves the Create activity of a status.
func (h *Handler) statusActivity(c *gin.Context) {
	st, ok := h.visibleStatus(c)
	if !ok {
		return
	}
	h.serveActivity(c, &models.Outgoing{Type: "Create", ID: st.URI + "/activity", Actor: st.Account, Status: st})
}

// serveActivity answers with out encoded as an unsigned ActivityPub activity.
func (h *Handler) serveActivity(c *gin.Context, out *models.Outgoing) {
	doc, err := h.encoder.Activity(c.Request.Context(), nil, out)
	h.answer(c, doc, err)
}

// replies lists the public and unlisted replies to a status.
func (h *Handler) replies(c *gin.Context) {
	st, ok := h.visibleStatus(c)
	if !ok {
		return
	}
	h.collectionPage(c, func(p core.Page) ([]any, int64, error) {
		list, err := h.svc.Social().StatusReplies(c.Request.Context(), st.ID, p)
		if err != nil {
			return nil, 0, err
		}
		items := make([]any, 0, len(list))
		var last int64
		for _, r := range list {
			items = append(items, r.URI)
			last = r.ID
		}
		return items, last, nil
	})
}

// visibleStatus finds the status of the route for the (possibly signed)
// requester, writing the error response when there is none to show.
func (h *Handler) visibleStatus(c *gin.Context) (*models.Status, bool) {
	viewer, ok := h.signedFetcher(c)
	if !ok {
		return nil, false
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.writeError(c, core.ErrNotFound)
		return nil, false
	}
	st, err := h.svc.Core().StatusForViewer(c.Request.Context(), viewer, id)
	if err != nil {
		h.writeError(c, err)
		return nil, false
	}
	if st.Account == nil || !st.Account.IsLocal() || st.Account.Username != c.Param("username") {
		h.writeError(c, core.ErrNotFound)
		return nil, false
	}
	return st, true
}
