package sanitize

import (
	"strings"
	"testing"
)

// hostile is remote HTML using every way Plaza knows of to run script,
// load content or restyle the page.
var hostile = []string{
	`<p>hi<script>alert(1)</script></p>`,
	`<img src=x onerror=alert(1)>`,
	`<p onclick="alert(1)" style="position:fixed;top:0">click</p>`,
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="JaVaScRiPt:alert(1)">x</a>`,
	`<a href=" javascript:alert(1)">x</a>`,
	`<a href="java&#x09;script:alert(1)">x</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
	`<a href="vbscript:msgbox(1)">x</a>`,
	`<a href="/relative">x</a>`,
	`<span style="color:red" class="modal-overlay">x</span>`,
	`<iframe src="https://evil.test/"></iframe><object data="x"></object><embed src="x">`,
	`<form action="https://evil.test/"><input name=p><button>go</button></form>`,
	`<svg><script>alert(1)</script></svg><math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
	`<style>body{display:none}</style><link rel=stylesheet href="https://evil.test/x.css">`,
	`<a href="https://ok.test/" onmouseover="alert(1)" style="font-size:99em">ok</a>`,
}

func TestHTMLDropsActiveContent(t *testing.T) {
	for _, in := range hostile {
		t.Run(in, func(t *testing.T) {
			out := strings.ToLower(HTML(in))
			for _, bad := range []string{"<script", "<img", "<iframe", "<object", "<embed", "<form", "<input", "<svg", "<style", "<link",
				"onerror", "onclick", "onmouseover", "style=", "javascript:", "vbscript:", "data:", `href="/relative"`, "modal-overlay"} {
				if strings.Contains(out, bad) {
					t.Errorf("HTML(%q) = %q keeps %q", in, out, bad)
				}
			}
		})
	}
}

func TestHTMLKeepsFormattingAndLinks(t *testing.T) {
	in := `<p>Hi <span class="h-card"><a href="https://remote.test/@bob" class="u-url mention">@<span>bob</span></a></span> ` +
		`<a href="https://remote.test/tags/go" class="mention hashtag" rel="tag">#go</a><br><strong>bold</strong> <em>it</em></p>` +
		`<blockquote><code>x</code></blockquote><ol start="3"><li>three</li></ol>`
	out := HTML(in)
	for _, want := range []string{`<p>`, `<br>`, `<strong>bold</strong>`, `<em>it</em>`, `<blockquote><code>x</code></blockquote>`, `<ol start="3">`,
		`<span class="h-card">`, `href="https://remote.test/@bob"`, `class="u-url mention"`, `class="mention hashtag"`, `rel="tag nofollow noopener"`,
		`target="_blank"`} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lost %q:\n%s", want, out)
		}
	}
}

func TestText(t *testing.T) {
	got := Text(`<p>one &amp; two</p><p>three<br>four<script>x</script></p>`)
	if got != "one & two\n\nthree\nfour" {
		t.Fatalf("Text = %q", got)
	}
}

func TestURL(t *testing.T) {
	for in, want := range map[string]bool{
		"https://remote.test/@bob":         true,
		"http://remote.test:8080/a?b=c#d":  true,
		"HTTPS://remote.test/x":            true,
		"javascript:alert(1)":              false,
		"JavaScript:alert(1)":              false,
		" javascript:alert(1)":             false,
		"data:image/png;base64,AAAA":       false,
		"vbscript:x":                       false,
		"ftp://remote.test/x":              false,
		"//remote.test/x":                  false,
		"/users/bob":                       false,
		"https:///nohost":                  false,
		"https:remote.test":                false,
		"":                                 false,
		"https://remote.test/\x00":         false,
		"tag:mastodon.example.org,2018:42": false,
	} {
		if got := URL(in); (got != "") != want || (want && got != in) {
			t.Errorf("URL(%q) = %q, want kept=%v", in, got, want)
		}
	}
}
