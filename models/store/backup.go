package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrBackupUnsupported is returned by BackupTo on PostgreSQL, whose own
// tools (pg_dump) make consistent copies of a live database.
var ErrBackupUnsupported = errors.New("backup: use pg_dump for PostgreSQL")

// BackupTo writes a consistent copy of a SQLite database to path with
// VACUUM INTO, which reads one snapshot while writers go on, so it is safe
// while the server runs. The file must not exist yet.
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if s.driver != DriverSQLite {
		return ErrBackupUnsupported
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	if err := s.conn(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
