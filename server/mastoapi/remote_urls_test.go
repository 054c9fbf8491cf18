package mastoapi_test

import (
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"plaza/federation"
	"plaza/models"
	"plaza/models/store/storetest"
	"plaza/server/mastoapi"
	"plaza/server/service"
	"plaza/server/service/core"
	"plaza/server/web"
	"plaza/templates"
)

// TestRemoteJavascriptURLsNeverReachClients: a remote actor and note full
// of javascript:/data: URLs go through the real decoder and inbound path;
// the client API's status and account JSON carry none of them.
func TestRemoteJavascriptURLsNeverReachClients(t *testing.T) {
	gin.SetMode(gin.TestMode)
	ctx := context.Background()
	st := storetest.Open(t)
	svc := service.New(core.Config{Host: "plaza.test", Protocol: "https", InstanceName: "Plaza"}, core.Deps{Store: st})
	engine := gin.New()
	mastoapi.New(mastoapi.Config{MediaPath: t.TempDir()}, svc, template.Must(web.ParseTemplates(templates.FS)), slog.New(slog.DiscardHandler)).Mount(engine)

	actor, err := federation.ParseActor([]byte(`{"id":"https://remote.test/users/eve","type":"Person","preferredUsername":"eve",
		"inbox":"https://remote.test/users/eve/inbox","url":"javascript:alert(1)","icon":{"type":"Image","url":"data:image/png;base64,AAAA"},
		"summary":"<p><a href=\"javascript:alert(2)\">me</a><img src=x onerror=alert(3)></p>",
		"attachment":[{"type":"PropertyValue","name":"Site","value":"<a href=\"javascript:alert(7)\">site</a><img src=x onerror=alert(8)>"}],
		"publicKey":{"id":"https://remote.test/users/eve#main-key","owner":"https://remote.test/users/eve","publicKeyPem":"-"}}`))
	if err != nil {
		t.Fatal(err)
	}
	eve, err := actor.Account()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertRemoteAccount(ctx, eve); err != nil {
		t.Fatal(err)
	}
	eve, err = st.AccountByURI(ctx, eve.URI)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"id":"https://remote.test/users/eve/activities/1","type":"Create","actor":"https://remote.test/users/eve",
		"to":["https://www.w3.org/ns/activitystreams#Public"],
		"object":{"id":"https://remote.test/users/eve/statuses/1","type":"Note","attributedTo":"https://remote.test/users/eve",
		"to":["https://www.w3.org/ns/activitystreams#Public"],"url":"javascript:alert(4)",
		"content":"<p><a href=\"javascript:alert(5)\">click</a></p>",
		"attachment":[{"type":"Document","mediaType":"image/png","url":"javascript:alert(6)"},
		              {"type":"Document","mediaType":"image/png","url":"data:image/png;base64,AAAA"},
		              {"type":"Document","mediaType":"image/png","url":"https://remote.test/media/ok.png"}]}}`
	act, err := federation.DecodeActivity([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	in := &models.InboxActivity{ActivityURI: act.ID, Type: act.Type, ActorURI: act.Actor, Raw: body}
	if err := svc.ReceiveActivity(ctx, in, act, eve); err != nil {
		t.Fatal(err)
	}
	status, err := svc.Core().StatusByURIForViewer(ctx, nil, "https://remote.test/users/eve/statuses/1")
	if err != nil {
		t.Fatal(err)
	}

	var got struct {
		URL   string `json:"url"`
		Media []struct {
			URL       string `json:"url"`
			RemoteURL string `json:"remote_url"`
		} `json:"media_attachments"`
	}
	raw := getJSON(t, engine, "/api/v1/statuses/"+strconv.FormatInt(status.ID, 10), &got)
	if got.URL != "https://remote.test/users/eve/statuses/1" {
		t.Errorf("status.url = %q", got.URL)
	}
	if len(got.Media) != 1 || got.Media[0].URL != "https://remote.test/media/ok.png" {
		t.Errorf("media_attachments = %+v", got.Media)
	}
	var acct struct {
		Fields []struct{ Name, Value string } `json:"fields"`
	}
	rawAcct := getJSON(t, engine, "/api/v1/accounts/"+strconv.FormatInt(eve.ID, 10), &acct)
	if len(acct.Fields) != 1 || acct.Fields[0].Name != "Site" || !strings.Contains(acct.Fields[0].Value, "site") {
		t.Errorf("account fields = %+v", acct.Fields)
	}
	for what, doc := range map[string]string{"status": raw, "account": rawAcct} {
		for _, bad := range []string{"javascript:", "data:image", "onerror", "<img"} {
			if strings.Contains(doc, bad) {
				t.Errorf("%s JSON carries %q: %s", what, bad, doc)
			}
		}
	}
}

// getJSON GETs path anonymously, expects 200 and decodes into v (if set).
func getJSON(t *testing.T, h http.Handler, path string, v any) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	if v != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatal(err)
		}
	}
	return rec.Body.String()
}
