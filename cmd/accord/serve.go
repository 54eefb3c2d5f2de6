package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/metrics"
)

// logFlags are the flags that open an existing log as its writer.
type logFlags struct {
	dir, operatorKey, db string
	witnessURLs          []string
}

func (f *logFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "log", "", "the log directory (made by accord log init)")
	alias(cmd.Flags(), "log", "dir")
	cmd.Flags().StringVar(&f.operatorKey, "operator-key", "", "the operator's private key file")
	cmd.Flags().StringVar(&f.db, "db", os.Getenv("ACCORD_DB"), "the index: a postgres:// URL, or a SQLite file (default DIR.index.db beside the log) [$ACCORD_DB]")
	cmd.Flags().StringArrayVar(&f.witnessURLs, "witness-url", nil, "NAME=URL overriding a witness address of the genesis record")
}

// config reads the flags into the app's configuration; warnings go to
// warn.
func (f *logFlags) config(warn io.Writer) (app.Config, error) {
	if f.dir == "" || f.operatorKey == "" {
		return app.Config{}, usageError{errors.New("--log and --operator-key are required")}
	}
	cfg, err := app.OperatorConfig(f.dir, f.db, f.operatorKey, map[string]string{})
	if err != nil {
		return app.Config{}, err
	}
	for _, w := range f.witnessURLs {
		name, u, ok := strings.Cut(w, "=")
		if !ok {
			return app.Config{}, usageError{fmt.Errorf("--witness-url %q: want NAME=URL", w)}
		}
		cfg.WitnessURLs[name] = u
	}
	cfg.Warn = func(msg string) { fmt.Fprintf(warn, "accord: warning: %s\n", msg) }
	return cfg, nil
}

// open opens the log the flags name, with its index.
func (f *logFlags) open(ctx context.Context, warn io.Writer) (*app.App, error) {
	cfg, err := f.config(warn)
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, cfg)
}

func newServeCmd() *cobra.Command {
	var (
		lf              logFlags
		level           logLevel
		addr, advertise string
	)
	cmd := &cobra.Command{
		Use:   "serve --log DIR --operator-key KEY [--db DSN] [--addr HOST:PORT] [--advertise URL]",
		Short: "Serve the dashboard and the JSON API over a log and its index (SQLite by default, PostgreSQL with --db)",
		Long: `serve serves the dashboard and the JSON API over a log and its index.

A log has one writer at a time. The first server on a log takes the
writer's lease (a lock file beside the log directory and, with a
PostgreSQL index, a lock in the database) and appends; a server started on
the same log while another writes it is a reader: it serves every read,
and answers submissions with 503 not_writer naming the writer's address
(--advertise). When the writer stops, a reader takes the lease within a
few seconds and appends from where the log is.`,
		Example: `  accord serve --log evidence --operator-key keys/accord.example_jcpoa.key
  accord serve --log evidence --operator-key keys/accord.example_jcpoa.key --db postgres://postgres@127.0.0.1:5432/accord
  accord serve --log /shared/evidence --operator-key keys/accord.example_jcpoa.key --db postgres://accord@db:5432/accord \
    --addr 0.0.0.0:8080 --advertise http://replica-1.example:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			logger := level.logger(func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewJSONHandler(w, o) }, cmd.ErrOrStderr())
			cfg, err := lf.config(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			defer ln.Close()
			if advertise == "" {
				advertise = "http://" + ln.Addr().String()
			}
			cfg.Logger, cfg.Replica, cfg.Advertise, cfg.Metrics = logger, true, advertise, metrics.New()
			a, err := app.Open(ctx, cfg)
			if err != nil {
				return err
			}
			defer a.Close()
			if w := a.SealWarning(); w != "" {
				cfg.Warn(w)
			}
			logger.Info("serving", "addr", ln.Addr().String(), "dashboard", "http://"+ln.Addr().String()+"/", "advertise", advertise, "role", a.Role(), "log", lf.dir, "index", a.Index.Dialect())
			return a.Server(app.ServerOptions{Logger: logger}).Run(ctx, ln)
		},
	}
	lf.register(cmd)
	level.register(cmd.Flags(), slog.LevelInfo)
	cmd.Flags().StringVar(&addr, "addr", envOr("ACCORD_ADDR", "127.0.0.1:8080"), "address to serve on [$ACCORD_ADDR]")
	cmd.Flags().StringVar(&advertise, "advertise", os.Getenv("ACCORD_ADVERTISE"), "the URL at which clients reach this server, which readers name as the writer's (default http://ADDR) [$ACCORD_ADVERTISE]")
	return cmd
}

func newReindexCmd() *cobra.Command {
	var lf logFlags
	cmd := &cobra.Command{
		Use:   "reindex --log DIR --operator-key KEY [--db DSN]",
		Short: "Rebuild the index from the log",
		Example: `  accord reindex --log evidence --operator-key keys/accord.example_jcpoa.key
  accord reindex --log evidence --operator-key keys/accord.example_jcpoa.key --db postgres://accord@db:5432/accord`,
		Long: `reindex empties the index and rebuilds it from every entry of the log,
replaying the key registry. The index holds nothing the log lacks, so this
is always safe; run it after restoring a database or on suspicion.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := lf.config(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			n, dialect, err := app.Reindex(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "reindexed %d entries into %s\n", n, dialect)
			return nil
		},
	}
	lf.register(cmd)
	return cmd
}

func newWitnessCmd() *cobra.Command {
	var keyFile, logKey, stateFile, listen, addrFile string
	cmd := &cobra.Command{
		Annotations: map[string]string{noEnv: "key,addr"},
		Use:         "witness --key KEY --log-key OPERATOR.pub --state FILE --addr ADDR",
		Short:       "Run a party's witness: cosign only checkpoints consistent with the last one it cosigned",
		Long: `witness serves c2sp.org/tlog-witness (POST /add-checkpoint) for one log. It
cosigns a checkpoint only if it is signed by the log's operator key and
provably consistent with the last checkpoint it cosigned, which it keeps in
the state file (written before it answers). It refuses forks with HTTP 422.`,
		Example: `  accord witness --key keys/witness-us.key --log-key keys/accord.example_jcpoa.pub \
    --state witness-us.json --addr 127.0.0.1:7001`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if keyFile == "" || logKey == "" || stateFile == "" || listen == "" {
				return usageError{errors.New("--key, --log-key, --state and --addr are required")}
			}
			w, err := app.NewWitnessService(keyFile, logKey, stateFile)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			if addrFile != "" {
				if err := app.WriteAddr(addrFile, ln.Addr()); err != nil {
					ln.Close()
					return err
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			fmt.Fprintf(cmd.ErrOrStderr(), "witness %s for log %s on http://%s (cosigned size %d)\ncosignature key: %s\n", w.Name, w.LogName, ln.Addr(), w.Size(), w.CosignatureKey)
			return w.Serve(ctx, ln)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&keyFile, "key", "", "the witness's private key file")
	fl.StringVar(&logKey, "log-key", "", "the log operator's public key file")
	fl.StringVar(&stateFile, "state", "", "file that keeps the last cosigned checkpoint")
	fl.StringVar(&listen, "addr", "127.0.0.1:7001", "address to listen on (port 0: one the system chooses)")
	fl.StringVar(&addrFile, "addr-file", "", "once listening, write the address listened on to this file (for --addr with port 0)")
	alias(fl, "addr", "listen")
	return cmd
}

// envOr returns the environment variable's value, or def when it is unset:
// flags take their defaults from the environment, explicitly.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}
