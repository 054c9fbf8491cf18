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
	"migrate": `usage: plaza [--config FILE] migrate

Applies the database migrations and exits.
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
