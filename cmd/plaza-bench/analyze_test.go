package main

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"

	"plaza/models/store"
	"plaza/models/store/storetest"
)

// TestAnalyze: the analyze step refreshes the statistics of the started
// Plaza's own schema on PostgreSQL, and says it has nothing to do
// otherwise.
func TestAnalyze(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	analyze(ctx, &out, "")
	if !strings.Contains(out.String(), "skipped") {
		t.Fatalf("without PostgreSQL: %q", out.String())
	}
	if storetest.Driver() != store.DriverPostgres {
		t.Skip("the rest needs PLAZA_TEST_DATABASE=postgres")
	}
	cfg := storetest.Config(t)
	st, err := store.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	analyze(ctx, &out, cfg.DSN)
	if !strings.Contains(out.String(), "refreshed") {
		t.Fatalf("analyze: %q", out.String())
	}
	db, err := sql.Open("pgx", cfg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stale int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_user_tables
		WHERE schemaname = current_schema() AND last_analyze IS NULL`).Scan(&stale)
	if err != nil || stale != 0 {
		t.Fatalf("%d tables of the schema not analyzed (%v)", stale, err)
	}
}
