package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/ledger"
)

// envFlags are the flags that name a server, a directory, a key or a
// database, and the environment variable each takes its value from when it
// is not given on the command line. One name for each concept across
// commands: --log is a log (a directory, or a URL where that is allowed),
// --addr an address to listen on, --server a server's base URL, --key the
// caller's private key, --operator-key the log operator's, --db the index.
var envFlags = map[string]string{
	"log":          "ACCORD_LOG",
	"addr":         "ACCORD_ADDR",
	"server":       "ACCORD_SERVER",
	"key":          "ACCORD_KEY",
	"operator-key": "ACCORD_OPERATOR_KEY",
	"log-key":      "ACCORD_LOG_KEY",
	"db":           "ACCORD_DB",
	"advertise":    "ACCORD_ADVERTISE",
	"dir":          "ACCORD_DIR",
	"log-level":    "ACCORD_LOG_LEVEL",
}

// noEnv is the annotation of a command whose flags of these names (comma
// separated) mean something else than the environment's: a --log that names
// a log to create, a witness's own --key and --addr.
const noEnv = "accord-no-env"

// fromEnv reports whether the flag takes its value from the environment
// in cmd.
func fromEnv(cmd *cobra.Command, f *pflag.Flag) (string, bool) {
	env, ok := envFlags[f.Name]
	if !ok || f.Hidden {
		return "", false
	}
	for n := range strings.SplitSeq(cmd.Annotations[noEnv], ",") {
		if n == f.Name {
			return "", false
		}
	}
	return env, true
}

// alias registers old as a hidden second name of the flag name, sharing
// its value: a name kept working after a rename.
func alias(fs *pflag.FlagSet, name, old string) {
	f := fs.Lookup(name)
	fs.AddFlag(&pflag.Flag{Name: old, Usage: "the old name of --" + name, Value: f.Value, DefValue: f.DefValue, Hidden: true})
}

// documentEnv adds its environment variable to the help of every flag of
// envFlags in the command tree.
func documentEnv(cmd *cobra.Command) {
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		env, ok := fromEnv(cmd, f)
		if !ok || strings.Contains(f.Usage, "[$") {
			return
		}
		f.Usage += " [$" + env + "]"
	})
	for _, c := range cmd.Commands() {
		documentEnv(c)
	}
}

// applyEnv gives every flag of envFlags that the command line left unset
// the value of its environment variable, if set and not empty.
func applyEnv(cmd *cobra.Command, _ []string) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		env, ok := fromEnv(cmd, f)
		if !ok || f.Changed || err != nil {
			return
		}
		if v := os.Getenv(env); v != "" {
			if e := f.Value.Set(v); e != nil {
				err = usageError{fmt.Errorf("$%s (for --%s): %v", env, f.Name, e)}
			}
		}
	})
	return err
}

// logLevel is the --log-level flag of the commands that serve: debug,
// info, warn or error.
type logLevel struct{ slog.LevelVar }

func (l *logLevel) Type() string { return "level" }

func (l *logLevel) Set(s string) error {
	switch strings.ToLower(s) {
	case "debug", "info", "warn", "error":
		return l.UnmarshalText([]byte(s))
	}
	return fmt.Errorf("want debug, info, warn or error, got %q", s)
}

func (l *logLevel) String() string { return strings.ToLower(l.Level().String()) }

// register adds --log-level with its default.
func (l *logLevel) register(fs *pflag.FlagSet, def slog.Level) {
	l.LevelVar.Set(def)
	fs.Var(l, "log-level", "what the server logs: debug (tessera's progress too), info, warn or error")
}

// logger is the server's logger at level l, tessera's logs routed to it.
func (l *logLevel) logger(h func(io.Writer, *slog.HandlerOptions) slog.Handler, w io.Writer) *slog.Logger {
	logger := slog.New(h(w, &slog.HandlerOptions{Level: l}))
	ledger.RouteTesseraLogs(logger, l.Level() <= slog.LevelDebug)
	return logger
}

// completions are the values a shell completes for flags with a fixed
// vocabulary, by flag name; formats differ by command and are given there.
func completions() map[string][]string {
	var conventions, machines []string
	for _, c := range breakout.Conventions() {
		conventions = append(conventions, string(c))
	}
	for _, m := range breakout.Catalogue() {
		machines = append(machines, m.Type)
	}
	return map[string][]string{
		"convention": conventions,
		"sq":         {string(enrich.WGU25), string(enrich.IAEA)},
		"machine":    machines,
		"log-level":  {"debug", "info", "warn", "error"},
	}
}

// completeValues registers the completion of every flag of completions in
// the command tree, where the command has not registered its own.
func completeValues(cmd *cobra.Command, values map[string][]string) {
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		v, ok := values[f.Name]
		if !ok {
			return
		}
		if _, exists := cmd.GetFlagCompletionFunc(f.Name); exists {
			return
		}
		_ = cmd.RegisterFlagCompletionFunc(f.Name, cobra.FixedCompletions(v, cobra.ShellCompDirectiveNoFileComp))
	})
	for _, c := range cmd.Commands() {
		completeValues(c, values)
	}
}
