package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// commandHelp is each command's usage, printed by "plaza <command> --help".
// A command missing here gets the general usage.
var commandHelp = map[string]string{
	"serve": `usage: plaza [--config FILE] serve

Checks that "listen" is free, applies database migrations, then serves HTTP
and runs the federation workers until SIGINT or SIGTERM.
`,
	"migrate": `usage: plaza [--config FILE] migrate [--status]

Applies the database migrations and exits. With --status it changes
nothing and lists every step with "applied" (and when) or "pending".
`,
	"media": `usage: plaza [--config FILE] media prune --older-than DAYS [--dry-run]
`,
	"media prune": `usage: plaza [--config FILE] media prune --older-than DAYS [--dry-run]

Deletes, when older than DAYS: uploads never attached to a post (row and
files), stored copies of remote accounts' media (clients then load it from
its server) and files in storage.path that no attachment names.
--dry-run lists them and deletes nothing.
`,
	"export": `usage: plaza [--config FILE] export --user U --kind follows|blocks|mutes

Prints U's follows, blocks or mutes in Mastodon's CSV format
(following_accounts.csv, blocked_accounts.csv, muted_accounts.csv).
`,
	"import": `usage: plaza [--config FILE] import --user U --kind follows|blocks|mutes FILE

Follows, blocks or mutes every account FILE lists (a Mastodon CSV export).
Remote accounts are looked up on their servers; a remote follow sends a
Follow, delivered by the running plaza serve. Exits 1 if any address failed
(after importing the rest).
`,
	"backup": `usage: plaza [--config FILE] backup FILE

Writes a consistent copy of the SQLite database to FILE (VACUUM INTO),
safe while plaza serve runs; FILE must not exist. To restore, stop plaza
and use FILE as the database. PostgreSQL: nothing is written; use pg_dump
(the command prints how) and see docs/DEPLOY.md.
`,
	"user": `usage: plaza [--config FILE] user create|token ...

  user create --username U --email E --password P [--admin]
  user token --username U [--scopes "read write follow push"]
`,
	"user create": `usage: plaza [--config FILE] user create --username U --email E --password P [--admin]

Creates a local user (sign-up from the browser is closed by default).

  --username U   the user's name, as in @U@host
  --email E      the user's e-mail address
  --password P   the user's password
  --admin        make the user an administrator
`,
	"user token": `usage: plaza [--config FILE] user token --username U [--scopes "read write follow push"]

Prints a bearer token for the client API (for scripts and bots).

  --username U   an existing local user
  --scopes S     space-separated OAuth scopes (default "read write follow push")
`,
	"admin": `usage: plaza [--config FILE] admin recount
       plaza [--config FILE] admin announcement add|list|remove
       plaza [--config FILE] admin text extended_description|privacy_policy|terms_of_service FILE|-
`,
	"admin announcement": `usage: plaza [--config FILE] admin announcement add [--starts T] [--ends T] TEXT
       plaza [--config FILE] admin announcement list
       plaza [--config FILE] admin announcement remove ID

Announcements are shown by every local user's app above the home timeline
(Mastodon's announcements) while they run; each user may dismiss them.
Times are RFC 3339 (2026-12-24T18:00:00Z).
`,
	"admin recount": `usage: plaza [--config FILE] admin recount

Rebuilds every account's and status's counters (statuses, followers,
following, favourites, boosts, replies) from the tables.
`,
	"version": `usage: plaza version

Prints Plaza's version and the Go version it was built with.
`,
}

// wantsHelp reports whether the command line asks for help (-h, --help or
// -help anywhere after the command).
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			return true
		}
	}
	return false
}

// commandUsage returns the usage of the command args names ("user create"
// before "user"), or the general usage.
func commandUsage(args []string) string {
	if len(args) >= 2 {
		if u, ok := commandHelp[args[0]+" "+args[1]]; ok {
			return u
		}
	}
	if u, ok := commandHelp[args[0]]; ok {
		return u
	}
	return usage
}

// versionLine is what "plaza version" prints, e.g.
// "plaza 0.1.0 (commit 1a2b3c4d5e6f) go1.26.8 linux/amd64".
func versionLine() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plaza %s", version)
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				fmt.Fprintf(&b, " (commit %s)", s.Value[:12])
			}
		}
	}
	fmt.Fprintf(&b, " %s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return b.String()
}
