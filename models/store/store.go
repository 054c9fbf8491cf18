// Package store is Plaza's persistence layer: per-entity queries named for
// what callers need, transactions and versioned migrations, on SQLite
// (embedded, pure Go) or PostgreSQL.
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Errors callers match with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
)

// Driver names accepted by Open.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Config says which database to open.
type Config struct {
	Driver string // sqlite or postgres
	// DSN is a file path for SQLite, a URL or key=value string for PostgreSQL.
	DSN          string
	MaxOpenConns int
}

// Store is the handle every query goes through. Inside WithTx it is bound to
// the transaction.
type Store struct {
	db     *gorm.DB
	driver string
	ids    *IDGenerator
	hub    *hub     // event subscribers, shared by transaction copies
	tx     *txState // inside WithTx: what waits for the outermost commit

	observers *queryObservers // see ObserveQueries
	fed       *fedPolicy      // see SetAllowListMode; shared by transaction copies
}

// txState is what one outermost transaction collects for after its commit.
type txState struct {
	afterCommit []func()
	// deliveriesQueued is set once the transaction has queued a delivery,
	// so the wake-up is sent once however many it queued.
	deliveriesQueued bool
}

// Open connects to the database; it does not migrate (see Migrate).
func Open(cfg Config) (*Store, error) {
	gcfg := &gorm.Config{
		Logger:         logger.Discard,
		TranslateError: true,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	}
	var dialector gorm.Dialector
	switch cfg.Driver {
	case DriverSQLite, "":
		dsn := cfg.DSN
		if dsn == "" {
			return nil, fmt.Errorf("open sqlite: empty path")
		}
		if !strings.HasPrefix(dsn, "file:") && dsn != ":memory:" {
			if err := os.MkdirAll(filepath.Dir(dsn), 0o750); err != nil {
				return nil, fmt.Errorf("open sqlite: create directory: %w", err)
			}
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		// WAL lets readers run beside the single writer; busy_timeout makes
		// concurrent writers wait instead of failing with SQLITE_BUSY.
		dsn += sep + "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		dialector = sqlite.Open(dsn)
	case DriverPostgres:
		if cfg.DSN == "" {
			return nil, fmt.Errorf("open postgres: empty dsn")
		}
		dialector = postgres.Open(cfg.DSN)
	default:
		return nil, fmt.Errorf("open database: unknown driver %q", cfg.Driver)
	}
	db, err := gorm.Open(dialector, gcfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.Driver, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.Driver, err)
	}
	driver := cfg.Driver
	if driver == "" {
		driver = DriverSQLite
	}
	if driver == DriverSQLite {
		// One writer at a time is all SQLite allows; a small pool avoids
		// lock contention between our own connections.
		sqlDB.SetMaxOpenConns(4)
	} else if cfg.MaxOpenConns > 0 {
		sqlDB.SetMaxOpenConns(cfg.MaxOpenConns)
	}
	if err := sqlDB.Ping(); err != nil {
		return nil, fmt.Errorf("connect %s: %w", driver, err)
	}
	obs := &queryObservers{fns: map[int]func(context.Context, string){}}
	if err := obs.register(db); err != nil {
		return nil, fmt.Errorf("open %s: %w", driver, err)
	}
	return &Store{db: db, driver: driver, ids: NewIDGenerator(), hub: newHub(driver, cfg.DSN), observers: obs, fed: &fedPolicy{}}, nil
}

// Close releases the connection pool.
func (s *Store) Close() error {
	s.hub.close()
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Driver returns "sqlite" or "postgres".
func (s *Store) Driver() string { return s.driver }

// NewID returns a fresh time-sortable id.
func (s *Store) NewID() int64 { return s.ids.Next() }

// WithTx runs fn in one database transaction; fn's Store is bound to it. An
// error or panic from fn rolls everything back. A nested WithTx joins the
// outer transaction, and its after-commit callbacks wait for the outer one.
func (s *Store) WithTx(ctx context.Context, fn func(tx *Store) error) error {
	state := &txState{}
	err := s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
		return fn(&Store{db: gtx, driver: s.driver, ids: s.ids, hub: s.hub, tx: state, observers: s.observers, fed: s.fed})
	})
	if err != nil {
		return err
	}
	if s.tx != nil {
		// A nested transaction (a savepoint) hands what it collected to the
		// outer one, which may still roll back.
		s.tx.afterCommit = append(s.tx.afterCommit, state.afterCommit...)
		s.tx.deliveriesQueued = s.tx.deliveriesQueued || state.deliveriesQueued
		return nil
	}
	for _, f := range state.afterCommit {
		f()
	}
	return nil
}

// AfterCommit runs f once the current transaction has committed, and never
// if it rolls back; outside a transaction it runs f at once. f must not
// block: it runs on the committing goroutine.
func (s *Store) AfterCommit(f func()) {
	if s.tx == nil {
		f()
		return
	}
	s.tx.afterCommit = append(s.tx.afterCommit, f)
}

func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// translate maps gorm errors onto the store's own.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case errors.Is(err, gorm.ErrDuplicatedKey), isUniqueViolation(err):
		return fmt.Errorf("%s: %w", what, ErrConflict)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

// isUniqueViolation catches drivers whose errors gorm does not translate.
func isUniqueViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// Analyze refreshes the query planner's statistics. PostgreSQL's autovacuum
// does this by itself; benchmarks call it after bulk loads so plans match a
// database in steady state.
func (s *Store) Analyze(ctx context.Context) error {
	return translate(s.conn(ctx).Exec("ANALYZE").Error, "analyze")
}
