// Command plaza runs a Plaza instance and its operator commands:
//
//	plaza [--config FILE] serve
//	plaza [--config FILE] migrate [--status]
//	plaza [--config FILE] backup FILE
//	plaza [--config FILE] media prune --older-than DAYS [--dry-run]
//	plaza [--config FILE] export --user U --kind follows|blocks|mutes
//	plaza [--config FILE] import --user U --kind follows|blocks|mutes FILE
//	plaza [--config FILE] user create --username U --email E --password P [--admin]
//	plaza [--config FILE] user token --username U [--scopes "read write follow push"]
//	plaza [--config FILE] admin recount
//	plaza [--config FILE] admin account|domain|report ...
//	plaza version
//
// "plaza <command> --help" prints that command's usage without reading the
// configuration or touching the database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"plaza/server"
	"plaza/server/service/accounts"
)

const usage = `usage: plaza [--config FILE] <command>

commands:
  serve                                   run the server (applies migrations first)
  migrate                                 apply database migrations and exit
  migrate --status                        list each migration step, applied or pending
  backup FILE                             online copy of a SQLite database (PostgreSQL: pg_dump)
  media prune --older-than DAYS [--dry-run]
                                          delete orphaned uploads and stored remote media
  export --user U --kind follows|blocks|mutes
                                          print a user's list as Mastodon's CSV
  import --user U --kind follows|blocks|mutes FILE
                                          follow, block or mute what a Mastodon CSV lists
  user create --username U --email E --password P [--admin]
                                          create a local user
  user token --username U [--scopes "read write follow push"]
                                          print a bearer token for the client API
  admin recount                           rebuild account and status counters from the tables
  admin announcement add|list|remove      notices every local user's app shows
  admin emoji add|list|remove             custom emoji (:shortcode:) for posts, names and bios
  admin account list|suspend|unsuspend|role|password-reset|delete
                                          manage local users (as the operator; in the audit log)
  admin domain block|unblock|list|import|export|allow
                                          domain blocks (Mastodon's CSV), the federation allow list
  admin report list [--resolved]          list open (or resolved) reports
  version                                 print Plaza's version and the Go version it was built with

"plaza <command> --help" shows one command's usage.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "plaza: "+oneLine(err.Error()))
		os.Exit(exitCode(err))
	}
}

// errUsage marks a command-line mistake (exit code 2).
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// run parses the command line and runs one command. --config may stand
// before the command or among its flags.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	configPath, rest := extractConfigFlag(args)
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "-h" || rest[0] == "--help" {
		fmt.Fprint(stderr, usage)
		if len(rest) == 0 {
			return fmt.Errorf("%w: no command given", errUsage)
		}
		return nil
	}
	// Help and version need no configuration, database or ./data.
	if wantsHelp(rest) {
		fmt.Fprint(stdout, commandUsage(rest))
		return nil
	}
	if rest[0] == "version" || rest[0] == "--version" {
		fmt.Fprintln(stdout, versionLine())
		return nil
	}
	if err := checkEnvNames(os.Environ()); err != nil {
		return err
	}
	cfg, err := LoadConfig(configPath, os.LookupEnv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	switch rest[0] {
	case "serve":
		return cmdServe(ctx, cfg, log)
	case "migrate":
		if len(rest) == 2 && rest[1] == "--status" {
			return cmdMigrateStatus(ctx, cfg, stdout)
		}
		return cmdMigrate(ctx, cfg, stdout)
	case "backup":
		return cmdBackup(ctx, cfg, rest[1:], stdout)
	case "media":
		return cmdMedia(ctx, cfg, log, rest[1:], stdout)
	case "export":
		return cmdExport(ctx, cfg, log, rest[1:], stdout)
	case "import":
		return cmdImport(ctx, cfg, log, rest[1:], stdout)
	case "admin":
		return cmdAdmin(ctx, cfg, rest[1:], stdout)
	case "user":
		if len(rest) < 2 {
			return fmt.Errorf("%w: user needs a subcommand: create or token", errUsage)
		}
		switch rest[1] {
		case "create":
			return cmdUserCreate(ctx, cfg, log, rest[2:], stdout)
		case "token":
			return cmdUserToken(ctx, cfg, log, rest[2:], stdout)
		}
		return fmt.Errorf("%w: unknown user subcommand %q", errUsage, rest[1])
	}
	return fmt.Errorf("%w: unknown command %q (try plaza help)", errUsage, rest[0])
}

// extractConfigFlag removes --config FILE / --config=FILE from anywhere in
// args.
func extractConfigFlag(args []string) (string, []string) {
	var path string
	rest := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--config" || a == "-config":
			if i+1 < len(args) {
				path = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--config=") || strings.HasPrefix(a, "-config="):
			path = a[strings.Index(a, "=")+1:]
		default:
			rest = append(rest, a)
		}
	}
	return path, rest
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.Log.SlogLevel()}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.Log.Format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(server.WithRequestID(h))
}

func cmdServe(ctx context.Context, cfg Config, log *slog.Logger) error {
	// A port in use is reported before any migration runs. The listener
	// itself opens once the instance is ready: opened earlier, it would
	// take connections that hang until the migrations are done.
	if err := probeListen(cfg.Listen); err != nil {
		return err
	}
	if err := checkMediaDir(cfg.Storage.Path); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := newApp(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Listen, err)
	}
	debugLn, err := listenDebug(cfg.Debug)
	if err != nil {
		ln.Close()
		return err
	}
	if debugLn != nil {
		go serveDebug(ctx, debugLn, log)
	}
	logFirstUserHint(ctx, st, log)
	log.Info("plaza listening", slog.String("listen", ln.Addr().String()), slog.String("host", cfg.Host),
		slog.String("protocol", cfg.Protocol), slog.String("database", cfg.Database.Driver))
	if err := a.serve(ctx, ln); err != nil {
		return err
	}
	log.Info("plaza stopped")
	return nil
}

func cmdMigrate(ctx context.Context, cfg Config, stdout io.Writer) error {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database migrated to version %d\n", v)
	return nil
}

func cmdUserCreate(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	username := fs.String("username", "", "username")
	email := fs.String("email", "", "email address")
	password := fs.String("password", "", "password")
	admin := fs.Bool("admin", false, "make the user an administrator")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: user create: %v", errUsage, err)
	}
	if *username == "" || *email == "" || *password == "" {
		return fmt.Errorf("%w: user create needs --username, --email and --password", errUsage)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := newOfflineService(cfg, st, log)
	acct, err := svc.Accounts().CreateUser(ctx, accounts.CreateUserInput{Username: *username, Email: *email, Password: *password, Admin: *admin})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created @%s@%s (%s)\n", acct.Username, cfg.Host, acct.URI)
	return nil
}

func cmdUserToken(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("user token", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	username := fs.String("username", "", "username")
	scopes := fs.String("scopes", "read write follow push", "space-separated OAuth scopes")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: user token: %v", errUsage, err)
	}
	if *username == "" {
		return fmt.Errorf("%w: user token needs --username", errUsage)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	secret, err := newOfflineService(cfg, st, log).Accounts().CreateToken(ctx, *username, *scopes)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}
