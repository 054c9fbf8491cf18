package federation

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"plaza/models"
)

// badURLs are the URL forms a remote document must never get through to
// storage or a client.
var badURLs = []string{"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x", "/relative", "http:", "ftp://h.test/x"}

// hostileNote is a Create whose every URL-valued property holds bad.
func hostileNote(bad string) string {
	return `{"id":"https://remote.test/activities/1","type":"Create","actor":"https://remote.test/users/rick",
	"object":{"id":"https://remote.test/users/rick/statuses/1","type":"Note","attributedTo":"https://remote.test/users/rick",
	"content":"<p>hi</p>","url":"` + bad + `","inReplyTo":"` + bad + `","to":["https://www.w3.org/ns/activitystreams#Public"],
	"tag":[{"type":"Mention","name":"@bob@plaza.test","href":"` + bad + `"},{"type":"Hashtag","name":"#go","href":"` + bad + `"},
	       {"type":"Emoji","name":":blob:","icon":{"type":"Image","url":"` + bad + `"}}],
	"attachment":[{"type":"Document","mediaType":"image/png","url":"` + bad + `"},
	              {"type":"Document","mediaType":"image/png","url":{"type":"Link","href":"` + bad + `"}},
	              {"type":"Document","mediaType":"image/png","url":[{"type":"Link","href":"` + bad + `"},{"type":"Link","href":"https://remote.test/media/2.png"}]}]}}`
}

func TestDecodeDropsNonHTTPURLs(t *testing.T) {
	for _, bad := range badURLs {
		t.Run(bad, func(t *testing.T) {
			a, err := DecodeActivity([]byte(strings.ReplaceAll(hostileNote(strings.ReplaceAll(bad, `"`, `\"`)), "\n", "")))
			if err != nil {
				t.Fatal(err)
			}
			o := a.Object
			if o == nil || o.ID != "https://remote.test/users/rick/statuses/1" {
				t.Fatalf("object = %+v", o)
			}
			if o.URL != "" || o.InReplyTo != "" {
				t.Errorf("url %q inReplyTo %q kept", o.URL, o.InReplyTo)
			}
			for _, tag := range o.Tags {
				if tag.Href != "" {
					t.Errorf("%s tag href %q kept", tag.Type, tag.Href)
				}
			}
			// The only attachment left is the one with an http(s) alternative.
			if len(o.Attachments) != 1 || o.Attachments[0].URL != "https://remote.test/media/2.png" {
				t.Errorf("attachments = %+v", o.Attachments)
			}
		})
	}
}

// TestDecodeRefusesNonHTTPIDs: a document that names itself or its author
// with a non-http(s) id is as good as one without.
func TestDecodeRefusesNonHTTPIDs(t *testing.T) {
	if _, err := DecodeObject([]byte(`{"id":"javascript:alert(1)","type":"Note","content":"x"}`)); err == nil {
		t.Error("DecodeObject accepted a javascript: id")
	}
	a, err := DecodeActivity([]byte(`{"id":"data:,x","type":"Create","actor":"javascript:alert(1)",
		"object":{"id":"javascript:alert(2)","type":"Note","attributedTo":"javascript:alert(3)"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "" || a.Actor != "" || a.Object.ID != "" || a.Object.AttributedTo != "" {
		t.Errorf("ids kept: %q %q %q %q", a.ID, a.Actor, a.Object.ID, a.Object.AttributedTo)
	}
	if _, err := DecodeActivity([]byte(`{"id":"https://r.test/1","type":"Like","actor":"https://r.test/u","object":"javascript:alert(1)"}`)); err == nil {
		t.Error("a Like of a javascript: object was accepted")
	}
}

func TestDecodePaymentDropsNonHTTPLinks(t *testing.T) {
	for file, field := range map[string]string{"plaza/accept.json": "AgreementURL", "plaza/offer.json": "ReturnURL"} {
		body, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		var orig string
		for _, l := range strings.Split(string(body), "\n") {
			if strings.Contains(l, `"url":`) {
				orig = l
			}
		}
		hostile := strings.Replace(string(body), orig, `"url": "javascript:alert(document.cookie)",`, 1)
		p, err := DecodePayment([]byte(hostile))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if p.AgreementURL != "" || p.ReturnURL != "" {
			t.Errorf("%s: %s kept: %+v", file, field, p)
		}
		if p, _ := DecodePayment(body); p.AgreementURL == "" && p.ReturnURL == "" {
			t.Errorf("%s: the genuine link was lost too", file)
		}
	}
}

func TestParseActorDropsNonHTTPLinks(t *testing.T) {
	doc := actorDoc(`"url":"javascript:alert(1)","icon":{"type":"Image","url":"data:image/png;base64,AAAA"},
		"image":[{"type":"Image","url":"javascript:alert(2)"}],"outbox":"javascript:alert(3)",
		"endpoints":{"sharedInbox":"javascript:alert(4)"},
		"attachment":[{"type":"Link","name":"Pay","rel":["payment","https://w3id.org/valueflows/ont/vf#Proposal"],"href":"javascript:alert(5)"}]`)
	a, err := ParseActor([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := a.Account()
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{"url": acc.URL, "avatar": acc.AvatarURL, "header": acc.HeaderURL, "outbox": acc.OutboxURI,
		"sharedInbox": acc.SharedInbox, "payments": acc.PaymentsURI} {
		if v != "" {
			t.Errorf("%s = %q kept", name, v)
		}
	}
	if _, err := ParseActor([]byte(strings.Replace(actorDoc(""), `"inbox":"https://remote.test/users/rick/inbox"`, `"inbox":"javascript:alert(1)"`, 1))); err == nil {
		t.Error("an actor with a javascript: inbox was accepted")
	}
}

// TestRemoteBioSanitised: what a remote bio may carry is what a remote
// status may carry (one policy, package sanitize).
func TestRemoteBioSanitised(t *testing.T) {
	bio := `<p>hi <a href="javascript:alert(1)">me</a> <a href="https://remote.test/about" style="color:red">about</a></p>` +
		`<img src=x onerror=alert(1)><script>alert(2)</script><p style="position:fixed" onclick="x()">styled</p>`
	a, err := ParseActor([]byte(actorDoc(`"summary":` + jsonString(bio))))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := a.Account()
	if err != nil {
		t.Fatal(err)
	}
	note := strings.ToLower(acc.Note)
	for _, bad := range []string{"<img", "onerror", "<script", "alert(", "javascript:", "style=", "onclick"} {
		if strings.Contains(note, bad) {
			t.Errorf("bio keeps %q: %s", bad, acc.Note)
		}
	}
	for _, want := range []string{`href="https://remote.test/about"`, "styled", "me"} {
		if !strings.Contains(acc.Note, want) {
			t.Errorf("bio lost %q: %s", want, acc.Note)
		}
	}
}

// actorDoc is a minimal valid actor with extra properties spliced in.
func actorDoc(extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return `{"id":"https://remote.test/users/rick","type":"Person","preferredUsername":"rick","inbox":"https://remote.test/users/rick/inbox",
	"publicKey":{"id":"https://remote.test/users/rick#main-key","owner":"https://remote.test/users/rick","publicKeyPem":"-----BEGIN PUBLIC KEY-----"}` + extra + `}`
}

func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// TestRemoteProfileFieldsSanitised: a remote actor's PropertyValue fields
// are kept (as Mastodon shows them), their values cleaned by the remote
// HTML policy and their names kept as text.
func TestRemoteProfileFieldsSanitised(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "mastodon", "actor.json"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseActor(body)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := a.Account()
	if err != nil {
		t.Fatal(err)
	}
	var fields []models.AccountField
	if err := json.Unmarshal([]byte(acc.FieldsJSON), &fields); err != nil || len(fields) != 3 {
		t.Fatalf("golden fields: %s %v", acc.FieldsJSON, err)
	}
	if fields[0] != (models.AccountField{Name: "Pronouns", Value: "He/him/his"}) || !strings.Contains(fields[2].Value, `href="https://eph.me/"`) {
		t.Errorf("golden fields: %+v", fields)
	}

	a, err = ParseActor([]byte(actorDoc(`"attachment":[{"type":"PropertyValue","name":"<b>Site</b>",
		"value":"<a href=\"javascript:alert(1)\" onclick=\"x()\">me</a><script>alert(2)</script><img src=x onerror=alert(3)>"}]`)))
	if err != nil {
		t.Fatal(err)
	}
	if acc, err = a.Account(); err != nil {
		t.Fatal(err)
	}
	fields = nil
	if err := json.Unmarshal([]byte(acc.FieldsJSON), &fields); err != nil || len(fields) != 1 {
		t.Fatalf("fields: %s %v", acc.FieldsJSON, err)
	}
	if fields[0].Name != "&lt;b&gt;Site&lt;/b&gt;" {
		t.Errorf("name = %q, want escaped text", fields[0].Name)
	}
	low := strings.ToLower(fields[0].Value)
	for _, bad := range []string{"javascript:", "onclick", "<script", "<img", "onerror"} {
		if strings.Contains(low, bad) {
			t.Errorf("field value keeps %q: %s", bad, fields[0].Value)
		}
	}
}
