// Package storetest opens a fresh, migrated Store for a test: SQLite in the
// test's temporary directory by default, or a PostgreSQL database of its
// own when PLAZA_TEST_DATABASE=postgres (the server is
// PLAZA_TEST_POSTGRES_DSN). On PostgreSQL each test's database is a copy of
// a template migrated once per test binary (CREATE DATABASE … TEMPLATE), so
// tests do not each run every migration; it is dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for schema set-up

	"plaza/models/store"
)

// DefaultPostgresDSN is where the development machines run PostgreSQL.
const DefaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Driver returns the driver the tests run on: "sqlite" or "postgres".
func Driver() string {
	if os.Getenv("PLAZA_TEST_DATABASE") == store.DriverPostgres {
		return store.DriverPostgres
	}
	return store.DriverSQLite
}

// Config returns the database config of a fresh database for t: empty on
// SQLite, already migrated on PostgreSQL (migrating again is a no-op).
func Config(t testing.TB) store.Config {
	t.Helper()
	if Driver() == store.DriverSQLite {
		return store.Config{Driver: store.DriverSQLite, DSN: filepath.Join(t.TempDir(), "plaza.db")}
	}
	base := postgresBase()
	tpl, err := template(base)
	if err != nil {
		t.Fatalf("storetest: template database (is PostgreSQL running at %s?): %v", base, err)
	}
	return newDatabase(t, base, " TEMPLATE "+tpl)
}

// EmptyConfig returns the config of a fresh database for t with nothing in
// it, not even schema_migrations (for tests of migrating itself).
func EmptyConfig(t testing.TB) store.Config {
	t.Helper()
	if Driver() == store.DriverSQLite {
		return Config(t)
	}
	return newDatabase(t, postgresBase(), "")
}

func postgresBase() string {
	if base := os.Getenv("PLAZA_TEST_POSTGRES_DSN"); base != "" {
		return base
	}
	return DefaultPostgresDSN
}

// newDatabase creates a database for t (CREATE DATABASE … plus suffix) and
// drops it when t ends.
func newDatabase(t testing.TB, base, suffix string) store.Config {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "plaza_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name + suffix); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	return store.Config{Driver: store.DriverPostgres, DSN: withDatabase(base, name), MaxOpenConns: 8}
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// template returns the migrated template database of this test binary,
// making it on first use. Its name carries the binary's digest, so a
// rebuilt binary (new migrations, new structs) gets its own, and the time
// it was made, so that templates of old builds are dropped after a day.
func template(base string) (string, error) {
	templateOnce.Do(func() { templateName, templateErr = makeTemplate(base) })
	return templateName, templateErr
}

func makeTemplate(base string) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return "", err
	}
	digest := hex.EncodeToString(h.Sum(nil))[:16]
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	ctx := context.Background()
	conn, err := admin.Conn(ctx) // the advisory lock is held by this session
	if err != nil {
		return "", err
	}
	defer conn.Close()
	// Binaries of the same build (go test -count=N, packages run at once)
	// make the template once between them.
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(74327002, hashtext($1))", digest); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock(74327002, hashtext($1))", digest) //nolint:errcheck
	var existing string
	err = conn.QueryRowContext(ctx, "SELECT datname FROM pg_database WHERE datname LIKE $1", "plaza_tpl_%_"+digest).Scan(&existing)
	if err == nil {
		return existing, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	dropStaleTemplates(ctx, conn)
	name := fmt.Sprintf("plaza_tpl_%d_%s", time.Now().Unix(), digest)
	building := name + "_new"
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	st, err := store.Open(store.Config{Driver: store.DriverPostgres, DSN: withDatabase(base, building)})
	if err == nil {
		err = st.Migrate(ctx)
		st.Close()
	}
	if err == nil {
		// Published only once complete: a crash leaves a _new database
		// nobody copies.
		_, err = conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name)
	}
	if err != nil {
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
		return "", err
	}
	return name, nil
}

// dropStaleTemplates drops templates (and half-made ones) older than a day.
func dropStaleTemplates(ctx context.Context, conn *sql.Conn) {
	rows, err := conn.QueryContext(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'plaza_tpl_%'")
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		parts := strings.Split(name, "_")
		if len(parts) < 4 {
			continue
		}
		made, err := strconv.ParseInt(parts[2], 10, 64)
		if err == nil && time.Since(time.Unix(made, 0)) > 24*time.Hour {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
}

// withDatabase is base with another database name.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}

// Open returns a migrated Store on a fresh database, closed when t ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(Config(t))
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return s
}
