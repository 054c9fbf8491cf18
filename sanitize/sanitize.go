// Package sanitize holds the one policy Plaza applies to everything that
// comes from another server: the HTML of statuses, bios and profile fields,
// and the URLs read from remote documents. It imports no project package so
// that both federation and server/service can use it.
package sanitize

import (
	"html"
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// policy keeps what Mastodon keeps of remote HTML (its MASTODON_STRICT
// config): text formatting and http(s) links, no scripts, styles, images,
// forms or event handlers. Classes are limited to the microformats and the
// few names Mastodon itself emits, so remote markup cannot borrow the web
// UI's own classes. A built bluemonday policy is safe for concurrent use.
// strict keeps no markup at all; built once, as policy is (the search index
// reduces every status written to plain text with it).
var strict = bluemonday.StrictPolicy()

var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "span", "a", "del", "s", "pre", "code", "em", "strong", "b", "i", "u",
		"ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "sup", "sub")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^[A-Za-z ]*$`)).OnElements("a")
	p.AllowAttrs("class").Matching(classList).OnElements("a", "span")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("reversed").Matching(regexp.MustCompile(`^(reversed)?$`)).OnElements("ol")
	// A link must pass the same rule as every other remote URL: bluemonday
	// alone would keep "http:" without a host.
	hasHost := func(u *url.URL) bool { return URL(u.String()) != "" }
	p.AllowURLSchemeWithCustomPolicy("http", hasHost)
	p.AllowURLSchemeWithCustomPolicy("https", hasHost)
	p.RequireParseableURLs(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	return p
}()

// classList matches a class attribute made only of microformats classes
// (h-card, u-url, ...) and Mastodon's mention, hashtag, ellipsis and invisible.
var classList = regexp.MustCompile(`^\s*(((h|p|u|dt|e)-[A-Za-z0-9_-]+|mention|hashtag|ellipsis|invisible)(\s+|$))*$`)

// HTML cleans HTML received from another server.
func HTML(raw string) string {
	if raw == "" {
		return ""
	}
	return policy.Sanitize(raw)
}

// Text reduces remote HTML to plain text: paragraphs and line breaks
// become newlines, every tag goes, entities are decoded.
func Text(raw string) string {
	raw = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "</p>", "\n\n").Replace(raw)
	return strings.TrimSpace(html.UnescapeString(strict.Sanitize(raw)))
}

// URL returns raw when it is an absolute http or https URL with a host, and
// "" otherwise (javascript:, data:, relative references, unparseable text).
// Every URL read from a remote document goes through it before it is stored
// or shown to a client.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return ""
	}
	return raw
}
