package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"plaza/models"
	"plaza/models/store"
)

// Start-up checks: each refuses to start with one line naming the absolute
// path or both hosts, instead of an error deep inside SQLite or a 500 on the
// first upload.

// probeListen fails as serve's listener would if addr is taken, without
// keeping it open.
func probeListen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	return ln.Close()
}

// checkSQLitePath makes sure the SQLite database at dsn can be created or
// written: its directory exists (or can be made) and takes new files (the
// WAL and shared-memory files sit beside the database), and an existing
// database file opens for writing.
func checkSQLitePath(dsn string) error {
	if dsn == ":memory:" || strings.HasPrefix(dsn, "file:") {
		return nil
	}
	if i := strings.IndexByte(dsn, '?'); i >= 0 {
		dsn = dsn[:i]
	}
	path, err := filepath.Abs(dsn)
	if err != nil {
		return fmt.Errorf("database %s: %w", dsn, err)
	}
	dir := filepath.Dir(path)
	if err := writableDir(dir); err != nil {
		return fmt.Errorf("database directory %s: %w (database.dsn is %s)", dir, err, path)
	}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("database %s: %w", path, plainErr(err))
	case info.IsDir():
		return fmt.Errorf("database %s: is a directory, not a database file", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("database %s: cannot be opened for writing: %w", path, plainErr(err))
	}
	return f.Close()
}

// checkMediaDir makes sure uploads can be stored under dir.
func checkMediaDir(dir string) error {
	path, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("media folder %s: %w", dir, err)
	}
	if err := writableDir(path); err != nil {
		return fmt.Errorf("media folder %s (storage.path): %w", path, err)
	}
	return nil
}

// writableDir creates dir if needed and proves a file can be written in it.
func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("cannot be created: %w", plainErr(err))
	}
	f, err := os.CreateTemp(dir, ".plaza-write-check-*")
	if err != nil {
		return fmt.Errorf("is not writable: %w", plainErr(err))
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}

// plainErr drops the operation and path of a *PathError (the caller names
// the absolute path), leaving "permission denied" or "not a directory".
func plainErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkInstanceHost refuses a database whose local ids were built with
// another host: accounts made under the wrong host would keep wrong ids
// for good. The first command to open a database records its host.
func checkInstanceHost(ctx context.Context, st *store.Store, host string) error {
	recorded, err := st.ClaimHost(ctx, host, time.Now().UTC())
	if err != nil {
		return err
	}
	if !strings.EqualFold(recorded, host) {
		return fmt.Errorf("this database belongs to host %s but the configuration says host %s: "+
			"set host (PLAZA_HOST) back to %s, or use a new database for %s (ids built from a host never change)",
			recorded, host, recorded, host)
	}
	return nil
}

// logFirstUserHint tells the operator of an instance without users how to
// make the first one: sign-up is closed by default.
func logFirstUserHint(ctx context.Context, st *store.Store, log *slog.Logger) {
	n, err := st.CountLocalAccounts(ctx, models.ActorPerson)
	if err != nil || n > 0 {
		return
	}
	log.Info("no user yet: create the first one with: plaza user create --username NAME --email EMAIL --password PASSWORD --admin")
}
