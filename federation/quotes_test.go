package federation

import (
	"os"
	"testing"

	"plaza/models"
)

// TestDecodeGoldenQuote reads Mastodon 4.5's quote post: the quoted post,
// its authorization and the quoting post's own quote policy.
func TestDecodeGoldenQuote(t *testing.T) {
	body, err := os.ReadFile("testdata/mastodon/create_quote.json")
	if err != nil {
		t.Fatal(err)
	}
	act, err := DecodeActivity(body)
	if err != nil {
		t.Fatal(err)
	}
	o := act.Object
	if act.Type != "Create" || o == nil || o.Type != "Note" {
		t.Fatalf("decoded %+v", act)
	}
	if o.QuoteURI != "http://mastodon.example.org/users/admin/statuses/99512778738411822" || o.QuoteLegacy ||
		o.QuoteAuthorization != "http://mastodon.example.org/users/admin/quote_authorizations/01K1XZ7ZP3R0Q8N6C5W2J4M9TB" ||
		o.QuotePolicy != models.QuoteFollowers {
		t.Fatalf("quote: uri %q legacy %v authorization %q policy %q", o.QuoteURI, o.QuoteLegacy, o.QuoteAuthorization, o.QuotePolicy)
	}
}

// TestDecodeQuoteProperties: the older quote properties alone mark a
// legacy quote; canQuote's public address is the public policy and the
// author alone is nobody.
func TestDecodeQuoteProperties(t *testing.T) {
	for name, c := range map[string]struct {
		doc    string
		uri    string
		legacy bool
		policy models.QuotePolicy
	}{
		"misskey":  {`{"id":"https://m.example/n/1","type":"Note","_misskey_quote":"https://o.example/n/2"}`, "https://o.example/n/2", true, ""},
		"quoteUrl": {`{"id":"https://m.example/n/1","type":"Note","quoteUrl":"https://o.example/n/3"}`, "https://o.example/n/3", true, ""},
		"public":   {`{"id":"https://m.example/n/1","type":"Note","attributedTo":"https://m.example/u/a","interactionPolicy":{"canQuote":{"automaticApproval":"https://www.w3.org/ns/activitystreams#Public"}}}`, "", false, models.QuotePublic},
		"nobody":   {`{"id":"https://m.example/n/1","type":"Note","attributedTo":"https://m.example/u/a","interactionPolicy":{"canQuote":{"automaticApproval":["https://m.example/u/a"]}}}`, "", false, models.QuoteNobody},
		"unsafe":   {`{"id":"https://m.example/n/1","type":"Note","quote":"javascript:alert(1)"}`, "", false, ""},
	} {
		o, err := DecodeObject([]byte(c.doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if o.QuoteURI != c.uri || o.QuoteLegacy != c.legacy || o.QuotePolicy != c.policy {
			t.Errorf("%s: uri %q legacy %v policy %q", name, o.QuoteURI, o.QuoteLegacy, o.QuotePolicy)
		}
	}
}
