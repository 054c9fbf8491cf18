package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
)

// cmdEmoji runs `plaza admin emoji add|list|remove`: this instance's custom
// emoji, shown for :shortcode: in posts, names and bios and sent to other
// servers as Emoji tags.
func cmdEmoji(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: admin emoji needs a subcommand: add, list or remove", errUsage)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	area := newOfflineService(cfg, st, slog.New(slog.DiscardHandler)).Emoji()
	switch args[0] {
	case "add":
		fs := flag.NewFlagSet("admin emoji add", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		category := fs.String("category", "", "the picker's category")
		if err := fs.Parse(args[1:]); err != nil {
			return fmt.Errorf("%w: admin emoji add: %v", errUsage, err)
		}
		if fs.NArg() != 2 {
			return fmt.Errorf("%w: admin emoji add [--category C] SHORTCODE FILE", errUsage)
		}
		f, err := os.Open(fs.Arg(1))
		if err != nil {
			return err
		}
		defer f.Close()
		e, err := area.Add(ctx, cfg.Storage.Path, fs.Arg(0), *category, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, ":%s: added (%s)\n", e.Shortcode, e.URL)
	case "list":
		list, err := area.Local(ctx)
		if err != nil {
			return err
		}
		for _, e := range list {
			fmt.Fprintf(stdout, ":%s:\t%s\t%s\n", e.Shortcode, e.Category, e.URL)
		}
	case "remove":
		if len(args) != 2 {
			return fmt.Errorf("%w: admin emoji remove needs a shortcode", errUsage)
		}
		if err := area.Remove(ctx, cfg.Storage.Path, args[1]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, ":%s: removed\n", args[1])
	default:
		return fmt.Errorf("%w: unknown admin emoji subcommand %q", errUsage, args[0])
	}
	return nil
}
