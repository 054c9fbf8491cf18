package main

import (
	"testing"
	"time"

	"plaza/models"
	"plaza/models/store/storetest"
)

// hourlyPolls makes an instance look for due deliveries only once an hour,
// so anything delivered sooner was woken by the commit that queued it.
func hourlyPolls(c *Config) { c.Federation.DeliveryPollInterval = time.Hour }

// TestPostIsDeliveredAtCommit: with an hour between delivery polls on both
// instances, bob@B still follows alice@A (Follow, then Accept) and gets her
// post within the test's deadline: each commit woke its instance's
// deliverer.
func TestPostIsDeliveredAtCommit(t *testing.T) {
	a := startInstanceAt(t, "127.0.0.2:0", storetest.Config(t), hourlyPolls)
	b := startInstanceAt(t, "127.0.0.3:0", storetest.Config(t), hourlyPolls)
	alice := a.createUser(t, "alice")
	bob := b.createUser(t, "bob")
	followAcross(t, b, bob, "alice@"+a.host)
	// A's deliverer has sent the Accept and idles until woken.
	post := a.post(t, alice, "sent at commit", models.VisibilityPublic, nil)
	eventually(t, "alice's post reaches bob on B", func() bool {
		_, err := b.statusByURI(bob, post.URI)
		return err == nil
	})
}
