package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"plaza/models/store/storetest"
)

type emojiJSON struct {
	Shortcode string  `json:"shortcode"`
	URL       string  `json:"url"`
	StaticURL string  `json:"static_url"`
	Visible   bool    `json:"visible_in_picker"`
	Category  *string `json:"category"`
}

// TestCustomEmojiBetweenInstances: an admin adds :blobcat: from the CLI;
// apps list it; alice's post and display name name it and show it; the
// post reaches B as an Emoji tag, and B shows it through its own cache
// (its web UI too); removing the emoji takes it off A's posts. Bad
// shortcodes, files and duplicates are refused.
func TestCustomEmojiBetweenInstances(t *testing.T) {
	ctx := context.Background()
	addr, db := freeAddr(t, "127.0.0.2"), storetest.Config(t)
	a := startInstanceAt(t, addr, db)
	b := startInstance(t, "127.0.0.3")
	alice := a.createUser(t, "alice")
	bob := b.createUser(t, "bob")
	if _, err := b.svc.Social().Follow(ctx, bob, b.resolve(t, "alice@"+a.host)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob follows alice", func() bool {
		inboxes, _ := a.store.FollowerInboxes(ctx, alice.ID)
		return len(inboxes) == 1
	})

	cfgPath := writeConfig(t, "host: '"+a.host+"'\ndatabase:\n  driver: "+db.Driver+"\n  dsn: '"+db.DSN+"'\nstorage:\n  path: '"+a.cfg.Storage.Path+"'\n")
	cli := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append([]string{"--config", cfgPath, "admin", "emoji"}, args...), &out, &errOut)
		return out.String(), err
	}
	dir := t.TempDir()
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	png := file("blobcat.png", testPNG(t))
	if out, err := cli("add", "--category", "Blobs", "blobcat", png); err != nil || !strings.Contains(out, ":blobcat: added") {
		t.Fatalf("add: %q %v", out, err)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"add", "x", png}, "2 to 64 letters"},
		{[]string{"add", "blob-cat", png}, "2 to 64 letters"},
		{[]string{"add", "blobcat", png}, "is taken"},
		{[]string{"add", "notimage", file("notes.txt", []byte("hello"))}, "PNG, GIF or WebP"},
		{[]string{"add", "huge", file("huge.png", pngHeaderClaiming(t, 4000, 4000))}, "at most 512×512"},
		{[]string{"add", "heavy", file("heavy.png", make([]byte, 300<<10))}, "at most 256 KB"},
	} {
		if _, err := cli(bad.args...); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: %v, want an error saying %q", bad.args, err, bad.want)
		}
	}
	if out, _ := cli("list"); strings.Count(out, "\n") != 1 || !strings.Contains(out, ":blobcat:\tBlobs") {
		t.Fatalf("list: %q", out)
	}

	var listed []emojiJSON
	if err := json.Unmarshal([]byte(apiGet(t, a, "", "/api/v1/custom_emojis")), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0].Shortcode != "blobcat" || !listed[0].Visible || listed[0].Category == nil || *listed[0].Category != "Blobs" ||
		!strings.HasPrefix(listed[0].URL, a.url("/media/emoji_")) {
		t.Fatalf("custom_emojis: %+v", listed)
	}
	if _, ct := fetchFile(t, listed[0].URL); ct != "image/png" {
		t.Fatalf("emoji image type %q", ct)
	}

	token := userToken(t, a, "alice")
	if st, body := apiJSON(t, a, token, "PATCH", "/api/v1/accounts/update_credentials", map[string]any{"display_name": "Alice :blobcat:"}); st != http.StatusOK {
		t.Fatalf("update_credentials: %d %s", st, body)
	}
	// alice's actor names :blobcat: in its tags; B keeps it from the
	// Update(Person) and shows it on her account.
	req, _ := http.NewRequest("GET", alice.URI, nil)
	req.Header.Set("Accept", "application/activity+json")
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	actorDoc, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(actorDoc), `"name":":blobcat:"`) || !strings.Contains(string(actorDoc), listed[0].URL) {
		t.Fatalf("alice's actor has no Emoji tag: %s", actorDoc)
	}
	aliceOnB := b.resolve(t, "alice@"+a.host)
	bobToken := userToken(t, b, "bob")
	eventually(t, "alice's name emoji on B", func() bool {
		_, body := apiJSON(t, b, bobToken, "GET", "/api/v1/accounts/"+strconv.FormatInt(aliceOnB.ID, 10), nil)
		var acc struct {
			DisplayName string      `json:"display_name"`
			Emojis      []emojiJSON `json:"emojis"`
		}
		return json.Unmarshal(body, &acc) == nil && acc.DisplayName == "Alice :blobcat:" && len(acc.Emojis) == 1 &&
			strings.HasPrefix(acc.Emojis[0].URL, b.url("/media/proxy/emoji/"))
	})

	st, body := apiJSON(t, a, token, "POST", "/api/v1/statuses", map[string]any{"status": "hello :blobcat: and :nosuch:"})
	var posted struct {
		ID      string      `json:"id"`
		URI     string      `json:"uri"`
		Emojis  []emojiJSON `json:"emojis"`
		Account struct {
			Emojis []emojiJSON `json:"emojis"`
		} `json:"account"`
	}
	if _ = json.Unmarshal(body, &posted); st != http.StatusOK || len(posted.Emojis) != 1 || posted.Emojis[0].URL != listed[0].URL ||
		len(posted.Account.Emojis) != 1 || posted.Account.Emojis[0].Shortcode != "blobcat" {
		t.Fatalf("posted: %d %s", st, body)
	}

	eventually(t, "the post on B", func() bool {
		s, err := b.statusByURI(bob, posted.URI)
		return err == nil && s != nil
	})
	s, _ := b.statusByURI(bob, posted.URI)
	var onB struct {
		Emojis []emojiJSON `json:"emojis"`
	}
	_, body = apiJSON(t, b, bobToken, "GET", "/api/v1/statuses/"+strconv.FormatInt(s.ID, 10), nil)
	if _ = json.Unmarshal(body, &onB); len(onB.Emojis) != 1 || onB.Emojis[0].Shortcode != "blobcat" ||
		!strings.HasPrefix(onB.Emojis[0].URL, b.url("/media/proxy/emoji/")) {
		t.Fatalf("on B: %s", body)
	}
	cached, ct := fetchFile(t, onB.Emojis[0].URL)
	if ct != "image/png" || !bytes.Equal(cached, testPNG(t)) {
		t.Fatalf("B's cached emoji: %q, %d bytes", ct, len(cached))
	}
	browser := signInBrowser(t, b, "bob", "correct horse battery")
	res, err = browser.Get(b.url("/"))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(page), `<img class="emoji" src="`+onB.Emojis[0].URL+`" alt=":blobcat:"`) || !strings.Contains(string(page), ":nosuch:") {
		t.Fatal("B's home page does not show the emoji as an image")
	}
	if !strings.Contains(string(page), `<strong>Alice <img class="emoji" src="`) {
		t.Fatal("B's home page does not show alice's name emoji as an image")
	}

	if out, err := cli("remove", "blobcat"); err != nil || !strings.Contains(out, "removed") {
		t.Fatalf("remove: %q %v", out, err)
	}
	if _, err := cli("remove", "blobcat"); err == nil {
		t.Fatal("removing a missing emoji is not an error")
	}
	if got := apiGet(t, a, "", "/api/v1/custom_emojis"); got != "[]" {
		t.Fatalf("custom_emojis after remove: %s", got)
	}
	_, body = apiJSON(t, a, token, "GET", "/api/v1/statuses/"+posted.ID, nil)
	if strings.Contains(string(body), `"shortcode"`) {
		t.Fatalf("a removed emoji is still shown: %s", body)
	}
}
