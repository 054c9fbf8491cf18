// Command plaza-bench is a load harness for servers that speak the
// Mastodon client API and ActivityPub (Plaza, GoToSocial, Mastodon). It
// posts statuses, reads timelines, delivers signed activities from fake
// remote instances it serves itself on loopback addresses, and measures
// fan-out to fake followers, printing throughput, p50/p99 latency and the
// server's RSS per scenario. It only targets loopback addresses unless
// --allow-non-loopback is given: load tests are for your own servers.
//
//	plaza-bench --plaza-binary ./plaza [--plaza-db postgres --plaza-postgres URL] [--scenarios post,timelines,inbox,fanout]
//	plaza-bench --target http://127.0.0.1:8080 --token TOKEN [--pid PID | --rss-cmd CMD]
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "plaza-bench: "+err.Error())
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(1)
	}
}

// options is the command line.
type options struct {
	target, token, username, password string
	allowNonLoopback                  bool

	plazaBinary, plazaDB, plazaPostgres string
	// plazaDSN is the started Plaza's PostgreSQL schema (for analyze).
	plazaDSN string

	pid    int
	rssCmd string

	scenarios   string
	concurrency int
	timeout     time.Duration
	firstOctet  int
	keyBits     int

	posts, reads                         int
	inbox, inboxInstances, inboxActors   int
	fanInstances, fanFollowers, fanPosts int
	sharedInbox                          bool
	seedStatuses, seedHeavy, seedLocal   int
	seedInstances, seedActors            int
	seedFollow                           bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("plaza-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.target, "target", "", "base URL of the server under test, e.g. http://127.0.0.1:8080 (loopback only)")
	fs.StringVar(&o.token, "token", "", "bearer token of the account to post as (for Plaza: plaza user token --username U)")
	fs.StringVar(&o.username, "username", "", "with --password instead of --token: log in through app registration + OAuth password grant")
	fs.StringVar(&o.password, "password", "", "password for --username")
	fs.BoolVar(&o.allowNonLoopback, "allow-non-loopback", false, "allow a target outside 127.0.0.0/8 and ::1 — only ever a server you run yourself")
	fs.StringVar(&o.plazaBinary, "plaza-binary", "", "start this Plaza binary on 127.0.0.2 with a temp data dir, a user and a token, and test it")
	fs.StringVar(&o.plazaDB, "plaza-db", "sqlite", "database of the started Plaza: sqlite or postgres")
	fs.StringVar(&o.plazaPostgres, "plaza-postgres", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL URL for --plaza-db postgres (a fresh schema is made and dropped)")
	fs.IntVar(&o.pid, "pid", 0, "the server's process id, to read its RSS from /proc/<pid>/status")
	fs.StringVar(&o.rssCmd, "rss-cmd", "", "shell command printing the server's RSS in kB (instead of --pid)")
	fs.StringVar(&o.scenarios, "scenarios", "post,timelines,inbox,fanout", "comma-separated, run in order: post, timelines, inbox, fanout, seed, analyze (PostgreSQL planner statistics of the started Plaza, for servers with autovacuum off)")
	fs.IntVar(&o.concurrency, "concurrency", 8, "requests in flight at once")
	fs.DurationVar(&o.timeout, "timeout", time.Minute, "time bound of each scenario (and of each waiting step)")
	fs.IntVar(&o.firstOctet, "fake-first-octet", 20, "fake instance i listens on 127.0.0.(N+i)")
	fs.IntVar(&o.keyBits, "key-bits", 2048, "RSA key size of the fake instances (one key per instance)")
	fs.IntVar(&o.posts, "posts", 2000, "post: statuses to publish")
	fs.IntVar(&o.reads, "reads", 2000, "timelines: reads of each timeline")
	fs.IntVar(&o.inbox, "inbox", 2000, "inbox: signed Create activities to deliver")
	fs.IntVar(&o.inboxInstances, "inbox-instances", 10, "inbox: fake instances")
	fs.IntVar(&o.inboxActors, "inbox-actors", 10, "inbox: actors per fake instance")
	fs.IntVar(&o.fanInstances, "fanout-instances", 20, "fanout: fake instances")
	fs.IntVar(&o.fanFollowers, "fanout-followers", 10, "fanout: followers per fake instance")
	fs.IntVar(&o.fanPosts, "fanout-posts", 20, "fanout: statuses posted one after another")
	fs.BoolVar(&o.sharedInbox, "shared-inbox", true, "fanout: fake followers advertise a shared inbox (as Mastodon's do)")
	fs.IntVar(&o.seedStatuses, "seed-statuses", 10000, "seed: remote statuses delivered to the inbox")
	fs.IntVar(&o.seedHeavy, "seed-heavy", 2000, "seed: how many of them one remote account writes")
	fs.IntVar(&o.seedLocal, "seed-local", 0, "seed: statuses the token's account posts itself")
	fs.IntVar(&o.seedInstances, "seed-instances", 10, "seed: fake instances")
	fs.IntVar(&o.seedActors, "seed-actors", 10, "seed: actors per fake instance")
	fs.BoolVar(&o.seedFollow, "seed-follow", true, "seed: the token's account follows every seeding actor first, so its home timeline holds the seed")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case o.plazaBinary == "" && o.target == "":
		return nil, errors.New("give --target URL (with --token, or --username and --password) or --plaza-binary PATH")
	case o.plazaBinary != "" && o.target != "":
		return nil, errors.New("--target and --plaza-binary exclude each other")
	case o.plazaDB != "sqlite" && o.plazaDB != "postgres":
		return nil, fmt.Errorf("--plaza-db: want sqlite or postgres, got %q", o.plazaDB)
	case o.concurrency < 1 || o.timeout <= 0:
		return nil, errors.New("--concurrency and --timeout must be positive")
	case o.firstOctet < 2 || o.firstOctet > 250:
		return nil, errors.New("--fake-first-octet must be between 2 and 250")
	}
	return o, nil
}

// run parses the command line, sets up the target and runs the scenarios.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	names, err := parseScenarios(o.scenarios)
	if err != nil {
		return err
	}
	hc := newHTTPClient(o.concurrency)
	b := &Bench{HTTP: hc, Out: stdout, Timeout: o.timeout, Concurrency: o.concurrency, FirstOctet: o.firstOctet,
		KeyBits: o.keyBits, SharedInbox: o.sharedInbox, Nonce: newNonce(), RSS: RSSProbe{PID: o.pid, Cmd: o.rssCmd}}
	if o.plazaBinary != "" {
		p, cleanup, err := startConfiguredPlaza(ctx, o)
		if err != nil {
			return err
		}
		defer cleanup()
		o.target, o.token, b.RSS = p.Base, p.Token, RSSProbe{PID: p.PID}
	}
	if err := checkLoopback(ctx, o.target, o.allowNonLoopback); err != nil {
		return err
	}
	if o.token == "" && o.username != "" {
		if o.token, err = PasswordToken(ctx, hc, o.target, o.username, o.password); err != nil {
			return err
		}
	}
	if o.token == "" {
		return errors.New("no token: give --token, or --username and --password")
	}
	b.API = &API{Base: o.target, Token: o.token, HTTP: hc}
	printHeader(ctx, stdout, b, o)
	for _, name := range names {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		for _, res := range runScenario(ctx, b, o, name) {
			res.Print(stdout)
		}
	}
	return nil
}

func runScenario(ctx context.Context, b *Bench, o *options, name string) []*Result {
	switch name {
	case "post":
		return []*Result{b.Post(ctx, o.posts)}
	case "timelines":
		return b.Timelines(ctx, o.reads)
	case "inbox":
		return []*Result{b.Inbox(ctx, o.inboxInstances, o.inboxActors, o.inbox)}
	case "fanout":
		return []*Result{b.Fanout(ctx, o.fanInstances, o.fanFollowers, o.fanPosts)}
	case "seed":
		return []*Result{b.Seed(ctx, SeedConfig{Statuses: o.seedStatuses, Heavy: o.seedHeavy, Local: o.seedLocal,
			Instances: o.seedInstances, Actors: o.seedActors, Follow: o.seedFollow})}
	case "analyze":
		analyze(ctx, b.Out, o.plazaDSN)
	}
	return nil
}

// startConfiguredPlaza starts --plaza-binary on a fresh SQLite file or
// PostgreSQL schema; cleanup stops it and drops the data.
func startConfiguredPlaza(ctx context.Context, o *options) (*Plaza, func(), error) {
	cfg := PlazaConfig{Binary: o.plazaBinary, Driver: o.plazaDB}
	drop := func() {}
	if o.plazaDB == "postgres" {
		dsn, d, err := freshPostgresSchema(ctx, o.plazaPostgres)
		if err != nil {
			return nil, nil, err
		}
		cfg.DSN, drop = dsn, d
		o.plazaDSN = dsn
	}
	p, err := StartPlaza(ctx, cfg)
	if err != nil {
		drop()
		return nil, nil, err
	}
	return p, func() { p.Stop(); drop() }, nil
}

func printHeader(ctx context.Context, w io.Writer, b *Bench, o *options) {
	var inst struct {
		Version string `json:"version"`
		Title   string `json:"title"`
	}
	_ = b.API.call(ctx, http.MethodGet, "/api/v1/instance", nil, &inst)
	db := ""
	if o.plazaBinary != "" {
		db = ", Plaza started on " + o.plazaDB
	}
	fmt.Fprintf(w, "target %s (%s %s%s), concurrency %d, bound %s per scenario, idle rss %s\n",
		b.API.Base, inst.Title, inst.Version, db, b.Concurrency, b.Timeout, fmtKB(b.RSS.Read(ctx)))
}

func newNonce() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
