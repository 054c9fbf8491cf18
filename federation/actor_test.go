package federation

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"plaza/models"
)

// TestGoldenActors parses actor documents as real servers publish them.
func TestGoldenActors(t *testing.T) {
	for _, tc := range []struct {
		software    string
		username    string
		domain      string
		inbox       string
		sharedInbox string
		keyID       string
		avatar      bool
		field       string // a profile field the fixture carries, as stored
	}{
		{"mastodon", "oddevan", "mastodon.social", "https://mastodon.social/users/oddevan/inbox", "https://mastodon.social/inbox", "https://mastodon.social/users/oddevan#main-key", true, `{"name":"Pronouns","value":"He/him/his"}`},
		{"gotosocial", "the_mighty_zork", "localhost:8080", "http://localhost:8080/users/the_mighty_zork/inbox", "", "http://localhost:8080/users/the_mighty_zork/main-key", true, ""},
		{"akkoma", "helene", "p.helene.moe", "https://p.helene.moe/users/helene/inbox", "https://p.helene.moe/inbox", "https://p.helene.moe/users/helene#main-key", true, ""},
		{"misskey", "aimu", "misskey.io", "https://misskey.io/users/83ssedkv53/inbox", "https://misskey.io/inbox", "https://misskey.io/users/83ssedkv53#main-key", true, ""},
	} {
		t.Run(tc.software, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.software, "actor.json"))
			if err != nil {
				t.Fatal(err)
			}
			a, err := ParseActor(data)
			if err != nil {
				t.Fatal(err)
			}
			acc, err := a.Account()
			if err != nil {
				t.Fatal(err)
			}
			if acc.Username != tc.username || acc.Domain != tc.domain {
				t.Errorf("handle %s@%s, want %s@%s", acc.Username, acc.Domain, tc.username, tc.domain)
			}
			if acc.InboxURI != tc.inbox || acc.SharedInbox != tc.sharedInbox {
				t.Errorf("inbox %q shared %q", acc.InboxURI, acc.SharedInbox)
			}
			if acc.PublicKeyID != tc.keyID {
				t.Errorf("key id %q, want %q", acc.PublicKeyID, tc.keyID)
			}
			if _, err := ParsePublicKeyPEM(acc.PublicKeyPEM); err != nil {
				t.Errorf("key: %v", err)
			}
			if tc.field != "" && !strings.Contains(acc.FieldsJSON, tc.field) {
				t.Errorf("fields %s, want %s among them", acc.FieldsJSON, tc.field)
			}
			if tc.avatar && acc.AvatarURL == "" {
				t.Error("no avatar")
			}
			if acc.ActorType != models.ActorPerson || acc.FetchedAt.IsZero() {
				t.Errorf("type %q fetched %v", acc.ActorType, acc.FetchedAt)
			}
		})
	}
}

func TestParseActorShapes(t *testing.T) {
	const key = `{"id":"https://ex.test/u/a#k","owner":"https://ex.test/u/a","publicKeyPem":"PEM"}`
	base := func(extra string) string {
		return `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://ex.test/u/a","type":"Person","preferredUsername":"a","inbox":"https://ex.test/u/a/inbox"` + extra + `}`
	}
	for _, tc := range []struct {
		name    string
		doc     string
		wantErr bool
		check   func(*Actor) bool
	}{
		{"key object", base(`,"publicKey":` + key), false, func(a *Actor) bool { return a.PublicKey.ID == "https://ex.test/u/a#k" }},
		{"key array picks owned", base(`,"publicKey":[{"id":"https://other.test/k","owner":"https://other.test/x","publicKeyPem":"X"},` + key + `]`), false, func(a *Actor) bool { return a.PublicKey.PEM == "PEM" }},
		{"url link object", base(`,"publicKey":` + key + `,"url":{"type":"Link","href":"https://ex.test/@a"}`), false, func(a *Actor) bool { return a.URL == "https://ex.test/@a" }},
		{"url array prefers html", base(`,"publicKey":` + key + `,"url":[{"type":"Link","mediaType":"application/json","href":"https://ex.test/a.json"},{"type":"Link","mediaType":"text/html","href":"https://ex.test/@a"}]`), false, func(a *Actor) bool { return a.URL == "https://ex.test/@a" }},
		{"icon array", base(`,"publicKey":` + key + `,"icon":[{"type":"Image","url":"https://ex.test/i.png"}]`), false, func(a *Actor) bool { return a.Icon == "https://ex.test/i.png" }},
		{"icon string", base(`,"publicKey":` + key + `,"icon":"https://ex.test/i.png"`), false, func(a *Actor) bool { return a.Icon == "https://ex.test/i.png" }},
		{"no endpoints", base(`,"publicKey":` + key), false, func(a *Actor) bool { return a.SharedInbox == "" }},
		{"payments", base(`,"publicKey":` + key + `,"attachment":[{"type":"PropertyValue","name":"Ko-fi","value":"x"},{"type":"Link","name":"Pay","rel":["payment","https://w3id.org/valueflows/ont/vf#Proposal"],"href":"https://ex.test/pay/a"}]`), false, func(a *Actor) bool { return a.PaymentsEndpoint == "https://ex.test/pay/a" }},
		{"bad optional link dropped", base(`,"publicKey":` + key + `,"outbox":"javascript:alert(1)"`), false, func(a *Actor) bool { return a.Outbox == "" }},
		{"no key", base(``), true, nil},
		{"key of another actor", base(`,"publicKey":{"id":"https://other.test/k","owner":"https://other.test/x","publicKeyPem":"X"}`), true, nil},
		{"no username", `{"id":"https://ex.test/u/a","type":"Person","inbox":"https://ex.test/i","publicKey":` + key + `}`, true, nil},
		{"relative id", `{"id":"/u/a","type":"Person","preferredUsername":"a","inbox":"https://ex.test/i","publicKey":` + key + `}`, true, nil},
		{"not json", `<html>`, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseActor([]byte(tc.doc))
			if tc.wantErr {
				if err == nil {
					t.Fatal("parsed")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(a) {
				t.Errorf("unexpected actor %+v", a)
			}
		})
	}
}

func TestActorDocumentRoundTrip(t *testing.T) {
	k := newTestKey(t, "")
	local := &models.Account{
		Username: "alice", ActorType: models.ActorPerson, DisplayName: "Alice", Note: `<p>hello <a href="https://x.test/">x</a><script>evil()</script></p>`,
		AvatarURL: "https://plaza.test/media/a.png", HeaderURL: "https://plaza.test/media/h.png", Locked: true, Discoverable: true,
		URI: "https://plaza.test/users/alice", URL: "https://plaza.test/@alice", InboxURI: "https://plaza.test/users/alice/inbox",
		SharedInbox: "https://plaza.test/inbox", OutboxURI: "https://plaza.test/users/alice/outbox",
		FollowersURI: "https://plaza.test/users/alice/followers", FollowingURI: "https://plaza.test/users/alice/following",
		FeaturedURI: "https://plaza.test/users/alice/collections/featured", PaymentsURI: "https://plaza.test/payments/alice",
		PublicKeyID: "https://plaza.test/users/alice#main-key", PublicKeyPEM: k.pubPEM, CreatedAt: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		FieldsJSON: `[{"name":"Site \u0026amp; blog","value":"https://alice.test/"},{"name":"Pronouns","value":"she/her \u0026lt;b\u0026gt;"}]`,
	}
	data, err := json.Marshal(ActorDocument(local))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"published":"2024-05-01T12:00:00Z"`) {
		t.Errorf("published missing: %s", data)
	}
	a, err := ParseActor(data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Account()
	if err != nil {
		t.Fatal(err)
	}
	if got.Domain != "plaza.test" || got.Username != "alice" || got.InboxURI != local.InboxURI || got.SharedInbox != local.SharedInbox ||
		got.OutboxURI != local.OutboxURI || got.FollowersURI != local.FollowersURI || got.FollowingURI != local.FollowingURI ||
		got.FeaturedURI != local.FeaturedURI || got.URL != local.URL || got.AvatarURL != local.AvatarURL || got.HeaderURL != local.HeaderURL ||
		got.PublicKeyID != local.PublicKeyID || got.PublicKeyPEM != local.PublicKeyPEM || got.PaymentsURI != local.PaymentsURI ||
		!got.Locked || !got.Discoverable || got.DisplayName != "Alice" || got.ActorType != models.ActorPerson {
		t.Errorf("round trip lost data:\n%+v", got)
	}
	// Fields travel as PropertyValue attachments next to the payment link;
	// a web address comes back as a rel="me" link, text stays text.
	var fields []models.AccountField
	if err := json.Unmarshal([]byte(got.FieldsJSON), &fields); err != nil || len(fields) != 2 {
		t.Fatalf("fields %s: %v", got.FieldsJSON, err)
	}
	if fields[0].Name != "Site &amp; blog" || !strings.Contains(fields[0].Value, `<a href="https://alice.test/"`) || !strings.Contains(fields[0].Value, `rel="me`) {
		t.Errorf("link field %+v", fields[0])
	}
	if fields[1].Name != "Pronouns" || fields[1].Value != "she/her &lt;b&gt;" {
		t.Errorf("text field %+v", fields[1])
	}
	if strings.Contains(got.Note, "script") || !strings.Contains(got.Note, `<a href="https://x.test/"`) {
		t.Errorf("note not sanitised as expected: %q", got.Note)
	}

	app := *local
	app.ActorType, app.PaymentsURI, app.AvatarURL = models.ActorApplication, "", ""
	doc := ActorDocument(&app)
	if doc["type"] != "Application" || doc["paymentsEndpoint"] != nil || doc["icon"] != nil {
		t.Errorf("instance actor document: %v", doc)
	}
}

func TestKeyPEMForms(t *testing.T) {
	priv, pub, err := GenerateKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(priv, "-----BEGIN PRIVATE KEY-----") || !strings.HasPrefix(pub, "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("unexpected PEM types")
	}
	pk, err := ParsePrivateKeyPEM(priv)
	if err != nil {
		t.Fatal(err)
	}
	if pk.N.BitLen() != 2048 {
		t.Errorf("key size %d", pk.N.BitLen())
	}
	// PKCS#1 "RSA PUBLIC KEY", as some older servers publish.
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&pk.PublicKey)})
	if got, err := ParsePublicKeyPEM(string(pkcs1)); err != nil || got.N.Cmp(pk.N) != 0 {
		t.Errorf("PKCS#1 public key: %v", err)
	}
	if _, err := ParsePublicKeyPEM("nope"); err == nil {
		t.Error("garbage parsed")
	}
}
