package federation

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"plaza/models"
)

// TestDecodeGolden decodes every captured payload in testdata and checks
// what the business layer relies on.
func TestDecodeGolden(t *testing.T) {
	type want struct {
		typ, actor, objID, objType, subType, inReplyTo, summary, language string
		sensitive                                                         bool
		tags                                                              []string // Type:Name
		attachments                                                       []string // MediaType URL
		to, cc                                                            []string
	}
	const mAdmin = "http://mastodon.example.org/users/admin"
	for file, w := range map[string]want{
		"mastodon/create_note_with_mention_cw.json": {typ: "Create", actor: mAdmin, objID: mAdmin + "/statuses/99512778738411822", objType: "Note",
			summary: "cw", sensitive: true, tags: []string{"Mention:@lain@localtesting.pleroma.lol"},
			to: []string{models.PublicAddress}, cc: []string{mAdmin + "/followers", "http://localtesting.pleroma.lol/users/lain"}},
		"mastodon/create_note_with_hashtag.json": {typ: "Create", actor: mAdmin, objID: mAdmin + "/statuses/99512778738411822", objType: "Note",
			summary: "cw", sensitive: true, tags: []string{"Mention:@lain@localtesting.pleroma.lol", "Hashtag:#moo"}},
		"mastodon/create_note_with_attachment.json": {typ: "Create", actor: mAdmin, objID: mAdmin + "/statuses/99541822081679796", objType: "Note",
			attachments: []string{"image/jpeg http://mastodon.example.org/system/media_attachments/files/000/000/002/original/334ce029e7bfb920.jpg"},
			to:          []string{models.PublicAddress}, cc: []string{mAdmin + "/followers"}},
		"mastodon/announce.json": {typ: "Announce", actor: mAdmin, objID: "http://mastodon.example.org/@admin/99541947525187367",
			to: []string{models.PublicAddress}, cc: []string{mAdmin, mAdmin + "/followers"}},
		"mastodon/like.json":          {typ: "Like", actor: mAdmin, objID: "http://localtesting.pleroma.lol/objects/eb92579d-3417-42a8-8652-2492c2d4f454"},
		"mastodon/follow.json":        {typ: "Follow", actor: mAdmin, objID: "http://localtesting.pleroma.lol/users/lain"},
		"mastodon/block.json":         {typ: "Block", actor: mAdmin, objID: "http://localtesting.pleroma.lol/users/lain"},
		"mastodon/undo_follow.json":   {typ: "Undo", actor: mAdmin, subType: "Follow"},
		"mastodon/undo_like.json":     {typ: "Undo", actor: mAdmin, subType: "Like"},
		"mastodon/accept_follow.json": {typ: "Accept", actor: mAdmin, subType: "Follow"},
		"mastodon/delete_note.json": {typ: "Delete", actor: "http://mastodon.example.org/users/gargron",
			objID: "http://mastodon.example.org/users/gargron/statuses/99620895606148759", objType: "Tombstone"},
		"mastodon/update_person.json": {typ: "Update", actor: "http://mastodon.example.org/users/gargron",
			objID: "http://mastodon.example.org/users/gargron", objType: "Person", summary: "<p>Some bio</p>"},
		"gotosocial/create_note_cw.json": {typ: "Create", actor: "http://localhost:8080/users/the_mighty_zork",
			objID: "http://localhost:8080/users/the_mighty_zork/statuses/01F8MHAMCHF6Y650WCRSCP4WMY", objType: "Note",
			summary: "introduction post", sensitive: true, language: "en",
			to: []string{models.PublicAddress}, cc: []string{"http://localhost:8080/users/the_mighty_zork/followers"}},
		"gotosocial/create_note_with_attachment.json": {typ: "Create", actor: "http://localhost:8080/users/admin",
			objID: "http://localhost:8080/users/admin/statuses/01F8MH75CBF9JFX4ZAD54N0W0R", objType: "Note", language: "en",
			tags:        []string{"Emoji::rainbow:", "Hashtag:#welcome"},
			attachments: []string{"image/jpeg http://localhost:8080/fileserver/01F8MH17FWEB39HZJ76B6VXSKF/attachment/original/01F8MH6NEM8D7527KZAECTCR76.jpg"},
			to:          []string{models.PublicAddress}, cc: []string{"http://localhost:8080/users/admin/followers"}},
		"akkoma/create_note_reply_with_mention.json": {typ: "Create", actor: "https://p.helene.moe/users/helene",
			objID: "https://p.helene.moe/objects/fd5910ac-d9dc-412e-8d1d-914b203296c4", objType: "Note",
			inReplyTo: "https://mk.absturztau.be/notes/93e7nm8wqg", tags: []string{"Mention:@mametsuko@mk.absturztau.be"},
			to: []string{"https://mk.absturztau.be/users/8ozbzjs3o8", models.PublicAddress}, cc: []string{"https://p.helene.moe/users/helene/followers"}},
		"misskey/create_note.json": {typ: "Create", actor: "https://mk.absturztau.be/users/8ozbzjs3o8",
			objID: "https://mk.absturztau.be/notes/93e7nm8wqg", objType: "Note",
			to: []string{models.PublicAddress}, cc: []string{"https://mk.absturztau.be/users/8ozbzjs3o8/followers"}},
		"misskey/like_with_reaction.json": {typ: "Like", actor: mAdmin, objID: "https://testing.pleroma.lol/objects/c331bbf7-2eb9-4801-a709-2a6103492a5a"},
	} {
		t.Run(file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			a, err := DecodeActivity(body)
			if err != nil {
				t.Fatal(err)
			}
			if a.Type != w.typ || a.Actor != w.actor || a.ID == "" || a.Raw != string(body) {
				t.Errorf("activity = %s %s id %q", a.Type, a.Actor, a.ID)
			}
			if w.subType != "" {
				if a.Activity == nil || a.Activity.Type != w.subType || a.Activity.ID == "" || a.Activity.Actor == "" {
					t.Fatalf("embedded activity = %+v, want %s", a.Activity, w.subType)
				}
				return
			}
			if a.Object == nil || a.Object.ID != w.objID || a.Object.Type != w.objType {
				t.Fatalf("object = %+v, want %s %s", a.Object, w.objType, w.objID)
			}
			o := a.Object
			if o.InReplyTo != w.inReplyTo || o.Summary != w.summary || o.Sensitive != w.sensitive || o.Language != w.language {
				t.Errorf("inReplyTo %q summary %q sensitive %v language %q", o.InReplyTo, o.Summary, o.Sensitive, o.Language)
			}
			if w.objType == "Note" && (o.Content == "" || o.AttributedTo != w.actor || o.Published.IsZero()) {
				t.Errorf("note content %q attributedTo %q published %v", o.Content, o.AttributedTo, o.Published)
			}
			var tags, atts []string
			for _, tg := range o.Tags {
				tags = append(tags, tg.Type+":"+tg.Name)
				if tg.Href == "" {
					t.Errorf("tag %+v without href", tg)
				}
			}
			for _, at := range o.Attachments {
				atts = append(atts, at.MediaType+" "+at.URL)
			}
			if !slices.Equal(tags, w.tags) || !slices.Equal(atts, w.attachments) {
				t.Errorf("tags %q attachments %q", tags, atts)
			}
			if w.to != nil && (!slices.Equal(a.To, w.to) || !slices.Equal(a.Cc, w.cc)) {
				t.Errorf("to %q cc %q", a.To, a.Cc)
			}
		})
	}
}

// TestDecodeShapes covers shapes the fixtures lack.
func TestDecodeShapes(t *testing.T) {
	body := []byte(`{"id":"https://a.example/x","type":"Create","actor":{"id":"https://a.example/u","type":"Person"},
	"to":"https://a.example/u/followers",
	"object":{"id":"https://a.example/n","type":"Question","contentMap":{"fr":"<p>salut</p>"},
	"inReplyTo":{"id":"https://b.example/n/1","type":"Note"},"context":"https://a.example/ctx",
	"tag":{"type":"Emoji","name":":blob:","icon":{"type":"Image","url":"https://a.example/blob.png"}},
	"attachment":{"type":"Image","url":[{"type":"Link","href":"https://a.example/f.webp","mediaType":"image/webp"}],"name":"alt","blurhash":"UABC","width":640,"height":"480"}}}`)
	a, err := DecodeActivity(body)
	if err != nil {
		t.Fatal(err)
	}
	o := a.Object
	if a.Actor != "https://a.example/u" || !slices.Equal(a.To, []string{"https://a.example/u/followers"}) {
		t.Errorf("actor %q to %q", a.Actor, a.To)
	}
	if o.Content != "<p>salut</p>" || o.Language != "fr" || o.InReplyTo != "https://b.example/n/1" || o.Context != "https://a.example/ctx" {
		t.Errorf("object %+v", o)
	}
	if len(o.Tags) != 1 || o.Tags[0].Href != "https://a.example/blob.png" {
		t.Errorf("tags %+v", o.Tags)
	}
	want := models.APAttachment{Type: "Image", MediaType: "image/webp", URL: "https://a.example/f.webp", Name: "alt", Blurhash: "UABC", Width: 640, Height: 480}
	if len(o.Attachments) != 1 || o.Attachments[0] != want {
		t.Errorf("attachments %+v", o.Attachments)
	}
	for _, bad := range []string{`[]`, `{"id":"x"}`, `{"type":"Create","object":5}`} {
		if _, err := DecodeActivity([]byte(bad)); !errors.Is(err, ErrBadRequest) {
			t.Errorf("%s: err = %v, want ErrBadRequest", bad, err)
		}
	}
}

// TestDecodeAltText: Mastodon sends an attachment's description as `name`,
// GoToSocial as `summary`; both arrive as the alt text, with the blurhash.
func TestDecodeAltText(t *testing.T) {
	for file, want := range map[string]string{
		"gotosocial/create_note_with_attachment.json": "Black and white image of some 50's style text saying: Welcome On Board",
		"mastodon/create_note_with_attachment.json":   "",
	} {
		body, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		a, err := DecodeActivity(body)
		if err != nil {
			t.Fatal(err)
		}
		if a.Object == nil || len(a.Object.Attachments) != 1 {
			t.Fatalf("%s: attachments %+v", file, a.Object)
		}
		if got := a.Object.Attachments[0].Name; got != want {
			t.Errorf("%s: alt text %q, want %q", file, got, want)
		}
	}
	body, err := os.ReadFile(filepath.Join("testdata", "gotosocial/create_note_with_attachment.json"))
	if err != nil {
		t.Fatal(err)
	}
	var both map[string]any
	if err := json.Unmarshal(body, &both); err != nil {
		t.Fatal(err)
	}
	att := both["object"].(map[string]any)["attachment"].([]any)[0].(map[string]any)
	att["name"] = "the name wins"
	body, _ = json.Marshal(both)
	a, err := DecodeActivity(body)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Object.Attachments[0]; got.Name != "the name wins" || got.Blurhash != "LIIE|gRj00WB-;j[t7j[4nWBj[Rj" {
		t.Errorf("name and summary: %+v", got)
	}
}
