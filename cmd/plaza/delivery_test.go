package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
)

// freeAddr reserves a port on ip and returns ip:port for an instance that
// must keep its address across restarts.
func freeAddr(t *testing.T, ip string) string {
	t.Helper()
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// followAcross makes follower (on from) follow the handle on to and waits
// until the follow is accepted on both sides.
func followAcross(t *testing.T, from *instance, follower *models.Account, handle string) *models.Account {
	t.Helper()
	ctx := context.Background()
	target := from.resolve(t, handle)
	if _, err := from.svc.Social().Follow(ctx, follower, target); err != nil {
		t.Fatal(err)
	}
	eventually(t, follower.Username+" follows "+handle, func() bool {
		rel, err := from.svc.Social().Relationship(ctx, follower, target)
		return err == nil && rel.Following
	})
	return target
}

// countStatusesFrom counts the statuses of author (by URI prefix) that in
// has stored and lets viewer see.
func countStatusesFrom(t *testing.T, in *instance, viewer *models.Account, uris []string) int {
	t.Helper()
	n := 0
	for _, u := range uris {
		if _, err := in.statusByURI(viewer, u); err == nil {
			n++
		}
	}
	return n
}

// TestDeliveriesSurviveAKill: A queues posts for B, its process is killed
// while delivering, and after a restart every post arrives once.
func TestDeliveriesSurviveAKill(t *testing.T) {
	ctx := context.Background()
	bin := buildBinary(t)
	b := startInstance(t, "127.0.0.3")
	bob := b.createUser(t, "bob")

	// bob follows alice; then A runs in-process without delivery workers
	// (federation.delivery_workers: 0), so its posts stay queued.
	addrA, dbA := freeAddr(t, "127.0.0.2"), storetest.Config(t)
	a, stopA := launchInstance(t, addrA, dbA)
	alice := a.createUser(t, "alice")
	followAcross(t, b, bob, "alice@"+addrA)
	stopA()
	a, stopA = launchInstance(t, addrA, dbA, func(c *Config) { c.Federation.DeliveryWorkers = 0 })
	var uris []string
	for i := 0; i < 12; i++ {
		uris = append(uris, a.post(t, alice, "queued post", models.VisibilityPublic, nil).URI)
	}
	stopA()
	if n := countStatusesFrom(t, b, bob, uris); n != 0 {
		t.Fatalf("A sent %d posts with delivery_workers 0, want them all left queued", n)
	}

	env := append(os.Environ(),
		"PLAZA_HOST="+addrA, "PLAZA_LISTEN="+addrA, "PLAZA_PROTOCOL=http",
		"PLAZA_DATABASE_DRIVER="+dbA.Driver, "PLAZA_DATABASE_DSN="+dbA.DSN,
		"PLAZA_FEDERATION_ALLOW_PRIVATE_ADDRESSES=true",
		"PLAZA_FEDERATION_DELIVERY_POLL_INTERVAL=50ms",
		"PLAZA_FEDERATION_DELIVERY_LEASE=2s",
		"PLAZA_FEDERATION_DELIVERY_WORKERS=1",
		"PLAZA_STORAGE_PATH="+filepath.Join(t.TempDir(), "media"),
	)
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve")
		cmd.Env, cmd.Dir = env, t.TempDir()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	first := start()
	eventually(t, "the first post reaches B", func() bool { return countStatusesFrom(t, b, bob, uris) >= 1 })
	_ = first.Process.Signal(syscall.SIGKILL)
	_ = first.Wait()
	t.Logf("killed A with %d of %d posts delivered", countStatusesFrom(t, b, bob, uris), len(uris))

	second := start()
	defer func() {
		_ = second.Process.Signal(os.Interrupt)
		_ = second.Wait()
	}()
	eventually(t, "every post reaches B", func() bool { return countStatusesFrom(t, b, bob, uris) == len(uris) })

	// Exactly once: B recorded each activity once (it dedupes by activity
	// id): a Create per post, plus alice's Accept of bob's follow.
	n, err := b.store.CountInboxActivities(ctx, alice.URI)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(uris) + 1; int(n) != want {
		t.Fatalf("B recorded %d activities from alice, want %d", n, want)
	}
	stA, err := store.Open(dbA)
	if err != nil {
		t.Fatal(err)
	}
	defer stA.Close()
	eventually(t, "A's queue drains", func() bool {
		pending, err := stA.PendingDeliveries(ctx, 100)
		return err == nil && len(pending) == 0
	})
}

// TestDeliveriesRetryWhileRemoteIsDown: B goes away, A keeps the delivery
// with a visible retry schedule, and delivers once B is back.
func TestDeliveriesRetryWhileRemoteIsDown(t *testing.T) {
	ctx := context.Background()
	a := startInstance(t, "127.0.0.2")
	alice := a.createUser(t, "alice")
	addrB, dbB := freeAddr(t, "127.0.0.3"), storetest.Config(t)
	b, stopB := launchInstance(t, addrB, dbB)
	bob := b.createUser(t, "bob")
	followAcross(t, b, bob, "alice@"+a.host)
	stopB()

	post := a.post(t, alice, "while you were away", models.VisibilityPublic, nil)
	var d models.Delivery
	eventually(t, "a failed attempt is scheduled for retry", func() bool {
		ds, err := a.store.DeliveriesByActivity(ctx, post.URI+"/activity")
		if err != nil || len(ds) != 1 {
			return false
		}
		d = ds[0]
		return d.Attempts >= 1 && d.State == models.DeliveryPending && d.LastError != ""
	})
	if !d.NextAttemptAt.After(d.CreatedAt) {
		t.Fatalf("next attempt %v is not after creation %v", d.NextAttemptAt, d.CreatedAt)
	}

	b2 := startInstanceAt(t, addrB, dbB)
	bobAgain, err := b2.store.AccountByURI(ctx, bob.URI)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the post reaches B after it returns", func() bool {
		_, err := b2.statusByURI(bobAgain, post.URI)
		return err == nil
	})
	eventually(t, "A marks the delivery delivered", func() bool {
		ds, err := a.store.DeliveriesByActivity(ctx, post.URI+"/activity")
		return err == nil && len(ds) == 1 && ds[0].State == models.DeliveryDelivered
	})
}

// buildBinary compiles cmd/plaza into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "plaza")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
