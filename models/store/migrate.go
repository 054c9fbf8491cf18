package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// migration is one versioned schema step. Steps run in order, each in its own
// transaction, and are recorded in schema_migrations. Every step is frozen:
// fixed SQL per database (sqlStep) or fixed Go, never gorm's AutoMigrate of
// today's structs, so a step does on an old database exactly what it did
// when it shipped. Never edit a step that has shipped; add a new one.
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB) error
}

// baselineVersion is the step that creates, in one go, the schema that steps
// 1–13 made before migrations were frozen (those steps ran AutoMigrate and
// were dropped). A database made by that code is recorded at 13 and goes on
// from there; an empty database runs the baseline.
const baselineVersion = 13

var migrations = []migration{
	{baselineVersion, "baseline: accounts, statuses, client API, web sessions, payments, chats, requests, counters, search, lists", sqlStep("0013_baseline")},
	{14, "reports, moderation audit log, account limits, domain block severities", migrateModeration},
	{16, "email confirmation, approval, password reset, email change, TOTP, invites", sqlStep("0016_email_signin")},
	{18, "shop: listings and orders", sqlStep("0018_shop")},
	{19, "remote listings read from their posts' Proposals", sqlStep("0019_remote_listings")},
	{20, "supporter tiers, subscriptions and their invoices", sqlStep("0020_supporters")},
	{21, "remote supporter subscriptions mirrored on the supporter's instance", sqlStep("0021_supporter_mirrors")},
	{22, "polls and their votes", sqlStep("0022_polls")},
	{23, "pinned statuses", sqlStep("0023_status_pins")},
	{26, "remote media cache", sqlStep("0026_remote_media")},
	{27, "public receipt links of payments", sqlStep("0027_receipt_links")},
	{28, "notifications name the payment or request they are about", sqlStep("0028_notification_subjects")},
	{29, "scheduled statuses", sqlStep("0029_scheduled_statuses")},
	{30, "web push subscriptions", sqlStep("0030_web_push")},
	{31, "announcements", sqlStep("0031_announcements")},
	{32, "video and audio uploads processed by ffmpeg", sqlStep("0032_media_processing")},
	{33, "followed hashtags, featured hashtags and the actors' featuredTags collections", sqlStep("0033_tags")},
	{34, "content filters with their keywords and statuses", sqlStep("0034_filters")},
	{35, "notification policies, requests, held notifications, thread mutes", sqlStep("0035_notification_policies")},
	{36, "per-user domain blocks, account notes, endorsements, dismissed suggestions", sqlStep("0036_relations")},
	{37, "orders placed on other Plaza instances, mirrored from their Receipts", sqlStep("0037_remote_orders")},
	{38, "custom emoji", sqlStep("0038_custom_emoji")},
	{39, "quote posts: quote policies and quotes", sqlStep("0039_quotes")},
	{40, "posting preferences: default visibility, sensitivity and language", sqlStep("0040_posting_preferences")},
	{41, "reactions to announcements", sqlStep("0041_announcement_reactions")},
}

// legacySteps names the steps folded into the baseline, for --status on a
// database that applied them one by one.
var legacySteps = map[int]string{
	1: "accounts, users, tokens, inbox activities", 2: "statuses, follows, interactions, notifications, conversations, delivery queue",
	3: "client API: apps, codes, bookmarks, mutes, markers, idempotency keys, profile fields, media files", 4: "web sessions",
	5: "payments", 6: "domain blocks and instance settings", 7: "payment refunds reserved before the provider is called",
	8: "chats: members, names, messages, read markers, message requests", 9: "payment requests and splits; payments tied to requests and chat messages",
	10: "account counters in rows, boost lookup by (status, account)", 11: "full-text search of statuses",
}

// schemaMigration is the bookkeeping row of one applied step.
type schemaMigration struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	Name      string
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// createBookkeeping is the schema_migrations table, as the first releases
// made it (so their databases and new ones hold the same table).
var createBookkeeping = map[string]string{
	DriverSQLite:   "CREATE TABLE `schema_migrations` (`version` integer,`name` text,`applied_at` datetime,PRIMARY KEY (`version`))",
	DriverPostgres: "CREATE TABLE schema_migrations (version bigint NOT NULL, name text, applied_at timestamp with time zone, CONSTRAINT schema_migrations_pkey PRIMARY KEY (version))",
}

// ErrPreBaseline is returned for a database that stopped part-way through
// the unfrozen steps 1–13: no frozen step can bring it forward.
var ErrPreBaseline = errors.New("database predates the frozen schema")

// Migrate applies every step not yet applied. Several processes may call it
// at once: on PostgreSQL an advisory lock held by each step's transaction
// serialises them, on SQLite the write lock taken when the transaction
// begins does.
func (s *Store) Migrate(ctx context.Context) error {
	return s.migrate(ctx, migrations)
}

func (s *Store) migrate(ctx context.Context, steps []migration) error {
	// Fast path: a database that has every step needs no lock, so processes
	// starting on an up-to-date database never wait for one another.
	if done, err := s.appliedVersions(ctx); err != nil {
		return err
	} else if pending(steps, done) == 0 {
		return nil
	}
	for _, m := range steps {
		err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
			if s.driver == DriverPostgres {
				// One lock per schema: processes migrating one database wait
				// for each other, test schemas side by side do not.
				if err := tx.Exec("SELECT pg_advisory_xact_lock(74327001, hashtext(current_schema()))").Error; err != nil {
					return fmt.Errorf("lock: %w", err)
				}
			}
			// Under the lock: the bookkeeping table and what it holds are
			// read again, as another process may have migrated meanwhile.
			exists, err := hasBookkeeping(tx, s.driver)
			if err != nil {
				return err
			}
			if !exists {
				if err := tx.Exec(createBookkeeping[s.driver]).Error; err != nil {
					return fmt.Errorf("create schema_migrations: %w", err)
				}
			}
			var applied []int
			if err := tx.Model(&schemaMigration{}).Pluck("version", &applied).Error; err != nil {
				return fmt.Errorf("read schema_migrations: %w", err)
			}
			done := versionSet(applied)
			if done[m.version] {
				return nil
			}
			if m.version == baselineVersion && len(applied) > 0 {
				return fmt.Errorf("%w: it has steps %v of 1–13 but not all of them; migrate it with the release that made it first, then start this one", ErrPreBaseline, applied)
			}
			if err := m.up(tx); err != nil {
				return err
			}
			return tx.Create(&schemaMigration{Version: m.version, Name: m.name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("migrate: step %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

func pending(steps []migration, done map[int]bool) int {
	n := 0
	for _, m := range steps {
		if !done[m.version] {
			n++
		}
	}
	return n
}

func versionSet(vs []int) map[int]bool {
	done := make(map[int]bool, len(vs))
	for _, v := range vs {
		done[v] = true
	}
	return done
}

func hasBookkeeping(db *gorm.DB, driver string) (bool, error) {
	var n int64
	q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
	if driver == DriverPostgres {
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
	}
	if err := db.Raw(q).Scan(&n).Error; err != nil {
		return false, fmt.Errorf("find schema_migrations: %w", err)
	}
	return n > 0, nil
}

// appliedVersions reads the bookkeeping table without creating it (an
// empty database has applied nothing).
func (s *Store) appliedVersions(ctx context.Context) (map[int]bool, error) {
	rows, err := s.appliedRows(ctx)
	if err != nil {
		return nil, err
	}
	done := make(map[int]bool, len(rows))
	for _, r := range rows {
		done[r.Version] = true
	}
	return done, nil
}

func (s *Store) appliedRows(ctx context.Context) ([]schemaMigration, error) {
	db := s.conn(ctx)
	exists, err := hasBookkeeping(db, s.driver)
	if err != nil || !exists {
		return nil, err
	}
	var rows []schemaMigration
	if err := db.Order("version").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return rows, nil
}

// MigrationStep is one line of MigrationStatus.
type MigrationStep struct {
	Version int
	Name    string
	// AppliedAt is nil while the step is pending.
	AppliedAt *time.Time
	// Legacy marks a step of the unfrozen releases, now part of the
	// baseline.
	Legacy bool
}

// MigrationStatus lists every step this binary knows, and any older step the
// database recorded, with when each was applied. It changes nothing.
func (s *Store) MigrationStatus(ctx context.Context) ([]MigrationStep, error) {
	rows, err := s.appliedRows(ctx)
	if err != nil {
		return nil, err
	}
	at := make(map[int]time.Time, len(rows))
	for _, r := range rows {
		at[r.Version] = r.AppliedAt
	}
	var out []MigrationStep
	for v := 1; v < baselineVersion; v++ {
		if t, ok := at[v]; ok {
			t := t
			out = append(out, MigrationStep{Version: v, Name: legacySteps[v], AppliedAt: &t, Legacy: true})
		}
	}
	for _, m := range migrations {
		step := MigrationStep{Version: m.version, Name: m.name}
		if t, ok := at[m.version]; ok {
			t := t
			step.AppliedAt = &t
		}
		out = append(out, step)
	}
	return out, nil
}

// SchemaVersion returns the highest applied migration, 0 on an empty database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	rows, err := s.appliedRows(ctx)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	v := 0
	for _, r := range rows {
		v = max(v, r.Version)
	}
	return v, nil
}

// migrateModeration is step 14: the tables are frozen SQL; the new columns
// of accounts and domain_blocks are fixed statements, skipped where a
// column exists (databases made by the branch that wrote this step before
// the baseline was frozen have them).
func migrateModeration(tx *gorm.DB) error {
	if err := sqlStep("0014_reports_moderation")(tx); err != nil {
		return err
	}
	ts := "TIMESTAMPTZ"
	if tx.Dialector.Name() == "sqlite" {
		ts = "DATETIME"
	}
	columns := []struct{ table, column, def string }{
		{"accounts", "silenced_at", ts},
		{"accounts", "sensitized_at", ts},
		{"domain_blocks", "severity", "TEXT NOT NULL DEFAULT 'suspend'"},
		{"domain_blocks", "reject_media", "BOOLEAN NOT NULL DEFAULT false"},
		{"domain_blocks", "reject_reports", "BOOLEAN NOT NULL DEFAULT false"},
		{"domain_blocks", "public_comment", "TEXT NOT NULL DEFAULT ''"},
		{"domain_blocks", "obfuscate", "BOOLEAN NOT NULL DEFAULT false"},
	}
	for _, c := range columns {
		if tx.Migrator().HasColumn(c.table, c.column) {
			continue
		}
		if err := tx.Exec("ALTER TABLE " + c.table + " ADD COLUMN " + c.column + " " + c.def).Error; err != nil {
			return fmt.Errorf("add %s.%s: %w", c.table, c.column, err)
		}
	}
	return nil
}
