package core

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"plaza/models"
	"plaza/sanitize"
)

// tokenPattern finds links, mentions and hashtags in plain text. Go's
// regexp has no look-behind, so what precedes a match is checked in code.
var tokenPattern = regexp.MustCompile(`(https?://[^\s<>"']+[^\s<>"'.,;:!?)\]])|@([A-Za-z0-9_]+)(?:@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+(?::[0-9]+)?))?|#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)`)

// TextToken is one link, mention or hashtag found in a local post.
type TextToken struct {
	start, end int
	url        string // a link
	user, host string // a mention (host empty: no host given)
	tag        string // a hashtag, as written
}

// ScanText returns the links, mentions and hashtags of plain text.
func ScanText(text string) []TextToken {
	var out []TextToken
	for _, m := range tokenPattern.FindAllStringSubmatchIndex(text, -1) {
		if m[0] > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:m[0]])
			// "a@b" is an e-mail, "x#y" an anchor: a mention or tag starts a word.
			if unicode.IsLetter(prev) || unicode.IsDigit(prev) || strings.ContainsRune("_@#/&.", prev) {
				continue
			}
		}
		t := TextToken{start: m[0], end: m[1]}
		switch {
		case m[2] >= 0:
			t.url = text[m[2]:m[3]]
		case m[4] >= 0:
			t.user = text[m[4]:m[5]]
			if m[6] >= 0 {
				t.host = strings.ToLower(text[m[6]:m[7]])
			}
		default:
			t.tag = text[m[8]:m[9]]
		}
		out = append(out, t)
	}
	return out
}

// handleKey is how a mention is looked up: "user" or "user@host", lower case.
func (t TextToken) handleKey() string {
	if t.host == "" {
		return strings.ToLower(t.user)
	}
	return strings.ToLower(t.user) + "@" + t.host
}

// RenderText turns a local post's plain text into HTML: everything escaped,
// paragraphs and line breaks kept, links, known mentions and hashtags
// linked as Mastodon does. mentions maps handleKey to the account.
func (s *Base) RenderText(text string, toks []TextToken, mentions map[string]*models.Account) string {
	var b strings.Builder
	pos := 0
	for _, t := range toks {
		var link string
		switch {
		case t.url != "":
			link = `<a href="` + html.EscapeString(t.url) + `" target="_blank" rel="nofollow noopener noreferrer">` + html.EscapeString(t.url) + `</a>`
		case t.user != "":
			a := mentions[t.handleKey()]
			if a == nil {
				continue
			}
			href := a.URL
			if href == "" {
				href = a.URI
			}
			link = `<span class="h-card" translate="no"><a href="` + html.EscapeString(href) + `" class="u-url mention">@<span>` +
				html.EscapeString(a.Username) + `</span></a></span>`
		default:
			link = `<a href="` + html.EscapeString(s.urls.Tag(strings.ToLower(t.tag))) + `" class="mention hashtag" rel="tag">#<span>` +
				html.EscapeString(t.tag) + `</span></a>`
		}
		b.WriteString(html.EscapeString(text[pos:t.start]))
		b.WriteString(link)
		pos = t.end
	}
	b.WriteString(html.EscapeString(text[pos:]))
	return paragraphs(b.String())
}

// paragraphs wraps blank-line separated blocks in <p> and turns single
// newlines into <br>.
func paragraphs(escaped string) string {
	escaped = strings.ReplaceAll(escaped, "\r\n", "\n")
	var b strings.Builder
	for _, para := range strings.Split(escaped, "\n\n") {
		para = strings.Trim(para, "\n")
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(para, "\n", "<br>"))
		b.WriteString("</p>")
	}
	return b.String()
}

// SanitizeHTML cleans HTML received from another server with the one
// remote HTML policy (package sanitize), shared with actor bios.
func SanitizeHTML(raw string) string { return sanitize.HTML(raw) }

// StripHTML reduces HTML to its text, for the Text of remote statuses.
func StripHTML(raw string) string { return sanitize.Text(raw) }
