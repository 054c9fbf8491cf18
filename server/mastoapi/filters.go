package mastoapi

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/models"
	"plaza/server/service/core"
	"plaza/server/service/filters"
	"plaza/server/service/social"
)

// mountFilters adds Mastodon's v2 filters (with keywords and statuses) and
// the v1 filters older clients such as Tusky use.
func (h *Handler) mountFilters(r *gin.Engine) {
	read, write, f := h.user("read:filters"), h.user("write:filters"), h.svc.Filters()
	v2 := r.Group("/api/v2/filters")
	v2.GET("", read, listed(f.List, renderFilter))
	v2.POST("", write, created(filterInput, f.Create, renderFilter))
	v2.GET("/:id", read, shownByID(f.Get, renderFilter))
	v2.PUT("/:id", write, changedByID(filterInput, f.Update, renderFilter))
	v2.DELETE("/:id", write, deletedByID(f.Delete))
	v2.GET("/:id/keywords", read, listedByID(f.Keywords, renderFilterKeyword))
	v2.POST("/:id/keywords", write, changedByID(keywordParams, f.AddKeyword, renderFilterKeyword))
	v2.GET("/keywords/:id", read, shownByID(f.Keyword, renderFilterKeyword))
	v2.PUT("/keywords/:id", write, changedByID(keywordParams, f.UpdateKeyword, renderFilterKeyword))
	v2.DELETE("/keywords/:id", write, deletedByID(f.DeleteKeyword))
	v2.GET("/:id/statuses", read, listedByID(f.Statuses, renderFilterStatus))
	v2.POST("/:id/statuses", write, changedByID(statusIDParam, f.AddStatus, renderFilterStatus))
	v2.GET("/statuses/:id", read, shownByID(f.StatusEntry, renderFilterStatus))
	v2.DELETE("/statuses/:id", write, deletedByID(f.DeleteStatus))

	v1 := r.Group("/api/v1/filters")
	v1.GET("", read, listed(f.V1List, renderV1Filter))
	v1.POST("", write, created(v1FilterInput, f.V1Create, renderV1Filter))
	v1.GET("/:id", read, shownByID(f.V1Get, renderV1Filter))
	v1.PUT("/:id", write, changedByID(v1FilterInput, f.V1Update, renderV1Filter))
	v1.DELETE("/:id", write, deletedByID(f.V1Delete))
}

// Filter is Mastodon's Filter entity; a FilterResult's filter carries no
// keywords or statuses, as in Mastodon.
type Filter struct {
	ID           string           `json:"id"`
	Title        string           `json:"title"`
	Context      []string         `json:"context"`
	ExpiresAt    *string          `json:"expires_at"`
	FilterAction string           `json:"filter_action"`
	Keywords     *[]FilterKeyword `json:"keywords,omitempty"`
	Statuses     *[]FilterStatus  `json:"statuses,omitempty"`
}

// FilterKeyword is Mastodon's FilterKeyword entity.
type FilterKeyword struct {
	ID        string `json:"id"`
	Keyword   string `json:"keyword"`
	WholeWord bool   `json:"whole_word"`
}

// FilterStatus is Mastodon's FilterStatus entity.
type FilterStatus struct {
	ID       string `json:"id"`
	StatusID string `json:"status_id"`
}

// FilterResult is Mastodon's FilterResult: a filter that matched a status.
type FilterResult struct {
	Filter         Filter   `json:"filter"`
	KeywordMatches []string `json:"keyword_matches"`
	StatusMatches  []string `json:"status_matches"`
}

// V1Filter is Mastodon's V1::Filter entity (one keyword of a filter).
type V1Filter struct {
	ID           string   `json:"id"`
	Phrase       string   `json:"phrase"`
	Context      []string `json:"context"`
	WholeWord    bool     `json:"whole_word"`
	ExpiresAt    *string  `json:"expires_at"`
	Irreversible bool     `json:"irreversible"`
}

func filterHead(f *filters.Filter) Filter {
	out := Filter{ID: idString(f.ID), Title: f.Title, Context: make([]string, len(f.Contexts)), FilterAction: f.Action}
	for i, c := range f.Contexts {
		out.Context[i] = string(c)
	}
	if f.ExpiresAt != nil {
		e := timestamp(*f.ExpiresAt)
		out.ExpiresAt = &e
	}
	return out
}

func renderFilter(f filters.Filter) Filter {
	out := filterHead(&f)
	keywords := make([]FilterKeyword, len(f.Keywords))
	for i, k := range f.Keywords {
		keywords[i] = renderFilterKeyword(k)
	}
	statuses := make([]FilterStatus, len(f.Statuses))
	for i, s := range f.Statuses {
		statuses[i] = renderFilterStatus(s)
	}
	out.Keywords, out.Statuses = &keywords, &statuses
	return out
}

func renderFilterKeyword(k models.FilterKeyword) FilterKeyword {
	return FilterKeyword{ID: idString(k.ID), Keyword: k.Keyword, WholeWord: k.WholeWord}
}

func renderFilterStatus(s models.FilterStatus) FilterStatus {
	return FilterStatus{ID: idString(s.ID), StatusID: idString(s.StatusID)}
}

func renderV1Filter(v filters.V1) V1Filter {
	head := filterHead(&v.Filter)
	return V1Filter{ID: idString(v.Keyword.ID), Phrase: v.Keyword.Keyword, Context: head.Context,
		WholeWord: v.Keyword.WholeWord, ExpiresAt: head.ExpiresAt, Irreversible: v.Irreversible()}
}

func mapAll[T, V any](list []T, f func(T) V) []V {
	out := make([]V, len(list))
	for i, x := range list {
		out[i] = f(x)
	}
	return out
}

// The filter handlers are these shapes of one service call: the signed-in
// account, the path's :id and the parsed parameters in, one entity (or a
// list) out.

func listed[T, V any](list func(context.Context, *models.Account) ([]T, error), render func(T) V) gin.HandlerFunc {
	return func(c *gin.Context) {
		out, err := list(c.Request.Context(), currentAccount(c))
		reply(c, mapAll(out, render), err)
	}
}

func listedByID[T, V any](list func(context.Context, *models.Account, int64) ([]T, error), render func(T) V) gin.HandlerFunc {
	return func(c *gin.Context) {
		if id, ok := idParam(c, "id"); ok {
			out, err := list(c.Request.Context(), currentAccount(c), id)
			reply(c, mapAll(out, render), err)
		}
	}
}

func shownByID[T, V any](get func(context.Context, *models.Account, int64) (T, error), render func(T) V) gin.HandlerFunc {
	return func(c *gin.Context) {
		if id, ok := idParam(c, "id"); ok {
			out, err := get(c.Request.Context(), currentAccount(c), id)
			reply(c, render(out), err)
		}
	}
}

// deletedByID runs del (a delete, dismiss or hide) on the :id and answers
// {} as Mastodon does.
func deletedByID(del func(context.Context, *models.Account, int64) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if id, ok := idParam(c, "id"); ok {
			reply(c, gin.H{}, del(c.Request.Context(), currentAccount(c), id))
		}
	}
}

func created[In, T, V any](parse func(*params) (In, error), create func(context.Context, *models.Account, In) (T, error), render func(T) V) gin.HandlerFunc {
	return withParams(false, parse, func(ctx context.Context, acct *models.Account, _ int64, in In) (T, error) {
		return create(ctx, acct, in)
	}, render)
}

func changedByID[In, T, V any](parse func(*params) (In, error), change func(context.Context, *models.Account, int64, In) (T, error), render func(T) V) gin.HandlerFunc {
	return withParams(true, parse, change, render)
}

// withParams reads the parameters (and the path's :id when byID), parses
// them, calls do and answers with its rendered result.
func withParams[In, T, V any](byID bool, parse func(*params) (In, error), do func(context.Context, *models.Account, int64, In) (T, error), render func(T) V) gin.HandlerFunc {
	return func(c *gin.Context) {
		var id int64
		var p *params
		var ok bool
		if byID {
			id, p, ok = idAndParams(c)
		} else {
			p, ok = requestParams(c)
		}
		if !ok {
			return
		}
		in, err := parse(p)
		if err != nil {
			writeError(c, err)
			return
		}
		out, err := do(c.Request.Context(), currentAccount(c), id, in)
		reply(c, render(out), err)
	}
}

// keywordParams reads a keyword's own parameters (keyword, whole_word).
func keywordParams(p *params) (filters.KeywordInput, error) { return keywordInput(paramFields(p)) }

// statusIDParam reads the status_id of a filter status.
func statusIDParam(p *params) (int64, error) {
	id, err := strconv.ParseInt(p.str("status_id"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: status must exist", core.ErrValidation)
	}
	return id, nil
}

// filterInput reads a v2 filter's parameters; what was not sent stays nil.
func filterInput(p *params) (filters.Input, error) {
	var in filters.Input
	in.Title = optionalStr(p, "title")
	in.Action = optionalStr(p, "filter_action")
	if p.has("context") {
		in.Context = append([]string{}, p.strs("context")...)
	}
	var err error
	if in.ExpiresIn, err = expiresIn(p); err != nil {
		return in, err
	}
	for _, fields := range nestedParams(p, "keywords_attributes") {
		k, err := keywordInput(fields)
		if err != nil {
			return in, err
		}
		in.Keywords = append(in.Keywords, k)
	}
	return in, nil
}

// v1FilterInput reads a v1 filter's parameters.
func v1FilterInput(p *params) (filters.V1Input, error) {
	in := filters.V1Input{Phrase: optionalStr(p, "phrase"), WholeWord: optionalBool(p, "whole_word"), Irreversible: optionalBool(p, "irreversible")}
	if p.has("context") {
		in.Context = append([]string{}, p.strs("context")...)
	}
	var err error
	in.ExpiresIn, err = expiresIn(p)
	return in, err
}

// expiresIn reads expires_in: seconds, or empty for never.
func expiresIn(p *params) (*int64, error) {
	if !p.has("expires_in") {
		return nil, nil
	}
	var n int64
	if s := strings.TrimSpace(p.str("expires_in")); s != "" {
		var err error
		if n, err = strconv.ParseInt(s, 10, 64); err != nil || n <= 0 {
			return nil, fmt.Errorf("%w: expires_in must be a positive number of seconds", core.ErrValidation)
		}
	}
	return &n, nil
}

// keywordInput reads one keyword's fields (keyword, whole_word, id,
// _destroy).
func keywordInput(fields map[string]string) (filters.KeywordInput, error) {
	var in filters.KeywordInput
	if v, ok := fields["id"]; ok && v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return in, fmt.Errorf("filter keyword %q: %w", v, core.ErrNotFound)
		}
		in.ID = id
	}
	if v, ok := fields["keyword"]; ok {
		in.Keyword = &v
	}
	if v, ok := fields["whole_word"]; ok {
		b := railsBool(v)
		in.WholeWord = &b
	}
	in.Destroy = railsBool(fields["_destroy"])
	return in, nil
}

// paramFields is the keyword fields of a request's top level.
func paramFields(p *params) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"keyword", "whole_word"} {
		if p.has(k) {
			out[k] = p.str(k)
		}
	}
	return out
}

// formIndex matches a form key of a nested list: name[0][field], name[][field].
var formIndex = regexp.MustCompile(`^([a-z_]+)\[([0-9]*)\]\[([a-z_]+)\]$`)

// nestedParams reads a Rails nested list: a JSON array of objects (or an
// object of them keyed by index), or form keys name[i][field]; for
// name[][field], the n-th value of each field makes the n-th item.
func nestedParams(p *params, name string) []map[string]string {
	if p.json != nil {
		raw, ok := p.json[name]
		if !ok {
			return nil
		}
		var list []map[string]json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			var byIndex map[string]map[string]json.RawMessage
			if json.Unmarshal(raw, &byIndex) != nil {
				return nil
			}
			for _, k := range sortedIndexes(byIndex) {
				list = append(list, byIndex[k])
			}
		}
		out := make([]map[string]string, 0, len(list))
		for _, item := range list {
			fields := map[string]string{}
			for k, v := range item {
				var s string
				if json.Unmarshal(v, &s) != nil {
					s = string(v)
				}
				if string(v) != "null" {
					fields[k] = s
				}
			}
			out = append(out, fields)
		}
		return out
	}
	indexed := map[string]map[string]string{}
	var unindexed []map[string]string
	for key, values := range p.c.Request.PostForm {
		m := formIndex.FindStringSubmatch(key)
		if m == nil || m[1] != name {
			continue
		}
		if m[2] == "" {
			for i, v := range values {
				for len(unindexed) <= i {
					unindexed = append(unindexed, map[string]string{})
				}
				unindexed[i][m[3]] = v
			}
			continue
		}
		if indexed[m[2]] == nil {
			indexed[m[2]] = map[string]string{}
		}
		indexed[m[2]][m[3]] = values[0]
	}
	var out []map[string]string
	for _, k := range sortedIndexes(indexed) {
		out = append(out, indexed[k])
	}
	return append(out, unindexed...)
}

// sortedIndexes orders the keys of a nested list by their number.
func sortedIndexes[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, _ := strconv.Atoi(keys[i])
		b, _ := strconv.Atoi(keys[j])
		return a < b
	})
	return keys
}

func optionalStr(p *params, key string) *string {
	if !p.has(key) {
		return nil
	}
	s := p.str(key)
	return &s
}

func optionalBool(p *params, key string) *bool {
	if !p.has(key) {
		return nil
	}
	b := p.boolean(key)
	return &b
}

func railsBool(s string) bool {
	switch strings.ToLower(s) {
	case "true", "1", "on", "t", "yes":
		return true
	}
	return false
}

// renderStatusesIn renders statuses as renderStatuses does and applies the
// viewer's filters of context where: matches are listed in "filtered",
// hidden ones are left out. The filters are loaded once for the page.
func (h *Handler) renderStatusesIn(ctx context.Context, viewer *models.Account, statuses []*models.Status, where filters.Context) ([]Status, error) {
	out, err := h.renderStatuses(ctx, viewer, statuses)
	if err != nil || viewer == nil || len(out) == 0 {
		return out, err
	}
	m, err := h.svc.Filters().Active(ctx, viewer)
	if err != nil {
		return nil, err
	}
	return applyFilters(m, where, out), nil
}

// renderStatusIn renders one status in a filter context; not found when a
// filter hides it.
func (h *Handler) renderStatusIn(ctx context.Context, viewer *models.Account, st *models.Status, where filters.Context) (Status, error) {
	list, err := h.renderStatusesIn(ctx, viewer, []*models.Status{st}, where)
	if err != nil {
		return Status{}, err
	}
	if len(list) == 0 {
		return Status{}, core.ErrNotFound
	}
	return list[0], nil
}

// applyFilters marks and drops rendered statuses by the matcher. It reads
// the rendered text (the same HTML and spoiler the status has), so a boost
// is matched by what it boosts without loading it again.
func applyFilters(m *filters.Matcher, where filters.Context, list []Status) []Status {
	if m.Empty() {
		return list
	}
	out := list[:0]
	for _, st := range list {
		var boosted *models.Status
		if st.Reblog != nil {
			boosted = matchable(st.Reblog)
		}
		results := m.Match(where, matchable(&st), boosted)
		if filters.Hidden(results) {
			continue
		}
		if len(results) > 0 {
			st.Filtered = make([]any, len(results))
			for i, r := range results {
				st.Filtered[i] = renderFilterResult(r)
			}
			if st.Reblog != nil {
				st.Reblog.Filtered = st.Filtered
			}
		}
		out = append(out, st)
	}
	return out
}

func matchable(st *Status) *models.Status {
	id, _ := strconv.ParseInt(st.ID, 10, 64)
	return &models.Status{ID: id, Content: st.Content, SpoilerText: st.SpoilerText}
}

func renderFilterResult(r filters.Result) FilterResult {
	out := FilterResult{Filter: filterHead(r.Filter), KeywordMatches: r.KeywordMatches}
	if len(r.StatusMatches) > 0 {
		out.StatusMatches = mapAll(r.StatusMatches, idString)
	}
	return out
}

// streamFilterContext is the filter context of a stream: the user stream
// is the home timeline, the others public.
func streamFilterContext(key string) filters.Context {
	if key == social.StreamUser {
		return filters.ContextHome
	}
	return filters.ContextPublic
}

// renderThread renders a thread's ancestors and descendants with the
// viewer's thread filters, loaded once for both.
func (h *Handler) renderThread(ctx context.Context, viewer *models.Account, up, down []*models.Status) (ancestors, descendants []Status, err error) {
	if ancestors, err = h.renderStatuses(ctx, viewer, up); err != nil {
		return nil, nil, err
	}
	if descendants, err = h.renderStatuses(ctx, viewer, down); err != nil {
		return nil, nil, err
	}
	m, err := h.svc.Filters().Active(ctx, viewer)
	if err != nil {
		return nil, nil, err
	}
	return applyFilters(m, filters.ContextThread, ancestors), applyFilters(m, filters.ContextThread, descendants), nil
}
