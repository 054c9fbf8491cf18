package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
)

var errNoEmojiImage = fmt.Errorf("%w: choose the emoji's image (PNG, GIF or WebP)", core.ErrValidation)

// adminEmojiPage lists this instance's custom emoji with the upload form.
type adminEmojiPage struct {
	page
	Section             string
	Emojis              []models.CustomEmoji
	Shortcode, Category string
}

func (h *Handler) emojiPage(c *gin.Context) (adminEmojiPage, error) {
	list, err := h.svc.Emoji().Local(c.Request.Context())
	return adminEmojiPage{page: h.adminPage(c, "Custom emoji"), Section: "emoji", Emojis: list}, err
}

func (h *Handler) adminEmoji(c *gin.Context) {
	showPage(h, c, "admin_emoji.html", http.StatusOK, h.emojiPage, nil)
}

// addEmoji stores an uploaded emoji image under its shortcode; a mistake
// re-renders the form with what was typed and why.
func (h *Handler) addEmoji(c *gin.Context) {
	code, category := c.PostForm("shortcode"), c.PostForm("category")
	fh, err := c.FormFile("image")
	if err == nil {
		f, oerr := fh.Open()
		if oerr != nil {
			h.renderError(c, oerr)
			return
		}
		_, err = h.svc.Emoji().Add(c.Request.Context(), h.cfg.MediaDir, code, category, f)
		_ = f.Close()
	} else {
		err = errNoEmojiImage
	}
	if err != nil {
		h.refuseForm(c, err, func(status int, msg string) {
			showPage(h, c, "admin_emoji.html", status, h.emojiPage, func(p *adminEmojiPage) {
				p.Shortcode, p.Category, p.Error = code, category, msg
			})
		}, http.StatusForbidden)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/emoji?notice=added")
}

func (h *Handler) removeEmoji(c *gin.Context) {
	err := h.svc.Emoji().Remove(c.Request.Context(), h.cfg.MediaDir, c.Param("shortcode"))
	h.redirectOr(c, err, "/admin/emoji?notice=removed")
}
