package mastoapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"plaza/server/service/discovery"
)

// mountDiscovery adds trends, follow suggestions and the translation
// languages (none: Plaza has no translator, so the list is empty, as on a
// Mastodon server without one).
func (h *Handler) mountDiscovery(r *gin.Engine) {
	r.GET("/api/v1/trends", h.trendingTags)
	r.GET("/api/v1/trends/tags", h.trendingTags)
	r.GET("/api/v1/trends/statuses", h.optional("read:statuses"), h.trendingStatuses)
	r.GET("/api/v1/trends/links", h.trendingLinks)
	r.GET("/api/v1/suggestions", h.user("read"), h.suggestions(false))
	r.GET("/api/v2/suggestions", h.user("read"), h.suggestions(true))
	r.GET("/api/v1/instance/translation_languages", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{}) })
}

func queryInt(c *gin.Context, key string) int {
	n, _ := strconv.Atoi(c.Query(key))
	return n
}

// TagHistoryDay is one day of Mastodon's Tag history (numbers as strings).
type TagHistoryDay struct {
	Day      string `json:"day"`
	Uses     string `json:"uses"`
	Accounts string `json:"accounts"`
}

// TrendingTag is Mastodon's Tag entity with its history.
type TrendingTag struct {
	Name    string          `json:"name"`
	URL     string          `json:"url"`
	History []TagHistoryDay `json:"history"`
}

func (h *Handler) trendingTags(c *gin.Context) {
	tags, err := h.svc.Discovery().TrendingTags(c.Request.Context(), queryInt(c, "limit"), queryInt(c, "offset"))
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]TrendingTag, len(tags))
	for i, t := range tags {
		out[i] = TrendingTag{Name: t.Name, URL: h.svc.Core().URLs().Tag(t.Name), History: historyDays(t.History)}
	}
	c.JSON(http.StatusOK, out)
}

// historyDays is Mastodon's history of a tag or a link.
func historyDays(days []discovery.Day) []TagHistoryDay {
	out := make([]TagHistoryDay, len(days))
	for j, d := range days {
		out[j] = TagHistoryDay{Day: strconv.FormatInt(d.Start.Unix(), 10),
			Uses: strconv.FormatInt(d.Uses, 10), Accounts: strconv.FormatInt(d.Accounts, 10)}
	}
	return out
}

// TrendsLink is Mastodon's PreviewCard with its history. Plaza fetches no
// page to preview, so the card is the link itself: its address as the
// title and its host as the provider, no image.
type TrendsLink struct {
	URL          string          `json:"url"`
	Title        string          `json:"title"`
	Description  string          `json:"description"`
	Type         string          `json:"type"`
	AuthorName   string          `json:"author_name"`
	AuthorURL    string          `json:"author_url"`
	ProviderName string          `json:"provider_name"`
	ProviderURL  string          `json:"provider_url"`
	HTML         string          `json:"html"`
	Width        int             `json:"width"`
	Height       int             `json:"height"`
	Image        *string         `json:"image"`
	EmbedURL     string          `json:"embed_url"`
	Blurhash     *string         `json:"blurhash"`
	Authors      []any           `json:"authors"`
	History      []TagHistoryDay `json:"history"`
}

func (h *Handler) trendingLinks(c *gin.Context) {
	links, err := h.svc.Discovery().TrendingLinks(c.Request.Context(), queryInt(c, "limit"), queryInt(c, "offset"))
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]TrendsLink, len(links))
	for i, l := range links {
		u, _ := url.Parse(l.URL) // the area keeps only links that parse
		title := u.Host + u.EscapedPath()
		out[i] = TrendsLink{URL: l.URL, Title: strings.TrimSuffix(title, "/"), Type: "link", ProviderName: u.Host,
			ProviderURL: u.Scheme + "://" + u.Host, Authors: []any{}, History: historyDays(l.History)}
	}
	c.JSON(http.StatusOK, out)
}

func (h *Handler) trendingStatuses(c *gin.Context) {
	viewer := currentAccount(c)
	list, err := h.svc.Discovery().TrendingStatuses(c.Request.Context(), viewer, queryInt(c, "limit"), queryInt(c, "offset"))
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.renderStatuses(c.Request.Context(), viewer, list)
	reply(c, out, err)
}

// Suggestion is Mastodon's v2 Suggestion entity.
type Suggestion struct {
	Source  string   `json:"source"`
	Sources []string `json:"sources"`
	Account Account  `json:"account"`
}

// suggestions answers v1 (accounts) or v2 (suggestions with their source).
func (h *Handler) suggestions(v2 bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		list, err := h.svc.Discovery().Suggestions(c.Request.Context(), currentAccount(c), queryInt(c, "limit"))
		if err != nil {
			writeError(c, err)
			return
		}
		accts, err := h.renderAccounts(c.Request.Context(), list)
		if err != nil {
			writeError(c, err)
			return
		}
		if !v2 {
			c.JSON(http.StatusOK, accts)
			return
		}
		out := make([]Suggestion, len(accts))
		for i, a := range accts {
			// Mastodon's v1 source name for "followed by people you follow".
			out[i] = Suggestion{Source: "past_interactions", Sources: []string{"friends_of_friends"}, Account: a}
		}
		c.JSON(http.StatusOK, out)
	}
}
