package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/server/service/core"
)

const chromiumPath = "/usr/bin/chromium"

// stepTimeout bounds one browser step: a missing element fails the test
// after this long instead of hanging it.
const stepTimeout = 10 * time.Second

// tab is a browser tab in a test, with what it saw: the documents that
// answered with an error status and the JavaScript dialogs that opened.
type tab struct {
	ctx context.Context

	mu        sync.Mutex
	badStatus []string // "404 http://…" for each document with status >= 400
	dialogs   []string // messages of the dialogs that opened
	// checkouts are the documents asked for on the way to Stripe Checkout:
	// the payee's checkout page and the https page it sends to (blocked).
	checkouts []string
}

// browser starts a headless Chromium with a fresh profile; tests fail (not
// skip) without it, since CI installs it.
func browser(t *testing.T) *tab {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("Chromium is required for the web UI tests: %s is missing (apt-get install chromium)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(430, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first call starts the browser, which lives as long as ctx: no
	// timeout on it, only on the steps.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return watchTab(t, ctx)
}

// newContext opens a tab in a fresh browser context of tb's browser: its
// own cookies and storage, as another person's browser would have.
func (tb *tab) newContext(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	return watchTab(t, ctx)
}

// watchTab records the error statuses and dialogs of the tab of ctx.
func watchTab(t *testing.T, ctx context.Context) *tab {
	t.Helper()
	tb := &tab{ctx: ctx}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if e.Type == network.ResourceTypeDocument && e.Request != nil && (strings.HasPrefix(e.Request.URL, "https://") || strings.Contains(e.Request.URL, "/payments/checkout/")) {
				tb.mu.Lock()
				tb.checkouts = append(tb.checkouts, e.Request.URL)
				tb.mu.Unlock()
			}
		case *network.EventResponseReceived:
			if e.Type == network.ResourceTypeDocument && e.Response != nil && e.Response.Status >= 400 {
				tb.mu.Lock()
				tb.badStatus = append(tb.badStatus, fmt.Sprintf("%d %s", e.Response.Status, e.Response.URL))
				tb.mu.Unlock()
			}
		case *page.EventJavascriptDialogOpening:
			tb.mu.Lock()
			tb.dialogs = append(tb.dialogs, e.Message)
			tb.mu.Unlock()
			// A listener must not send commands itself.
			go func() {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	})
	if err != nil {
		t.Fatalf("listen to chromium: %v", err)
	}
	// The test instances speak http; anything https is elsewhere (Stripe
	// Checkout) and is not loaded, only recorded.
	if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
		URLPatterns: []*network.BlockPattern{{URLPattern: "https://*:*/*", Block: true}}}); err != nil {
		t.Fatalf("block https in chromium: %v", err)
	}
	return tb
}

// step runs browser actions and fails the test, naming the step, if one
// fails, an expected element is missing within stepTimeout, or a page
// answered with an error status.
func (tb *tab) step(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tb.stepAllowingErrorStatus(t, what, steps...)
	tb.checkStatus(t, what)
}

// stepAllowingErrorStatus is step for a page that answers with an error
// status on purpose, such as a refused sign-in.
func (tb *tab) stepAllowingErrorStatus(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("%s: %v%s", what, err, tb.pageState())
	}
	tb.mu.Lock()
	tb.badStatus = nil
	tb.mu.Unlock()
}

// value runs one browser action that reads a value.
func value[T any](t *testing.T, tb *tab, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("%s: %v%s", what, err, tb.pageState())
	}
	return v
}

// has loads url, waits for the element ready and tells whether the page
// shows text; for polling, so errors just mean "not yet".
func (tb *tab) has(url, ready, text string) bool {
	sctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(ready))); err != nil {
		return false
	}
	found, err := chromedp.Run(sctx, chromedp.Evaluate[bool](fmt.Sprintf("document.body.innerText.includes(%q)", text)))
	return err == nil && found
}

// pageState describes the page for a failure message.
func (tb *tab) pageState() string {
	sctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(sctx, chromedp.Evaluate[string](`location.href + " — " + document.title + "\n" + document.body.innerText.slice(0, 600)`))
	if err != nil {
		return ""
	}
	return "\npage: " + s
}

func (tb *tab) checkStatus(t *testing.T, what string) {
	t.Helper()
	tb.mu.Lock()
	bad := tb.badStatus
	tb.badStatus = nil
	tb.mu.Unlock()
	if len(bad) > 0 {
		t.Fatalf("%s: pages answered with errors: %v%s", what, bad, tb.pageState())
	}
}

// pageOK checks the page is not an error page.
func (tb *tab) pageOK(t *testing.T, what string) {
	t.Helper()
	tb.checkStatus(t, what)
	title := value(t, tb, what+": read title", chromedp.Title())
	for _, bad := range []string{"Not found", "Something went wrong", "Form expired", "Not allowed", "Too many"} {
		if strings.HasPrefix(title, bad) {
			t.Fatalf("%s: error page %q%s", what, title, tb.pageState())
		}
	}
	isError := value(t, tb, what+": error template", chromedp.Evaluate[bool](`!!document.querySelector("#error-page")`))
	if isError {
		t.Fatalf("%s: error page %q%s", what, title, tb.pageState())
	}
}

// screenshot saves a full-page PNG under docs/screenshots when
// PLAZA_TEST_SCREENSHOTS=1.
func (tb *tab) screenshot(t *testing.T, name string) {
	t.Helper()
	if os.Getenv("PLAZA_TEST_SCREENSHOTS") != "1" {
		return
	}
	buf := value(t, tb, "screenshot "+name, chromedp.FullScreenshot(100))
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserWebUI is the web UI's story, in a real browser against two
// real instances: alice signs up on A, posts and replies, follows bob on B
// and sees his post arrive, exchanges direct messages with him, changes her
// avatar and signs out. A hostile remote post runs nothing.
func TestBrowserWebUI(t *testing.T) {
	tb := browser(t)
	mediaA := t.TempDir()
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), func(c *Config) {
		c.Instance.OpenRegistrations, c.Instance.Name = true, "Plaza A"
		c.Instance.Description = "A small Plaza for friends."
		c.Storage.Path = mediaA
	})
	b := startInstance(t, "127.0.0.3")
	bob := b.createUser(t, "bob")
	ctx := context.Background()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	articleWith := func(text string) chromedp.Search {
		return chromedp.Search(fmt.Sprintf(`//article[contains(., %q)]`, text))
	}

	// Landing, sign up.
	a.post(t, a.createUser(t, "carol"), "Welcome to Plaza A! #hello", models.VisibilityPublic, nil)
	tb.step(t, "landing", chromedp.Navigate(a.url("/")), chromedp.WaitVisible(css(`#sign-up-link`)),
		chromedp.WaitVisible(css(`article.status`)))
	tb.pageOK(t, "landing")
	tb.screenshot(t, "landing")
	tb.step(t, "sign up",
		chromedp.Click(css(`#sign-up-link`)), chromedp.WaitVisible(css(`#sign-up-form`)),
		chromedp.SendKeys(css(`#username`), "alice"), chromedp.SendKeys(css(`#email`), "alice@example.test"),
		chromedp.SendKeys(css(`#password`), "correct horse battery"),
		chromedp.SendKeys(css(`#password-confirmation`), "correct horse battery"),
		chromedp.Click(css(`#sign-up-button`)), chromedp.WaitVisible(css(`#compose`)))
	tb.pageOK(t, "home after sign-up")

	// Sign out, fail to sign in, sign in.
	tb.step(t, "sign out", chromedp.Click(css(`#sign-out`)), chromedp.WaitVisible(css(`#nav-sign-in`)))
	tb.stepAllowingErrorStatus(t, "wrong password",
		chromedp.Navigate(a.url("/auth/sign_in")), chromedp.WaitVisible(css(`#sign-in-form`)),
		chromedp.SendKeys(css(`#username`), "alice"), chromedp.SendKeys(css(`#password`), "wrong password"),
		chromedp.Click(css(`#sign-in-button`)), chromedp.WaitVisible(css(`#form-error`)))
	tb.step(t, "sign in", chromedp.Navigate(a.url("/auth/sign_in")), chromedp.WaitVisible(css(`#sign-in-form`)),
		chromedp.SendKeys(css(`#username`), "alice"), chromedp.SendKeys(css(`#password`), "correct horse battery"),
		chromedp.Click(css(`#sign-in-button`)), chromedp.WaitVisible(css(`#compose`)))
	tb.pageOK(t, "home after sign-in")

	// Post, open the thread, reply.
	tb.step(t, "post",
		chromedp.SendKeys(css(`#status-text`), "Hello from the browser!"),
		chromedp.Click(css(`#post-button`)),
		chromedp.WaitVisible(articleWith("Hello from the browser!")))
	tb.pageOK(t, "home after posting")
	tb.step(t, "open thread",
		chromedp.Click(chromedp.Search(`//article[contains(., "Hello from the browser!")]//a[contains(@class, "time")]`)),
		chromedp.WaitVisible(css(`article.status.focus`)), chromedp.WaitVisible(css(`#reply textarea`)),
		chromedp.SendKeys(css(`#status-text`), "And a reply."),
		chromedp.Click(css(`#post-button`)),
		chromedp.WaitVisible(articleWith("And a reply.")))
	tb.pageOK(t, "thread after reply")
	if n := value(t, tb, "count thread", chromedp.Evaluate[int](`document.querySelectorAll(".thread article.status").length`)); n != 2 {
		t.Fatalf("thread shows %d posts, want 2%s", n, tb.pageState())
	}
	tb.step(t, "favourite", chromedp.Click(css(`.status.focus button.fav`)),
		chromedp.WaitVisible(css(`.status.focus button.fav.on`)))
	tb.pageOK(t, "thread after favourite")
	tb.screenshot(t, "thread")

	// Find bob on B by his handle and follow him.
	bobHandle := "bob@" + b.host
	tb.step(t, "search remote account",
		chromedp.Navigate(a.url("/search")), chromedp.WaitVisible(css(`#q`)),
		chromedp.SendKeys(css(`#q`), "@"+bobHandle), chromedp.Click(css(`#search-button`)),
		chromedp.WaitVisible(css(`.accounts a.account`)),
		chromedp.Click(css(`.accounts a.account`)),
		chromedp.WaitVisible(css(`#follow-button`)),
		chromedp.Click(css(`#follow-button`)),
		chromedp.WaitVisible(css(`#profile-name`)))
	tb.pageOK(t, "remote profile after follow")
	aliceOnB := b.resolve(t, "alice@"+a.host)
	eventually(t, "bob has alice as follower", func() bool {
		rel, err := b.svc.Social().Relationship(ctx, bob, aliceOnB)
		return err == nil && rel.FollowedBy
	})
	b.post(t, bob, "Greetings from B", models.VisibilityPublic, nil)
	eventually(t, "bob's post on alice's home page", func() bool {
		return tb.has(a.url("/home"), `#compose`, "Greetings from B")
	})
	tb.pageOK(t, "home with bob's post")
	tb.screenshot(t, "home")

	// Alice writes to bob from the browser: "Message" opens a new chat
	// with bob chosen as its member; bob answers; she reads and replies.
	msgWith := func(text string) chromedp.Search {
		return chromedp.Search(fmt.Sprintf(`//li[contains(@class, "msg") and contains(., %q)]`, text))
	}
	tb.step(t, "write a DM",
		chromedp.Navigate(a.url("/@"+bobHandle)), chromedp.WaitVisible(css(`#message-button`)),
		chromedp.Click(css(`#message-button`)), chromedp.WaitVisible(css(`#chat-text`)),
		chromedp.SendKeys(css(`#chat-text`), "psst, a secret"),
		chromedp.Click(css(`#start-chat`)), chromedp.WaitVisible(msgWith("psst, a secret")))
	tb.pageOK(t, "after sending a DM")
	b.acceptRequest(t, bob, "alice") // bob does not follow alice
	var dmOnB *models.Status
	eventually(t, "the DM reaches bob", func() bool {
		list, err := b.svc.Messaging().Conversations(ctx, bob, servicePage())
		if err != nil || len(list) == 0 || list[0].LastStatus == nil {
			return false
		}
		dmOnB = list[0].LastStatus
		return strings.Contains(dmOnB.Content, "psst")
	})
	b.post(t, bob, "@alice@"+a.host+" got it, see you", models.VisibilityDirect, &dmOnB.ID)
	eventually(t, "bob's answer in alice's chats", func() bool {
		return tb.has(a.url("/chats"), `.chats`, "got it, see you")
	})
	tb.step(t, "read the conversation and reply",
		chromedp.Click(css(`a.chat-link`)),
		chromedp.WaitVisible(msgWith("psst, a secret")),
		chromedp.WaitVisible(msgWith("got it, see you")),
		chromedp.SendKeys(css(`#message-text`), "great!"),
		chromedp.Click(css(`#send-button`)),
		chromedp.WaitVisible(msgWith("great!")))
	tb.pageOK(t, "conversation after reply")
	tb.screenshot(t, "conversation")

	// A hostile post from bob's server, through A's real inbox: sanitised at
	// storage, and the page's CSP would stop what slipped through.
	hostile := `<p>hi <script>window.__pwned=1;alert(1)</script><img src="x" onerror="window.__pwned=2;alert(2)">` +
		`<a href="javascript:window.__pwned=3;alert(3)" id="evil" onclick="window.__pwned=5;alert(5)">click me</a>` +
		`<svg onload="window.__pwned=4;alert(4)"></svg></p>`
	deliverNote(t, b, bob, a, hostile)
	eventually(t, "hostile post on alice's home page", func() bool {
		return tb.has(a.url("/home"), `#compose`, "click me")
	})
	tb.pageOK(t, "home with the hostile post")
	html := value(t, tb, "read the hostile post", chromedp.Evaluate[string](
		`[...document.querySelectorAll("article.status")].filter(x => x.textContent.includes("click me")).map(x => x.outerHTML).join("\n")`))
	if html == "" {
		t.Fatalf("hostile post not found in the DOM%s", tb.pageState())
	}
	for _, bad := range []string{"<script", "onerror", "onload", "onclick", "javascript:", "<svg"} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("hostile post keeps %q in the DOM:\n%s", bad, html)
		}
	}
	tb.step(t, "click the hostile link",
		chromedp.Evaluate[chromedp.Void](`(function(){var a=[...document.querySelectorAll(".content a")].find(x=>x.textContent.includes("click me")); if(a) a.click()})()`),
		chromedp.Sleep(300*time.Millisecond))
	tb.step(t, "back home", chromedp.Navigate(a.url("/home")), chromedp.WaitVisible(css(`#compose`)),
		chromedp.Sleep(300*time.Millisecond))
	pwned := value(t, tb, "check nothing ran", chromedp.Evaluate[string](`typeof window.__pwned`))
	tb.mu.Lock()
	dialogs := tb.dialogs
	tb.mu.Unlock()
	if pwned != "undefined" || len(dialogs) > 0 {
		t.Fatalf("hostile HTML ran: window.__pwned is %s, dialogs %v", pwned, dialogs)
	}

	// Change the avatar, the display name and a profile field.
	png := filepath.Join(t.TempDir(), "avatar.png")
	if err := os.WriteFile(png, testPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	tb.step(t, "change avatar",
		chromedp.Navigate(a.url("/settings/profile")), chromedp.WaitVisible(css(`#profile-form`)),
		chromedp.SetValue(css(`#display-name`), "Alice Liddell"),
		chromedp.SetValue(css(`#field-name-0`), "Website"),
		chromedp.SetValue(css(`#field-value-0`), "https://alice.example/"),
		chromedp.SetUploadFiles(css(`#avatar`), []string{png}),
		chromedp.Click(css(`#save-profile`)),
		chromedp.WaitVisible(css(`.notice`)))
	tb.pageOK(t, "settings after saving")
	src := value(t, tb, "read avatar", chromedp.AttributeValue(css(`#current-avatar`), "src"))
	if !strings.Contains(src.Value, "/media/") {
		t.Fatalf("avatar is %q after upload, want a /media/ address", src.Value)
	}
	if ok := value(t, tb, "avatar loads", chromedp.Evaluate[bool](`(function(){var i=document.querySelector("#current-avatar"); return i.complete && i.naturalWidth > 0})()`)); !ok {
		t.Fatalf("avatar %q does not load", src.Value)
	}
	tb.screenshot(t, "settings")
	tb.step(t, "profile page",
		chromedp.Navigate(a.url("/@alice")), chromedp.WaitVisible(css(`#profile-name`)))
	tb.pageOK(t, "profile page")
	rels := value(t, tb, "profile links", chromedp.Evaluate[string](
		`[document.querySelector('link[rel=alternate]')?.href, document.querySelector('a[rel~=me]')?.href, document.querySelector('#profile-name').textContent].join(" ")`))
	if !strings.Contains(rels, "/users/alice") || !strings.Contains(rels, "https://alice.example/") || !strings.Contains(rels, "Alice Liddell") {
		t.Fatalf("profile links and name: %q", rels)
	}
	tb.screenshot(t, "profile")

	tb.step(t, "sign out at the end", chromedp.Click(css(`#sign-out`)), chromedp.WaitVisible(css(`#nav-sign-in`)))
	tb.step(t, "home needs sign-in", chromedp.Navigate(a.url("/home")), chromedp.WaitVisible(css(`#sign-in-form`)))
}

// deliverNote makes from (an account on src) deliver a public Create Note
// with raw HTML content to every follower on dst, signed as a real remote
// server would.
func deliverNote(t *testing.T, src *instance, from *models.Account, dst *instance, content string) {
	t.Helper()
	id := from.URI + "/statuses/hostile-" + fmt.Sprint(time.Now().UnixNano())
	note := map[string]any{
		"id": id, "type": "Note", "attributedTo": from.URI, "content": content,
		"to": []string{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []string{from.FollowersURI},
		"published": time.Now().UTC().Format(time.RFC3339),
	}
	body, _ := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams", "id": id + "/activity", "type": "Create",
		"actor": from.URI, "object": note, "to": note["to"], "cc": note["cc"],
	})
	code, resp := inboxPost{body: body, keyID: from.PublicKeyID, key: privateKey(t, from), date: time.Now(), inboxURL: dst.url("/inbox")}.do(t)
	if code/100 != 2 {
		t.Fatalf("deliver hostile note: %d %s", code, resp)
	}
}

func servicePage() core.Page { return core.Page{Limit: 20} }

// screenshots checks the page does not scroll sideways at phone (390 px)
// and desktop (1280 px) width, and with PLAZA_TEST_SCREENSHOTS=1 saves it at
// both as docs/screenshots/<name>-390.png and <name>-1280.png.
func (tb *tab) screenshots(t *testing.T, name string) {
	t.Helper()
	for _, w := range []int64{390, 1280} {
		tb.step(t, fmt.Sprintf("%s at %d px", name, w), chromedp.EmulateViewport(w, 844),
			chromedp.Evaluate[chromedp.Void](`document.querySelector("#messages") && window.scrollTo(0, document.documentElement.scrollHeight)`))
		if wide := value(t, tb, "page width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
			t.Errorf("%s scrolls sideways at %d px%s", name, w, tb.pageState())
		}
		if os.Getenv("PLAZA_TEST_SCREENSHOTS") == "1" {
			// What the screen shows (a chat scrolled to its newest
			// message), not the full page: sticky bars would land mid-page.
			buf := value(t, tb, "screenshot "+name, chromedp.CaptureScreenshot())
			if err := os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", fmt.Sprintf("%s-%d.png", name, w)), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tb.step(t, "viewport back", chromedp.EmulateViewport(430, 900))
}
