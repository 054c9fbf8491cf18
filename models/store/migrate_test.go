package store_test

import (
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"plaza/models"
	"plaza/models/store"
	"plaza/models/store/storetest"
)

// modelsAfterBaseline are stored models whose tables came after step 13,
// so the main-13 fixture has no rows of them.
var modelsAfterBaseline = []any{
	&models.Report{}, &models.ModerationAction{}, &models.DomainAllow{}, // 14 (mod)
	&models.UserToken{}, &models.RecoveryCode{}, &models.Invite{}, // 16 (mail)
	&models.Listing{}, &models.Order{}, // 18 (shop)
	&models.RemoteListing{},                                                        // 19 (shop2)
	&models.SupporterTier{}, &models.Subscription{}, &models.SubscriptionInvoice{}, // 20 (support)
	&models.SupporterMirror{},          // 21
	&models.Poll{}, &models.PollVote{}, // 22 (parity)
	&models.StatusPin{},                                   // 23
	&models.RemoteMedia{},                                 // 26 (ui2)
	&models.ScheduledStatus{},                             // 29
	&models.WebPushSubscription{}, &models.WebPushClaim{}, // 30
	&models.Announcement{}, &models.AnnouncementRead{}, // 31
	&models.TagFollow{}, &models.FeaturedTag{}, // 33
	&models.Filter{}, &models.FilterKeyword{}, &models.FilterStatus{}, // 34
	&models.NotificationPolicy{}, &models.NotificationRequest{}, &models.HeldNotification{}, // 35
	&models.NotificationPermission{}, &models.ConversationMute{}, // 35
	&models.AccountDomainBlock{}, &models.AccountNote{}, &models.AccountEndorsement{}, &models.SuggestionDismissal{}, // 36
	&models.RemoteOrder{},                        // 37
	&models.CustomEmoji{},                        // 38
	&models.StatusQuotePolicy{}, &models.Quote{}, // 39
	&models.AnnouncementReaction{}, // 41
}

func init() { storedModels = append(storedModels, modelsAfterBaseline...) }

// storedModels is every gorm model the store reads and writes. A model
// missing here fails TestStoredModelsAreListed, so a new table cannot skip
// the frozen-schema check.
var storedModels = []any{
	&models.Account{}, &models.User{}, &models.Token{}, &models.InboxActivity{},
	&models.Status{}, &models.StatusEdit{}, &models.Mention{}, &models.Tag{}, &models.StatusTag{},
	&models.MediaAttachment{}, &models.Follow{}, &models.Favourite{}, &models.Block{},
	&models.Notification{}, &models.Conversation{}, &models.AccountConversation{},
	&models.Delivery{}, &models.InstanceHealth{},
	&models.OAuthApp{}, &models.OAuthCode{}, &models.Bookmark{}, &models.Mute{}, &models.Marker{},
	&models.IdempotencyKey{}, &models.WebSession{},
	&models.Payment{}, &models.PaymentEvent{}, &models.StripeAccount{}, &models.WebhookEvent{},
	&models.DomainBlock{}, &models.InstanceSetting{}, &models.PaymentRefund{},
	&models.ChatMember{}, &models.ConversationMessage{}, &models.MessageRequest{},
	&models.PaymentRequest{}, &models.PaymentSplit{}, &models.AccountStat{}, &models.List{}, &models.ListAccount{},
}

// TestFrozenSchemaMatchesModels: after migrating, every column and index a
// gorm model declares exists in the database, so a struct field added
// without a migration step fails here rather than in production.
func TestFrozenSchemaMatchesModels(t *testing.T) {
	s := storetest.Open(t)
	db := s.TestDB()
	for _, m := range storedModels {
		sch, err := schema.Parse(m, &sync.Map{}, db.NamingStrategy)
		if err != nil {
			t.Fatalf("parse %T: %v", m, err)
		}
		if !db.Migrator().HasTable(m) {
			t.Errorf("table %s (%T) is not made by any migration step", sch.Table, m)
			continue
		}
		for _, f := range sch.Fields {
			if f.DBName != "" && !db.Migrator().HasColumn(m, f.DBName) {
				t.Errorf("column %s.%s (%T.%s) is not made by any migration step", sch.Table, f.DBName, m, f.Name)
			}
		}
		for _, idx := range sch.ParseIndexes() {
			if !db.Migrator().HasIndex(m, idx.Name) {
				t.Errorf("index %s on %s (%T) is not made by any migration step", idx.Name, sch.Table, m)
			}
		}
	}
}

// TestStoredModelsAreListed: every struct in models/ with gorm tags is in
// storedModels.
func TestStoredModelsAreListed(t *testing.T) {
	listed := map[string]bool{}
	for _, m := range storedModels {
		listed[reflect.TypeOf(m).Elem().Name()] = true
	}
	files, err := filepath.Glob("../*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob models: %v %v", files, err)
	}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, fld := range st.Fields.List {
				if fld.Tag != nil && strings.Contains(fld.Tag.Value, `gorm:"`) && !listed[ts.Name.Name] {
					t.Errorf("models.%s has gorm tags but is not in storedModels (add it, and a migration step for its table)", ts.Name.Name)
					return false
				}
			}
			return true
		})
	}
}

// loadMain13 makes an empty database into the fixture that main made at
// schema version 13, before the migrations were frozen (two rows in every
// table), and opens it without migrating.
func loadMain13(t *testing.T) (*store.Store, store.Config) {
	t.Helper()
	cfg := storetest.EmptyConfig(t)
	if cfg.Driver == store.DriverSQLite {
		in, err := os.Open("testdata/main13.sqlite.db.gz")
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		zr, err := gzip.NewReader(in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(cfg.DSN)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, zr); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	} else {
		dump, err := os.ReadFile("testdata/main13.postgres.sql")
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("pgx", cfg.DSN)
		if err != nil {
			t.Fatal(err)
		}
		// Without arguments the statements go in one simple-protocol
		// message, as psql would send them.
		if _, err := db.Exec(string(dump)); err != nil {
			db.Close()
			t.Fatalf("load dump: %v", err)
		}
		db.Close()
	}
	s, err := store.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, cfg
}

// rowCounts counts the rows of every table but the search index's own
// shadow tables.
func rowCounts(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	tables, err := db.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, tbl := range tables {
		if strings.HasPrefix(tbl, "status_search_") {
			continue
		}
		var n int64
		if err := db.Raw(`SELECT COUNT(*) FROM "` + tbl + `"`).Scan(&n).Error; err != nil {
			t.Fatalf("count %s: %v", tbl, err)
		}
		out[tbl] = n
	}
	return out
}

// schemaOf describes a database's tables, columns, indexes and constraints
// as text, so two databases can be compared.
func schemaOf(t *testing.T, s *store.Store) string {
	t.Helper()
	db := s.TestDB()
	var qs []string
	if s.Driver() == store.DriverSQLite {
		qs = []string{`SELECT type || ' ' || name || ' ' || tbl_name || ' ' || COALESCE(sql, '') FROM sqlite_master ORDER BY name`}
	} else {
		qs = []string{
			`SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || COALESCE(character_maximum_length::text, '') || ' ' || is_nullable || ' ' || COALESCE(column_default, '') || ' ' || is_generated || ' ' || COALESCE(generation_expression, '')
			 FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, column_name`,
			`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`,
			`SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
			 WHERE c.relnamespace = current_schema()::regnamespace ORDER BY c.relname, k.conname`,
		}
	}
	var b strings.Builder
	for _, q := range qs {
		var lines []string
		if err := db.Raw(q).Scan(&lines).Error; err != nil {
			t.Fatalf("describe schema: %v", err)
		}
		b.WriteString(strings.Join(lines, "\n") + "\n")
	}
	return b.String()
}

// TestUpgradeFromMain13KeepsEveryRow: a database made by main at version
// 13 (gorm AutoMigrate days) migrates with today's steps, keeps every row,
// stays searchable and writable, and ends with the same schema as a
// database migrated from empty.
func TestUpgradeFromMain13KeepsEveryRow(t *testing.T) {
	ctx := context.Background()
	s, _ := loadMain13(t)
	before := rowCounts(t, s.TestDB())
	if want := len(storedModels) - len(modelsAfterBaseline); len(before) < want {
		t.Fatalf("fixture has %d tables, want at least %d", len(before), want)
	}
	for tbl, n := range before {
		if n != 2 && tbl != "schema_migrations" {
			t.Fatalf("fixture table %s has %d rows, want 2", tbl, n)
		}
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate fixture: %v", err)
	}
	after := rowCounts(t, s.TestDB())
	for tbl, n := range before {
		if tbl == "schema_migrations" {
			if after[tbl] < n {
				t.Errorf("schema_migrations lost rows: %d, had %d", after[tbl], n)
			}
			continue
		}
		if after[tbl] != n {
			t.Errorf("table %s has %d rows after the upgrade, had %d", tbl, after[tbl], n)
		}
	}

	// What was stored reads back through the store.
	a, err := s.AccountByID(ctx, 2)
	if err != nil || a.Username != "username 2" || a.Domain != "remote.example" {
		t.Fatalf("account 2 after upgrade = %+v, %v", a, err)
	}
	st, err := s.StatusByID(ctx, 1)
	if err != nil || st.Content != "content 1" || st.EditedAt == nil {
		t.Fatalf("status 1 after upgrade = %+v, %v", st, err)
	}
	// The search index made by step 11 still answers.
	if err := store.ExecForTest(ctx, s, "UPDATE statuses SET visibility = 'public'"); err != nil {
		t.Fatal(err)
	}
	ids, err := s.SearchStatuses(ctx, store.StatusSearch{Words: []string{"fixture"}})
	if err != nil || fmt.Sprint(ids) != "[2 1]" {
		t.Fatalf("search after upgrade = %v, %v; want [2 1]", ids, err)
	}
	// And new rows go in.
	acct := localAccount("newcomer")
	acct.ID = s.NewID()
	acct.CreatedAt, acct.UpdatedAt = time.Now(), time.Now()
	if err := s.CreateAccount(ctx, acct); err != nil {
		t.Fatalf("create account after upgrade: %v", err)
	}

	fresh := storetest.Open(t)
	if got, want := schemaOf(t, s), schemaOf(t, fresh); got != want {
		t.Errorf("upgraded schema differs from a fresh one:\n%s", lineDiff(got, want))
	}
}

// TestMigrationStatusOfMain13 shows the fixture's applied steps: the ones
// before the baseline as legacy, the baseline as applied.
func TestMigrationStatusOfMain13(t *testing.T) {
	ctx := context.Background()
	s, _ := loadMain13(t)
	steps, err := s.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var applied, legacy int
	for _, st := range steps {
		if st.AppliedAt != nil {
			applied++
		}
		if st.Legacy {
			legacy++
		}
		if st.Version == 13 && st.AppliedAt == nil {
			t.Fatalf("step 13 pending on a database main made: %+v", steps)
		}
	}
	if legacy != 11 || applied < 12 {
		t.Fatalf("status = %+v; want 11 legacy steps and the baseline applied", steps)
	}

	empty, err := store.Open(storetest.EmptyConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	steps, err = empty.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		if st.AppliedAt != nil || st.Legacy {
			t.Fatalf("empty database status = %+v; want every step pending", steps)
		}
	}
	if v, _ := empty.SchemaVersion(ctx); v != 0 {
		t.Fatalf("empty database at version %d", v)
	}
}

// TestConcurrentMigrateOnEmptyDatabase: processes starting at once on one
// empty database (two plaza serve) both succeed, and each step runs once.
func TestConcurrentMigrateOnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	cfg := storetest.EmptyConfig(t)
	const n = 3
	stores := make([]*store.Store, n)
	for i := range stores {
		s, err := store.Open(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = s.Migrate(ctx)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("migrate %d: %v", i, err)
		}
	}
	steps, err := stores[0].MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		if st.AppliedAt == nil {
			t.Fatalf("step %d pending after concurrent migrations", st.Version)
		}
	}
}

// TestFailedStepLeavesNothing: a step runs in a transaction, so one that
// fails half-way leaves neither its table nor its bookkeeping row.
func TestFailedStepLeavesNothing(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	boom := errors.New("boom")
	err := s.MigrateWith(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("CREATE TABLE half_done (a INTEGER)").Error; err != nil {
			return err
		}
		if err := tx.Exec("INSERT INTO half_done (a) VALUES (1)").Error; err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("migrate = %v, want the step's error", err)
	}
	if s.TestDB().Migrator().HasTable("half_done") {
		t.Fatal("a failed step left its table behind")
	}
	if v, _ := s.SchemaVersion(ctx); v == 9999 {
		t.Fatal("a failed step was recorded as applied")
	}
}

// TestPartialPreBaselineDatabaseRefused: a database that stopped inside the
// unfrozen steps 1–13 is refused with a clear error, not half-migrated.
func TestPartialPreBaselineDatabaseRefused(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(storetest.EmptyConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{
		"CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT, applied_at TIMESTAMP)",
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (5, 'payments', CURRENT_TIMESTAMP)",
	} {
		if err := store.ExecForTest(ctx, s, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Migrate(ctx); !errors.Is(err, store.ErrPreBaseline) {
		t.Fatalf("migrate = %v, want ErrPreBaseline", err)
	}
	if s.TestDB().Migrator().HasTable("accounts") {
		t.Fatal("the baseline ran over a partial database")
	}
}

// lineDiff lists the lines only one side has.
func lineDiff(got, want string) string {
	count := map[string]int{}
	for _, l := range strings.Split(want, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(got, "\n") {
		count[l]--
	}
	var out []string
	for l, n := range count {
		if n > 0 {
			out = append(out, "- "+l)
		} else if n < 0 {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}
