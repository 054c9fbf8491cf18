package mastoapi_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// TestStatusParamsByContentType: a status body is read by its
// Content-Type; a type the API does not parse is refused with 415 rather
// than taken as empty, a broken multipart form is 400, and a multipart form
// is read like the others.
func TestStatusParamsByContentType(t *testing.T) {
	r := newStatusRig(t)
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	_ = mw.WriteField("status", "sent as multipart")
	_ = mw.Close()
	cases := []struct {
		name, contentType, body string
		want                    int
	}{
		{"xml", "text/xml", "<status>hello</status>", http.StatusUnsupportedMediaType},
		{"no type", "", "status=hello", http.StatusUnsupportedMediaType},
		{"broken multipart", "multipart/form-data; boundary=nope", "--other\r\n\r\nx", http.StatusBadRequest},
		{"multipart", mw.FormDataContentType(), form.String(), http.StatusOK},
		{"json", "application/json; charset=utf-8", `{"status":"sent as JSON"}`, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := r.as(t, "alice", "POST", "/api/v1/statuses", tc.body, "Content-Type", tc.contentType)
			if res.status != tc.want || (tc.want != http.StatusOK && !strings.Contains(res.body, `"error"`)) {
				t.Fatalf("%d %s, want %d", res.status, res.body, tc.want)
			}
			if tc.want == http.StatusOK && !strings.Contains(res.body, "sent as") {
				t.Fatalf("the status lost its text: %s", res.body)
			}
		})
	}
}
