package service_test

import (
	"testing"

	"plaza/models"
)

// TestGoldenQuote: Mastodon 4.5's quote post, delivered after the post it
// quotes, is stored with its quote accepted (it carries an authorization
// of the quoted post's server) and linked, and with its own quote policy.
func TestGoldenQuote(t *testing.T) {
	g := newGoldenWorld(t)
	g.deliver("mastodon/create_note_with_hashtag.json")
	quoted := g.status("http://mastodon.example.org/users/admin/statuses/99512778738411822")
	g.deliver("mastodon/create_quote.json")
	st := g.status("http://mastodon.example.org/users/gargron/statuses/114967396361489361")
	q, err := g.st.QuoteByQuotingURI(g.ctx, st.URI)
	if err != nil {
		t.Fatal(err)
	}
	if q.StatusID == nil || *q.StatusID != st.ID || q.QuotedStatusID == nil || *q.QuotedStatusID != quoted.ID ||
		q.State != models.QuoteAccepted || q.AuthorizationURI != "http://mastodon.example.org/users/admin/quote_authorizations/01K1XZ7ZP3R0Q8N6C5W2J4M9TB" {
		t.Fatalf("quote: %+v", q)
	}
	views, approvals, err := g.svc.Quotes().ViewsOf(g.ctx, g.lain, []*models.Status{st})
	if err != nil {
		t.Fatal(err)
	}
	if v := views[st.ID]; v.State != models.QuoteAccepted || v.Quoted == nil || v.Quoted.ID != quoted.ID {
		t.Fatalf("view: %+v", v)
	}
	// Followers-only quoting, and lain does not follow gargron.
	if a := approvals[st.ID]; len(a.Automatic) != 1 || a.Automatic[0] != "followers" || a.CurrentUser != "denied" {
		t.Fatalf("approval: %+v", a)
	}
}
