package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// getFull fetches url and returns the response (body read) for header checks.
func getFull(t *testing.T, url, accept string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func TestDiscoveryDocuments(t *testing.T) {
	a := startInstance(t, "127.0.0.2")
	a.createUser(t, "alice")
	base := "http://" + a.host

	t.Run("webfinger acct and actor URL", func(t *testing.T) {
		for _, resource := range []string{"acct:alice@" + a.host, "acct:ALICE@" + a.host, base + "/users/alice", base + "/@alice"} {
			res, body := getFull(t, base+"/.well-known/webfinger?resource="+resource, "")
			if res.StatusCode != 200 {
				t.Fatalf("%s: status %d %s", resource, res.StatusCode, body)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/jrd+json") {
				t.Fatalf("content type %q", ct)
			}
			if res.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatal("no CORS header")
			}
			var doc struct {
				Subject string
				Links   []struct{ Rel, Type, Href string }
			}
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Subject != "acct:alice@"+a.host {
				t.Fatalf("subject %q", doc.Subject)
			}
			found := false
			for _, l := range doc.Links {
				found = found || (l.Rel == "self" && l.Type == "application/activity+json" && l.Href == base+"/users/alice")
			}
			if !found {
				t.Fatalf("no self link in %s", body)
			}
		}
	})

	t.Run("host-meta", func(t *testing.T) {
		res, body := getFull(t, base+"/.well-known/host-meta", "")
		if res.StatusCode != 200 || !strings.Contains(string(body), `template="`+base+`/.well-known/webfinger?resource={uri}"`) {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
	})

	t.Run("nodeinfo 2.0", func(t *testing.T) {
		res, body := getFull(t, base+"/nodeinfo/2.0", "")
		var doc struct {
			Version           string
			Software          struct{ Name, Version string }
			Protocols         []string
			OpenRegistrations *bool
			Usage             struct {
				Users      struct{ Total int }
				LocalPosts *int
			}
			Metadata struct {
				Plaza struct {
					Payments struct{ Protocol string }
				}
				Upstream struct{ Name string }
			}
		}
		if res.StatusCode != 200 || json.Unmarshal(body, &doc) != nil {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		if doc.Version != "2.0" || doc.Software.Name != "plaza" || doc.Software.Version == "" || len(doc.Protocols) != 1 ||
			doc.Protocols[0] != "activitypub" || doc.OpenRegistrations == nil || doc.Usage.Users.Total != 1 ||
			doc.Usage.LocalPosts == nil || doc.Metadata.Plaza.Payments.Protocol == "" {
			t.Fatalf("nodeinfo: %s", body)
		}
		// megalodon's detector (Whalebird) accepts a server as Mastodon
		// when software.name or metadata.upstream.name is "mastodon".
		if doc.Metadata.Upstream.Name != "mastodon" {
			t.Errorf("metadata.upstream.name %q: megalodon-based apps refuse the server (\"Unknown SNS\")", doc.Metadata.Upstream.Name)
		}
		if res, _ := getFull(t, base+"/nodeinfo/3.0", ""); res.StatusCode != 404 {
			t.Fatalf("nodeinfo 3.0: %d", res.StatusCode)
		}
	})

	t.Run("actor document", func(t *testing.T) {
		res, body := getFull(t, base+"/users/alice", "application/activity+json")
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/activity+json") {
			t.Fatalf("%d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{"@context", "id", "type", "preferredUsername", "name", "summary", "url", "inbox", "outbox",
			"followers", "following", "featured", "endpoints", "manuallyApprovesFollowers", "discoverable", "published", "publicKey"} {
			if _, ok := doc[field]; !ok {
				t.Errorf("actor lacks %q", field)
			}
		}
		ctx, _ := json.Marshal(doc["@context"])
		if !strings.Contains(string(ctx), "https://www.w3.org/ns/activitystreams") || !strings.Contains(string(ctx), "https://w3id.org/security/v1") {
			t.Errorf("@context %s", ctx)
		}
		if ep, _ := doc["endpoints"].(map[string]any); ep["sharedInbox"] != base+"/inbox" {
			t.Errorf("endpoints %v", doc["endpoints"])
		}
		if pk, _ := doc["publicKey"].(map[string]any); pk["id"] != base+"/users/alice#main-key" || pk["owner"] != base+"/users/alice" {
			t.Errorf("publicKey %v", doc["publicKey"])
		}
	})

	t.Run("instance actor", func(t *testing.T) {
		res, body := getFull(t, base+"/actor", "application/activity+json")
		var doc map[string]any
		if res.StatusCode != 200 || json.Unmarshal(body, &doc) != nil || doc["id"] != base+"/actor" || doc["type"] != "Application" {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		// Every collection it names answers; one it has not is left out.
		for _, field := range []string{"outbox", "followers", "following", "featured"} {
			v, present := doc[field]
			if !present {
				continue
			}
			uri, _ := v.(string)
			if uri == "" {
				t.Errorf("%s is %#v: leave it out or name a collection", field, v)
				continue
			}
			res, body := getFull(t, uri, "application/activity+json")
			if res.StatusCode != 200 || !strings.Contains(string(body), `"OrderedCollection"`) {
				t.Errorf("%s %s: %d %s", field, uri, res.StatusCode, body)
			}
		}
		if _, ok := doc["outbox"]; !ok {
			t.Error("the instance actor has no outbox; every actor must")
		}
	})

	t.Run("profile page for browsers", func(t *testing.T) {
		for _, path := range []string{"/users/alice", "/@alice"} {
			res, body := getFull(t, base+path, "text/html,application/xhtml+xml")
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
				!strings.Contains(string(body), `<link rel="alternate" type="application/activity+json" href="`+base+`/users/alice">`) {
				t.Fatalf("%s: %d %s", path, res.StatusCode, body)
			}
		}
		if res, _ := getFull(t, base+"/@nobody", "text/html"); res.StatusCode != 404 {
			t.Fatalf("unknown profile: %d", res.StatusCode)
		}
	})
}
