package web

import "testing"

// localPath decides where a form may send the browser after it is done; a
// "next" or "back" that a browser reads as another site is an open
// redirect.
func TestLocalPath(t *testing.T) {
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"/home", true},
		{"/@alice?x=1", true},
		{"/@alice/123#reply", true},
		{"/tags/caf%C3%A9", true},
		{"/search?q=https%3A%2F%2Fexample.com%2F%40bob", true},
		{"/search?q=two+words", true},

		{"", false},
		{"home", false},
		{"//host", false},
		{"//host/path", false},
		{"/\\host", false},
		{"/\\\\host", false},
		{"\\\\host", false},
		{"/%09/host", false},
		{"/%2F/host", false},
		{"/%2f/host", false},
		{"/%5C/host", false},
		{"/%5c%5chost", false},
		{"\t//host", false},
		{"/\t/host", false},
		{"/\n/host", false},
		{"/\r\n/host", false},
		{"/%0A/host", false},
		{"/%00/host", false},
		{"/ /host", false},
		{"https://x", false},
		{"https://x/home", false},
		{"http:/x", false},
		{"javascript:alert(1)", false},
		{"/javascript:alert(1)", true}, // a path on this site, not a scheme
		{"/%zz", false},
	} {
		if got := localPath(tc.path); got != tc.want {
			t.Errorf("localPath(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}
