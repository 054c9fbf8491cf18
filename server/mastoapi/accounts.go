package mastoapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/filters"
	"plaza/server/service/media"
	"plaza/server/service/social"
)

// mountAccounts adds the account routes: the signed-in user's profile,
// other accounts, their lists, and follow, block and mute actions.
func (h *Handler) mountAccounts(r *gin.Engine) {
	v1 := r.Group("/api/v1")
	// Static segments beside :id; gin matches them before the parameter.
	v1.GET("/accounts/verify_credentials", h.user("read:accounts"), h.verifyCredentials)
	v1.PATCH("/accounts/update_credentials", h.user("write:accounts"), h.updateCredentials)
	v1.GET("/accounts/lookup", h.optional("read:accounts"), h.lookupAccount)
	v1.GET("/accounts/search", h.user("read:accounts"), h.searchAccounts)
	v1.GET("/accounts/relationships", h.user("read:follows"), h.relationships)

	v1.GET("/accounts/:id", h.optional("read:accounts"), h.getAccount)
	v1.GET("/accounts/:id/statuses", h.optional("read:statuses"), h.accountStatuses)
	v1.GET("/accounts/:id/followers", h.optional("read:accounts"), h.accountFollows(h.svc.Social().Followers))
	v1.GET("/accounts/:id/following", h.optional("read:accounts"), h.accountFollows(h.svc.Social().Following))
	v1.GET("/accounts/:id/featured_tags", h.optional("read:accounts"), h.accountFeaturedTags)
	v1.POST("/accounts/:id/follow", h.user("write:follows"), h.accountAction(h.follow))
	v1.POST("/accounts/:id/unfollow", h.user("write:follows"), h.accountAction(h.unfollow))
	v1.POST("/accounts/:id/block", h.user("write:blocks"), h.accountAction(h.block))
	v1.POST("/accounts/:id/unblock", h.user("write:blocks"), h.accountAction(h.unblock))
	v1.POST("/accounts/:id/mute", h.user("write:mutes"), h.accountAction(h.mute))
	v1.POST("/accounts/:id/unmute", h.user("write:mutes"), h.accountAction(h.unmute))

	v1.GET("/follow_requests", h.user("read:follows"), h.followRequests)
	v1.POST("/follow_requests/:id/authorize", h.user("write:follows"), h.answerFollowRequest(true))
	v1.POST("/follow_requests/:id/reject", h.user("write:follows"), h.answerFollowRequest(false))
	v1.GET("/blocks", h.user("read:blocks"), h.blocks)
	v1.GET("/mutes", h.user("read:mutes"), h.mutes)
}

func (h *Handler) verifyCredentials(c *gin.Context) {
	out, err := h.renderCredentialAccount(c.Request.Context(), currentAccount(c))
	reply(c, out, err)
}

// updateCredentials edits the signed-in user's profile. Clients send a
// multipart form (with avatar/header files), a urlencoded form or JSON.
func (h *Handler) updateCredentials(c *gin.Context) {
	me := currentAccount(c)
	form, err := readProfileForm(c, h.cfg.MaxUploadBytes)
	if err != nil {
		writeError(c, err)
		return
	}
	in := accounts.ProfileInput{
		DisplayName: form.str("display_name"), Note: form.str("note"),
		Locked: form.boolean("locked"), Discoverable: form.boolean("discoverable"),
		Fields: form.fields,
	}
	prefs := accounts.PreferencesInput{Privacy: form.str("source[privacy]"), Sensitive: form.boolean("source[sensitive]"),
		Language: form.str("source[language]")}
	if err := prefs.Check(); err != nil {
		writeError(c, err) // before anything is written
		return
	}
	ctx := c.Request.Context()
	mcfg := media.MediaConfig{Dir: h.cfg.MediaPath, MaxBytes: h.cfg.MaxUploadBytes}
	for _, img := range []struct {
		name string
		dst  **string
	}{{"avatar", &in.AvatarURL}, {"header", &in.HeaderURL}} {
		fh := form.files[img.name]
		if fh == nil {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			writeError(c, fmt.Errorf("%w: %s: unreadable file", core.ErrValidation, img.name))
			return
		}
		m, err := h.svc.Media().UploadMedia(ctx, mcfg, me, f, fh.Filename, "", "")
		_ = f.Close()
		if err != nil {
			writeError(c, err)
			return
		}
		if m.Type != "image" && m.Type != "gifv" {
			writeError(c, fmt.Errorf("%w: %s must be an image", core.ErrValidation, img.name))
			return
		}
		u := m.URL
		*img.dst = &u
	}
	h.saveProfile(c, me, in, prefs)
}

// saveProfile saves an edit of the signed-in user's profile and answers
// with the CredentialAccount.
func (h *Handler) saveProfile(c *gin.Context, me *models.Account, in accounts.ProfileInput, prefs accounts.PreferencesInput) {
	ctx := c.Request.Context()
	updated, err := h.svc.Accounts().UpdateProfile(ctx, me, in)
	if err != nil {
		writeError(c, err)
		return
	}
	if _, err := h.svc.Accounts().SavePreferences(ctx, me, prefs); err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderCredentialAccount(ctx, updated)
	reply(c, out, err)
}

// profileForm is an update_credentials request, whatever its encoding.
type profileForm struct {
	values map[string]string
	fields *[]models.AccountField
	files  map[string]*multipart.FileHeader
}

func (f *profileForm) str(key string) *string {
	v, ok := f.values[key]
	if !ok {
		return nil
	}
	return &v
}

// boolean reads a Rails-style boolean ("true", "1", "on"...); absent is nil.
func (f *profileForm) boolean(key string) *bool {
	v, ok := f.values[key]
	if !ok {
		return nil
	}
	b := accountsTruthy(v)
	return &b
}

func accountsTruthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "t", "on", "yes", "y":
		return true
	}
	return false
}

// fieldKey is fields_attributes[0][name] (or [][name]) of a form.
var fieldKey = regexp.MustCompile(`^fields_attributes\[(\d*)\]\[(name|value)\]$`)

// readProfileForm reads an update_credentials request sent as JSON, as a
// multipart form (with avatar and header files) or as a URL-encoded form.
func readProfileForm(c *gin.Context, maxBytes int64) (*profileForm, error) {
	f := &profileForm{values: map[string]string{}, files: map[string]*multipart.FileHeader{}}
	if c.ContentType() == "application/json" {
		return f, f.readJSON(c.Request.Body)
	}
	if err := f.parseForm(c, maxBytes); err != nil {
		return nil, err
	}
	f.readFormValues(formValues(c.Request))
	return f, nil
}

// readJSON fills the form from a JSON object body: scalars become values,
// fields_attributes the profile fields.
func (f *profileForm) readJSON(r io.Reader) error {
	var body map[string]json.RawMessage
	if err := json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&body); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: invalid JSON body", core.ErrValidation)
	}
	for k, raw := range body {
		if k == "source" { // {"source": {"privacy": …}} is source[privacy]
			var src map[string]json.RawMessage
			if json.Unmarshal(raw, &src) == nil {
				for sk, sv := range src {
					if v, ok := jsonScalar(sv); ok {
						f.values["source["+sk+"]"] = v
					}
				}
			}
			continue
		}
		if k == "fields_attributes" {
			fields, err := jsonFields(raw)
			if err != nil {
				return err
			}
			f.fields = &fields
			continue
		}
		if v, ok := jsonScalar(raw); ok {
			f.values[k] = v
		}
	}
	return nil
}

// jsonScalar is a JSON string, boolean, number or null as form text;
// false for objects, arrays and invalid JSON, which are ignored.
func jsonScalar(raw json.RawMessage) (string, bool) {
	var x any
	if err := json.Unmarshal(raw, &x); err != nil {
		return "", false
	}
	switch v := x.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case nil:
		return "", true
	}
	return "", false
}

// parseForm parses a multipart or URL-encoded body and keeps the avatar
// and header files of a multipart one.
func (f *profileForm) parseForm(c *gin.Context, maxBytes int64) error {
	if c.ContentType() != "multipart/form-data" {
		if err := c.Request.ParseForm(); err != nil {
			return fmt.Errorf("%w: invalid form", core.ErrValidation)
		}
		return nil
	}
	// Room for both images and the text fields.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 2*maxBytes+(1<<20))
	if err := c.Request.ParseMultipartForm(32 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return fmt.Errorf("%w: invalid form", core.ErrValidation)
	}
	for _, name := range []string{"avatar", "header"} {
		if fhs := c.Request.MultipartForm.File[name]; len(fhs) > 0 {
			f.files[name] = fhs[0]
		}
	}
	return nil
}

// formValues merges the query, the URL-encoded body and the multipart
// values of a parsed request, later ones winning. Query parameters count
// too: some clients send the profile so.
func formValues(r *http.Request) map[string][]string {
	values := map[string][]string{}
	for k, v := range r.URL.Query() {
		values[k] = v
	}
	for k, v := range r.PostForm {
		values[k] = v
	}
	if r.MultipartForm != nil {
		for k, v := range r.MultipartForm.Value {
			values[k] = v
		}
	}
	return values
}

// readFormValues fills the form from merged form values: the first value
// of each plain key, and the profile fields from fields_attributes keys.
func (f *profileForm) readFormValues(values map[string][]string) {
	byIndex := map[int]*models.AccountField{}
	var order []int
	seenFields := false
	for k, v := range values {
		if len(v) == 0 {
			continue
		}
		m := fieldKey.FindStringSubmatch(k)
		if m == nil {
			f.values[k] = v[0]
			continue
		}
		seenFields = true
		if m[1] == "" {
			// fields_attributes[][name]: one entry per repetition.
			for i, x := range v {
				fieldAt(byIndex, &order, 1000+i, m[2], x)
			}
			continue
		}
		idx, _ := strconv.Atoi(m[1])
		fieldAt(byIndex, &order, idx, m[2], v[0])
	}
	if seenFields {
		f.fields = fieldsInOrder(byIndex, order)
	}
}

// fieldsInOrder lists the collected profile fields by their form index.
func fieldsInOrder(byIndex map[int]*models.AccountField, order []int) *[]models.AccountField {
	sort.Ints(order)
	fields := make([]models.AccountField, 0, len(order))
	for _, i := range order {
		fields = append(fields, *byIndex[i])
	}
	return &fields
}

func fieldAt(byIndex map[int]*models.AccountField, order *[]int, idx int, part, v string) {
	fld := byIndex[idx]
	if fld == nil {
		fld = &models.AccountField{}
		byIndex[idx] = fld
		*order = append(*order, idx)
	}
	if part == "name" {
		fld.Name = v
	} else {
		fld.Value = v
	}
}

// jsonFields reads fields_attributes sent as an array or as an object
// keyed by index.
func jsonFields(raw json.RawMessage) ([]models.AccountField, error) {
	var list []models.AccountField
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, nil
	}
	var byKey map[string]models.AccountField
	if err := json.Unmarshal(raw, &byKey); err != nil {
		return nil, fmt.Errorf("%w: fields_attributes must be a list of name and value", core.ErrValidation)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, errA := strconv.Atoi(keys[i])
		b, errB := strconv.Atoi(keys[j])
		if errA == nil && errB == nil {
			return a < b
		}
		return keys[i] < keys[j]
	})
	list = make([]models.AccountField, 0, len(keys))
	for _, k := range keys {
		list = append(list, byKey[k])
	}
	return list, nil
}

func (h *Handler) lookupAccount(c *gin.Context) {
	a, err := h.svc.Accounts().LookupAccount(c.Request.Context(), c.Query("acct"))
	if err != nil {
		writeError(c, err)
		return
	}
	h.writeAccount(c, a)
}

func (h *Handler) searchAccounts(c *gin.Context) {
	limit, _ := strconv.Atoi(c.Query("limit"))
	if limit <= 0 {
		limit = social.MaxSearchLimit
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(offset, 0)
	list, err := h.svc.Social().SearchAccounts(c.Request.Context(), currentAccount(c), c.Query("q"), limit+offset, accountsTruthy(c.Query("resolve")))
	if err != nil {
		writeError(c, err)
		return
	}
	h.writeAccountList(c, list[min(offset, len(list)):])
}

func (h *Handler) relationships(c *gin.Context) {
	me := currentAccount(c)
	raw := append(c.QueryArray("id[]"), c.QueryArray("id")...)
	out := make([]Relationship, 0, len(raw))
	seen := map[int64]bool{}
	for _, s := range raw {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 || seen[id] {
			continue
		}
		seen[id] = true
		rel, found, err := h.relationshipByID(c, me, id)
		if err != nil {
			writeError(c, err)
			return
		}
		if found {
			out = append(out, rel)
		}
	}
	c.JSON(http.StatusOK, out)
}

// relationshipByID is the relationship to the account id; found is false
// when the signed-in user cannot see such an account, which Mastodon skips.
func (h *Handler) relationshipByID(c *gin.Context, me *models.Account, id int64) (rel Relationship, found bool, err error) {
	target, err := h.svc.Accounts().AccountForViewer(c.Request.Context(), me, id)
	if errors.Is(err, core.ErrNotFound) {
		return Relationship{}, false, nil
	}
	if err != nil {
		return Relationship{}, false, err
	}
	rel, err = h.relationshipWith(c, me, target)
	return rel, err == nil, err
}

// relationshipWith is Mastodon's Relationship of the signed-in user to
// target, mutes included.
func (h *Handler) relationshipWith(c *gin.Context, me, target *models.Account) (Relationship, error) {
	ctx := c.Request.Context()
	rel, err := h.svc.Social().Relationship(ctx, me, target)
	if err != nil {
		return Relationship{}, err
	}
	out := renderRelationship(target, rel)
	if out.Muting, out.MutingNotifications, err = h.svc.Social().Muting(ctx, me, target); err != nil {
		return Relationship{}, err
	}
	st, err := h.svc.Relations().Standing(ctx, me, target)
	if err != nil {
		return Relationship{}, err
	}
	out.Note, out.Endorsed, out.DomainBlocking = st.Note, st.Endorsed, st.DomainBlocking
	if out.Languages == nil {
		out.Languages = []string{}
	}
	return out, nil
}

// targetAccount loads the :id account of the route; false when it wrote
// an error.
func (h *Handler) targetAccount(c *gin.Context) (*models.Account, bool) {
	id, ok := idParam(c, "id")
	if !ok {
		return nil, false
	}
	a, err := h.svc.Accounts().AccountForViewer(c.Request.Context(), currentAccount(c), id)
	if err != nil {
		writeError(c, err)
		return nil, false
	}
	return a, true
}

func (h *Handler) getAccount(c *gin.Context) {
	a, ok := h.targetAccount(c)
	if !ok {
		return
	}
	h.writeAccount(c, a)
}

func (h *Handler) writeAccount(c *gin.Context, a *models.Account) {
	out, err := h.renderAccount(c.Request.Context(), a)
	reply(c, out, err)
}

func (h *Handler) writeAccountList(c *gin.Context, list []*models.Account) {
	out, err := h.renderAccounts(c.Request.Context(), list)
	reply(c, out, err)
}

func (h *Handler) accountStatuses(c *gin.Context) {
	a, ok := h.targetAccount(c)
	if !ok {
		return
	}
	if accountsTruthy(c.Query("pinned")) {
		h.pinnedStatuses(c, a)
		return
	}
	viewer := currentAccount(c)
	ctx := c.Request.Context()
	filter := social.AccountStatusFilter{
		ExcludeReplies: accountsTruthy(c.Query("exclude_replies")),
		ExcludeReblogs: accountsTruthy(c.Query("exclude_reblogs")),
		OnlyMedia:      accountsTruthy(c.Query("only_media")),
		Tagged:         c.Query("tagged"),
	}
	list, err := h.svc.Social().AccountStatusesFiltered(ctx, viewer, a, pageFromQuery(c), filter)
	h.writeTimeline(c, viewer, list, err, filters.ContextAccount)
}

// accountFollows lists followers or followed accounts, paged by follow id.
func (h *Handler) accountFollows(list func(ctx context.Context, acct *models.Account, p core.Page) ([]social.Relation, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, ok := h.targetAccount(c)
		if !ok {
			return
		}
		rels, err := list(c.Request.Context(), a, pageFromQuery(c))
		if err != nil {
			writeError(c, err)
			return
		}
		accounts := make([]*models.Account, len(rels))
		ids := make([]int64, len(rels))
		for i, r := range rels {
			accounts[i], ids[i] = r.Account, r.Follow.ID
		}
		h.setLinkHeader(c, ids)
		h.writeAccountList(c, accounts)
	}
}

// accountAction runs an action of the signed-in user on the :id account
// and answers with the relationship after it.
func (h *Handler) accountAction(act func(c *gin.Context, me, target *models.Account) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		target, ok := h.targetAccount(c)
		if !ok {
			return
		}
		me := currentAccount(c)
		if err := act(c, me, target); err != nil {
			writeError(c, err)
			return
		}
		rel, err := h.relationshipWith(c, me, target)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, rel)
	}
}

func (h *Handler) follow(c *gin.Context, me, target *models.Account) error {
	_, err := h.svc.Social().Follow(c.Request.Context(), me, target)
	return err
}

func (h *Handler) unfollow(c *gin.Context, me, target *models.Account) error {
	return h.svc.Social().Unfollow(c.Request.Context(), me, target)
}

func (h *Handler) block(c *gin.Context, me, target *models.Account) error {
	_, err := h.svc.Social().Block(c.Request.Context(), me, target)
	return err
}

func (h *Handler) unblock(c *gin.Context, me, target *models.Account) error {
	return h.svc.Social().Unblock(c.Request.Context(), me, target)
}

func (h *Handler) mute(c *gin.Context, me, target *models.Account) error {
	notifications := true
	if v, ok := accountsParam(c, "notifications"); ok {
		notifications = accountsTruthy(v)
	}
	_, err := h.svc.Social().Mute(c.Request.Context(), me, target, notifications)
	return err
}

func (h *Handler) unmute(c *gin.Context, me, target *models.Account) error {
	return h.svc.Social().Unmute(c.Request.Context(), me, target)
}

// accountsParam reads a parameter of an action from the query, a form or
// a JSON body.
func accountsParam(c *gin.Context, key string) (string, bool) {
	if v, ok := c.GetQuery(key); ok {
		return v, true
	}
	if c.ContentType() == "application/json" {
		var body map[string]any
		if err := json.NewDecoder(io.LimitReader(c.Request.Body, 64<<10)).Decode(&body); err != nil {
			return "", false
		}
		switch v := body[key].(type) {
		case bool:
			return strconv.FormatBool(v), true
		case string:
			return v, true
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64), true
		}
		return "", false
	}
	return c.GetPostForm(key)
}

func (h *Handler) followRequests(c *gin.Context) {
	rels, err := h.svc.Social().FollowRequests(c.Request.Context(), currentAccount(c))
	if err != nil {
		writeError(c, err)
		return
	}
	accounts := make([]*models.Account, len(rels))
	for i, r := range rels {
		accounts[i] = r.Account
	}
	h.writeAccountList(c, accounts)
}

// answerFollowRequest accepts or rejects the follow request of the :id
// account.
func (h *Handler) answerFollowRequest(accept bool) gin.HandlerFunc {
	return h.accountAction(func(c *gin.Context, me, requester *models.Account) error {
		if accept {
			_, err := h.svc.Social().AcceptFollowRequest(c.Request.Context(), me, requester.ID)
			return err
		}
		return h.svc.Social().RejectFollowRequest(c.Request.Context(), me, requester.ID)
	})
}

func (h *Handler) blocks(c *gin.Context) {
	list, err := h.svc.Social().Blocks(c.Request.Context(), currentAccount(c), pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	h.writeAccountEntries(c, list)
}

func (h *Handler) mutes(c *gin.Context) {
	list, err := h.svc.Social().Mutes(c.Request.Context(), currentAccount(c), pageFromQuery(c))
	if err != nil {
		writeError(c, err)
		return
	}
	entries := make([]core.AccountEntry, len(list))
	for i, m := range list {
		entries[i] = m.AccountEntry
	}
	h.writeAccountEntries(c, entries)
}

// writeAccountEntries answers with a page of accounts and its Link header,
// paged by the entries' ids (the block, mute, like or boost).
func (h *Handler) writeAccountEntries(c *gin.Context, entries []core.AccountEntry) {
	accounts := make([]*models.Account, len(entries))
	ids := make([]int64, len(entries))
	for i, e := range entries {
		accounts[i], ids[i] = e.Account, e.ID
	}
	out, err := h.renderAccounts(c.Request.Context(), accounts)
	if err != nil {
		writeError(c, err)
		return
	}
	h.setLinkHeader(c, ids)
	c.JSON(http.StatusOK, out)
}

// pinnedStatuses answers ?pinned=true: at most five statuses, one page.
func (h *Handler) pinnedStatuses(c *gin.Context, a *models.Account) {
	ctx, viewer := c.Request.Context(), currentAccount(c)
	if c.Query("max_id") != "" || c.Query("min_id") != "" || c.Query("since_id") != "" {
		c.JSON(http.StatusOK, []Status{}) // the pins are all on the first page
		return
	}
	list, err := h.svc.Pins().Pinned(ctx, viewer, a)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderStatuses(ctx, viewer, list)
	reply(c, out, err)
}
