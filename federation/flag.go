package federation

import (
	"fmt"

	"plaza/models"
)

// Moderation activities: a Flag (a report forwarded to the reported
// account's server) and the Delete of an actor (a suspended local account).

// flagActivity is a Flag sent by the instance actor, as Mastodon and
// GoToSocial send it: object is the reported account's URI followed by the
// reported statuses' URIs, content the comment, addressed to the reported
// account's inbox alone.
func (e *Encoder) flagActivity(in activityInput) (audience, error) {
	out := in.out
	if out.Target == nil {
		return audience{}, fmt.Errorf("encode Flag %s: no reported account", out.ID)
	}
	objects := append([]string{out.Target.URI}, out.Objects...)
	in.doc["object"] = objects
	in.doc["content"] = out.Content
	return addressTo(in.doc, out.Target), nil
}

// actorDelete is the Delete of an actor itself, sent to every server that
// follows it: they drop the account and its posts.
func actorDelete(out *models.Outgoing, doc map[string]any) audience {
	doc["object"] = out.Actor.URI
	doc["to"] = []string{models.PublicAddress}
	doc["cc"] = []string{out.Actor.FollowersURI}
	return audience{followersOf: out.Actor.ID}
}
