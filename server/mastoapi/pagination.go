package mastoapi

import (
	"net/http"
	"net/url"
	"plaza/server/service/core"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// pageFromQuery reads max_id, since_id, min_id and limit; bad numbers are
// ignored, as Mastodon does.
func pageFromQuery(c *gin.Context) core.Page {
	num := func(k string) int64 {
		n, _ := strconv.ParseInt(c.Query(k), 10, 64)
		return n
	}
	p := core.Page{MaxID: num("max_id"), SinceID: num("since_id"), MinID: num("min_id"), Limit: int(num("limit"))}
	if p.Limit <= 0 {
		p.Limit = core.DefaultPageLimit
	}
	if p.Limit > core.MaxPageLimit {
		p.Limit = core.MaxPageLimit
	}
	return p
}

// setLinkHeader writes Mastodon's Link header for a page whose items have
// the given ids, newest first: next pages older items (max_id), prev newer
// ones (min_id).
func (h *Handler) setLinkHeader(c *gin.Context, ids []int64) {
	if len(ids) == 0 {
		return
	}
	base := h.svc.Core().URLs().Base() + c.Request.URL.Path
	link := func(key string, id int64, rel string) string {
		q := url.Values{}
		for k, v := range c.Request.URL.Query() {
			switch k {
			case "max_id", "min_id", "since_id", "access_token":
			default:
				q[k] = v
			}
		}
		q.Set(key, strconv.FormatInt(id, 10))
		return "<" + base + "?" + q.Encode() + `>; rel="` + rel + `"`
	}
	c.Header("Link", strings.Join([]string{
		link("max_id", ids[len(ids)-1], "next"),
		link("min_id", ids[0], "prev"),
	}, ", "))
}

// idParam parses a decimal id route parameter.
func idParam(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		writeErrorStatus(c, 404, "Record not found")
		return 0, false
	}
	return id, true
}

// idAndParams reads the path's :id and the request's parameters; on a bad
// one it has answered already and ok is false.
func idAndParams(c *gin.Context) (id int64, p *params, ok bool) {
	if id, ok = idParam(c, "id"); !ok {
		return 0, nil, false
	}
	if p, ok = requestParams(c); !ok {
		return 0, nil, false
	}
	return id, p, true
}

// requestParams reads the request's parameters (query, form or JSON); on a
// bad body it has answered already and ok is false.
func requestParams(c *gin.Context) (*params, bool) {
	p, err := readParams(c)
	if err != nil {
		writeParamsError(c, err)
		return nil, false
	}
	return p, true
}

// writePage answers with a page of items, each rendered, and the Link
// header of its ids; a render error answers the error instead.
func writePage[T, V any](c *gin.Context, h *Handler, items []T, idOf func(*T) int64, render func(*T) (V, error)) {
	out := make([]V, 0, len(items))
	ids := make([]int64, 0, len(items))
	for i := range items {
		v, err := render(&items[i])
		if err != nil {
			writeError(c, err)
			return
		}
		out = append(out, v)
		ids = append(ids, idOf(&items[i]))
	}
	h.setLinkHeader(c, ids)
	c.JSON(http.StatusOK, out)
}
