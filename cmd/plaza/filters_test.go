package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"plaza/models"
	"plaza/server/service/filters"
)

// filterJSON is the Filter entity as a client reads it.
type filterJSON struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Context      []string `json:"context"`
	ExpiresAt    *string  `json:"expires_at"`
	FilterAction string   `json:"filter_action"`
	Keywords     []struct {
		ID        string `json:"id"`
		Keyword   string `json:"keyword"`
		WholeWord bool   `json:"whole_word"`
	} `json:"keywords"`
	Statuses []struct {
		ID       string `json:"id"`
		StatusID string `json:"status_id"`
	} `json:"statuses"`
}

// v1FilterJSON is the V1::Filter entity.
type v1FilterJSON struct {
	ID           string   `json:"id"`
	Phrase       string   `json:"phrase"`
	Context      []string `json:"context"`
	WholeWord    bool     `json:"whole_word"`
	ExpiresAt    *string  `json:"expires_at"`
	Irreversible bool     `json:"irreversible"`
}

// filteredStatus is a status with its filter results, raw where the test
// checks which keys are present.
type filteredStatus struct {
	ID       string `json:"id"`
	Content  string `json:"content"`
	Filtered []struct {
		Filter         map[string]json.RawMessage `json:"filter"`
		KeywordMatches []string                   `json:"keyword_matches"`
		StatusMatches  []string                   `json:"status_matches"`
	} `json:"filtered"`
	Reblog *filteredStatus `json:"reblog"`
}

// call sends a JSON request and decodes a 200 answer into out; it returns
// the status.
func call(t *testing.T, in *instance, token, method, path string, body, out any) int {
	t.Helper()
	code, raw := apiJSON(t, in, token, method, path, body)
	if code == http.StatusOK && out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	if code != http.StatusOK && code != http.StatusNotFound && code != http.StatusUnprocessableEntity && code != http.StatusForbidden {
		t.Fatalf("%s %s: %d %s", method, path, code, raw)
	}
	return code
}

// formCall sends a form-encoded request as Tusky does and decodes a 200
// answer into out.
func formCall(t *testing.T, in *instance, token, method, path string, form url.Values, out any) int {
	t.Helper()
	code, raw := apiForm(t, in, token, method, path, form)
	if code == http.StatusOK && out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return code
}

// apiForm sends a form to the client API as the holder of token and
// returns the status and body.
func apiForm(t *testing.T, in *instance, token, method, path string, form url.Values) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, in.url(path), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}

func sid(id int64) string { return strconv.FormatInt(id, 10) }

// TestFiltersV2CRUD: filters with keywords and statuses are made, read,
// changed and removed over the v2 API, as JSON and as a form; someone
// else's filter is not found; bad contexts, actions and the limits answer
// 422; the write scope is needed to write.
func TestFiltersV2CRUD(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice, bob := a.createUser(t, "alice"), a.createUser(t, "bob")
	tok, bobTok := mustToken(t, a, "alice"), mustToken(t, a, "bob")

	var f filterJSON
	if code := call(t, a, tok, "POST", "/api/v2/filters", map[string]any{
		"title": "Cats", "context": []string{"home", "public"}, "filter_action": "warn",
		"keywords_attributes": []map[string]any{{"keyword": "cat", "whole_word": true}, {"keyword": "kitten", "whole_word": false}},
	}, &f); code != 200 {
		t.Fatalf("create: %d", code)
	}
	if f.ID == "" || f.Title != "Cats" || strings.Join(f.Context, ",") != "home,public" || f.FilterAction != "warn" ||
		f.ExpiresAt != nil || len(f.Keywords) != 2 || f.Keywords[0].Keyword != "cat" || !f.Keywords[0].WholeWord ||
		f.Keywords[1].WholeWord || f.Statuses == nil || len(f.Statuses) != 0 {
		t.Fatalf("created filter %+v", f)
	}
	var dogs filterJSON
	if code := formCall(t, a, tok, "POST", "/api/v2/filters", url.Values{
		"title": {"Dogs"}, "context[]": {"thread", "account"}, "filter_action": {"hide"}, "expires_in": {"3600"},
		"keywords_attributes[][keyword]": {"dog", "puppy"}, "keywords_attributes[][whole_word]": {"false", "true"},
	}, &dogs); code != 200 {
		t.Fatalf("create as a form: %d", code)
	}
	if dogs.FilterAction != "hide" || dogs.ExpiresAt == nil || len(dogs.Keywords) != 2 || dogs.Keywords[0].WholeWord || !dogs.Keywords[1].WholeWord {
		t.Fatalf("form filter %+v", dogs)
	}
	var never filterJSON
	if code := formCall(t, a, tok, "PUT", "/api/v2/filters/"+dogs.ID, url.Values{"expires_in": {""}}, &never); code != 200 || never.ExpiresAt != nil || never.FilterAction != "hide" || len(never.Keywords) != 2 {
		t.Fatalf("an empty expires_in clears the expiry and nothing else: %d %+v", code, never)
	}
	var list []filterJSON
	if call(t, a, tok, "GET", "/api/v2/filters", nil, &list); len(list) != 2 || list[0].ID != f.ID || list[1].ID != dogs.ID {
		t.Fatalf("list %+v", list)
	}

	// Someone else's filter, and bad input.
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		if code := call(t, a, bobTok, m, "/api/v2/filters/"+f.ID, map[string]any{"title": "mine"}, nil); code != 404 {
			t.Fatalf("bob %s alice's filter: %d, want 404", m, code)
		}
	}
	for name, body := range map[string]map[string]any{
		"unknown context": {"title": "x", "context": []string{"home", "nowhere"}},
		"no context":      {"title": "x", "context": []string{}},
		"bad action":      {"title": "x", "context": []string{"home"}, "filter_action": "explode"},
		"no title":        {"context": []string{"home"}},
		"bad expiry":      {"title": "x", "context": []string{"home"}, "expires_in": "-5"},
		"blank keyword":   {"title": "x", "context": []string{"home"}, "keywords_attributes": []map[string]any{{"keyword": " "}}},
	} {
		if code := call(t, a, tok, "POST", "/api/v2/filters", body, nil); code != 422 {
			t.Fatalf("%s: %d, want 422", name, code)
		}
	}
	if code := call(t, a, tok, "PUT", "/api/v2/filters/"+f.ID, map[string]any{"context": []string{"everywhere"}}, nil); code != 422 {
		t.Fatalf("update to a bad context: %d", code)
	}
	readOnly, err := a.svc.Accounts().CreateToken(ctx, "alice", "read:filters")
	if err != nil {
		t.Fatal(err)
	}
	if code := call(t, a, readOnly, "POST", "/api/v2/filters", map[string]any{"title": "x", "context": []string{"home"}}, nil); code != 403 {
		t.Fatalf("create with read:filters only: %d, want 403", code)
	}
	if code := call(t, a, readOnly, "GET", "/api/v2/filters/"+f.ID, nil, nil); code != 200 {
		t.Fatalf("read with read:filters: %d", code)
	}

	// One update changes the filter and its keywords together.
	var up filterJSON
	if code := call(t, a, tok, "PUT", "/api/v2/filters/"+f.ID, map[string]any{
		"title": "Felines", "filter_action": "hide",
		"keywords_attributes": []map[string]any{
			{"id": f.Keywords[0].ID, "_destroy": true},
			{"id": f.Keywords[1].ID, "keyword": "kittens"},
			{"keyword": "lion"},
		},
	}, &up); code != 200 {
		t.Fatalf("update: %d", code)
	}
	if up.Title != "Felines" || up.FilterAction != "hide" || strings.Join(up.Context, ",") != "home,public" || len(up.Keywords) != 2 ||
		up.Keywords[0].Keyword != "kittens" || up.Keywords[0].WholeWord || up.Keywords[1].Keyword != "lion" || !up.Keywords[1].WholeWord {
		t.Fatalf("updated %+v", up)
	}
	if code := call(t, a, tok, "PUT", "/api/v2/filters/"+f.ID, map[string]any{
		"keywords_attributes": []map[string]any{{"id": dogs.Keywords[0].ID, "keyword": "stolen"}}}, nil); code != 404 {
		t.Fatalf("changing another filter's keyword: %d, want 404", code)
	}

	// Keywords on their own.
	var kws []struct{ ID, Keyword string }
	if call(t, a, tok, "GET", "/api/v2/filters/"+f.ID+"/keywords", nil, &kws); len(kws) != 2 {
		t.Fatalf("keywords %+v", kws)
	}
	var kw struct {
		ID        string `json:"id"`
		Keyword   string `json:"keyword"`
		WholeWord bool   `json:"whole_word"`
	}
	if code := call(t, a, tok, "POST", "/api/v2/filters/"+f.ID+"/keywords", map[string]any{"keyword": "tiger", "whole_word": false}, &kw); code != 200 || kw.Keyword != "tiger" || kw.WholeWord {
		t.Fatalf("add keyword: %d %+v", code, kw)
	}
	if code := call(t, a, tok, "POST", "/api/v2/filters/"+f.ID+"/keywords", map[string]any{"keyword": "tiger"}, nil); code != 422 {
		t.Fatalf("the same keyword twice: %d, want 422", code)
	}
	if code := call(t, a, tok, "PUT", "/api/v2/filters/keywords/"+kw.ID, map[string]any{"whole_word": true}, &kw); code != 200 || kw.Keyword != "tiger" || !kw.WholeWord {
		t.Fatalf("update keyword: %d %+v", code, kw)
	}
	if code := call(t, a, bobTok, "GET", "/api/v2/filters/keywords/"+kw.ID, nil, nil); code != 404 {
		t.Fatalf("bob reads alice's keyword: %d", code)
	}
	if code := call(t, a, bobTok, "POST", "/api/v2/filters/"+f.ID+"/keywords", map[string]any{"keyword": "x"}, nil); code != 404 {
		t.Fatalf("bob adds to alice's filter: %d", code)
	}
	if call(t, a, tok, "DELETE", "/api/v2/filters/keywords/"+kw.ID, nil, nil) != 200 || call(t, a, tok, "GET", "/api/v2/filters/keywords/"+kw.ID, nil, nil) != 404 {
		t.Fatal("deleted keyword still there")
	}

	// Statuses.
	st := a.post(t, bob, "something to filter", models.VisibilityPublic, nil)
	var fs struct{ ID, StatusID string }
	if code := call(t, a, tok, "POST", "/api/v2/filters/"+f.ID+"/statuses", map[string]any{"status_id": sid(st.ID)}, &fs); code != 200 {
		t.Fatalf("add status: %d", code)
	}
	if code := call(t, a, tok, "POST", "/api/v2/filters/"+f.ID+"/statuses", map[string]any{"status_id": sid(st.ID)}, nil); code != 422 {
		t.Fatalf("the same status twice: %d, want 422", code)
	}
	if code := call(t, a, tok, "POST", "/api/v2/filters/"+f.ID+"/statuses", map[string]any{"status_id": "12345"}, nil); code != 422 {
		t.Fatalf("a status that does not exist: %d, want 422", code)
	}
	var raw []map[string]string
	if call(t, a, tok, "GET", "/api/v2/filters/"+f.ID+"/statuses", nil, &raw); len(raw) != 1 || raw[0]["status_id"] != sid(st.ID) || raw[0]["id"] == "" {
		t.Fatalf("statuses %+v", raw)
	}
	if call(t, a, tok, "GET", "/api/v2/filters/statuses/"+raw[0]["id"], nil, nil) != 200 || call(t, a, bobTok, "GET", "/api/v2/filters/statuses/"+raw[0]["id"], nil, nil) != 404 ||
		call(t, a, bobTok, "DELETE", "/api/v2/filters/statuses/"+raw[0]["id"], nil, nil) != 404 {
		t.Fatal("status entry: alice reads it, bob neither reads nor deletes it")
	}
	if call(t, a, tok, "DELETE", "/api/v2/filters/statuses/"+raw[0]["id"], nil, nil) != 200 || call(t, a, tok, "GET", "/api/v2/filters/statuses/"+raw[0]["id"], nil, nil) != 404 {
		t.Fatal("deleted status entry still there")
	}

	// Limits: keywords per filter, filters per account.
	many := make([]map[string]any, filters.MaxKeywords)
	for i := range many {
		many[i] = map[string]any{"keyword": fmt.Sprintf("word%d", i)}
	}
	var full filterJSON
	if code := call(t, a, tok, "POST", "/api/v2/filters", map[string]any{"title": "Full", "context": []string{"home"}, "keywords_attributes": many}, &full); code != 200 || len(full.Keywords) != filters.MaxKeywords {
		t.Fatalf("a filter of %d keywords: %d", filters.MaxKeywords, code)
	}
	if code := call(t, a, tok, "POST", "/api/v2/filters/"+full.ID+"/keywords", map[string]any{"keyword": "one more"}, nil); code != 422 {
		t.Fatalf("keyword %d: %d, want 422", filters.MaxKeywords+1, code)
	}
	title := "more"
	for i := 3; i < filters.MaxFilters; i++ {
		if _, err := a.svc.Filters().Create(ctx, alice, filters.Input{Title: &title, Context: []string{"home"}}); err != nil {
			t.Fatal(err)
		}
	}
	if code := call(t, a, tok, "POST", "/api/v2/filters", map[string]any{"title": "101", "context": []string{"home"}}, nil); code != 422 {
		t.Fatalf("filter %d: %d, want 422", filters.MaxFilters+1, code)
	}

	if call(t, a, tok, "DELETE", "/api/v2/filters/"+f.ID, nil, nil) != 200 || call(t, a, tok, "GET", "/api/v2/filters/"+f.ID, nil, nil) != 404 ||
		call(t, a, tok, "GET", "/api/v2/filters/"+f.ID+"/keywords", nil, nil) != 404 {
		t.Fatal("deleted filter still there")
	}
}

// TestFiltersV1: the v1 API sees each keyword as a filter of its own
// (phrase, context, whole_word, irreversible = hide), made, changed and
// removed over the v2 storage; a change that would touch a filter's other
// keywords is refused, as in Mastodon.
func TestFiltersV1(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	a.createUser(t, "bob")
	tok, bobTok := mustToken(t, a, "alice"), mustToken(t, a, "bob")

	var v v1FilterJSON
	if code := formCall(t, a, tok, "POST", "/api/v1/filters", url.Values{
		"phrase": {"Spoiler"}, "context[]": {"home", "thread"}, "irreversible": {"false"}, "whole_word": {"true"},
	}, &v); code != 200 {
		t.Fatalf("v1 create: %d", code)
	}
	if v.ID == "" || v.Phrase != "Spoiler" || strings.Join(v.Context, ",") != "home,thread" || !v.WholeWord || v.Irreversible || v.ExpiresAt != nil {
		t.Fatalf("v1 filter %+v", v)
	}
	var v2 []filterJSON
	if call(t, a, tok, "GET", "/api/v2/filters", nil, &v2); len(v2) != 1 || v2[0].Title != "Spoiler" || v2[0].FilterAction != "warn" ||
		len(v2[0].Keywords) != 1 || v2[0].Keywords[0].ID != v.ID {
		t.Fatalf("v1 filter in v2: %+v", v2)
	}
	if code := call(t, a, tok, "PUT", "/api/v1/filters/"+v.ID, map[string]any{
		"phrase": "spoilers", "context": []string{"home"}, "irreversible": true, "whole_word": false, "expires_in": 600,
	}, &v); code != 200 || v.Phrase != "spoilers" || strings.Join(v.Context, ",") != "home" || !v.Irreversible || v.WholeWord || v.ExpiresAt == nil {
		t.Fatalf("v1 update: %d %+v", code, v)
	}
	if call(t, a, tok, "GET", "/api/v2/filters/"+v2[0].ID, nil, &v2[0]); v2[0].FilterAction != "hide" {
		t.Fatalf("irreversible is hide: %+v", v2[0])
	}
	if call(t, a, bobTok, "GET", "/api/v1/filters/"+v.ID, nil, nil) != 404 || call(t, a, bobTok, "PUT", "/api/v1/filters/"+v.ID, map[string]any{"phrase": "x"}, nil) != 404 ||
		call(t, a, bobTok, "DELETE", "/api/v1/filters/"+v.ID, nil, nil) != 404 {
		t.Fatal("bob reached alice's v1 filter")
	}
	if code := call(t, a, tok, "POST", "/api/v1/filters", map[string]any{"phrase": "x", "context": []string{"somewhere"}}, nil); code != 422 {
		t.Fatalf("v1 bad context: %d", code)
	}

	// A v2 filter of two keywords is two v1 filters.
	var two filterJSON
	call(t, a, tok, "POST", "/api/v2/filters", map[string]any{"title": "Two", "context": []string{"public"},
		"keywords_attributes": []map[string]any{{"keyword": "one"}, {"keyword": "two"}}}, &two)
	var all []v1FilterJSON
	if call(t, a, tok, "GET", "/api/v1/filters", nil, &all); len(all) != 3 {
		t.Fatalf("v1 list %+v", all)
	}
	oneID := two.Keywords[0].ID
	if code := call(t, a, tok, "PUT", "/api/v1/filters/"+oneID, map[string]any{"phrase": "uno", "context": []string{"home"}}, nil); code != 422 {
		t.Fatalf("changing the context of a filter with two keywords through v1: %d, want 422", code)
	}
	var one v1FilterJSON
	if code := call(t, a, tok, "PUT", "/api/v1/filters/"+oneID, map[string]any{"phrase": "uno", "context": []string{"public"}, "irreversible": false, "expires_in": ""}, &one); code != 200 || one.Phrase != "uno" {
		t.Fatalf("renaming one keyword, context unchanged: %d %+v", code, one)
	}
	if call(t, a, tok, "DELETE", "/api/v1/filters/"+oneID, nil, nil) != 200 {
		t.Fatal("v1 delete")
	}
	if call(t, a, tok, "GET", "/api/v2/filters/"+two.ID, nil, &two); len(two.Keywords) != 1 || two.Keywords[0].Keyword != "two" {
		t.Fatalf("after deleting one keyword of two: %+v", two)
	}
	if call(t, a, tok, "DELETE", "/api/v1/filters/"+v.ID, nil, nil) != 200 || call(t, a, tok, "GET", "/api/v2/filters/"+v2[0].ID, nil, nil) != 404 {
		t.Fatal("deleting the only keyword of a v1 filter leaves its filter")
	}
}

// TestFiltersApplied: statuses carry "filtered" for the viewer's filters
// of the context they are shown in; hide leaves them out of home, public,
// tag timelines and notifications (a boost by what it boosts); a filter of
// another context, an expired filter and an anonymous viewer see nothing.
func TestFiltersApplied(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice, bob, carol := a.createUser(t, "alice"), a.createUser(t, "bob"), a.createUser(t, "carol")
	if _, err := a.svc.Social().Follow(ctx, alice, bob); err != nil {
		t.Fatal(err)
	}
	tok := mustToken(t, a, "alice")
	mk := func(body map[string]any) filterJSON {
		t.Helper()
		var f filterJSON
		if code := call(t, a, tok, "POST", "/api/v2/filters", body, &f); code != 200 {
			t.Fatalf("create %v: %d", body, code)
		}
		return f
	}
	kw := func(words ...string) []map[string]any {
		out := []map[string]any{}
		for _, w := range words {
			out = append(out, map[string]any{"keyword": w})
		}
		return out
	}
	warn := mk(map[string]any{"title": "Kittens", "context": []string{"home", "notifications"}, "keywords_attributes": kw("kitten")})
	mk(map[string]any{"title": "Crypto", "context": []string{"home", "public", "notifications"}, "filter_action": "hide", "keywords_attributes": kw("crypto")})
	thread := mk(map[string]any{"title": "Threads", "context": []string{"thread"}, "keywords_attributes": kw("kitten")})
	expired := mk(map[string]any{"title": "Weather", "context": []string{"home"}, "filter_action": "hide", "expires_in": 3600, "keywords_attributes": kw("weather")})
	// The expiry passes (set in the store, as no clock is waited on).
	id, _ := strconv.ParseInt(expired.ID, 10, 64)
	stored, err := a.store.FilterByID(ctx, alice.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Minute)
	stored.ExpiresAt = &past
	if err := a.store.SaveFilter(ctx, stored); err != nil {
		t.Fatal(err)
	}

	kitten := a.post(t, bob, "look, a Kitten!", models.VisibilityPublic, nil)
	a.post(t, bob, "buy #crypto now", models.VisibilityPublic, nil)
	weather := a.post(t, bob, "nice weather", models.VisibilityPublic, nil)
	a.post(t, bob, "plain words", models.VisibilityPublic, nil)
	boosted := a.post(t, carol, "more crypto talk", models.VisibilityPublic, nil)
	if _, err := a.svc.Social().Boost(ctx, bob, boosted.ID); err != nil {
		t.Fatal(err)
	}
	byStatus := a.post(t, bob, "filtered by its id", models.VisibilityPublic, nil)
	byID := mk(map[string]any{"title": "That one", "context": []string{"account"}})
	if code := call(t, a, tok, "POST", "/api/v2/filters/"+byID.ID+"/statuses", map[string]any{"status_id": sid(byStatus.ID)}, nil); code != 200 {
		t.Fatalf("add status: %d", code)
	}

	page := func(token, path string) map[string]filteredStatus {
		t.Helper()
		var list []filteredStatus
		if code := call(t, a, token, "GET", path, nil, &list); code != 200 {
			t.Fatalf("GET %s: %d", path, code)
		}
		out := map[string]filteredStatus{}
		for _, st := range list {
			text := st.Content
			if st.Reblog != nil {
				text = "boost: " + st.Reblog.Content
			}
			out[htmlUnescape(stripTags(text))] = st
		}
		return out
	}
	filterIDs := func(st filteredStatus) string {
		var ids []string
		for _, r := range st.Filtered {
			var id string
			_ = json.Unmarshal(r.Filter["id"], &id)
			ids = append(ids, id)
		}
		return strings.Join(ids, ",")
	}

	home := page(tok, "/api/v1/timelines/home")
	k, ok := home["look, a Kitten!"]
	if !ok || filterIDs(k) != warn.ID || len(k.Filtered[0].KeywordMatches) != 1 || k.Filtered[0].KeywordMatches[0] != "kitten" || k.Filtered[0].StatusMatches != nil {
		t.Fatalf("home kitten: %+v", k)
	}
	if _, has := k.Filtered[0].Filter["keywords"]; has || string(k.Filtered[0].Filter["filter_action"]) != `"warn"` {
		t.Fatalf("a FilterResult's filter has no keywords and names its action: %v", k.Filtered[0].Filter)
	}
	if _, ok := home["buy #crypto now"]; ok {
		t.Fatal("a hidden status is on home")
	}
	if _, ok := home["boost: more crypto talk"]; ok {
		t.Fatal("a boost of a hidden status is on home")
	}
	if w, ok := home["nice weather"]; !ok || len(w.Filtered) != 0 {
		t.Fatalf("an expired filter still applies: %+v (present %v)", w, ok)
	}
	if p, ok := home["plain words"]; !ok || p.Filtered == nil || len(p.Filtered) != 0 {
		t.Fatalf("plain status: %+v", p)
	}

	public := page(tok, "/api/v1/timelines/public")
	if _, ok := public["buy #crypto now"]; ok {
		t.Fatal("a hidden status is on the public timeline")
	}
	if k, ok := public["look, a Kitten!"]; !ok || len(k.Filtered) != 0 {
		t.Fatalf("a home filter applied in public: %+v", k)
	}
	if _, ok := page(tok, "/api/v1/timelines/tag/crypto")["buy #crypto now"]; ok {
		t.Fatal("a hidden status is on its tag timeline")
	}
	if _, ok := page("", "/api/v1/timelines/public")["buy #crypto now"]; !ok {
		t.Fatal("an anonymous viewer lost a status to alice's filter")
	}

	account := page(tok, "/api/v1/accounts/"+sid(bob.ID)+"/statuses")
	if st := account["filtered by its id"]; filterIDs(st) != byID.ID || len(st.Filtered[0].StatusMatches) != 1 || st.Filtered[0].StatusMatches[0] != sid(byStatus.ID) || st.Filtered[0].KeywordMatches != nil {
		t.Fatalf("account context, by status: %+v", st)
	}
	if k := account["look, a Kitten!"]; len(k.Filtered) != 0 {
		t.Fatalf("a home filter applied on a profile: %+v", k)
	}

	reply := a.post(t, carol, "another kitten here", models.VisibilityPublic, &kitten.ID)
	var thr struct{ Descendants []filteredStatus }
	if call(t, a, tok, "GET", "/api/v1/statuses/"+sid(kitten.ID)+"/context", nil, &thr); len(thr.Descendants) != 1 || thr.Descendants[0].ID != sid(reply.ID) || filterIDs(thr.Descendants[0]) != thread.ID {
		t.Fatalf("thread context: %+v", thr.Descendants)
	}

	a.post(t, bob, "@alice a kitten for you", models.VisibilityPublic, nil)
	a.post(t, bob, "@alice crypto for you", models.VisibilityPublic, nil)
	a.post(t, bob, "@alice hello", models.VisibilityPublic, &weather.ID)
	var notes []struct {
		Type   string
		Status *filteredStatus
	}
	call(t, a, tok, "GET", "/api/v1/notifications", nil, &notes)
	seen := map[string]filteredStatus{}
	for _, n := range notes {
		if n.Status != nil {
			seen[htmlUnescape(stripTags(n.Status.Content))] = *n.Status
		}
	}
	if len(seen) != 2 || filterIDs(seen["@alice a kitten for you"]) != warn.ID || len(seen["@alice hello"].Filtered) != 0 {
		t.Fatalf("notifications: %+v", seen)
	}
}

// TestFiltersStreaming: an update on the user stream carries "filtered"
// for a warn filter of home; a status a hide filter of home matches is not
// sent (the next status is).
func TestFiltersStreaming(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a := startInstance(t, "127.0.0.2")
	alice, bob := a.createUser(t, "alice"), a.createUser(t, "bob")
	if _, err := a.svc.Social().Follow(ctx, alice, bob); err != nil {
		t.Fatal(err)
	}
	tok := mustToken(t, a, "alice")
	var warn filterJSON
	call(t, a, tok, "POST", "/api/v2/filters", map[string]any{"title": "Kittens", "context": []string{"home"},
		"keywords_attributes": []map[string]any{{"keyword": "kitten"}}}, &warn)
	call(t, a, tok, "POST", "/api/v2/filters", map[string]any{"title": "Crypto", "context": []string{"home"}, "filter_action": "hide",
		"keywords_attributes": []map[string]any{{"keyword": "crypto"}}}, nil)

	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.url("/api/v1/streaming/user"), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("stream: %v", err)
	}
	defer res.Body.Close()
	lines := bufio.NewReader(res.Body)
	if l, _ := lines.ReadString('\n'); l != ":)\n" {
		t.Fatalf("greeting %q", l)
	}
	nextUpdate := func() filteredStatus {
		t.Helper()
		for {
			l, err := lines.ReadString('\n')
			if err != nil {
				t.Fatalf("stream: %v", err)
			}
			if l != "event: update\n" {
				continue
			}
			data, _ := lines.ReadString('\n')
			var st filteredStatus
			if err := json.Unmarshal([]byte(strings.TrimPrefix(data, "data: ")), &st); err != nil {
				t.Fatalf("update %q: %v", data, err)
			}
			return st
		}
	}

	kitten := a.post(t, bob, "a kitten", models.VisibilityPublic, nil)
	if st := nextUpdate(); st.ID != sid(kitten.ID) || len(st.Filtered) != 1 || string(st.Filtered[0].Filter["id"]) != `"`+warn.ID+`"` {
		t.Fatalf("streamed warn: %+v", st)
	}
	a.post(t, bob, "crypto!", models.VisibilityPublic, nil)
	plain := a.post(t, bob, "plain", models.VisibilityPublic, nil)
	if st := nextUpdate(); st.ID != sid(plain.ID) || len(st.Filtered) != 0 {
		t.Fatalf("after a hidden status, the next update is %+v, want the plain one", st)
	}
}

// TestFilteredPagesRunBoundedQueries: with filters that match every status,
// a home page of 20 costs the queries a page of 2 does: the filters are
// loaded once per request and matched in Go.
func TestFilteredPagesRunBoundedQueries(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice, bob := a.createUser(t, "alice"), a.createUser(t, "bob")
	if _, err := a.svc.Social().Follow(ctx, alice, bob); err != nil {
		t.Fatal(err)
	}
	tok := mustToken(t, a, "alice")
	first := a.post(t, bob, "kitten 0", models.VisibilityPublic, nil)
	var f filterJSON
	call(t, a, tok, "POST", "/api/v2/filters", map[string]any{"title": "Kittens", "context": []string{"home"},
		"keywords_attributes": []map[string]any{{"keyword": "kitten"}, {"keyword": "cat"}}}, &f)
	call(t, a, tok, "POST", "/api/v2/filters/"+f.ID+"/statuses", map[string]any{"status_id": sid(first.ID)}, nil)
	a.post(t, bob, "kitten 1", models.VisibilityPublic, nil)
	small := a.countQueries(t, tok, "/api/v1/timelines/home?limit=20")
	for i := 2; i < 20; i++ {
		a.post(t, bob, fmt.Sprintf("kitten %d", i), models.VisibilityPublic, nil)
	}
	if big := a.countQueries(t, tok, "/api/v1/timelines/home?limit=20"); big != small {
		t.Fatalf("a filtered page of 20 ran %d queries, a page of 2 ran %d", big, small)
	}
}
