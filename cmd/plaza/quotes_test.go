package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
)

// TestQuotesThroughTheClientAPI: bob quotes alice's public post and the
// quote is accepted at once, with the quoted status inside the Quote
// entity; a post with quote_approval_policy nobody, a followers-only
// policy bob does not meet, and a private post refuse bob's quote (422)
// and show current_user denied, while the author may quote their own;
// a bad policy value is refused.
func TestQuotesThroughTheClientAPI(t *testing.T) {
	db := storetest.Config(t)
	a, stop := launchInstance(t, "127.0.0.2:0", db)
	defer stop()
	aliceAcct := a.createUser(t, "alice")
	bobAcct := a.createUser(t, "bob")
	alice, bob := mustToken(t, a, "alice"), mustToken(t, a, "bob")
	post := func(token string, form url.Values) (int, map[string]any, string) {
		return apiCall(t, a, "POST", "/api/v1/statuses", token, form)
	}

	code, orig, raw := post(alice, url.Values{"status": {"Original thought"}})
	if code != http.StatusOK {
		t.Fatalf("alice posts: %d %s", code, raw)
	}
	if orig["quote"] != nil {
		t.Fatalf("a post quoting nothing has a quote: %s", raw)
	}
	appr, _ := orig["quote_approval"].(map[string]any)
	if appr == nil || len(appr["automatic"].([]any)) != 1 || appr["automatic"].([]any)[0] != "public" || len(appr["manual"].([]any)) != 0 || appr["current_user"] != "automatic" {
		t.Fatalf("quote_approval of a public post: %s", raw)
	}
	code, qst, raw := post(bob, url.Values{"status": {"So true"}, "quoted_status_id": {orig["id"].(string)}})
	if code != http.StatusOK {
		t.Fatalf("bob quotes: %d %s", code, raw)
	}
	quote, _ := qst["quote"].(map[string]any)
	if quote == nil || quote["state"] != "accepted" {
		t.Fatalf("bob's quote: %s", raw)
	}
	inner, _ := quote["quoted_status"].(map[string]any)
	if inner == nil || inner["id"] != orig["id"] || inner["content"] != orig["content"] || inner["account"].(map[string]any)["username"] != "alice" {
		t.Fatalf("quoted_status: %s", raw)
	}
	if !hasNotification(t, a, aliceAcct, models.NotifyQuote) {
		t.Fatal("alice was not told of bob's quote")
	}
	// Read back, by alice too.
	_, got, raw := apiCall(t, a, "GET", "/api/v1/statuses/"+qst["id"].(string), alice, nil)
	if q, _ := got["quote"].(map[string]any); q == nil || q["state"] != "accepted" || q["quoted_status"] == nil {
		t.Fatalf("bob's quote read by alice: %s", raw)
	}

	code, closed, raw := post(alice, url.Values{"status": {"Not for quoting"}, "quote_approval_policy": {"nobody"}})
	if code != http.StatusOK {
		t.Fatalf("alice posts with policy nobody: %d %s", code, raw)
	}
	if ap := closed["quote_approval"].(map[string]any); len(ap["automatic"].([]any)) != 0 {
		t.Fatalf("policy nobody: %s", raw)
	}
	_, got, raw = apiCall(t, a, "GET", "/api/v1/statuses/"+closed["id"].(string), bob, nil)
	if got["quote_approval"].(map[string]any)["current_user"] != "denied" {
		t.Fatalf("bob's quote_approval of a nobody post: %s", raw)
	}
	if code, _, raw := post(bob, url.Values{"status": {"Quoting anyway"}, "quoted_status_id": {closed["id"].(string)}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("bob quotes a nobody post: %d %s, want 422", code, raw)
	}
	if code, self, raw := post(alice, url.Values{"status": {"Myself"}, "quoted_status_id": {closed["id"].(string)}}); code != http.StatusOK || self["quote"].(map[string]any)["state"] != "accepted" {
		t.Fatalf("alice quotes her own nobody post: %d %s", code, raw)
	}

	code, fol, raw := post(alice, url.Values{"status": {"Followers may quote"}, "quote_approval_policy": {"followers"}})
	if code != http.StatusOK || fol["quote_approval"].(map[string]any)["automatic"].([]any)[0] != "followers" {
		t.Fatalf("alice posts with policy followers: %d %s", code, raw)
	}
	if code, _, raw := post(bob, url.Values{"status": {"Not a follower"}, "quoted_status_id": {fol["id"].(string)}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("a non-follower quotes a followers post: %d %s, want 422", code, raw)
	}
	if _, err := a.svc.Social().Follow(context.Background(), bobAcct, aliceAcct); err != nil {
		t.Fatal(err)
	}
	if code, _, raw := post(bob, url.Values{"status": {"Now a follower"}, "quoted_status_id": {fol["id"].(string)}}); code != http.StatusOK {
		t.Fatalf("a follower quotes a followers post: %d %s", code, raw)
	}

	code, priv, raw := post(alice, url.Values{"status": {"Private"}, "visibility": {"private"}, "quote_approval_policy": {"public"}})
	if code != http.StatusOK || len(priv["quote_approval"].(map[string]any)["automatic"].([]any)) != 0 {
		t.Fatalf("a private post's policy is nobody: %d %s", code, raw)
	}
	if code, _, raw := post(bob, url.Values{"status": {"Leak"}, "quoted_status_id": {priv["id"].(string)}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("bob quotes alice's private post: %d %s, want 422", code, raw)
	}
	if code, self, raw := post(alice, url.Values{"status": {"Mine"}, "quoted_status_id": {priv["id"].(string)}}); code != http.StatusOK || self["visibility"] != "private" {
		t.Fatalf("alice quotes her private post publicly: %d %s, want a private quote", code, raw)
	}
	if code, _, raw := post(alice, url.Values{"status": {"x"}, "quote_approval_policy": {"everyone"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown policy: %d %s, want 422", code, raw)
	}
	if code, _, raw := post(bob, url.Values{"status": {"x"}, "quoted_status_id": {"12345"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("quoting a missing status: %d %s, want 422", code, raw)
	}

	// The web page of bob's quote shows the quoted post as a card.
	code, page := get(t, a.url("/@bob/"+qst["id"].(string)), "text/html")
	if code != http.StatusOK || !strings.Contains(page, `<aside class="quote"`) || !strings.Contains(page, `<p class="excerpt">Original thought</p>`) ||
		!strings.Contains(page, `href="/@alice/`+orig["id"].(string)+`" class="quote-link"`) {
		t.Fatalf("bob's quote on the web: %d %s", code, page)
	}

	// The author lists the quotes of a post and revokes one.
	quotesOf := "/api/v1/statuses/" + orig["id"].(string) + "/quotes"
	code, _, raw = apiCall(t, a, "GET", quotesOf, alice, nil)
	if code != http.StatusOK || !strings.Contains(raw, `"id":"`+qst["id"].(string)+`"`) {
		t.Fatalf("quotes of alice's post: %d %s", code, raw)
	}
	if code, _, raw := apiCall(t, a, "GET", quotesOf, bob, nil); code != http.StatusForbidden {
		t.Fatalf("bob lists the quotes of alice's post: %d %s, want 403", code, raw)
	}
	if code, _, raw := apiCall(t, a, "POST", quotesOf+"/"+qst["id"].(string)+"/revoke", bob, nil); code != http.StatusForbidden {
		t.Fatalf("bob revokes on alice's post: %d %s, want 403", code, raw)
	}
	code, got, raw = apiCall(t, a, "POST", quotesOf+"/"+qst["id"].(string)+"/revoke", alice, nil)
	if q, _ := got["quote"].(map[string]any); code != http.StatusOK || q == nil || q["state"] != "revoked" || q["quoted_status"] != nil {
		t.Fatalf("alice revokes bob's quote: %d %s", code, raw)
	}
	if code, _, raw = apiCall(t, a, "GET", quotesOf, alice, nil); code != http.StatusOK || raw != "[]" {
		t.Fatalf("quotes after the revoke: %d %s", code, raw)
	}
	if _, page := get(t, a.url("/@bob/"+qst["id"].(string)), "text/html"); strings.Contains(page, "Original thought") || !strings.Contains(page, "removed it from this post") {
		t.Fatalf("a revoked quote on the web: %s", page)
	}
}

// TestQuotesBetweenTwoInstances: bob on B quotes alice's post on A; B
// sends a QuoteRequest, A answers by alice's policy with an Accept whose
// QuoteAuthorization A serves, and the quote is accepted on both (B's
// Note then carries quote and quoteAuthorization). Answers that are not
// the quoted author's, or that authorize another quote, are refused and
// change nothing.
func TestQuotesBetweenTwoInstances(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	b := startInstance(t, "127.0.0.3")
	aliceAcct := a.createUser(t, "alice")
	carolAcct := a.createUser(t, "carol")
	bobAcct := b.createUser(t, "bob")
	aliceOnB := b.resolve(t, "alice@"+a.host)
	bobOnA := a.resolve(t, "bob@"+b.host)
	if _, err := b.svc.Social().Follow(ctx, bobAcct, aliceOnB); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.Social().Follow(ctx, aliceAcct, bobOnA); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the follows", func() bool {
		r1, err1 := b.svc.Social().Relationship(ctx, bobAcct, aliceOnB)
		r2, err2 := a.svc.Social().Relationship(ctx, aliceAcct, bobOnA)
		return err1 == nil && err2 == nil && r1.Following && r2.Following
	})
	alice, bob := mustToken(t, a, "alice"), mustToken(t, b, "bob")

	code, orig, raw := apiCall(t, a, "POST", "/api/v1/statuses", alice, url.Values{"status": {"Quote me"}})
	if code != http.StatusOK {
		t.Fatalf("alice posts: %d %s", code, raw)
	}
	quotedURI := orig["uri"].(string)
	var onB string
	eventually(t, "alice's post on B", func() bool {
		s, err := b.statusByURI(bobAcct, quotedURI)
		if err == nil {
			onB = strconv.FormatInt(s.ID, 10)
		}
		return err == nil
	})
	_, got, raw := apiCall(t, b, "GET", "/api/v1/statuses/"+onB, bob, nil)
	if ap, _ := got["quote_approval"].(map[string]any); ap == nil || ap["current_user"] != "automatic" || ap["automatic"].([]any)[0] != "public" {
		t.Fatalf("alice's policy as B read it: %s", raw)
	}
	code, qst, raw := apiCall(t, b, "POST", "/api/v1/statuses", bob, url.Values{"status": {"Quoting alice"}, "quoted_status_id": {onB}})
	if code != http.StatusOK || qst["quote"].(map[string]any)["state"] != "pending" {
		t.Fatalf("bob quotes: %d %s", code, raw)
	}
	quotingURI, qid := qst["uri"].(string), qst["id"].(string)
	stateOnB := func() string {
		_, got, _ := apiCall(t, b, "GET", "/api/v1/statuses/"+qid, bob, nil)
		q, _ := got["quote"].(map[string]any)
		if q == nil {
			return ""
		}
		if q["state"] == "accepted" && (q["quoted_status"] == nil || q["quoted_status"].(map[string]any)["id"] != onB) {
			return "accepted without the quoted status"
		}
		return q["state"].(string)
	}
	eventually(t, "the quote accepted on B", func() bool { return stateOnB() == "accepted" })
	eventually(t, "alice told on A of bob's quote", func() bool { return hasNotification(t, a, aliceAcct, models.NotifyQuote) })
	eventually(t, "the quote accepted on A", func() bool {
		s, err := a.statusByURI(aliceAcct, quotingURI)
		if err != nil {
			return false
		}
		_, got, _ := apiCall(t, a, "GET", "/api/v1/statuses/"+strconv.FormatInt(s.ID, 10), alice, nil)
		q, _ := got["quote"].(map[string]any)
		return q != nil && q["state"] == "accepted" && q["quoted_status"] != nil && q["quoted_status"].(map[string]any)["id"] == orig["id"]
	})

	// B's Note names the quote and its authorization, which A serves.
	code, body := get(t, quotingURI, "application/activity+json")
	var note map[string]any
	_ = json.Unmarshal([]byte(body), &note)
	authURI, _ := note["quoteAuthorization"].(string)
	if code != http.StatusOK || note["quote"] != quotedURI || note["_misskey_quote"] != quotedURI || authURI == "" {
		t.Fatalf("bob's Note: %d %s", code, body)
	}
	code, body = get(t, authURI, "application/activity+json")
	var auth map[string]any
	_ = json.Unmarshal([]byte(body), &auth)
	if code != http.StatusOK || auth["type"] != "QuoteAuthorization" || auth["attributedTo"] != aliceAcct.URI ||
		auth["interactingObject"] != quotingURI || auth["interactionTarget"] != quotedURI {
		t.Fatalf("the QuoteAuthorization: %d %s", code, body)
	}

	// Forged answers: put the quote back to pending on B and answer it.
	q, err := b.store.QuoteByQuotingURI(ctx, quotingURI)
	if err != nil {
		t.Fatal(err)
	}
	q.State, q.AuthorizationURI = "pending", ""
	if err := b.store.SaveQuote(ctx, q); err != nil {
		t.Fatal(err)
	}
	n := 0
	accept := func(actor *models.Account, interacting string) []byte {
		n++
		doc, _ := json.Marshal(map[string]any{
			"@context": "https://www.w3.org/ns/activitystreams",
			"id":       actor.URI + "#quote-accepts/" + strconv.Itoa(n), "type": "Accept", "actor": actor.URI,
			"object": map[string]any{"id": q.RequestURI, "type": "QuoteRequest", "actor": bobOnA.URI, "object": quotedURI, "instrument": quotingURI},
			"result": map[string]any{"id": authURI, "type": "QuoteAuthorization",
				"attributedTo": actor.URI, "interactingObject": interacting, "interactionTarget": quotedURI},
		})
		return doc
	}
	inbox := b.url("/users/bob/inbox")
	for name, p := range map[string]inboxPost{
		"carol accepts alice's quote": {body: accept(carolAcct, quotingURI), keyID: carolAcct.PublicKeyID, key: privateKey(t, carolAcct), date: time.Now(), inboxURL: inbox},
		"alice authorizes another":    {body: accept(aliceAcct, quotedURI), keyID: aliceAcct.PublicKeyID, key: privateKey(t, aliceAcct), date: time.Now(), inboxURL: inbox},
	} {
		if code, msg := p.do(t); code < 400 {
			t.Errorf("%s: %d %s, want refused", name, code, msg)
		}
		if s := stateOnB(); s != "pending" {
			t.Fatalf("after %s the quote is %q", name, s)
		}
	}
	genuine := inboxPost{body: accept(aliceAcct, quotingURI), keyID: aliceAcct.PublicKeyID, key: privateKey(t, aliceAcct), date: time.Now(), inboxURL: inbox}
	if code, msg := genuine.do(t); code >= 300 {
		t.Fatalf("alice's Accept: %d %s", code, msg)
	}
	if s := stateOnB(); s != "accepted" {
		t.Fatalf("after alice's Accept the quote is %q", s)
	}

	// Alice quotes dave, whom nobody on B follows: B stores her quote,
	// fetches dave's post from A and shows it inside, accepted by the
	// authorization A's Note carries.
	a.createUser(t, "dave")
	dave := mustToken(t, a, "dave")
	code, daves, raw := apiCall(t, a, "POST", "/api/v1/statuses", dave, url.Values{"status": {"Dave's news"}})
	if code != http.StatusOK {
		t.Fatalf("dave posts: %d %s", code, raw)
	}
	code, aq, raw := apiCall(t, a, "POST", "/api/v1/statuses", alice, url.Values{"status": {"Read dave"}, "quoted_status_id": {daves["id"].(string)}})
	if code != http.StatusOK || aq["quote"].(map[string]any)["state"] != "accepted" {
		t.Fatalf("alice quotes dave: %d %s", code, raw)
	}
	eventually(t, "alice's quote of dave on B, with dave's post", func() bool {
		s, err := b.statusByURI(bobAcct, aq["uri"].(string))
		if err != nil {
			return false
		}
		_, got, _ := apiCall(t, b, "GET", "/api/v1/statuses/"+strconv.FormatInt(s.ID, 10), bob, nil)
		q, _ := got["quote"].(map[string]any)
		if q == nil || q["state"] != "accepted" || q["quoted_status"] == nil {
			return false
		}
		return q["quoted_status"].(map[string]any)["uri"] == daves["uri"]
	})

	// Alice revokes it on A: A stops serving the authorization and B,
	// told with a Delete of it, shows the quote revoked.
	onA, err := a.statusByURI(aliceAcct, quotingURI)
	if err != nil {
		t.Fatal(err)
	}
	code, got, raw = apiCall(t, a, "POST", "/api/v1/statuses/"+orig["id"].(string)+"/quotes/"+strconv.FormatInt(onA.ID, 10)+"/revoke", alice, nil)
	if code != http.StatusOK || got["quote"].(map[string]any)["state"] != "revoked" {
		t.Fatalf("alice revokes: %d %s", code, raw)
	}
	if code, body := get(t, authURI, "application/activity+json"); code != http.StatusNotFound {
		t.Fatalf("revoked authorization served: %d %s", code, body)
	}
	eventually(t, "the quote revoked on B", func() bool { return stateOnB() == "revoked" })
}
