package web

import (
	"plaza/server/service/core"
	"strconv"

	"github.com/gin-gonic/gin"
)

// statusActionKind is one of the buttons under a post.
type statusActionKind int

const (
	actionFavourite statusActionKind = iota
	actionUnfavourite
	actionBoost
	actionUnboost
	actionBookmark
	actionUnbookmark
)

// statusAction answers the favourite, boost and bookmark forms, then goes
// back to the page the button was on.
func (h *Handler) statusAction(kind statusActionKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil {
			h.renderError(c, core.ErrNotFound)
			return
		}
		ctx, me := c.Request.Context(), viewer(c)
		switch kind {
		case actionFavourite:
			_, err = h.svc.Social().Favourite(ctx, me, id)
		case actionUnfavourite:
			_, err = h.svc.Social().Unfavourite(ctx, me, id)
		case actionBoost:
			_, err = h.svc.Social().Boost(ctx, me, id)
		case actionUnboost:
			err = h.svc.Social().Unboost(ctx, me, id)
		case actionBookmark:
			_, err = h.svc.Social().Bookmark(ctx, me, id)
		case actionUnbookmark:
			_, err = h.svc.Social().Unbookmark(ctx, me, id)
		}
		if err != nil {
			h.renderError(c, err)
			return
		}
		redirectBack(c, "/home", "")
	}
}

// deleteStatus removes one of the viewer's posts.
func (h *Handler) deleteStatus(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.renderError(c, core.ErrNotFound)
		return
	}
	if _, err := h.svc.Social().DeleteStatus(c.Request.Context(), viewer(c), id); err != nil {
		h.renderError(c, err)
		return
	}
	back := c.PostForm("back")
	if back == h.accountItem(viewer(c)).Path+"/"+c.Param("id") {
		c.Request.PostForm.Set("back", "/home")
	}
	redirectBack(c, "/home", "deleted")
}
