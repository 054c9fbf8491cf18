package service_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"plaza/models"
)

// TestGoldenMisskeyEmoji: a Misskey note's Emoji tag becomes a remote
// emoji of its domain, and the note's view names it; an emoji tag with an
// image that is not http(s) or a bad shortcode is not kept, and the same
// shortcode from another domain is another emoji.
func TestGoldenMisskeyEmoji(t *testing.T) {
	g := newGoldenWorld(t)
	g.deliver("misskey/create_note_with_emoji.json")
	st := g.status("https://mk.absturztau.be/notes/93e7pq1xyz")
	views, err := g.svc.Core().StatusViews(g.ctx, g.lain, []*models.Status{st})
	if err != nil || len(views) != 1 {
		t.Fatalf("views: %v", err)
	}
	e := views[0].Emojis
	if len(e) != 1 || e[0].Shortcode != "blobcatmeltlove" || e[0].Domain != "mk.absturztau.be" ||
		e[0].ImageRemoteURL != "https://mk.absturztau.be/files/webpublic-8a53f1b0-7f0a-4f25-9a1e-3c1f7e3d2b11" {
		t.Fatalf("emojis of the Misskey note: %+v", e)
	}

	// The same note from another server, with a hostile icon and a bad
	// shortcode: nothing of it is kept, and mk.absturztau.be's emoji is not
	// shown for evil.example's :blobcatmeltlove:.
	body, err := os.ReadFile(filepath.Join("..", "..", "federation", "testdata", "misskey", "create_note_with_emoji.json"))
	if err != nil {
		t.Fatal(err)
	}
	evil := strings.NewReplacer("https://mk.absturztau.be/files/webpublic-8a53f1b0-7f0a-4f25-9a1e-3c1f7e3d2b11", "javascript:alert(1)",
		"mk.absturztau.be", "evil.example").Replace(string(body))
	evil = strings.Replace(evil, `"tag":[`, `"tag":[{"type":"Emoji","name":":a b:","icon":{"type":"Image","url":"https://evil.example/x.png"}},`, 1)
	g.deliverBody("evil note", []byte(evil))
	other := g.status("https://evil.example/notes/93e7pq1xyz")
	views, err = g.svc.Core().StatusViews(g.ctx, g.lain, []*models.Status{other})
	if err != nil || len(views) != 1 || len(views[0].Emojis) != 0 {
		t.Fatalf("a hostile emoji tag was kept: %+v, %v", views, err)
	}
}
