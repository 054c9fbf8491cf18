package federation

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFeaturedTagsCollection: Mastodon's actor names its featuredTags
// collection, and the collection's Hashtag items (which have a name and no
// id) come out of FetchCollectionItems. The collection fixture is in the
// shape Mastodon's serializer gives /users/:name/collections/tags.
func TestFeaturedTagsCollection(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "mastodon", "actor.json"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseActor(data)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := a.Account()
	if err != nil {
		t.Fatal(err)
	}
	if acc.FeaturedTagsURI != "https://mastodon.social/users/oddevan/collections/tags" {
		t.Fatalf("featuredTags %q", acc.FeaturedTagsURI)
	}

	coll, err := os.ReadFile(filepath.Join("testdata", "mastodon", "featured_tags.json"))
	if err != nil {
		t.Fatal(err)
	}
	remote := newFakeRemote(t)
	// The fixture's ids, moved to the fake server's host.
	remote.set("/users/oddevan/collections/tags", []byte(strings.ReplaceAll(string(coll), "https://mastodon.social", remote.url(""))))
	r := newRig(t, testCfg())
	items, err := r.res.FetchCollectionItems(t.Context(), remote.url("/users/oddevan/collections/tags"), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Type != "Hashtag" || items[0].Name != "#indieweb" || items[1].Name != "#WordPress" {
		t.Fatalf("items: %+v", items)
	}
}

// TestFeaturedCollection: a Mastodon actor's featured (pinned posts)
// collection gives its Notes, in order, with their content, from
// FetchCollectionItems, as the pins area reads them.
func TestFeaturedCollection(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "mastodon", "actor.json"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseActor(data)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := a.Account()
	if err != nil {
		t.Fatal(err)
	}
	if acc.FeaturedURI != "https://mastodon.social/users/oddevan/collections/featured" {
		t.Fatalf("featured %q", acc.FeaturedURI)
	}
	coll, err := os.ReadFile(filepath.Join("testdata", "mastodon", "featured.json"))
	if err != nil {
		t.Fatal(err)
	}
	remote := newFakeRemote(t)
	remote.set("/users/oddevan/collections/featured", []byte(strings.ReplaceAll(string(coll), "https://mastodon.social", remote.url(""))))
	r := newRig(t, testCfg())
	items, err := r.res.FetchCollectionItems(t.Context(), remote.url("/users/oddevan/collections/featured"), 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Type != "Note" || items[0].ID != remote.url("/users/oddevan/statuses/109318823312215498") ||
		!strings.Contains(items[0].Content, "I&#39;m Evan") || items[1].Summary != "long post" || !items[1].Sensitive {
		t.Fatalf("items: %+v", items)
	}
}
