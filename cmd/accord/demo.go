package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/client"
	"github.com/accordverify/accord/internal/report"
)

func newDemoCmd() *cobra.Command {
	var cfg app.DemoConfig
	var level logLevel
	cmd := &cobra.Command{
		Use:   "demo [--dir DIR] [--addr HOST:PORT] [--db DSN]",
		Short: "Set up and serve the demo: keys, witnesses, the log, the public series as signed records, the API",
		Long: `demo creates (or reuses) a data directory with keys for the log operator, the
IAEA (inspectorate), Iran (state), the United States and the E3 (parties)
and Oman (mediator); runs the two parties' witnesses in process; starts the
evidence log; loads the public IAEA series and the JCPOA's events as signed
records through the same submission path as any record; indexes them in
SQLite (or PostgreSQL with --db); opens three talks rooms mediated by Oman;
and serves the API. Restarting reuses the directory and adds nothing twice.

The log operator is a party of its own, the neutral host of the log and of
the talks' server: each talks commitment is sealed to its author, the
mediator and the operator, so the IAEA, which takes no part in the talks,
cannot open one.`,
		Example: `  go run ./cmd/accord demo
  accord demo --dir /tmp/accord-demo --addr 127.0.0.1:9090
  accord demo --db postgres://postgres@127.0.0.1:5432/test`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			out := cmd.OutOrStdout()
			cfg.Log = level.logger(func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewTextHandler(w, o) }, cmd.ErrOrStderr())
			d, err := app.StartDemo(ctx, cfg)
			if err != nil {
				return err
			}
			defer d.Close()
			u := "http://" + d.Addr
			tok, _ := client.ReadToken(ctx, u, d.Reader) // none: the welcome says how to get one
			_ = report.TextDemo(out, cmd.ErrOrStderr(), report.Demo{Dir: cfg.Dir, Base: u, Token: tok, Loaded: d.Loaded, Skipped: d.Skipped, Outdated: d.Outdated, Earlier: d.Earlier, SealWarning: d.SealWarning})
			<-ctx.Done()
			fmt.Fprintln(out, "stopping")
			return nil
		},
	}
	level.register(cmd.Flags(), slog.LevelWarn)
	cmd.Flags().StringVar(&cfg.Dir, "dir", envOr("ACCORD_DIR", app.DefaultDemoDir()), "data directory (keys, log, index, witness state) [$ACCORD_DIR]")
	cmd.Flags().StringVar(&cfg.Addr, "addr", envOr("ACCORD_ADDR", "127.0.0.1:8080"), "address to serve on [$ACCORD_ADDR]")
	cmd.Flags().StringVar(&cfg.DB, "db", os.Getenv("ACCORD_DB"), "index database: a postgres:// URL (default: SQLite in the data directory) [$ACCORD_DB]")
	cmd.Flags().Float64Var(&cfg.Rate, "rate", 50, "requests per second allowed to each caller (twice that in a burst)")
	return cmd
}
