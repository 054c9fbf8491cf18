package relations

import "testing"

// TestNormalizeDomain: what clients send for a domain block becomes the
// form accounts store their domain in, or "" when it is not a domain.
func TestNormalizeDomain(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Mastodon.Social", "mastodon.social"},
		{" https://example.com/@alice ", "example.com"},
		{"http://127.0.0.3:8080", "127.0.0.3:8080"},
		{".example.org.", "example.org"},
		{"", ""},
		{"alice@example.com", ""},
		{"two words", ""},
	} {
		if got := NormalizeDomain(tc.in); got != tc.want {
			t.Errorf("NormalizeDomain(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
