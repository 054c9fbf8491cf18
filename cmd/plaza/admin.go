package main

import (
	"context"
	"fmt"
	"io"
)

// cmdAdmin runs an operator repair command.
func cmdAdmin(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "announcement" {
		return cmdAnnouncement(ctx, cfg, args[1:], stdout)
	}
	if len(args) != 1 || args[0] != "recount" {
		return fmt.Errorf("%w: admin needs a subcommand: recount or announcement", errUsage)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RecountStats(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "recounted account and status counters")
	return nil
}
