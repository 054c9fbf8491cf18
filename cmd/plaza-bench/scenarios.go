package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Bench holds what every scenario needs: the target, the client, the
// limits and the RSS probe.
type Bench struct {
	API         *API
	HTTP        *http.Client
	RSS         RSSProbe
	Out         io.Writer
	Timeout     time.Duration // bound of each scenario's timed phase
	Concurrency int
	FirstOctet  int  // fake instances listen on 127.0.0.(FirstOctet+i)
	KeyBits     int  // RSA key size of the fake instances
	SharedInbox bool // fake actors advertise a shared inbox
	Nonce       string

	username string
	actor    *TargetActor
}

// measure runs fn with the RSS sampled and the time bound applied.
func (b *Bench) measure(ctx context.Context, fn func(ctx context.Context) *Result) *Result {
	ctx, cancel := context.WithTimeout(ctx, b.Timeout)
	defer cancel()
	stop := sampleRSS(ctx, b.RSS, 100*time.Millisecond)
	res := fn(ctx)
	res.RSSPeakKB = stop()
	res.RSSEndKB = b.RSS.Read(context.Background())
	res.RSSPeakKB = max(res.RSSPeakKB, res.RSSEndKB)
	return res
}

// target discovers the token's account and its actor once.
func (b *Bench) target(ctx context.Context, signer *Signer) (*TargetActor, error) {
	if b.actor != nil {
		return b.actor, nil
	}
	me, err := b.API.Me(ctx)
	if err != nil {
		return nil, err
	}
	b.username = me.Username
	b.actor, err = discoverActor(ctx, b.HTTP, b.API.Base, me.Username, signer)
	return b.actor, err
}

// Post publishes n public statuses through POST /api/v1/statuses.
func (b *Bench) Post(ctx context.Context, n int) *Result {
	return b.measure(ctx, func(ctx context.Context) *Result {
		return runBounded(ctx, "post", "requests", n, b.Concurrency, func(ctx context.Context, i int) error {
			_, err := b.API.PostStatus(ctx, fmt.Sprintf("plaza-bench post %d %s", i, b.Nonce))
			return err
		})
	})
}

// TimelinePaths are the timelines the timeline scenario reads.
var TimelinePaths = []struct{ Name, Path string }{
	{"home", "/api/v1/timelines/home"},
	{"public local", "/api/v1/timelines/public?local=true"},
	{"public", "/api/v1/timelines/public"},
}

// Timelines reads the first page of each timeline n times.
func (b *Bench) Timelines(ctx context.Context, n int) []*Result {
	var out []*Result
	for _, tl := range TimelinePaths {
		var items atomic.Int64
		res := b.measure(ctx, func(ctx context.Context) *Result {
			return runBounded(ctx, "timeline "+tl.Name, "requests", n, b.Concurrency, func(ctx context.Context, i int) error {
				page, err := b.API.Timeline(ctx, tl.Path)
				items.Add(int64(len(page)))
				return err
			})
		})
		if res.OK > 0 {
			res.Extra = append(res.Extra, fmt.Sprintf("%.1f statuses per page", float64(items.Load())/float64(res.OK+res.Errors)))
		}
		out = append(out, res)
	}
	return out
}

// actorAt spreads index i over the fleet's actors, instances first.
func actorAt(f *Fleet, i int) (*Instance, string) {
	inst := f.Instances[i%len(f.Instances)]
	return inst, inst.Actors[(i/len(f.Instances))%len(inst.Actors)]
}

// Inbox posts n signed public Create(Note) activities from instances ×
// actors fake remotes to the target's shared inbox. One activity per actor
// is sent first and not timed, so the target has fetched every key.
func (b *Bench) Inbox(ctx context.Context, instances, actors, n int) *Result {
	fleet, err := StartFleet(FleetConfig{Instances: instances, Actors: actors, FirstOctet: b.FirstOctet, Shared: true, KeyBits: b.KeyBits}, b.HTTP)
	if err != nil {
		return failed("inbox", err)
	}
	defer fleet.Close()
	first := fleet.Instances[0]
	target, err := b.target(ctx, first.Signer(first.Actors[0]))
	if err != nil {
		return failed("inbox", err)
	}
	send := func(ctx context.Context, i int) error {
		inst, name := actorAt(fleet, i)
		return signedPost(ctx, b.HTTP, target.SharedInbox, inst.note(name, fmt.Sprintf("plaza-bench inbox %d %s", i, b.Nonce)), inst.Signer(name))
	}
	warmCtx, cancel := context.WithTimeout(ctx, b.Timeout)
	warm := runBounded(warmCtx, "inbox warm-up", "activities", fleet.Followers(), b.Concurrency, send)
	cancel()
	if warm.Errors > 0 {
		return failed("inbox", fmt.Errorf("warm-up: %d of %d failed: %s", warm.Errors, fleet.Followers(), warm.FirstErr))
	}
	res := b.measure(ctx, func(ctx context.Context) *Result {
		return runBounded(ctx, "inbox", "activities", n, b.Concurrency, func(ctx context.Context, i int) error {
			return send(ctx, i+fleet.Followers())
		})
	})
	res.Extra = append(res.Extra, fmt.Sprintf("from %d actors on %d fake instances, to %s (+%d untimed warm-up activities)",
		fleet.Followers(), instances, target.SharedInbox, warm.OK))
	return res
}

func failed(name string, err error) *Result {
	return &Result{Name: name, Unit: "-", Errors: 1, FirstErr: err.Error()}
}

type follower struct {
	inst int
	name string
}

// Fanout makes instances × perInstance fake actors follow the target
// (signed Follow, then waiting for the Accept), posts `posts` statuses one
// after the other as the target and times, from the moment each POST was
// sent, the first delivery of its Create and the delivery that completed
// the set of followers (a shared-inbox delivery reaches every follower on
// its instance). Followers are undone at the end.
func (b *Bench) Fanout(ctx context.Context, instances, perInstance, posts int) *Result {
	fleet, err := StartFleet(FleetConfig{Instances: instances, Actors: perInstance, FirstOctet: b.FirstOctet, Shared: b.SharedInbox, KeyBits: b.KeyBits}, b.HTTP)
	if err != nil {
		return failed("fan-out", err)
	}
	defer fleet.Close()
	first := fleet.Instances[0]
	target, err := b.target(ctx, first.Signer(first.Actors[0]))
	if err != nil {
		return failed("fan-out", err)
	}
	accepted, follows, err := b.followTarget(ctx, fleet, target)
	defer b.undoFollows(fleet, target, follows)
	if err != nil {
		return failed("fan-out", err)
	}
	var firsts []time.Duration
	var deliveries int
	res := b.measure(ctx, func(ctx context.Context) *Result {
		res := &Result{Name: "fan-out", Unit: "posts"}
		start := time.Now()
		for p := 0; p < posts && ctx.Err() == nil; p++ {
			t0 := time.Now()
			st, err := b.API.PostStatus(ctx, fmt.Sprintf("plaza-bench fan-out %d %s", p, b.Nonce))
			if err != nil {
				res.Errors++
				res.FirstErr = cmpOr(res.FirstErr, err.Error())
				continue
			}
			var all time.Time
			fleet.waitFor(ctx, func() bool {
				all = completedAt(fleet.creates[st.URI], accepted)
				return !all.IsZero()
			})
			got := fleet.Receipts(st.URI)
			deliveries += len(got)
			if len(got) > 0 {
				firsts = append(firsts, slices.MinFunc(got, func(a, b Receipt) int { return a.At.Compare(b.At) }).At.Sub(t0))
			}
			if all.IsZero() {
				res.Errors++
				res.FirstErr = cmpOr(res.FirstErr, fmt.Sprintf("post %d reached %d of %d followers in time", p, countReached(got, accepted), len(accepted)))
				continue
			}
			res.OK++
			res.Latencies = append(res.Latencies, all.Sub(t0))
		}
		res.Elapsed = time.Since(start)
		return res
	})
	res.Extra = append(res.Extra,
		fmt.Sprintf("latency = POST sent → Create delivered to every follower; %d followers on %d instances (shared inbox %v), %d deliveries received",
			len(accepted), instances, b.SharedInbox, deliveries),
		fmt.Sprintf("first delivery: p50 %s, p99 %s", fmtDur(Percentile(firsts, 50)), fmtDur(Percentile(firsts, 99))))
	return res
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// followTarget sends a signed Follow from every fleet actor to the
// target's inbox and waits for the Accepts; it returns the accepted
// followers and the Follow activities sent.
func (b *Bench) followTarget(ctx context.Context, fleet *Fleet, target *TargetActor) (map[follower]bool, []map[string]any, error) {
	n := fleet.Followers()
	follows := make([]map[string]any, n)
	who := make([]follower, n)
	for i := range n {
		inst, name := actorAt(fleet, i)
		who[i] = follower{inst.Index, name}
		follows[i] = map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
			"id": inst.ActorID(name) + "#follows/" + fleet.newID(), "type": "Follow", "actor": inst.ActorID(name), "object": target.ID}
	}
	ctx, cancel := context.WithTimeout(ctx, b.Timeout)
	defer cancel()
	sent := runBounded(ctx, "follow", "activities", n, b.Concurrency, func(ctx context.Context, i int) error {
		inst := fleet.Instances[who[i].inst]
		return signedPost(ctx, b.HTTP, target.Inbox, follows[i], inst.Signer(who[i].name))
	})
	if sent.Errors > 0 {
		return nil, follows, fmt.Errorf("follow: %d of %d failed: %s", sent.Errors, n, sent.FirstErr)
	}
	accepted := map[follower]bool{}
	fleet.waitFor(ctx, func() bool {
		for i := range n {
			if _, ok := fleet.accepts[follows[i]["id"].(string)]; ok {
				accepted[who[i]] = true
			}
		}
		return len(accepted) == n
	})
	if len(accepted) < n {
		return accepted, follows, fmt.Errorf("follow: %d of %d follows accepted within %s", len(accepted), n, b.Timeout)
	}
	return accepted, follows, nil
}

// undoFollows withdraws the fleet's follows, so a server that outlives the
// run does not keep delivering to instances that are gone. Best effort.
func (b *Bench) undoFollows(fleet *Fleet, target *TargetActor, follows []map[string]any) {
	ctx, cancel := context.WithTimeout(context.Background(), min(b.Timeout, 30*time.Second))
	defer cancel()
	runBounded(ctx, "undo", "activities", len(follows), b.Concurrency, func(ctx context.Context, i int) error {
		inst, name := actorAt(fleet, i)
		undo := map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
			"id": inst.ActorID(name) + "#undo/" + fleet.newID(), "type": "Undo", "actor": inst.ActorID(name), "object": follows[i]}
		return signedPost(ctx, b.HTTP, target.Inbox, undo, inst.Signer(name))
	})
}

// reachedBy is the set of followers one delivery reaches.
func reachedBy(r Receipt, accepted map[follower]bool, add func(follower)) {
	for f := range accepted {
		if f.inst == r.Instance && (r.Actor == "" || r.Actor == f.name) {
			add(f)
		}
	}
}

func countReached(got []Receipt, accepted map[follower]bool) int {
	seen := map[follower]bool{}
	for _, r := range got {
		reachedBy(r, accepted, func(f follower) { seen[f] = true })
	}
	return len(seen)
}

// completedAt is when the deliveries first covered every accepted
// follower, or zero if they do not (yet).
func completedAt(got []Receipt, accepted map[follower]bool) time.Time {
	got = slices.Clone(got)
	slices.SortFunc(got, func(a, b Receipt) int { return a.At.Compare(b.At) })
	seen := map[follower]bool{}
	for _, r := range got {
		reachedBy(r, accepted, func(f follower) { seen[f] = true })
		if len(seen) == len(accepted) {
			return r.At
		}
	}
	return time.Time{}
}

// SeedConfig sizes the seeding mode.
type SeedConfig struct {
	Statuses  int // remote statuses, delivered to the inbox
	Heavy     int // how many of them one remote actor writes
	Local     int // statuses the target account posts itself (API)
	Instances int
	Actors    int // per instance
	Follow    bool
}

// Seed loads the target: the token's account follows every fake actor (so
// its home timeline holds what they write), then the actors deliver
// Statuses signed Creates to the shared inbox — Heavy of them by one actor
// — and the account posts Local statuses itself. The fake instances are
// gone after the run; the statuses stay.
func (b *Bench) Seed(ctx context.Context, cfg SeedConfig) *Result {
	fleet, err := StartFleet(FleetConfig{Instances: cfg.Instances, Actors: cfg.Actors, FirstOctet: b.FirstOctet, Shared: true, KeyBits: b.KeyBits}, b.HTTP)
	if err != nil {
		return failed("seed", err)
	}
	defer fleet.Close()
	first := fleet.Instances[0]
	target, err := b.target(ctx, first.Signer(first.Actors[0]))
	if err != nil {
		return failed("seed", err)
	}
	if cfg.Follow {
		if err := b.followFleet(ctx, fleet); err != nil {
			return failed("seed", err)
		}
	}
	heavy := min(cfg.Heavy, cfg.Statuses)
	others := fleet.Followers() - 1
	res := b.measure(ctx, func(ctx context.Context) *Result {
		return runBounded(ctx, "seed", "statuses", cfg.Statuses+cfg.Local, b.Concurrency, func(ctx context.Context, i int) error {
			switch {
			case i >= cfg.Statuses:
				_, err := b.API.PostStatus(ctx, fmt.Sprintf("plaza-bench seed local %d %s", i, b.Nonce))
				return err
			case i < heavy || others == 0:
				return signedPost(ctx, b.HTTP, target.SharedInbox, first.note(first.Actors[0], fmt.Sprintf("plaza-bench seed %d %s", i, b.Nonce)), first.Signer(first.Actors[0]))
			}
			inst, name := actorAt(fleet, 1+(i-heavy)%others)
			return signedPost(ctx, b.HTTP, target.SharedInbox, inst.note(name, fmt.Sprintf("plaza-bench seed %d %s", i, b.Nonce)), inst.Signer(name))
		})
	})
	res.Extra = append(res.Extra, fmt.Sprintf("%d remote statuses (%d by %s) from %d actors on %d instances, %d local by @%s; followed by @%s: %v",
		cfg.Statuses, heavy, first.Handle(first.Actors[0]), fleet.Followers(), cfg.Instances, cfg.Local, b.username, b.username, cfg.Follow))
	return res
}

// followFleet makes the token's account follow every fleet actor through
// the client API and waits until every follow is accepted.
func (b *Bench) followFleet(ctx context.Context, fleet *Fleet) error {
	ctx, cancel := context.WithTimeout(ctx, b.Timeout)
	defer cancel()
	ids := make([]string, fleet.Followers())
	res := runBounded(ctx, "seed follow", "requests", len(ids), b.Concurrency, func(ctx context.Context, i int) error {
		inst, name := actorAt(fleet, i)
		id, err := b.API.Follow(ctx, inst.Handle(name))
		ids[i] = id
		return err
	})
	if res.Errors > 0 {
		return fmt.Errorf("follow fake actors: %d failed: %s", res.Errors, res.FirstErr)
	}
	for {
		n, err := b.countFollowing(ctx, ids)
		if err == nil && n == len(ids) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("follow fake actors: %d of %d accepted within %s (%v; fleet: %v)", n, len(ids), b.Timeout, err, fleet.Errors())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (b *Bench) countFollowing(ctx context.Context, ids []string) (int, error) {
	n := 0
	for chunk := range slices.Chunk(ids, 40) {
		q := url.Values{"id[]": chunk}
		var rel []struct {
			Following bool `json:"following"`
		}
		if err := b.API.call(ctx, http.MethodGet, "/api/v1/accounts/relationships?"+q.Encode(), nil, &rel); err != nil {
			return n, err
		}
		for _, r := range rel {
			if r.Following {
				n++
			}
		}
	}
	return n, nil
}

// errNoScenario is returned for an unknown scenario name.
var errNoScenario = errors.New("unknown scenario (want post, timelines, inbox, fanout, seed)")

func parseScenarios(s string) ([]string, error) {
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		switch name {
		case "":
		case "post", "timelines", "inbox", "fanout", "seed", "analyze":
			out = append(out, name)
		default:
			return nil, fmt.Errorf("%q: %w", name, errNoScenario)
		}
	}
	return out, nil
}
