package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/glebarez/sqlite"
	"github.com/mattn/go-mastodon"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
	"plaza/server/service/core"
)

// counterRig is one instance with alice and bob signed in through the
// client API.
type counterRig struct {
	in         *instance
	db         store.Config
	alice, bob *models.Account
	ac, bc     *mastodon.Client
}

func newCounterRig(t *testing.T) *counterRig {
	t.Helper()
	db := storetest.Config(t)
	in := startInstanceAt(t, "127.0.0.1:0", db)
	r := &counterRig{in: in, db: db, alice: in.createUser(t, "alice"), bob: in.createUser(t, "bob")}
	r.ac, r.bc = in.client(t, "alice"), in.client(t, "bob")
	return r
}

// client returns a client API client with a token of username.
func (in *instance) client(t *testing.T, username string) *mastodon.Client {
	t.Helper()
	tok, err := in.svc.Accounts().CreateToken(context.Background(), username, "read write follow")
	if err != nil {
		t.Fatal(err)
	}
	return mastodon.NewClient(&mastodon.Config{Server: "http://" + in.host, AccessToken: tok})
}

// accountCounts asks the API for an account's counters.
func (r *counterRig) accountCounts(t *testing.T, a *models.Account) [3]int64 {
	t.Helper()
	got, err := r.ac.GetAccount(context.Background(), mastodon.ID(core.IDString(a.ID)))
	if err != nil {
		t.Fatal(err)
	}
	return [3]int64{got.StatusesCount, got.FollowersCount, got.FollowingCount}
}

// statusCounts asks the API for a status's replies, boosts and favourites.
func (r *counterRig) statusCounts(t *testing.T, id mastodon.ID) [3]int64 {
	t.Helper()
	got, err := r.ac.GetStatus(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return [3]int64{got.RepliesCount, got.ReblogsCount, got.FavouritesCount}
}

func (r *counterRig) want(t *testing.T, what string, a *models.Account, statuses, followers, following int64) {
	t.Helper()
	if got, want := r.accountCounts(t, a), [3]int64{statuses, followers, following}; got != want {
		t.Fatalf("%s: @%s statuses/followers/following = %v, want %v", what, a.Username, got, want)
	}
}

func (r *counterRig) wantStatus(t *testing.T, what string, id mastodon.ID, replies, reblogs, favourites int64) {
	t.Helper()
	if got, want := r.statusCounts(t, id), [3]int64{replies, reblogs, favourites}; got != want {
		t.Fatalf("%s: status replies/reblogs/favourites = %v, want %v", what, got, want)
	}
}

// must(f())(t) is f's value, failing t on f's error.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// TestCountersThroughTheAPI: the counts the client API shows move with
// every post, delete, follow, unfollow, boost, unboost, favourite and
// unfavourite (they are rows kept in the change's transaction, not counted
// per request).
func TestCountersThroughTheAPI(t *testing.T) {
	r := newCounterRig(t)
	ctx := context.Background()
	r.want(t, "fresh", r.alice, 0, 0, 0)

	post := must(r.ac.PostStatus(ctx, &mastodon.Toot{Status: "hello", Visibility: "public"}))(t)
	must(r.ac.PostStatus(ctx, &mastodon.Toot{Status: "@bob psst", Visibility: "direct"}))(t)
	second := must(r.ac.PostStatus(ctx, &mastodon.Toot{Status: "again", Visibility: "unlisted"}))(t)
	r.want(t, "posted (the DM is not counted)", r.alice, 2, 0, 0)

	must(r.bc.AccountFollow(ctx, mastodon.ID(core.IDString(r.alice.ID))))(t)
	r.want(t, "followed", r.alice, 2, 1, 0)
	r.want(t, "follower", r.bob, 0, 0, 1)

	reply := must(r.bc.PostStatus(ctx, &mastodon.Toot{Status: "@alice hi", InReplyToID: post.ID, Visibility: "public"}))(t)
	must(r.bc.Reblog(ctx, post.ID))(t)
	must(r.bc.Favourite(ctx, post.ID))(t)
	r.wantStatus(t, "replied, boosted, liked", post.ID, 1, 1, 1)
	r.want(t, "bob's reply and boost", r.bob, 2, 0, 1)

	must(r.bc.Unreblog(ctx, post.ID))(t)
	must(r.bc.Unfavourite(ctx, post.ID))(t)
	if err := r.bc.DeleteStatus(ctx, reply.ID); err != nil {
		t.Fatal(err)
	}
	r.wantStatus(t, "undone", post.ID, 0, 0, 0)
	r.want(t, "bob undid", r.bob, 0, 0, 1)

	if err := r.ac.DeleteStatus(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	r.want(t, "deleted one", r.alice, 1, 1, 0)
	must(r.bc.AccountUnfollow(ctx, mastodon.ID(core.IDString(r.alice.ID))))(t)
	r.want(t, "unfollowed", r.alice, 1, 0, 0)
	r.want(t, "unfollowed", r.bob, 0, 0, 0)
}

// TestAdminRecount: `plaza admin recount` rebuilds counters that went wrong
// behind the server's back from the rows they count, and the API shows the
// repaired values.
func TestAdminRecount(t *testing.T) {
	r := newCounterRig(t)
	ctx := context.Background()
	post := must(r.ac.PostStatus(ctx, &mastodon.Toot{Status: "hello", Visibility: "public"}))(t)
	must(r.bc.AccountFollow(ctx, mastodon.ID(core.IDString(r.alice.ID))))(t)
	must(r.bc.Favourite(ctx, post.ID))(t)
	must(r.bc.Reblog(ctx, post.ID))(t)

	raw := rawDB(t, r.db)
	rawExec(t, raw,
		"UPDATE account_stats SET statuses_count = 40, followers_count = 7, following_count = 3, last_status_id = 0",
		"UPDATE statuses SET replies_count = 9, reblogs_count = 9, favourites_count = 9")
	r.want(t, "tampered", r.alice, 40, 7, 3)

	cfgPath := writeConfig(t, "host: '"+r.in.host+"'\ndatabase:\n  driver: "+r.db.Driver+"\n  dsn: '"+r.db.DSN+"'\n")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"--config", cfgPath, "admin", "recount"}, &out, &errOut); err != nil {
		t.Fatalf("admin recount: %v (%s)", err, errOut.String())
	}
	r.want(t, "recounted", r.alice, 1, 1, 0)
	r.want(t, "recounted", r.bob, 1, 0, 1)
	r.wantStatus(t, "recounted", post.ID, 0, 1, 1)
	var last int64
	if err := raw.Raw("SELECT last_status_id FROM account_stats WHERE account_id = ?", r.alice.ID).Scan(&last).Error; err != nil || core.IDString(last) != string(post.ID) {
		t.Fatalf("last status after recount: %d %v, want %s", last, err, post.ID)
	}
	if err := run(ctx, []string{"--config", cfgPath, "admin", "bogus"}, &out, &errOut); exitCode(err) != 2 {
		t.Fatalf("unknown admin subcommand: %v, want a usage error", err)
	}
}

// rawDB opens a test database behind the store's back, for what the
// store would never write itself (a broken counter, time passing).
func rawDB(t *testing.T, db store.Config) *gorm.DB {
	t.Helper()
	var dialector gorm.Dialector = sqlite.Open(db.DSN)
	if db.Driver == store.DriverPostgres {
		dialector = postgres.Open(db.DSN)
	}
	raw, err := gorm.Open(dialector, &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := raw.DB()
	t.Cleanup(func() { _ = sqlDB.Close() })
	return raw
}

// rawExec runs each query on raw.
func rawExec(t *testing.T, raw *gorm.DB, queries ...string) {
	t.Helper()
	for _, q := range queries {
		if err := raw.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
}
