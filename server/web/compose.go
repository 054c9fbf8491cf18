package web

import (
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/media"
	"plaza/server/service/social"
)

// composeForm is the post form: its values when re-shown after an error,
// and the post it answers.
type composeForm struct {
	Text, Spoiler string
	// Alts are the descriptions of the images, one field per image.
	Alts     []string
	MaxMedia int
	// Accept is the file input's accept list: images, and video and audio
	// where ffmpeg is installed.
	Accept     string
	Visibility models.Visibility
	InReplyTo  *statusItem
	Back       string
	Error      string
	MaxChars   int
}

func (h *Handler) newComposeForm(c *gin.Context, replyTo *statusItem) *composeForm {
	f := &composeForm{Visibility: models.VisibilityPublic, InReplyTo: replyTo, Back: c.Request.URL.RequestURI(), MaxChars: social.MaxStatusChars}
	f.setAlts(nil)
	f.Accept = h.mediaAccept()
	if me := viewer(c); me != nil {
		// The user's default visibility (update_credentials' source[privacy]).
		if p, err := h.svc.Accounts().Preferences(c.Request.Context(), me); err == nil {
			f.Visibility = p.Privacy
		}
	}
	if replyTo != nil {
		f.Visibility = replyTo.Visibility
		if !replyTo.Mine {
			f.Text = "@" + replyTo.Author.Handle + " "
		}
	}
	return f
}

// composeForm shows the full-page form; ?in_reply_to=ID answers a post.
func (h *Handler) composeForm(c *gin.Context) {
	var reply *statusItem
	if id, err := strconv.ParseInt(c.Query("in_reply_to"), 10, 64); err == nil {
		st, err := h.svc.Core().StatusForViewer(c.Request.Context(), viewer(c), id)
		if err != nil {
			h.renderError(c, err)
			return
		}
		items, err := h.statusItems(c.Request.Context(), viewer(c), []*models.Status{st})
		if err != nil {
			h.renderError(c, err)
			return
		}
		reply = &items[0]
	}
	// A message to someone is written in a chat, whose members are chosen
	// explicitly (a handle in a post's text is no recipient).
	if to := strings.TrimSpace(c.Query("to")); c.Request.URL.Query().Has("to") {
		c.Redirect(http.StatusSeeOther, "/chats/new?"+url.Values{"to": {to}}.Encode())
		return
	}
	f := h.newComposeForm(c, reply)
	// No way back: after posting, the full-page form shows the new post
	// (a direct message would not be on the home page).
	f.Back = ""
	p := h.navPage(c, "New post", "compose")
	h.render(c, http.StatusOK, "compose.html", struct {
		page
		Compose *composeForm
	}{p, f})
}

// compose publishes a post, with an optional image (uploaded first) and
// its alt text. On a validation error the form is shown again, filled in.
func (h *Handler) compose(c *gin.Context) {
	ctx := c.Request.Context()
	me := viewer(c)
	f := &composeForm{
		Text: c.PostForm("status"), Spoiler: strings.TrimSpace(c.PostForm("spoiler_text")),
		Visibility: models.Visibility(c.PostForm("visibility")), Back: c.PostForm("back"), MaxChars: social.MaxStatusChars,
	}
	f.setAlts(c.PostFormArray("alt"))
	f.Accept = h.mediaAccept()
	if f.Visibility == "" {
		f.Visibility = models.VisibilityPublic
	}
	in := social.CreateStatusInput{Text: f.Text, Visibility: f.Visibility, SpoilerText: f.Spoiler, Sensitive: f.Spoiler != ""}
	if id, err := strconv.ParseInt(c.PostForm("in_reply_to_id"), 10, 64); err == nil {
		in.InReplyToID = &id
		if st, err := h.svc.Core().StatusForViewer(ctx, me, id); err == nil {
			if items, err := h.statusItems(ctx, me, []*models.Status{st}); err == nil {
				f.InReplyTo = &items[0]
			}
		}
	}
	if f.Visibility == models.VisibilityDirect && in.InReplyToID == nil {
		// The post form has no recipients: a direct post from it would
		// reach no one whose handle is mistyped or deleted.
		h.composeError(c, f, fmt.Errorf("%w: messages to people are written in Chats, where you choose who receives them", core.ErrValidation))
		return
	}
	files, err := formFiles(c, "media")
	if err != nil {
		h.composeError(c, f, err)
		return
	}
	if len(files) > social.MaxStatusMedia {
		h.composeError(c, f, fmt.Errorf("%w: a post may carry at most %d images; you chose %d", core.ErrValidation, social.MaxStatusMedia, len(files)))
		return
	}
	for i, fh := range files {
		file, err := fh.Open()
		if err != nil {
			h.renderError(c, err)
			return
		}
		m, err := h.svc.Media().UploadMedia(ctx, h.attachmentConfig(), me, file, fh.Filename, f.Alts[min(i, len(f.Alts)-1)], "")
		_ = file.Close()
		if err != nil {
			h.composeError(c, f, fmt.Errorf("image %d (%s): %w", i+1, fh.Filename, err))
			return
		}
		in.MediaIDs = append(in.MediaIDs, m.ID)
	}
	st, err := h.svc.Social().CreateStatus(ctx, me, in)
	if err != nil {
		h.composeError(c, f, err)
		return
	}
	back := f.Back
	if !localPath(back) || strings.HasPrefix(back, "/compose") {
		back = h.accountItem(me).Path + "/" + strconv.FormatInt(st.ID, 10)
	}
	redirectBack(c, back, "posted")
}

func (h *Handler) composeError(c *gin.Context, f *composeForm, err error) {
	status, _, msg := errorStatus(err)
	var maxBytes *http.MaxBytesError
	if errors.As(err, &maxBytes) {
		status, msg = http.StatusRequestEntityTooLarge, "The image is too large."
	}
	if status >= 500 || status == http.StatusNotFound {
		h.renderError(c, err)
		return
	}
	f.Error = msg
	p := h.basePage(c, "New post")
	h.render(c, status, "compose.html", struct {
		page
		Compose *composeForm
	}{p, f})
}

// HasAlt reports whether any image description is filled in.
func (f *composeForm) HasAlt() bool {
	for _, a := range f.Alts {
		if strings.TrimSpace(a) != "" {
			return true
		}
	}
	return false
}

// setAlts keeps the descriptions sent, one field per possible image.
func (f *composeForm) setAlts(sent []string) {
	f.MaxMedia = social.MaxStatusMedia
	f.Alts = make([]string, social.MaxStatusMedia)
	copy(f.Alts, sent)
}

// formFiles returns the non-empty files of a multipart field, none when
// the form is not multipart.
func formFiles(c *gin.Context, field string) ([]*multipart.FileHeader, error) {
	if c.ContentType() != "multipart/form-data" {
		return nil, nil
	}
	form, err := c.MultipartForm()
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("%w: the form could not be read", core.ErrValidation)
	}
	var out []*multipart.FileHeader
	for _, fh := range form.File[field] {
		if fh.Size > 0 {
			out = append(out, fh)
		}
	}
	return out, nil
}

// attachmentConfig is how a post's or a chat message's attachments are
// stored: images, and video and audio (processed before the page answers)
// when ffmpeg is installed.
func (h *Handler) attachmentConfig() media.MediaConfig {
	return media.MediaConfig{Dir: h.cfg.MediaDir, MaxBytes: h.cfg.MaxUploadBytes, AV: &h.cfg.AV}
}

// mediaAccept lists the types the post form's file input offers.
func (h *Handler) mediaAccept() string {
	return strings.Join(append([]string{"image/png", "image/jpeg", "image/gif", "image/webp"}, h.cfg.AV.MimeTypes()...), ",")
}
