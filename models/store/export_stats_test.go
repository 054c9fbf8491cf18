package store

import "context"

// ExecForTest runs raw SQL, for tests that set up what the store would never
// write (an older schema, a broken counter).
func ExecForTest(ctx context.Context, s *Store, q string, args ...any) error {
	return s.conn(ctx).Exec(q, args...).Error
}
