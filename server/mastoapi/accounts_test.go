package mastoapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"plaza/models/store/storetest"
	"plaza/server/mastoapi"
	"plaza/server/service"
	"plaza/server/service/accounts"
	"plaza/server/service/core"
	"plaza/server/service/social"
	"plaza/server/web"
	"plaza/templates"
)

// acctRig is a client API with users alice, bob and carol, each with a
// full-scope token.
type acctRig struct {
	svc    *service.Service
	engine *gin.Engine
	tokens map[string]string
	ids    map[string]string
}

func newAcctRig(t *testing.T) *acctRig {
	t.Helper()
	gin.SetMode(gin.TestMode)
	svc := service.New(core.Config{Host: "plaza.test", Protocol: "https", InstanceName: "Plaza"}, core.Deps{Store: storetest.Open(t)})
	pages := template.Must(web.ParseTemplates(templates.FS))
	h := mastoapi.New(mastoapi.Config{MediaPath: t.TempDir()}, svc, pages, slog.New(slog.DiscardHandler))
	r := &acctRig{svc: svc, engine: gin.New(), tokens: map[string]string{}, ids: map[string]string{}}
	h.Mount(r.engine)
	for _, name := range []string{"alice", "bob", "carol"} {
		a, err := svc.Accounts().CreateUser(context.Background(), accounts.CreateUserInput{Username: name, Email: name + "@example.com", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		r.ids[name] = strconv.FormatInt(a.ID, 10)
		tok, err := svc.Accounts().CreateToken(context.Background(), name, "read write follow")
		if err != nil {
			t.Fatal(err)
		}
		r.tokens[name] = tok
	}
	return r
}

type acctRes struct {
	status int
	body   string
	header http.Header
}

// send makes a request; contentType "" sends no body type.
func (r *acctRig) send(t *testing.T, method, path, token, contentType string, body io.Reader) acctRes {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	r.engine.ServeHTTP(rec, req)
	return acctRes{status: rec.Code, body: rec.Body.String(), header: rec.Header()}
}

func (r *acctRig) get(t *testing.T, path, token string) acctRes {
	t.Helper()
	return r.send(t, http.MethodGet, path, token, "", nil)
}

func (r *acctRig) post(t *testing.T, path, token string) acctRes {
	t.Helper()
	return r.send(t, http.MethodPost, path, token, "", nil)
}

func mustStatus(t *testing.T, res acctRes, want int) {
	t.Helper()
	if res.status != want {
		t.Fatalf("status %d, want %d: %s", res.status, want, res.body)
	}
}

func decodeInto(t *testing.T, res acctRes, into any) {
	t.Helper()
	if err := json.Unmarshal([]byte(res.body), into); err != nil {
		t.Fatalf("decode %s: %v", res.body, err)
	}
}

func TestVerifyCredentialsShape(t *testing.T) {
	r := newAcctRig(t)
	mustStatus(t, r.get(t, "/api/v1/accounts/verify_credentials", ""), http.StatusUnauthorized)
	res := r.get(t, "/api/v1/accounts/verify_credentials", r.tokens["alice"])
	mustStatus(t, res, http.StatusOK)
	var m map[string]json.RawMessage
	decodeInto(t, res, &m)
	for _, k := range []string{"id", "username", "acct", "display_name", "locked", "bot", "discoverable", "group", "created_at",
		"note", "url", "avatar", "avatar_static", "header", "header_static", "followers_count", "following_count",
		"statuses_count", "last_status_at", "emojis", "fields", "source"} {
		if _, ok := m[k]; !ok {
			t.Errorf("verify_credentials lacks %q", k)
		}
	}
	if string(m["id"]) != `"`+r.ids["alice"]+`"` || string(m["acct"]) != `"alice"` {
		t.Fatalf("id/acct: %s %s", m["id"], m["acct"])
	}
	readOnly, err := r.svc.Accounts().CreateToken(context.Background(), "alice", "read")
	if err != nil {
		t.Fatal(err)
	}
	mustStatus(t, r.get(t, "/api/v1/accounts/verify_credentials", readOnly), http.StatusOK)
	mustStatus(t, r.send(t, http.MethodPatch, "/api/v1/accounts/update_credentials", readOnly,
		"application/x-www-form-urlencoded", strings.NewReader("display_name=x")), http.StatusForbidden)
}

type acctEntity struct {
	ID          string `json:"id"`
	Acct        string `json:"acct"`
	DisplayName string `json:"display_name"`
	Note        string `json:"note"`
	Locked      bool   `json:"locked"`
	Avatar      string `json:"avatar"`
	Fields      []struct {
		Name, Value string
	} `json:"fields"`
	Source *struct {
		Note string `json:"note"`
	} `json:"source"`
}

func TestUpdateCredentials(t *testing.T) {
	r := newAcctRig(t)
	tok := r.tokens["alice"]
	patch := func(contentType string, body io.Reader) acctRes {
		return r.send(t, http.MethodPatch, "/api/v1/accounts/update_credentials", tok, contentType, body)
	}

	t.Run("form", func(t *testing.T) {
		form := "display_name=Alice+A&note=Hello+%3Cworld%3E&locked=true&fields_attributes%5B0%5D%5Bname%5D=Web&fields_attributes%5B0%5D%5Bvalue%5D=example.com&fields_attributes%5B1%5D%5Bname%5D=Pronouns&fields_attributes%5B1%5D%5Bvalue%5D=she"
		res := patch("application/x-www-form-urlencoded", strings.NewReader(form))
		mustStatus(t, res, http.StatusOK)
		var a acctEntity
		decodeInto(t, res, &a)
		if a.DisplayName != "Alice A" || !a.Locked || a.Note != "<p>Hello &lt;world&gt;</p>" || a.Source == nil || a.Source.Note != "Hello <world>" {
			t.Fatalf("form update: %+v", a)
		}
		if len(a.Fields) != 2 || a.Fields[0].Name != "Web" || a.Fields[1].Value != "she" {
			t.Fatalf("fields: %+v", a.Fields)
		}
	})
	t.Run("json", func(t *testing.T) {
		res := patch("application/json", strings.NewReader(`{"display_name":"J","locked":false,"fields_attributes":{"0":{"name":"a","value":"b"}}}`))
		mustStatus(t, res, http.StatusOK)
		var a acctEntity
		decodeInto(t, res, &a)
		if a.DisplayName != "J" || a.Locked || len(a.Fields) != 1 || a.Fields[0].Name != "a" {
			t.Fatalf("json update: %+v", a)
		}
		res = patch("application/json", strings.NewReader(`{"fields_attributes":[{"name":"x","value":"y"},{"name":"z","value":"w"}]}`))
		mustStatus(t, res, http.StatusOK)
		decodeInto(t, res, &a)
		if a.DisplayName != "J" || len(a.Fields) != 2 || a.Fields[1].Name != "z" {
			t.Fatalf("json array fields: %+v", a)
		}
	})
	t.Run("validation", func(t *testing.T) {
		res := patch("application/x-www-form-urlencoded", strings.NewReader("display_name="+strings.Repeat("a", 31)))
		mustStatus(t, res, http.StatusUnprocessableEntity)
	})
	t.Run("multipart avatar", func(t *testing.T) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("display_name", "With Avatar")
		fw, _ := mw.CreateFormFile("avatar", "me.png")
		img := image.NewRGBA(image.Rect(0, 0, 8, 8))
		img.Set(1, 1, color.RGBA{R: 255, A: 255})
		_ = png.Encode(fw, img)
		_ = mw.Close()
		res := patch(mw.FormDataContentType(), &body)
		mustStatus(t, res, http.StatusOK)
		var a acctEntity
		decodeInto(t, res, &a)
		if a.DisplayName != "With Avatar" || !strings.Contains(a.Avatar, "/media/") {
			t.Fatalf("multipart update: %+v", a)
		}
	})
}

type relEntity struct {
	ID                  string `json:"id"`
	Following           bool   `json:"following"`
	Requested           bool   `json:"requested"`
	FollowedBy          bool   `json:"followed_by"`
	Blocking            bool   `json:"blocking"`
	Muting              bool   `json:"muting"`
	MutingNotifications bool   `json:"muting_notifications"`
}

func TestRelationshipsAndActions(t *testing.T) {
	r := newAcctRig(t)
	alice, bob, carol := r.tokens["alice"], r.ids["bob"], r.ids["carol"]
	var rel relEntity
	res := r.post(t, "/api/v1/accounts/"+bob+"/follow", alice)
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &rel)
	if rel.ID != bob || !rel.Following {
		t.Fatalf("follow: %+v", rel)
	}
	res = r.post(t, "/api/v1/accounts/"+carol+"/mute?notifications=false", alice)
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &rel)
	if !rel.Muting || rel.MutingNotifications {
		t.Fatalf("mute: %+v", rel)
	}

	var rels []relEntity
	res = r.get(t, "/api/v1/accounts/relationships?id[]="+bob+"&id[]="+carol+"&id[]=12345", alice)
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &rels)
	if len(rels) != 2 || rels[0].ID != bob || !rels[0].Following || rels[1].ID != carol || !rels[1].Muting {
		t.Fatalf("relationships: %+v", rels)
	}

	var accounts []acctEntity
	res = r.get(t, "/api/v1/mutes", alice)
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &accounts)
	if len(accounts) != 1 || accounts[0].ID != carol || res.header.Get("Link") == "" {
		t.Fatalf("mutes: %+v %q", accounts, res.header.Get("Link"))
	}
	res = r.get(t, "/api/v1/accounts/"+bob+"/followers", "")
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &accounts)
	if len(accounts) != 1 || accounts[0].ID != r.ids["alice"] {
		t.Fatalf("followers: %+v", accounts)
	}

	res = r.post(t, "/api/v1/accounts/"+bob+"/block", alice)
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &rel)
	if !rel.Blocking || rel.Following {
		t.Fatalf("block: %+v", rel)
	}
	res = r.get(t, "/api/v1/blocks", alice)
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &accounts)
	if len(accounts) != 1 || accounts[0].ID != bob {
		t.Fatalf("blocks: %+v", accounts)
	}
	readOnly, _ := r.svc.Accounts().CreateToken(context.Background(), "alice", "read")
	mustStatus(t, r.post(t, "/api/v1/accounts/"+bob+"/unblock", readOnly), http.StatusForbidden)
	mustStatus(t, r.post(t, "/api/v1/accounts/"+bob+"/unblock", alice), http.StatusOK)
	mustStatus(t, r.post(t, "/api/v1/accounts/999/follow", alice), http.StatusNotFound)
}

func TestFollowRequestsAndLookup(t *testing.T) {
	r := newAcctRig(t)
	bobTok := r.tokens["bob"]
	res := r.send(t, http.MethodPatch, "/api/v1/accounts/update_credentials", bobTok, "application/x-www-form-urlencoded", strings.NewReader("locked=1"))
	mustStatus(t, res, http.StatusOK)
	var rel relEntity
	decodeInto(t, r.post(t, "/api/v1/accounts/"+r.ids["bob"]+"/follow", r.tokens["alice"]), &rel)
	if !rel.Requested || rel.Following {
		t.Fatalf("follow of locked account: %+v", rel)
	}
	var accounts []acctEntity
	decodeInto(t, r.get(t, "/api/v1/follow_requests", bobTok), &accounts)
	if len(accounts) != 1 || accounts[0].ID != r.ids["alice"] {
		t.Fatalf("follow requests: %+v", accounts)
	}
	res = r.post(t, "/api/v1/follow_requests/"+r.ids["alice"]+"/authorize", bobTok)
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &rel)
	if !rel.FollowedBy || rel.ID != r.ids["alice"] {
		t.Fatalf("authorize: %+v", rel)
	}

	var a acctEntity
	res = r.get(t, "/api/v1/accounts/lookup?acct=bob@plaza.test", "")
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &a)
	if a.ID != r.ids["bob"] || a.Source != nil {
		t.Fatalf("lookup: %+v", a)
	}
	mustStatus(t, r.get(t, "/api/v1/accounts/lookup?acct=nobody", ""), http.StatusNotFound)
	mustStatus(t, r.get(t, "/api/v1/accounts/"+r.ids["carol"], ""), http.StatusOK)
	mustStatus(t, r.get(t, "/api/v1/accounts/abc", ""), http.StatusNotFound)

	decodeInto(t, r.get(t, "/api/v1/accounts/search?q=car", r.tokens["alice"]), &accounts)
	if len(accounts) != 1 || accounts[0].ID != r.ids["carol"] {
		t.Fatalf("account search: %+v", accounts)
	}
	mustStatus(t, r.get(t, "/api/v1/accounts/search?q=car", ""), http.StatusUnauthorized)

	res = r.get(t, "/api/v1/accounts/"+r.ids["bob"]+"/statuses?exclude_replies=true&limit=5", "")
	mustStatus(t, res, http.StatusOK)
	if strings.TrimSpace(res.body) != "[]" {
		t.Fatalf("statuses: %s", res.body)
	}
}

func TestSearchV2(t *testing.T) {
	r := newAcctRig(t)
	bob, err := r.svc.Accounts().LookupAccount(context.Background(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Social().CreateStatus(context.Background(), bob, social.CreateStatusInput{Text: "hello #PlazaLife"}); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Accounts []acctEntity     `json:"accounts"`
		Statuses []map[string]any `json:"statuses"`
		Hashtags []struct {
			Name    string `json:"name"`
			URL     string `json:"url"`
			History []any  `json:"history"`
		} `json:"hashtags"`
	}
	res := r.get(t, "/api/v2/search?q=plaza", "")
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &out)
	if len(out.Hashtags) != 1 || out.Hashtags[0].Name != "plazalife" || out.Hashtags[0].History == nil || out.Statuses == nil || out.Accounts == nil {
		t.Fatalf("search: %s", res.body)
	}
	res = r.get(t, "/api/v2/search?q=@bob&type=accounts&resolve=true", r.tokens["alice"])
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &out)
	if len(out.Accounts) != 1 || out.Accounts[0].ID != r.ids["bob"] || len(out.Hashtags) != 0 {
		t.Fatalf("account search: %s", res.body)
	}
	// Full-text search of statuses, as GoToSocial and Mastodon with
	// Elasticsearch answer it.
	res = r.get(t, "/api/v2/search?type=statuses&q=HELLO", r.tokens["alice"])
	mustStatus(t, res, http.StatusOK)
	decodeInto(t, res, &out)
	if len(out.Statuses) != 1 || !strings.Contains(out.Statuses[0]["content"].(string), "hello") || len(out.Accounts) != 0 {
		t.Fatalf("status search: %s", res.body)
	}
	res = r.get(t, "/api/v2/search?q=nothing-here", "")
	mustStatus(t, res, http.StatusOK)
	if !strings.Contains(res.body, `"accounts":[]`) || !strings.Contains(res.body, `"statuses":[]`) || !strings.Contains(res.body, `"hashtags":[]`) {
		t.Fatalf("empty search: %s", res.body)
	}
}
