package web

import (
	"html"
	"html/template"
	"strings"

	"plaza/models"
)

// emojify shows the custom emoji of list in sanitised HTML: each
// :shortcode: in the text (never inside a tag) becomes its image, served
// by this instance (a remote one through the cache, urlOf).
func emojify(content string, list []models.CustomEmoji, urlOf func(*models.CustomEmoji) string) template.HTML {
	if len(list) == 0 {
		return template.HTML(content) // #nosec G203 -- content is sanitised HTML
	}
	img := make(map[string]string, len(list))
	for i := range list {
		e := &list[i]
		code := ":" + e.Shortcode + ":"
		img[code] = `<img class="emoji" src="` + html.EscapeString(urlOf(e)) + `" alt="` + code + `" title="` + code + `" draggable="false">`
	}
	var b strings.Builder
	inTag := false
	for i := 0; i < len(content); i++ {
		c := content[i]
		switch {
		case c == '<':
			inTag = true
		case c == '>':
			inTag = false
		case c == ':' && !inTag:
			if end := strings.IndexByte(content[i+1:], ':'); end > 0 {
				if tag, ok := img[content[i:i+end+2]]; ok {
					b.WriteString(tag)
					i += end + 1
					continue
				}
			}
		}
		b.WriteByte(c)
	}
	return template.HTML(b.String()) // #nosec G203 -- sanitised HTML and our own img tags
}
