package service

import (
	"net/url"
	"strings"
)

// URLs is the one place that knows the shape of this instance's ActivityPub
// ids and page addresses.
type URLs struct {
	Protocol string
	Host     string
}

// Base is protocol://host.
func (u URLs) Base() string { return u.Protocol + "://" + u.Host }

// Actor is the ActivityPub id of a local user.
func (u URLs) Actor(username string) string { return u.Base() + "/users/" + username }

// Profile is the browser page of a local user.
func (u URLs) Profile(username string) string { return u.Base() + "/@" + username }

// SharedInbox is the instance-wide inbox.
func (u URLs) SharedInbox() string { return u.Base() + "/inbox" }

// InstanceActor is the id of the actor that signs the server's own fetches.
func (u URLs) InstanceActor() string { return u.Base() + "/actor" }

// UsernameFromActor returns the local username an actor id names, if it is
// one of ours.
func (u URLs) UsernameFromActor(id string) (string, bool) {
	prefix := u.Base() + "/users/"
	if !strings.HasPrefix(id, prefix) {
		return "", false
	}
	name := strings.TrimPrefix(id, prefix)
	if name == "" || strings.ContainsAny(name, "/?#") {
		return "", false
	}
	name, err := url.PathUnescape(name)
	return name, err == nil
}
