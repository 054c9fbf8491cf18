package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestUnknownAddressesGetAPageInBrowsers: a browser asking for an address
// nothing serves gets the not-found page in the site's layout, saying what
// to do; API clients and other servers keep Mastodon's JSON error.
func TestUnknownAddressesGetAPageInBrowsers(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	fetch := func(path, accept string) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, a.url(path), nil)
		req.Header.Set("Accept", accept)
		res, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), string(body)
	}
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	status, ctype, body := fetch("/no/such/page", browser)
	if status != http.StatusNotFound || !strings.HasPrefix(ctype, "text/html") {
		t.Fatalf("browser: %d %s", status, ctype)
	}
	if !strings.Contains(body, "Not found") || !strings.Contains(body, "home timeline") || !strings.Contains(body, `href="/"`) {
		t.Errorf("the page does not say what happened and what to do, in the layout:\n%s", body)
	}
	for _, c := range []struct{ path, accept string }{
		{"/no/such/page", "application/json"},
		{"/api/v1/no_such_endpoint", browser},
		{"/users/nobody/nothing", browser},
	} {
		status, ctype, body := fetch(c.path, c.accept)
		if status != http.StatusNotFound || !strings.HasPrefix(ctype, "application/json") || !strings.Contains(body, `"error"`) {
			t.Errorf("%s (Accept %s): %d %s %s, want the JSON error", c.path, c.accept, status, ctype, body)
		}
	}
}
