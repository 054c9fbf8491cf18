package service_test

import (
	"encoding/json"
	"strings"
	"testing"

	"plaza/federation"
	"plaza/models"
)

// hostileHTML is remote content carrying script in every form Plaza knows.
const hostileHTML = `<p>hi <a href="javascript:alert(1)">click</a> <a href="JaVaScRiPt:alert(2)">me</a> ` +
	`<a href="data:text/html,x">data</a> <a href="https://remote.test/ok" onclick="alert(3)" style="color:red">ok</a></p>` +
	`<script>alert(4)</script><img src=x onerror=alert(5)><p style="position:fixed" class="modal">styled</p>`

// activeParts are what must never survive sanitising.
var activeParts = []string{"javascript:", "data:", "<script", "<img", "onerror", "onclick", "style=", "alert(", "modal"}

// receiveJSON decodes a raw activity as the inbox does and hands it to the
// service, signed by signer.
func (w *world) receiveJSON(signer *models.Account, doc map[string]any) {
	w.t.Helper()
	body, err := json.Marshal(doc)
	if err != nil {
		w.t.Fatal(err)
	}
	act, err := federation.DecodeActivity(body)
	if err != nil {
		w.t.Fatalf("decode: %v", err)
	}
	in := &models.InboxActivity{ActivityURI: act.ID, Type: act.Type, ActorURI: act.Actor, Raw: string(body)}
	if err := w.svc.ReceiveActivity(w.ctx, in, act, signer); err != nil {
		w.t.Fatalf("receive %s: %v", act.Type, err)
	}
}

// remoteNoteDoc is a Note by author as its server would publish it.
func remoteNoteDoc(author *models.Account, id, content string) map[string]any {
	return map[string]any{"id": author.URI + "/statuses/" + id, "type": "Note", "attributedTo": author.URI, "content": content,
		"to": []string{models.PublicAddress}, "cc": []string{author.FollowersURI}}
}

func activityDoc(typ string, author *models.Account, id string, obj map[string]any) map[string]any {
	return map[string]any{"id": author.URI + "/activities/" + id, "type": typ, "actor": author.URI, "object": obj,
		"to": []string{models.PublicAddress}}
}

func assertInert(t *testing.T, what, html string) {
	t.Helper()
	low := strings.ToLower(html)
	for _, bad := range activeParts {
		if strings.Contains(low, bad) {
			t.Errorf("%s keeps %q: %s", what, bad, html)
		}
	}
}

// TestRemoteNoteLosesJavascriptURLs: a remote note whose links, url and
// attachments are javascript:/data: URLs is stored without any of them, so
// no client ever gets one in status.content, status.url or media urls.
func TestRemoteNoteLosesJavascriptURLs(t *testing.T) {
	w := newWorld(t)
	obj := remoteNoteDoc(w.rick, "js", hostileHTML)
	obj["url"] = "javascript:alert(document.cookie)"
	obj["attachment"] = []any{
		map[string]any{"type": "Document", "mediaType": "image/png", "url": "javascript:alert(1)", "name": "js"},
		map[string]any{"type": "Document", "mediaType": "image/png", "url": "data:image/png;base64,iVBORw0KGgo=", "name": "data"},
		map[string]any{"type": "Document", "mediaType": "image/png", "url": "https://remote.test/media/ok.png", "name": "ok"},
	}
	w.receiveJSON(w.rick, activityDoc("Create", w.rick, "1", obj))
	st := w.statusByURI(obj["id"].(string))
	assertInert(t, "content", st.Content)
	if !strings.Contains(st.Content, `href="https://remote.test/ok"`) || !strings.Contains(st.Content, "click") {
		t.Errorf("harmless parts lost: %s", st.Content)
	}
	if st.URL != obj["id"] {
		t.Errorf("status url = %q, want the note's id", st.URL)
	}
	media, err := w.st.StatusAttachments(w.ctx, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(media) != 1 || media[0].RemoteURL != "https://remote.test/media/ok.png" {
		t.Errorf("attachments: %+v", media)
	}
}

// TestEditedRemoteNoteSanitisedLikeNew: an Update carrying hostile HTML is
// cleaned exactly as the same HTML in a new note.
func TestEditedRemoteNoteSanitisedLikeNew(t *testing.T) {
	w := newWorld(t)
	fresh := remoteNoteDoc(w.rick, "fresh", hostileHTML)
	w.receiveJSON(w.rick, activityDoc("Create", w.rick, "1", fresh))
	edited := remoteNoteDoc(w.rick, "edited", "<p>harmless at first</p>")
	w.receiveJSON(w.rick, activityDoc("Create", w.rick, "2", edited))
	edited["content"] = hostileHTML
	edited["updated"] = "2026-01-01T00:00:00Z"
	w.receiveJSON(w.rick, activityDoc("Update", w.rick, "3", edited))

	st := w.statusByURI(edited["id"].(string))
	if !strings.Contains(st.Content, "styled") {
		t.Fatalf("the edit was not applied: %s", st.Content)
	}
	assertInert(t, "edited content", st.Content)
	if want := w.statusByURI(fresh["id"].(string)).Content; st.Content != want {
		t.Errorf("edit sanitised differently from a new note:\n edit %s\n new  %s", st.Content, want)
	}
}

// TestBioAndStatusShareOnePolicy: the same remote HTML as an actor's bio and
// as a status comes out the same.
func TestBioAndStatusShareOnePolicy(t *testing.T) {
	w := newWorld(t)
	summary, _ := json.Marshal(hostileHTML)
	doc := `{"id":"https://remote.test/users/eve","type":"Person","preferredUsername":"eve","inbox":"https://remote.test/users/eve/inbox",
		"summary":` + string(summary) + `,
		"publicKey":{"id":"https://remote.test/users/eve#main-key","owner":"https://remote.test/users/eve","publicKeyPem":"-"}}`
	actor, err := federation.ParseActor([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := actor.Account()
	if err != nil {
		t.Fatal(err)
	}
	assertInert(t, "bio", acc.Note)
	obj := remoteNoteDoc(w.rick, "same", hostileHTML)
	w.receiveJSON(w.rick, activityDoc("Create", w.rick, "1", obj))
	if st := w.statusByURI(obj["id"].(string)); st.Content != acc.Note {
		t.Errorf("bio and status differ:\n bio    %s\n status %s", acc.Note, st.Content)
	}
}
