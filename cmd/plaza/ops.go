package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"plaza/models/store"
	"plaza/server/service/portability"
	"plaza/server/service/remotemedia"
)

// openStoreAsIs opens the configured database without migrating it, for
// commands that must show or copy a database as it stands (migrate
// --status, backup before an upgrade).
func openStoreAsIs(cfg Config) (*store.Store, error) {
	if cfg.Database.Driver == store.DriverSQLite {
		if err := checkSQLitePath(cfg.Database.DSN); err != nil {
			return nil, err
		}
	}
	return store.Open(store.Config{Driver: cfg.Database.Driver, DSN: cfg.Database.DSN, MaxOpenConns: cfg.Database.MaxOpenConns})
}

// cmdMigrateStatus prints every migration step, applied or pending, and
// changes nothing.
func cmdMigrateStatus(ctx context.Context, cfg Config, stdout io.Writer) error {
	st, err := openStoreAsIs(cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	steps, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	pending := 0
	for _, s := range steps {
		state := "pending"
		switch {
		case s.AppliedAt != nil && s.Legacy:
			state = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05") + " (now part of step 13)"
		case s.AppliedAt != nil:
			state = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05")
		default:
			pending++
		}
		fmt.Fprintf(stdout, "%4d  %-40s  %s\n", s.Version, state, s.Name)
	}
	if pending == 0 {
		fmt.Fprintln(stdout, "database is up to date")
	} else {
		fmt.Fprintf(stdout, "%d step(s) pending: run plaza migrate (plaza serve applies them too)\n", pending)
	}
	return nil
}

// cmdBackup writes an online, consistent copy of a SQLite database to
// FILE. On PostgreSQL it writes nothing, says how to use pg_dump, and
// fails, so a script never mistakes that for a backup made.
func cmdBackup(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return fmt.Errorf("%w: backup needs exactly one FILE", errUsage)
	}
	path, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		return err
	}
	if cfg.Database.Driver == store.DriverPostgres {
		return fmt.Errorf("backup: PostgreSQL is backed up with its own tools, nothing was written. Run: "+
			"pg_dump --format=custom --file=%s \"$PLAZA_DATABASE_DSN\"; restore into an empty database with "+
			"pg_restore --no-owner --dbname=\"$PLAZA_DATABASE_DSN\" %s (see docs/DEPLOY.md): %w", path, path, store.ErrBackupUnsupported)
	}
	st, err := openStoreAsIs(cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.BackupTo(ctx, path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s (restore: stop plaza, put it in place of %s, start plaza)\n", path, cfg.Database.DSN)
	return nil
}

// cmdMedia runs "media prune".
func cmdMedia(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "prune" {
		return fmt.Errorf("%w: media needs a subcommand: prune", errUsage)
	}
	fs := flag.NewFlagSet("media prune", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	days := fs.Int("older-than", 0, "days")
	dryRun := fs.Bool("dry-run", false, "list only")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w: media prune: %v", errUsage, err)
	}
	if *days <= 0 {
		return fmt.Errorf("%w: media prune needs --older-than N (days, at least 1)", errUsage)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	age := time.Duration(*days) * 24 * time.Hour
	svc := newOfflineService(cfg, st, log)
	rep, err := svc.Media().Prune(ctx, cfg.Storage.Path, time.Now().Add(-age), *dryRun)
	if err != nil {
		return err
	}
	// The remote media cache (avatars, headers and attachments of other
	// servers, fetched again when next asked for).
	cache := svc.RemoteMedia()
	cache.Enable(remotemedia.Config{Dir: cfg.Storage.Path}, nil)
	cached := 0
	if *dryRun {
		list, err := cache.Unused(ctx, age, 1_000_000)
		if err != nil {
			return err
		}
		cached = len(list)
	} else if cached, err = cache.Prune(ctx, age); err != nil {
		return err
	}
	verb := "deleted"
	if *dryRun {
		verb = "would delete (dry run, nothing deleted)"
	}
	for _, id := range rep.OrphanUploads {
		fmt.Fprintf(stdout, "orphaned upload %d\n", id)
	}
	for _, id := range rep.RemoteCached {
		fmt.Fprintf(stdout, "remote media copy %d\n", id)
	}
	for _, f := range rep.StrayFiles {
		fmt.Fprintf(stdout, "stray file %s\n", f)
	}
	fmt.Fprintf(stdout, "%s: %d orphaned uploads, %d remote media copies, %d files, %d bytes; %d cached remote files\n",
		verb, len(rep.OrphanUploads), len(rep.RemoteCached), len(rep.Files), rep.Bytes, cached)
	return nil
}

// cmdExport writes a user's follows, blocks or mutes as Mastodon's CSV.
func cmdExport(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	user := fs.String("user", "", "local username")
	kind := fs.String("kind", "", "follows, blocks or mutes")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: export: %v", errUsage, err)
	}
	k, err := portability.ParseKind(*kind)
	if err != nil || *user == "" {
		return fmt.Errorf("%w: export needs --user NAME and --kind follows|blocks|mutes", errUsage)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	acct, err := st.LocalAccountByUsername(ctx, *user)
	if err != nil {
		return fmt.Errorf("export: no local user %q: %w", *user, err)
	}
	return newOfflineService(cfg, st, log).Portability().Export(ctx, acct, k, stdout)
}

// cmdImport follows, blocks or mutes what a Mastodon CSV export lists. It
// wires the federating instance, so remote accounts are looked up and a
// remote follow's Follow is queued (the running server delivers it).
func cmdImport(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	user := fs.String("user", "", "local username")
	kind := fs.String("kind", "", "follows, blocks or mutes")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: import: %v", errUsage, err)
	}
	k, err := portability.ParseKind(*kind)
	if err != nil || *user == "" || fs.NArg() != 1 {
		return fmt.Errorf("%w: import needs --user NAME --kind follows|blocks|mutes FILE", errUsage)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	acct, err := st.LocalAccountByUsername(ctx, *user)
	if err != nil {
		return fmt.Errorf("import: no local user %q: %w", *user, err)
	}
	a, err := newApp(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	res, err := a.svc.Portability().Import(ctx, acct, k, f)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	for _, fail := range res.Failed {
		fmt.Fprintf(stdout, "failed %s: %s\n", fail.Address, fail.Reason)
	}
	fmt.Fprintf(stdout, "imported %d %s for @%s, %d failed\n", res.Done, k, acct.Username, len(res.Failed))
	if len(res.Failed) > 0 {
		return fmt.Errorf("import: %d of %d addresses failed", len(res.Failed), len(res.Failed)+res.Done)
	}
	return nil
}
