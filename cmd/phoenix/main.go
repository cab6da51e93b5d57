// Command phoenix runs Phoenix, the case-management portal of an Employee Assistance
// Program provider.
//
//	phoenix [serve] [flags]   serve the portal (the default command)
//	phoenix migrate [flags]   bring the database's tables up to date, then exit
//	phoenix demo-data [flags] load the demo data into an empty database, then exit
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	// The tz database is built in, so due dates and calendars do not depend on the
	// machine's copy.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "phoenix:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	command := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		command, args = args[0], args[1:]
	}
	cfg := DefaultConfig()
	if err := parseFlags(&cfg, "phoenix "+command, args); err != nil {
		return err
	}
	m := NewMain(cfg)
	switch command {
	case "serve":
		return serve(ctx, m)
	case "migrate":
		m.Config.Demo = false
		m.skipServe = true
		defer m.Close()
		return m.Run(ctx)
	case "demo-data":
		m.Config.Demo = true
		m.skipServe = true
		defer m.Close()
		return m.Run(ctx)
	}
	return fmt.Errorf("unknown command %q: use serve, migrate or demo-data", command)
}

func serve(ctx context.Context, m *Main) error {
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.Logger.Info("stopping")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return m.Shutdown(shutdown)
}
