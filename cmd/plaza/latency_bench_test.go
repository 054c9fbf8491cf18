package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"plaza/models/store/storetest"
)

// BenchmarkDirectMessageLatency measures, over real HTTP between two
// instances on loopback, the time from alice's POST /api/v1/statuses of a
// direct message on A to its event on bob's direct stream on B
// (server-sent events): A's commit, the wake-up of A's deliverer, the
// signed POST to B's inbox, B's processing and the stream. The delivery
// poll runs hourly, so only the commit's wake-up can start the delivery in
// time. Each operation is one message; p50 and p99 are reported. Run it
// with
//
//	go test -run '^$' -bench DirectMessageLatency -benchtime 200x ./cmd/plaza/
//
// (and PLAZA_TEST_DATABASE=postgres); figures are in docs/BENCHMARKS.md.
func BenchmarkDirectMessageLatency(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hourlyPoll := func(c *Config) { c.Federation.DeliveryPollInterval = time.Hour }
	a := startInstanceAt(b, "127.0.0.2:0", storetest.Config(b), hourlyPoll)
	bi := startInstanceAt(b, "127.0.0.3:0", storetest.Config(b), hourlyPoll)
	a.createUser(b, "alice")
	bob := bi.createUser(b, "bob")
	aliceToken, err := a.svc.Accounts().CreateToken(ctx, "alice", "read write")
	if err != nil {
		b.Fatal(err)
	}
	bobToken, err := bi.svc.Accounts().CreateToken(ctx, "bob", "read")
	if err != nil {
		b.Fatal(err)
	}
	// bob follows alice, so her messages are never held as requests.
	aliceOnB, err := bi.resolver.ResolveHandle(ctx, "alice@"+a.host)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bi.svc.Social().Follow(ctx, bob, aliceOnB); err != nil {
		b.Fatal(err)
	}
	waitUntil(b, "bob's follow of alice is accepted", func() bool {
		rel, err := bi.svc.Social().Relationship(ctx, bob, aliceOnB)
		return err == nil && rel.Following
	})
	if _, err := a.resolver.ResolveHandle(ctx, "bob@"+bi.host); err != nil {
		b.Fatal(err)
	}

	events := bi.directStream(b, ctx, bobToken)
	send := func(marker string) {
		body := fmt.Sprintf(`{"status":"@bob@%s %s","visibility":"direct"}`, bi.host, marker)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, a.url("/api/v1/statuses"), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+aliceToken)
		req.Header.Set("Content-Type", "application/json")
		res, err := testClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("post: %d", res.StatusCode)
		}
	}
	wait := func(marker string) {
		timeout := time.After(10 * time.Second)
		for {
			select {
			case data, ok := <-events:
				if !ok {
					b.Fatal("direct stream closed")
				}
				if strings.Contains(data, marker) {
					return
				}
			case <-timeout:
				b.Fatalf("message %s never reached bob's stream", marker)
			}
		}
	}
	// One message first, so connections and caches are warm.
	send("warm-up")
	wait("warm-up")

	var took []time.Duration
	n := 0
	for b.Loop() {
		n++
		marker := fmt.Sprintf("latency-%d-%d", n, time.Now().UnixNano())
		start := time.Now()
		send(marker)
		wait(marker)
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	pct := func(p float64) float64 {
		i := int(p * float64(len(took)-1))
		return float64(took[i].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "ms-p50")
	b.ReportMetric(pct(0.99), "ms-p99")
}

// directStream opens the direct stream (server-sent events) with token and
// returns the data of each event.
func (in *instance) directStream(b *testing.B, ctx context.Context, token string) <-chan string {
	b.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, in.url("/api/v1/streaming/direct"), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		b.Fatalf("direct stream: %d", res.StatusCode)
	}
	out := make(chan string, 64)
	go func() {
		defer close(out)
		defer res.Body.Close()
		lines := bufio.NewScanner(res.Body)
		lines.Buffer(make([]byte, 64<<10), 1<<20)
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
				var payload any
				if json.Unmarshal([]byte(data), &payload) == nil {
					out <- data
				}
			}
		}
	}()
	return out
}

// waitUntil polls cond for up to 15 seconds.
func waitUntil(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
