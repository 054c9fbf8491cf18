package federation

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"plaza/models"
	"plaza/sanitize"
)

// goldenSeeds adds every captured payload under testdata to the corpus.
func goldenSeeds(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no golden payloads: %v", err)
	}
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
}

// checkURLs fails the fuzz run when a decoded field that must be a URL is
// neither empty nor an absolute http(s) URL.
func checkURLs(t *testing.T, fields map[string]string) {
	t.Helper()
	for name, v := range fields {
		if v != "" && sanitize.URL(v) != v {
			t.Fatalf("%s = %q is not an http(s) URL", name, v)
		}
	}
}

func checkActivityURLs(t *testing.T, a *models.APActivity, depth int) {
	t.Helper()
	if depth > maxNesting+1 {
		t.Fatalf("activities nested %d deep", depth)
	}
	checkURLs(t, map[string]string{"id": a.ID, "actor": a.Actor, "target": a.Target})
	if a.Activity != nil {
		checkActivityURLs(t, a.Activity, depth+1)
	}
	if o := a.Object; o != nil {
		checkURLs(t, map[string]string{"object id": o.ID, "attributedTo": o.AttributedTo, "inReplyTo": o.InReplyTo, "url": o.URL})
		for _, tag := range o.Tags {
			checkURLs(t, map[string]string{tag.Type + " href": tag.Href})
		}
		for _, at := range o.Attachments {
			if at.URL == "" {
				t.Fatalf("attachment without url kept: %+v", at)
			}
			checkURLs(t, map[string]string{"attachment url": at.URL})
		}
	}
}

// FuzzDecodeActivity: whatever a remote server posts, the decoders do not
// panic and every URL they return is http(s) or empty.
func FuzzDecodeActivity(f *testing.F) {
	goldenSeeds(f)
	for _, bad := range badURLs {
		f.Add([]byte(hostileNote(bad)))
	}
	f.Add([]byte(`{"type":"Undo","object":{"type":"Undo","object":{"type":"Undo","object":{"type":"Undo","object":{"type":"Undo","object":{"type":"Like"}}}}}}`))
	f.Add([]byte(`{"type":"Create","object":[{"type":"Note","id":"https://r.test/1","url":[[[[["https://r.test/x"]]]]]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if a, err := DecodeActivity(body); err == nil {
			checkActivityURLs(t, a, 0)
		}
		if o, err := DecodeObject(body); err == nil {
			checkActivityURLs(t, &models.APActivity{Object: o}, 0)
		}
		if p, err := DecodePayment(body); err == nil {
			checkURLs(t, map[string]string{"id": p.ActivityID, "actor": p.Actor, "agreement url": p.AgreementURL, "return url": p.ReturnURL})
		}
	})
}

// FuzzParseActor: no actor document makes the decoder panic; an accepted
// actor has http(s) links only and a bio without active HTML.
func FuzzParseActor(f *testing.F) {
	goldenSeeds(f)
	f.Add([]byte(actorDoc(`"url":"javascript:alert(1)","icon":{"url":"data:,x"},"summary":"<img src=x onerror=alert(1)>"`)))
	f.Add([]byte(actorDoc(`"image":[{"url":"https://r.test/h.png"},{"href":"javascript:x"}],"endpoints":{"sharedInbox":"https://remote.test/inbox"}`)))
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := ParseActor(body)
		if err != nil {
			return
		}
		if a.ID == "" || a.Inbox == "" {
			t.Fatalf("actor without id or inbox accepted: %+v", a)
		}
		checkURLs(t, map[string]string{"id": a.ID, "url": a.URL, "icon": a.Icon, "image": a.Image, "inbox": a.Inbox, "sharedInbox": a.SharedInbox,
			"outbox": a.Outbox, "followers": a.Followers, "following": a.Following, "featured": a.Featured, "payments": a.PaymentsEndpoint,
			"key id": a.PublicKey.ID})
		acc, err := a.Account()
		if err != nil {
			return
		}
		// The bio went through the remote policy: applying it again is a no-op.
		if again := sanitize.HTML(acc.Note); again != acc.Note || strings.Contains(strings.ToLower(acc.Note), "<script") {
			t.Fatalf("bio not sanitised: %q (again: %q)", acc.Note, again)
		}
	})
}
