package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// cmdAnnouncement runs `plaza admin announcement add|list|remove`: the
// notices every local user's app shows above the home timeline.
func cmdAnnouncement(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: admin announcement needs a subcommand: add, list or remove", errUsage)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	area := newOfflineService(cfg, st, slog.New(slog.DiscardHandler)).Announcements()
	switch args[0] {
	case "add":
		fs := flag.NewFlagSet("admin announcement add", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		starts := fs.String("starts", "", "when it starts (RFC 3339; default now)")
		ends := fs.String("ends", "", "when it ends (RFC 3339; default never)")
		if err := fs.Parse(args[1:]); err != nil {
			return fmt.Errorf("%w: admin announcement add: %v", errUsage, err)
		}
		from, err := optionalTime("--starts", *starts)
		if err != nil {
			return err
		}
		until, err := optionalTime("--ends", *ends)
		if err != nil {
			return err
		}
		a, err := area.Create(ctx, strings.Join(fs.Args(), " "), from, until)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "announcement %d added\n", a.ID)
	case "list":
		list, err := area.All(ctx)
		if err != nil {
			return err
		}
		for _, a := range list {
			until := "until removed"
			if a.EndsAt != nil {
				until = "until " + a.EndsAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%d\t%s\t%s\n", a.ID, until, a.Text)
		}
	case "remove":
		if len(args) != 2 {
			return fmt.Errorf("%w: admin announcement remove needs an id", errUsage)
		}
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil {
			return fmt.Errorf("%w: %q is not an announcement id", errUsage, args[1])
		}
		if err := area.Remove(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "announcement %d removed\n", id)
	default:
		return fmt.Errorf("%w: unknown admin announcement subcommand %q", errUsage, args[0])
	}
	return nil
}

func optionalTime(flagName, v string) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %q is not an RFC 3339 time", errUsage, flagName, v)
	}
	return &t, nil
}
