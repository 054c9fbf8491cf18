package web

import (
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/media"
)

// profileSettings is the profile form.
type profileSettings struct {
	page
	DisplayName, Note string
	Locked            bool
	Avatar, Header    string
	Fields            []models.AccountField
	Section           string
}

func (h *Handler) profileSettingsPage(c *gin.Context, me *models.Account) profileSettings {
	p := h.navPage(c, "Edit profile", "settings")
	ai := h.accountItem(me)
	f := profileSettings{page: p, DisplayName: me.DisplayName, Note: noteText(me.Note), Locked: me.Locked, Avatar: ai.Avatar,
		Header: me.HeaderURL, Section: "profile"}
	for _, fi := range fieldItems(me) {
		f.Fields = append(f.Fields, models.AccountField{Name: fi.Name, Value: fi.Value})
	}
	for len(f.Fields) < accounts.MaxProfileFields {
		f.Fields = append(f.Fields, models.AccountField{})
	}
	if f.Header == "" {
		f.Header = "/static/header.png"
	}
	return f
}

func (h *Handler) profileSettingsForm(c *gin.Context) {
	h.render(c, http.StatusOK, "settings_profile.html", h.profileSettingsPage(c, viewer(c)))
}

// saveProfileSettings uploads a new avatar or header if given, then saves
// the profile in one service call.
func (h *Handler) saveProfileSettings(c *gin.Context) {
	ctx, me := c.Request.Context(), viewer(c)
	name, note, locked := c.PostForm("display_name"), c.PostForm("note"), c.PostForm("locked") == "1"
	fields := make([]models.AccountField, 0, accounts.MaxProfileFields)
	for i := range accounts.MaxProfileFields {
		n := strconv.Itoa(i)
		fields = append(fields, models.AccountField{Name: c.PostForm("field_name_" + n), Value: c.PostForm("field_value_" + n)})
	}
	in := accounts.ProfileInput{DisplayName: &name, Note: &note, Locked: &locked, Fields: &fields}
	var err error
	if in.AvatarURL, err = h.uploadImage(c, "avatar"); err == nil {
		in.HeaderURL, err = h.uploadImage(c, "header")
	}
	if err == nil {
		_, err = h.svc.Accounts().UpdateProfile(ctx, me, in)
	}
	if err != nil {
		status, _, msg := errorStatus(err)
		var maxBytes *http.MaxBytesError
		if errors.As(err, &maxBytes) {
			status, msg = http.StatusRequestEntityTooLarge, "The image is too large."
		}
		if status >= 500 {
			h.renderError(c, err)
			return
		}
		f := h.profileSettingsPage(c, me)
		f.DisplayName, f.Note, f.Locked, f.Fields = name, note, locked, fields
		f.Error = msg
		h.render(c, status, "settings_profile.html", f)
		return
	}
	c.Redirect(http.StatusSeeOther, "/settings/profile?notice=saved")
}

// uploadImage stores the image of a form field, if one was chosen, and
// returns its address.
func (h *Handler) uploadImage(c *gin.Context, field string) (*string, error) {
	fh, err := formFile(c, field)
	if fh == nil || err != nil {
		return nil, err
	}
	return h.storeUpload(c, fh)
}

// formFile is the file chosen in a form field: nil when none was, or when
// the form came urlencoded (fine for a form whose file fields are empty).
// A body over the router's size limit keeps its *http.MaxBytesError; any
// other broken multipart body is a validation error, not a server error.
func formFile(c *gin.Context, field string) (*multipart.FileHeader, error) {
	if c.ContentType() != "multipart/form-data" {
		return nil, nil
	}
	fh, err := c.FormFile(field)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, http.ErrMissingFile):
		return nil, nil
	case errors.As(err, &tooBig):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("%w: the form could not be read", core.ErrValidation)
	case fh.Size == 0:
		return nil, nil
	}
	return fh, nil
}

func (h *Handler) storeUpload(c *gin.Context, fh *multipart.FileHeader) (*string, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := h.svc.Media().UploadMedia(c.Request.Context(), media.MediaConfig{Dir: h.cfg.MediaDir, MaxBytes: h.cfg.MaxUploadBytes}, viewer(c), f, fh.Filename, "", "")
	if err != nil {
		return nil, err
	}
	return &m.URL, nil
}

func (h *Handler) passwordPage(c *gin.Context) page {
	p := h.navPage(c, "Change password", "settings")
	return p
}

func (h *Handler) passwordForm(c *gin.Context) {
	h.render(c, http.StatusOK, "settings_password.html", struct {
		page
		Section string
	}{h.passwordPage(c), "password"})
}

// changePassword replaces the password; other browsers are signed out.
func (h *Handler) changePassword(c *gin.Context) {
	next := c.PostForm("new_password")
	var err error
	if next != c.PostForm("new_password_confirmation") {
		err = errors.Join(core.ErrValidation, errors.New("validation failed: the two new passwords differ"))
	} else {
		err = h.svc.Accounts().ChangePassword(c.Request.Context(), viewer(c), c.PostForm("current_password"), next, webSession(c).ID)
	}
	if err != nil {
		h.refuseForm(c, err, func(status int, msg string) {
			p := h.passwordPage(c)
			p.Error = msg
			h.render(c, status, "settings_password.html", struct {
				page
				Section string
			}{p, "password"})
		})
		return
	}
	c.Redirect(http.StatusSeeOther, "/settings/password?notice=password")
}

// appItem is an application with access to the account.
type appItem struct {
	ID      int64
	Name    string
	Website string
	Scopes  []string
}

func (h *Handler) applications(c *gin.Context) {
	apps, err := h.svc.Accounts().AuthorizedApps(c.Request.Context(), viewer(c))
	if err != nil {
		h.renderError(c, err)
		return
	}
	items := make([]appItem, len(apps))
	for i, a := range apps {
		items[i] = appItem{ID: a.ID, Name: a.Name, Website: a.Website, Scopes: accounts.AppScopes(&a)}
	}
	p := h.navPage(c, "Authorised applications", "settings")
	h.render(c, http.StatusOK, "settings_apps.html", struct {
		page
		Section string
		Apps    []appItem
	}{p, "apps", items})
}

func (h *Handler) revokeApplication(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err == nil {
		err = h.svc.Accounts().RevokeAppAuthorization(c.Request.Context(), viewer(c), id)
	} else {
		err = core.ErrNotFound
	}
	h.redirectOr(c, err, "/settings/applications?notice=revoked")
}
