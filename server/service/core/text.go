package core

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"

	"plaza/models"
)

// Handle is an account's @handle: @user for a local one, @user@domain for
// a remote one.
func Handle(a *models.Account) string {
	if a.IsLocal() {
		return "@" + a.Username
	}
	return "@" + a.Username + "@" + a.Domain
}

// HostOf is the lower-case host of a URL, "" when it is not one.
func HostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// RandomToken is 128 random bits in hex: a secret link's token.
func RandomToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// TruncateBytes cuts s to at most n bytes.
func TruncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
