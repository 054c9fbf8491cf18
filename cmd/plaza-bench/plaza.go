package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for the throw-away schema
)

// PlazaConfig says how to start a Plaza binary for a run.
type PlazaConfig struct {
	Binary string
	// Listen is the loopback address to serve on; empty picks a free port
	// on 127.0.0.2.
	Listen string
	// Driver is "sqlite" (a file in the temp dir) or "postgres".
	Driver string
	// DSN is the database for postgres. With a fresh schema set (see
	// freshPostgresSchema) every run starts empty.
	DSN string
	// Env is added to the environment (e.g. PLAZA_LOG_LEVEL=debug).
	Env []string
}

// Plaza is a running Plaza process with one user, "bench", and its token.
type Plaza struct {
	Base  string
	Token string
	PID   int
	dir   string
	cmd   *exec.Cmd
	logs  *syncBuffer
	done  chan error
}

// syncBuffer is a bytes.Buffer safe for the process's output goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 1<<20 {
		return len(p), nil // keep the start; a load run may log a lot
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freeLoopbackAddr returns a free port on ip.
func freeLoopbackAddr(ip string) (string, error) {
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// StartPlaza creates a temp data dir, migrates, creates the user "bench",
// prints its token and serves until Stop. Request limits are switched off
// (a load test is one client sending a lot) and private addresses are
// allowed so Plaza can reach the fake instances.
func StartPlaza(ctx context.Context, cfg PlazaConfig) (*Plaza, error) {
	addr := cfg.Listen
	if addr == "" {
		var err error
		if addr, err = freeLoopbackAddr("127.0.0.2"); err != nil {
			return nil, fmt.Errorf("plaza: %w", err)
		}
	}
	dir, err := os.MkdirTemp("", "plaza-bench-")
	if err != nil {
		return nil, err
	}
	p := &Plaza{Base: "http://" + addr, dir: dir, logs: &syncBuffer{}, done: make(chan error, 1)}
	dsn := cfg.DSN
	if cfg.Driver == "sqlite" || cfg.Driver == "" {
		cfg.Driver, dsn = "sqlite", filepath.Join(dir, "plaza.db")
	}
	env := append(os.Environ(),
		"PLAZA_HOST="+addr, "PLAZA_LISTEN="+addr, "PLAZA_PROTOCOL=http",
		"PLAZA_DATABASE_DRIVER="+cfg.Driver, "PLAZA_DATABASE_DSN="+dsn,
		"PLAZA_STORAGE_PATH="+filepath.Join(dir, "media"),
		"PLAZA_FEDERATION_ALLOW_PRIVATE_ADDRESSES=true",
		"PLAZA_HTTP_API_LIMIT=0", "PLAZA_HTTP_INBOX_LIMIT=0", "PLAZA_HTTP_MEDIA_LIMIT=0",
		"PLAZA_HTTP_SIGN_IN_LIMIT=0", "PLAZA_HTTP_SIGN_UP_LIMIT=0",
		"PLAZA_LOG_LEVEL=warn",
	)
	env = append(env, cfg.Env...)
	runCmd := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, cfg.Binary, args...)
		cmd.Env, cmd.Dir = env, dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("plaza %s: %w: %s", strings.Join(args, " "), err, truncate(string(out), 500))
		}
		return string(out), nil
	}
	fail := func(err error) (*Plaza, error) {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if _, err := runCmd("user", "create", "--username", "bench", "--email", "bench@bench.invalid", "--password", "bench bench bench bench"); err != nil {
		return fail(err)
	}
	tok, err := runCmd("user", "token", "--username", "bench", "--scopes", "read write follow")
	if err != nil {
		return fail(err)
	}
	p.Token = strings.TrimSpace(tok)
	p.cmd = exec.Command(cfg.Binary, "serve")
	p.cmd.Env, p.cmd.Dir, p.cmd.Stdout, p.cmd.Stderr = env, dir, p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		return fail(fmt.Errorf("plaza serve: %w", err))
	}
	p.PID = p.cmd.Process.Pid
	go func() { p.done <- p.cmd.Wait() }()
	if err := p.waitReady(ctx, 30*time.Second); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

// waitReady polls /api/v1/instance until it answers or the process exits.
func (p *Plaza) waitReady(ctx context.Context, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	hc := &http.Client{Timeout: time.Second}
	for {
		resp, err := hc.Get(p.Base + "/api/v1/instance")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-p.done:
			p.done <- err
			return fmt.Errorf("plaza serve exited: %v\n%s", err, truncate(p.logs.String(), 2000))
		case <-ctx.Done():
			return fmt.Errorf("plaza serve not ready within %s\n%s", within, truncate(p.logs.String(), 2000))
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Logs returns the start of the server's output.
func (p *Plaza) Logs() string { return p.logs.String() }

// Stop interrupts the server, waits for it (killing it after 10 s) and
// removes its data dir.
func (p *Plaza) Stop() {
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	_ = os.RemoveAll(p.dir)
}

// freshPostgresSchema creates an empty schema on the PostgreSQL server of
// base and returns a DSN that uses it, and a function dropping it.
func freshPostgresSchema(ctx context.Context, base string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, errors.New("--plaza-postgres: must be a postgres:// URL")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "plaza_bench_" + hex.EncodeToString(b[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	drop := func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// analyze refreshes the planner statistics of the started Plaza's
// PostgreSQL schema, as autovacuum does on its own; test servers often run
// with autovacuum off, and then plans after a bulk load are those of an
// empty database. Without a started PostgreSQL Plaza it only says so.
func analyze(ctx context.Context, w io.Writer, dsn string) {
	if dsn == "" {
		fmt.Fprintln(w, "analyze               skipped: only for a Plaza started here on PostgreSQL")
		return
	}
	start := time.Now()
	db, err := sql.Open("pgx", dsn)
	if err == nil {
		defer db.Close()
		err = analyzeSchema(ctx, db)
	}
	if err != nil {
		fmt.Fprintf(w, "analyze               failed: %v\n", err)
		return
	}
	fmt.Fprintf(w, "analyze               planner statistics refreshed in %s\n", time.Since(start).Round(time.Millisecond))
}

// analyzeSchema analyzes the tables of the DSN's own schema only (a bare
// ANALYZE would visit every schema on the server).
func analyzeSchema(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()")
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		if _, err := db.ExecContext(ctx, "ANALYZE "+t); err != nil {
			return fmt.Errorf("analyze %s: %w", t, err)
		}
	}
	return nil
}
