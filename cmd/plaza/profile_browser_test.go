package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"plaza/models"
	"plaza/server/service/accounts"
)

// TestBrowserProfilesAndCompose, at 1280 and 390 px: alice on A opens bob's
// profile on B that A has never been sent anything of. She sees his counts
// and fields and his posts (fetched from his outbox on first view), the long
// one folded behind "Show more"; every image on the page comes from A and
// loads. She then posts four images with a description each, watching the
// character counter, and the post shows the four; a fifth image is refused
// by the server, not only by the page.
func TestBrowserProfilesAndCompose(t *testing.T) {
	tb := browser(t)
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	a.createUser(t, "alice")
	bob := b.createUser(t, "bob")
	fields := []models.AccountField{{Name: "Pronouns", Value: "he/him"}, {Name: "Website", Value: "https://bob.example/"}}
	if _, err := b.svc.Accounts().UpdateProfile(ctx, bob, accounts.ProfileInput{Fields: &fields}); err != nil {
		t.Fatal(err)
	}
	b.post(t, bob, "A short hello from bob", models.VisibilityPublic, nil)
	long := "The long story begins here. " + strings.Repeat("It goes on and on, more than a screen would want. ", 18) + "THE-VERY-END."
	b.post(t, bob, long, models.VisibilityPublic, nil)
	a.resolve(t, "bob@"+b.host)
	tb.signIn(t, a, "alice")

	dir := t.TempDir()
	var images []string
	for i := 1; i <= 5; i++ {
		p := filepath.Join(dir, fmt.Sprintf("photo-%d.png", i))
		if err := os.WriteFile(p, testPNG(t), 0o600); err != nil {
			t.Fatal(err)
		}
		images = append(images, p)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	check := func(what, js string) {
		t.Helper()
		if ok := value(t, tb, what, chromedp.Evaluate[bool](js)); !ok {
			t.Fatalf("%s: not so%s", what, tb.pageState())
		}
	}

	for _, w := range []int64{1280, 390} {
		at := fmt.Sprintf(" at %d px", w)
		tb.step(t, "remote profile"+at, chromedp.EmulateViewport(w, 900),
			chromedp.Navigate(a.url("/@bob@"+b.host)), chromedp.WaitVisible(css(`#profile-counts`)),
			chromedp.WaitVisible(css(`details.long-post summary`)))
		tb.pageOK(t, "remote profile"+at)
		check("counts"+at, `(function(){var t=document.querySelector("#profile-counts").innerText; return /2\s+posts/.test(t) && /0\s+followers/.test(t) && /0\s+following/.test(t)})()`)
		check("fields"+at, `(function(){var t=document.querySelector("dl.fields").innerText; return t.includes("Pronouns") && t.includes("he/him") && !!document.querySelector('dl.fields a[rel~=me][href="https://bob.example/"]')})()`)
		check("short post shown"+at, `document.body.innerText.includes("A short hello from bob")`)
		check("long post folded"+at, `(function(){var d=document.querySelector("details.long-post"); return !d.open && !d.querySelector(".content").checkVisibility() && d.querySelector("summary").innerText.includes("Show more") && !d.querySelector("summary").innerText.includes("THE-VERY-END")})()`)
		check("images from this origin and loaded"+at, `Array.from(document.images).length > 0 && Array.from(document.images).every(function(i){return i.src.startsWith(location.origin + "/") && i.complete && i.naturalWidth > 0})`)
		check("no sideways scroll"+at, `document.documentElement.scrollWidth <= window.innerWidth`)
		tb.step(t, "show more"+at, chromedp.Click(css(`details.long-post summary`)),
			chromedp.WaitVisible(css(`details.long-post[open] .content`)))
		check("long post opened"+at, `document.querySelector("details.long-post .content").checkVisibility() && document.querySelector("details.long-post").innerText.includes("THE-VERY-END")`)

		text := "Four pictures" + at
		tb.step(t, "compose four images"+at, chromedp.Navigate(a.url("/home")), chromedp.WaitVisible(css(`#compose`)),
			chromedp.SendKeys(css(`#status-text`), text),
			chromedp.Click(css(`#compose details.more summary`)),
			chromedp.SetUploadFiles(css(`#media`), images[:4]),
			chromedp.WaitVisible(css(`#media-preview figure:nth-child(4) img[src^="data:image/png"]`)))
		check("counter"+at, fmt.Sprintf(`document.querySelector("#char-counter").innerText === "%d characters left"`, 5000-len(text)))
		check("four description fields"+at, `Array.from(document.querySelectorAll(".alt-row")).filter(function(r){return !r.hidden}).length === 4 && document.querySelector("#media-limit").hidden`)
		for i := 1; i <= 4; i++ {
			tb.step(t, "describe image", chromedp.SendKeys(css(fmt.Sprintf(`#alt-%d`, i)), fmt.Sprintf("Picture %d", i)))
		}
		tb.step(t, "post four images"+at, chromedp.Click(css(`#post-button`)),
			chromedp.WaitVisible(chromedp.Search(fmt.Sprintf(`//article[contains(., %q)]`, text))))
		tb.pageOK(t, "home after posting images"+at)
		check("four images posted"+at, fmt.Sprintf(`(function(){var a=Array.from(document.querySelectorAll("article.status")).find(function(x){return x.innerText.includes(%q)}); var imgs=a.querySelectorAll(".media img"); return imgs.length === 4 && imgs[3].alt === "Picture 4" && imgs[0].alt === "Picture 1"})()`, text))
		check("no sideways scroll on home"+at, `document.documentElement.scrollWidth <= window.innerWidth`)
	}
	tb.step(t, "profile back", chromedp.Navigate(a.url("/@bob@"+b.host)), chromedp.WaitVisible(css(`#profile-counts`)))
	tb.screenshots(t, "remote-profile")

	// Five images: the page warns, and the server refuses the post.
	tb.step(t, "counter over the limit", chromedp.Navigate(a.url("/home")), chromedp.WaitVisible(css(`#compose`)),
		chromedp.SetValue(css(`#status-text`), strings.Repeat("x", 5003)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#status-text").removeAttribute("maxlength"); document.querySelector("#status-text").dispatchEvent(new Event("input", {bubbles: true}))`))
	check("counter says too many", `document.querySelector("#char-counter").innerText === "3 characters too many" && document.querySelector("#char-counter").classList.contains("over")`)
	tb.stepAllowingErrorStatus(t, "five images", chromedp.SetValue(css(`#status-text`), "Five pictures"),
		chromedp.Click(css(`#compose details.more summary`)),
		chromedp.SetUploadFiles(css(`#media`), images),
		chromedp.WaitVisible(css(`#media-limit`)),
		chromedp.Click(css(`#post-button`)), chromedp.WaitVisible(css(`#compose-error`)))
	check("server refuses five", `document.querySelector("#compose-error").innerText.includes("at most 4 images")`)
	tb.screenshots(t, "compose-error")
}
