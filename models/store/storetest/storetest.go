// Package storetest opens a fresh, migrated Store for a test: SQLite in the
// test's temporary directory by default, or a PostgreSQL schema of its own
// when PLAZA_TEST_DATABASE=postgres (the server is PLAZA_TEST_POSTGRES_DSN).
// The schema is dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

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

// Config returns the database config of a fresh, empty database for t.
func Config(t testing.TB) store.Config {
	t.Helper()
	if Driver() == store.DriverSQLite {
		return store.Config{Driver: store.DriverSQLite, DSN: filepath.Join(t.TempDir(), "plaza.db")}
	}
	base := os.Getenv("PLAZA_TEST_POSTGRES_DSN")
	if base == "" {
		base = DefaultPostgresDSN
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "plaza_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("storetest: create schema (is PostgreSQL running at %s?): %v", base, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: PLAZA_TEST_POSTGRES_DSN must be a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return store.Config{Driver: store.DriverPostgres, DSN: u.String(), MaxOpenConns: 8}
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
