package federation

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestDecodeFlagGolden reads Mastodon's and GoToSocial's Flag: every
// reported object and the comment reach the business layer.
func TestDecodeFlagGolden(t *testing.T) {
	for file, want := range map[string]struct {
		actor, content string
		objects        []string
	}{
		"mastodon/flag.json": {actor: "https://mastodon.example/actor", content: "Please take a look at this user and their posts",
			objects: []string{"https://example.com/users/1", "https://example.com/posts/380590", "https://example.com/posts/380591"}},
		"gotosocial/flag.json": {actor: "http://example.org/users/example.org", content: "dark souls sucks, please yeet this nerd",
			objects: []string{"http://fossbros-anonymous.io/users/foss_satan", "http://fossbros-anonymous.io/users/foss_satan/statuses/01FVW7JHQFSFK166WWKR8CBA6M"}},
	} {
		t.Run(file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			act, err := DecodeActivity(body)
			if err != nil {
				t.Fatal(err)
			}
			if act.Type != "Flag" || act.Actor != want.actor || act.Content != want.content || !slices.Equal(act.Objects, want.objects) {
				t.Fatalf("decoded %+v", act)
			}
			if act.Object == nil || act.Object.ID != want.objects[0] {
				t.Fatalf("object %+v", act.Object)
			}
		})
	}
}
