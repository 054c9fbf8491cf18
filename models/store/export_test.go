package store

import (
	"context"

	"gorm.io/gorm"
)

// Hooks for the store's own tests.

// TestDB is the store's connection.
func (s *Store) TestDB() *gorm.DB { return s.db }

// CreateStatusSearch is migration step 11.
var CreateStatusSearch = createStatusSearch

// ExecForTest runs raw SQL, for tests that set up what the store would never
// write (an older schema, a broken counter).
func ExecForTest(ctx context.Context, s *Store, q string, args ...any) error {
	return s.conn(ctx).Exec(q, args...).Error
}

// BackfillChats runs migration step 8's backfill again, for its test.
func (s *Store) BackfillChats() error { return backfillChats(s.db) }

// MigrateWith runs the steps there are and then extra ones, for tests of
// the runner itself.
func (s *Store) MigrateWith(ctx context.Context, extra func(tx *gorm.DB) error) error {
	steps := append(append([]migration(nil), migrations...), migration{version: 9999, name: "test step", up: extra})
	return s.migrate(ctx, steps)
}
