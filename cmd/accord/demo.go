package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/client"
)

func defaultDemoDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "accord", "demo")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "accord", "demo")
	}
	return "accord-demo"
}

func newDemoCmd() *cobra.Command {
	var cfg app.DemoConfig
	var level logLevel
	cmd := &cobra.Command{
		Use:   "demo [--dir DIR] [--addr HOST:PORT] [--db DSN]",
		Short: "Set up and serve the demo: keys, witnesses, the log, the public series as signed records, the API",
		Long: `demo creates (or reuses) a data directory with keys for the IAEA (inspectorate
and log operator), Iran (state), the United States and the E3 (parties) and
Oman (mediator); runs the two parties' witnesses in process; starts the
evidence log; loads the public IAEA series and the JCPOA's events as signed
records through the same submission path as any record; indexes them in
SQLite (or PostgreSQL with --db); and serves the API. Restarting reuses the
directory and adds nothing twice.`,
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
			signin := "(sign in with: accord token --server " + u + " --key " + filepath.Join(cfg.Dir, "keys", "iaea.key") + ")"
			if tok, err := client.ReadToken(ctx, u, d.Reader); err == nil {
				signin = "read token of the IAEA's demo key, valid one hour: " + tok
			}
			fmt.Fprintf(out, `
Accord demo: %d records loaded, %d already there; data in %s

Dashboard: %s/  (Ctrl-C to stop)
  overview %s/?as_of=2025-02-08, trends, what-if, agreement, report, sources;
  the Records pages need a sign-in: %s

The API:
  curl '%s/api/v1/status?as_of=2025-02-08'
  curl '%s/api/v1/checkpoint'
  curl '%s/api/v1/breakout?as_of=2025-05-17'
  curl '%s/api/v1/openapi.json'
  TOKEN=$(accord token --server %s --key %s)
  curl -H "Authorization: Bearer $TOKEN" '%s/api/v1/records?kind=verified_facts&limit=5'
  accord audit --log %s
`, d.Loaded, d.Skipped, cfg.Dir, u, u, signin, u, u, u, u, u, filepath.Join(cfg.Dir, "keys", "iaea.key"), u, filepath.Join(cfg.Dir, "log"))
			<-ctx.Done()
			fmt.Fprintln(out, "stopping")
			return nil
		},
	}
	level.register(cmd.Flags(), slog.LevelWarn)
	cmd.Flags().StringVar(&cfg.Dir, "dir", envOr("ACCORD_DIR", defaultDemoDir()), "data directory (keys, log, index, witness state) [$ACCORD_DIR]")
	cmd.Flags().StringVar(&cfg.Addr, "addr", envOr("ACCORD_ADDR", "127.0.0.1:8080"), "address to serve on [$ACCORD_ADDR]")
	cmd.Flags().StringVar(&cfg.DB, "db", os.Getenv("ACCORD_DB"), "index database: a postgres:// URL (default: SQLite in the data directory) [$ACCORD_DB]")
	cmd.Flags().Float64Var(&cfg.Rate, "rate", 50, "requests per second allowed to each caller (twice that in a burst)")
	return cmd
}
