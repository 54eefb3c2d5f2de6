// Command accord verifies a nuclear agreement: enrichment arithmetic and
// breakout estimates, the evidence log, compliance over time, the
// verification report, material balances, mediated talks and the
// dashboard.
//
// This package only parses flags and hands them to the packages that do
// the work (internal/app for a log and its server, internal/client for a
// running server); internal/report renders most of what it prints, and
// internal/progress shows how long work is getting on.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/ledger"
)

func main() {
	ledger.SilenceTesseraLogs()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usageError marks errors in how the command was called; the hint points at
// --help.
type usageError struct{ error }

// flagError makes bad input that names a flag's field (an *input.Error) a
// usage error naming the flag (--surviving-fleet for surviving_fleet);
// other errors are returned as they are.
func flagError(err error) error {
	var ie *input.Error
	if errors.As(err, &ie) {
		return usageError{fmt.Errorf("--%s: %s", strings.ReplaceAll(ie.Field, "_", "-"), ie.Rule)}
	}
	return err
}

// namedInputError makes a name given to flag that is neither a file nor a
// built-in example a usage error naming the flag; other errors (a file that
// does not parse) are returned as they are.
func namedInputError(flag string, err error) error {
	var ns *app.NoSuchInput
	if errors.As(err, &ns) {
		return usageError{fmt.Errorf("--%s: %w", flag, err)}
	}
	return err
}

// run executes the command line args and returns the exit code: 0 on
// success, 1 on an error, 2 on a usage error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	argumentsAreUsage(root)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "accord: error: %v\n", err)
	var ec exitCode
	if errors.As(err, &ec) {
		return ec.code
	}
	var ae *app.AuditError
	if errors.As(err, &ae) {
		return 3 // the evidence does not verify
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "accord: hint: run 'accord help' or add --help to the command")
		return 2
	}
	return 1
}

// argumentsAreUsage makes the positional-argument check of c and of every
// command below it return a usage error, as a bad flag does: "accord status
// foo" is a mistake in how the command was called.
func argumentsAreUsage(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				var ue usageError
				if errors.As(err, &ue) {
					return err
				}
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		argumentsAreUsage(sub)
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "accord",
		Short: "Verify a nuclear agreement: enrichment, breakout, evidence and compliance",
		Long: `Accord verifies a nuclear agreement such as the 2015 JCPOA: how much enriched
uranium, at what level, against which limit, how many days from a bomb's
worth of weapon-grade uranium, and the signed evidence behind each figure.

Start with the demo:

  accord demo

It makes keys for the IAEA, Iran, the United States, the E3 and Oman, starts
a signed evidence log with the parties' witnesses, loads the public IAEA
series for Iran (2015-2025) and the JCPOA's events as signed records, opens
illustrative talks rooms, and serves the dashboard and the API at
http://127.0.0.1:8080. Leave it running and try the other commands.

Without a server, from any directory:

  accord breakout --scenario feb-2025     days to a bomb's worth, February 2025
  accord status --as-of 2025-05-17        stock, limits, findings and breakout at a date
  accord data list                        the IAEA-reported series, report by report
  accord talks zone --room muscat-2025 --set relief=iaea-verification,un-relief,us-relief

Every command's help ends with examples you can paste.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          rejectWords,
		RunE:          helpIfBare,
		Version:       app.BuildInfo().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetUsageTemplate(root.UsageTemplate() + "\nExit status: 0 done, 1 error, 2 usage error, 3 evidence does not verify (accord help exit-status).\n")
	defer documentEnv(root)
	defer completeValues(root, completions())
	root.PersistentPreRunE = applyEnv
	root.Example = `  accord demo
  accord breakout --scenario feb-2025
  accord status --as-of 2025-05-17`
	groups := []struct {
		id, title string
		cmds      []*cobra.Command
	}{
		{"start", "Start here:", []*cobra.Command{newDemoCmd()}},
		{"figures", "Enrichment and breakout:", []*cobra.Command{newBreakoutCmd(), newWarningCmd(), newSWUCmd(), newMachinesCmd()}},
		{"compliance", "Public data, compliance and the report:", []*cobra.Command{newDataCmd(), newStatusCmd(), newReportCmd(), newTimelineCmd(), newClockCmd(), newKnowledgeCmd(), newAgreementCmd()}},
		{"accountancy", "Material accountancy:", []*cobra.Command{newBalanceCmd(), newSimulateCmd()}},
		{"talks", "Mediated talks:", []*cobra.Command{newTalksCmd()}},
		{"evidence", "The evidence log:", []*cobra.Command{newKeygenCmd(), newLogCmd(), newRecordCmd(), newReceiptCmd(), newWitnessCmd(), newAuditCmd(), newTokenCmd()}},
		{"server", "Running a server:", []*cobra.Command{newServeCmd(), newReindexCmd()}},
	}
	for _, g := range groups {
		root.AddGroup(&cobra.Group{ID: g.id, Title: g.title})
		for _, c := range g.cmds {
			c.GroupID = g.id
			root.AddCommand(c)
		}
	}
	root.AddCommand(newVersionCmd(), newExitStatusTopic())
	return root
}

// group is a command that only holds its subcommands: use, the short help
// and the long one (empty for none).
func group(use, short, long string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Long: long, Args: rejectWords, RunE: helpIfBare}
	cmd.AddCommand(subs...)
	var examples []string
	for _, sub := range subs {
		if ex := firstExample(sub.Example); ex != "" {
			examples = append(examples, ex)
		}
	}
	cmd.Example = strings.Join(examples, "\n")
	return cmd
}

// firstExample returns the first example of an Example text, with the
// lines it continues onto (a line ending in a backslash).
func firstExample(example string) string {
	var lines []string
	for line := range strings.Lines(example) {
		line = strings.TrimRight(line, "\n")
		if strings.TrimSpace(line) == "" {
			continue
		}
		lines = append(lines, line)
		if !strings.HasSuffix(line, "\\") {
			break
		}
	}
	return strings.Join(lines, "\n")
}

// printCmd completes cmd as a command without arguments that prints what
// get gives: as JSON with --json, else with text.
func printCmd[T any](cmd *cobra.Command, get func(cmd *cobra.Command) (T, error), text func(w io.Writer, v T) error) *cobra.Command {
	var asJSON bool
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		v, err := get(cmd)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(cmd.OutOrStdout(), v)
		}
		return text(cmd.OutOrStdout(), v)
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// writeJSON writes v as indented JSON followed by a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
