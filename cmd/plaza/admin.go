package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"plaza/federation"
	"plaza/models"
	"plaza/server/service"
	"plaza/server/service/core"
	"plaza/server/service/moderation"
	"plaza/server/service/reports"
)

const adminUsage = `admin needs a subcommand:
  admin recount
  admin account list|suspend USER|unsuspend USER|role USER admin|user|password-reset USER|delete USER
  admin domain block DOMAIN [--severity suspend|silence|noop] [--reject-media] [--reject-reports]
                            [--public-comment TEXT] [--private-comment TEXT] [--obfuscate]
  admin domain unblock DOMAIN | list | import FILE.csv | export [FILE.csv] | allow DOMAIN
  admin report list [--resolved]
  admin text extended_description|privacy_policy|terms_of_service FILE|-
  admin announcement add [--starts T] [--ends T] TEXT | list | remove ID
  admin emoji add [--category C] SHORTCODE FILE | list | remove SHORTCODE`

// cmdAdmin runs an operator command. Moderation commands act as the
// operator (moderation.OperatorContext) and are in the audit log as the
// command line's; what they federate (a suspended user's Delete) is queued
// for the running server to deliver.
func cmdAdmin(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, adminUsage)
	}
	if args[0] == "announcement" {
		return cmdAnnouncement(ctx, cfg, args[1:], stdout)
	}
	if args[0] == "emoji" {
		return cmdEmoji(ctx, cfg, args[1:], stdout)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "recount" && len(args) == 1 {
		if err := st.RecountStats(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "recounted account and status counters")
		return nil
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(serviceConfig(cfg), service.Deps{Store: st, Publisher: federation.NewPublisher(federation.NewEncoder(st), log), Log: log})
	ctx = moderation.OperatorContext(ctx)
	switch {
	case args[0] == "account" && len(args) >= 2:
		return adminAccount(ctx, svc, args[1:], stdout)
	case args[0] == "domain" && len(args) >= 2:
		return adminDomain(ctx, svc, args[1:], stdout)
	case args[0] == "report" && len(args) >= 2 && args[1] == "list":
		return adminReports(ctx, svc, args[2:], stdout)
	case args[0] == "text" && len(args) == 3:
		return adminText(ctx, svc, args[1], args[2], stdout)
	}
	return fmt.Errorf("%w: %s", errUsage, adminUsage)
}

func adminAccount(ctx context.Context, svc *service.Service, args []string, stdout io.Writer) error {
	rep, mod := svc.Reports(), svc.Moderation()
	if args[0] == "list" {
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "USERNAME\tEMAIL\tROLE\tSTATE")
		var page core.Page
		for {
			users, err := mod.AdminUsers(ctx, nil, core.Page{MaxID: page.MaxID, Limit: 40})
			if err != nil {
				return err
			}
			for _, u := range users {
				role, state := "user", "active"
				if u.Admin {
					role = "admin"
				}
				switch {
				case u.Account.SuspendedAt != nil:
					state = "suspended"
				case u.Account.SilencedAt != nil:
					state = "limited"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", u.Account.Username, u.Email, role, state)
			}
			if len(users) < 40 {
				break
			}
			page.MaxID = users[len(users)-1].Account.ID
		}
		return w.Flush()
	}
	if len(args) < 2 {
		return fmt.Errorf("%w: admin account %s needs a username", errUsage, args[0])
	}
	user := strings.TrimPrefix(args[1], "@")
	id, err := rep.LocalUserID(ctx, user)
	if err != nil {
		return err
	}
	switch args[0] {
	case "suspend":
		if err := rep.TakeAction(ctx, nil, id, reports.Action{Type: "suspend"}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "suspended @%s\n", user)
	case "unsuspend":
		if err := rep.Undo(ctx, nil, id, "unsuspend"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "unsuspended @%s\n", user)
	case "role":
		if len(args) != 3 || (args[2] != "admin" && args[2] != "user") {
			return fmt.Errorf("%w: admin account role USER admin|user", errUsage)
		}
		if err := rep.SetRole(ctx, nil, user, args[2] == "admin"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "@%s is now %s\n", user, args[2])
	case "password-reset":
		pw, err := rep.ResetPassword(ctx, nil, user)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "new password for @%s: %s\n(their sessions and tokens were ended)\n", user, pw)
	case "delete":
		if err := rep.DeleteUser(ctx, nil, user); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "deleted @%s\n", user)
	default:
		return fmt.Errorf("%w: unknown admin account subcommand %q", errUsage, args[0])
	}
	return nil
}

func adminDomain(ctx context.Context, svc *service.Service, args []string, stdout io.Writer) error {
	mod := svc.Moderation()
	switch args[0] {
	case "list":
		list, err := mod.DomainBlocks(ctx, nil)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "DOMAIN\tSEVERITY\tREJECT MEDIA\tREJECT REPORTS\tPUBLIC COMMENT\tPRIVATE COMMENT")
		for _, b := range list {
			fmt.Fprintf(w, "%s\t%s\t%t\t%t\t%s\t%s\n", b.Domain, b.Severity, b.RejectMedia, b.RejectReports, b.PublicComment, b.Reason)
		}
		return w.Flush()
	case "export":
		out := stdout
		if len(args) == 2 {
			f, err := os.Create(args[1])
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			defer f.Close()
			out = f
		}
		return mod.ExportDomainBlocks(ctx, nil, out)
	case "import":
		if len(args) != 2 {
			return fmt.Errorf("%w: admin domain import FILE.csv", errUsage)
		}
		f, err := os.Open(args[1])
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer f.Close()
		n, err := mod.ImportDomainBlocks(ctx, nil, io.LimitReader(f, 16<<20))
		if err != nil {
			return fmt.Errorf("import: %w (%d saved before)", err, n)
		}
		fmt.Fprintf(stdout, "imported %d domain blocks\n", n)
		return nil
	}
	if len(args) < 2 {
		return fmt.Errorf("%w: admin domain %s needs a domain", errUsage, args[0])
	}
	switch args[0] {
	case "block":
		fs := flag.NewFlagSet("admin domain block", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		in := moderation.DomainBlockInput{Domain: args[1]}
		fs.StringVar(&in.Severity, "severity", models.SeveritySuspend, "suspend, silence or noop")
		fs.BoolVar(&in.RejectMedia, "reject-media", false, "store no media from it")
		fs.BoolVar(&in.RejectReports, "reject-reports", false, "ignore its reports")
		fs.StringVar(&in.PublicComment, "public-comment", "", "reason shown publicly")
		fs.StringVar(&in.PrivateComment, "private-comment", "", "reason admins see")
		fs.BoolVar(&in.Obfuscate, "obfuscate", false, "obfuscate the domain in the public list")
		if err := fs.Parse(args[2:]); err != nil {
			return fmt.Errorf("%w: admin domain block: %v", errUsage, err)
		}
		b, err := mod.SaveDomainBlock(ctx, nil, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "blocked %s (%s)\n", b.Domain, b.Severity)
	case "unblock":
		d, err := moderation.NormalizeDomain(args[1])
		if err != nil {
			return err
		}
		list, err := mod.DomainBlocks(ctx, nil)
		if err != nil {
			return err
		}
		for _, b := range list {
			if b.Domain == d {
				if err := mod.UnblockDomain(ctx, nil, b.ID); err != nil {
					return err
				}
				fmt.Fprintf(stdout, "unblocked %s\n", d)
				return nil
			}
		}
		return fmt.Errorf("%w: %s is not blocked", core.ErrNotFound, d)
	case "allow":
		if err := mod.AllowDomain(ctx, nil, args[1]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "allowed %s\n", args[1])
	default:
		return fmt.Errorf("%w: unknown admin domain subcommand %q", errUsage, args[0])
	}
	return nil
}

func adminReports(ctx context.Context, svc *service.Service, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("admin report list", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	resolved := fs.Bool("resolved", false, "list resolved reports instead of open ones")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: admin report list: %v", errUsage, err)
	}
	list, err := svc.Reports().List(ctx, nil, reports.Filter{Resolved: resolved}, core.Page{Limit: 200})
	if err != nil {
		return err
	}
	st := svc.Core().Store()
	name := func(id int64) string {
		a, err := st.AccountByID(ctx, id)
		if err == nil {
			if a.IsLocal() {
				return "@" + a.Username
			}
			return "@" + a.Username + "@" + a.Domain
		}
		return core.IDString(id)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tCREATED\tREPORTER\tTARGET\tCATEGORY\tFORWARDED\tCOMMENT")
	for _, r := range list {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%t\t%s\n", core.IDString(r.ID), r.CreatedAt.UTC().Format("2006-01-02 15:04"),
			name(r.AccountID), name(r.TargetAccountID), r.Category, r.Forwarded, strings.ReplaceAll(r.Comment, "\n", " "))
	}
	return w.Flush()
}

// adminText saves one of the instance's longer texts from a file ("-":
// standard input); an empty file goes back to the configuration's text.
func adminText(ctx context.Context, svc *service.Service, kind, file string, stdout io.Writer) error {
	var raw []byte
	var err error
	if file == "-" {
		raw, err = io.ReadAll(io.LimitReader(os.Stdin, 1<<20))
	} else {
		raw, err = os.ReadFile(file)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	if err := svc.Relations().SetInstanceText(ctx, kind, string(raw)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "saved %s (%d bytes)\n", kind, len(raw))
	return nil
}
