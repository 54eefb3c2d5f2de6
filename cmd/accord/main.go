// Command accord verifies a nuclear agreement: enrichment arithmetic and
// breakout estimates, the evidence log, compliance over time, the
// verification report, material balances, mediated talks and the
// dashboard.
//
// This package only parses flags and hands them to the packages that do
// the work (internal/app for a log and its server); internal/report renders
// what it prints.
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

// run executes the command line args and returns the exit code: 0 on
// success, 1 on an error, 2 on a usage error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
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

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "accord",
		Short: "Verify a nuclear agreement: enrichment, breakout, evidence and compliance",
		Long: `Accord verifies a nuclear agreement such as the 2015 JCPOA.

It computes enrichment arithmetic and breakout estimates with their
assumptions, steps and uncertainty band.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          rejectWords,
		RunE:          helpIfBare,
		Version:       buildInfo().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetUsageTemplate(root.UsageTemplate() + "\nExit status: 0 done, 1 error, 2 usage error, 3 evidence does not verify (accord help exit-status).\n")
	defer documentEnv(root)
	defer completeValues(root, completions())
	root.PersistentPreRunE = applyEnv
	root.AddCommand(newSWUCmd(), newBreakoutCmd(), newMachinesCmd(), newDataCmd(), newStatusCmd(), newReportCmd(), newSimulateCmd(), newBalanceCmd(), newKnowledgeCmd(), newTalksCmd(), newTimelineCmd(), newClockCmd(), newAgreementCmd(),
		newKeygenCmd(), newLogCmd(), newRecordCmd(), newReceiptCmd(), newWitnessCmd(), newAuditCmd(), newDemoCmd(), newServeCmd(), newReindexCmd(), newTokenCmd(), newVersionCmd(), newExitStatusTopic())
	return root
}

// group is a command that only holds its subcommands: use, the short help
// and the long one (empty for none).
func group(use, short, long string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Long: long, Args: rejectWords, RunE: helpIfBare}
	cmd.AddCommand(subs...)
	return cmd
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
