package sanitize

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// FuzzSanitizeHTML holds the remote HTML policy's promises for any input:
// no script element, no event handler attribute, no style, no link that is
// not http(s), and sanitising its own output changes nothing.
func FuzzSanitizeHTML(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add(`<p>Hi <span class="h-card"><a href="https://remote.test/@bob" class="u-url mention">@<span>bob</span></a></span></p>`)
	f.Add(`<a href="https://remote.test/" rel="nofollow noopener" target="_blank">x</a>`)
	f.Fuzz(func(t *testing.T, in string) {
		out := HTML(in)
		checkSafe(t, out)
		if again := HTML(out); again != out {
			t.Fatalf("not stable:\n in   %q\n once %q\n twice %q", in, out, again)
		}
	})
}

// checkSafe parses out as a browser would and fails on anything active.
func checkSafe(t *testing.T, out string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if tok.Data == "script" || tok.Data == "style" || tok.Data == "img" || tok.Data == "iframe" {
				t.Fatalf("%s element survived: %q", tok.Data, out)
			}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "src" {
					t.Fatalf("attribute %s survived: %q", a.Key, out)
				}
				if key == "href" && URL(strings.TrimSpace(a.Val)) == "" {
					t.Fatalf("href %q survived: %q", a.Val, out)
				}
			}
		}
	}
}
