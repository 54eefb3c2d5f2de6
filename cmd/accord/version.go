package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/internal/app"
)

func newVersionCmd() *cobra.Command {
	return printCmd(&cobra.Command{
		Use:     "version",
		Short:   "The version of this build: module version, source revision, Go version",
		Example: "  accord version\n  accord version --json\n  accord --version",
	}, func(*cobra.Command) (app.Build, error) { return app.BuildInfo(), nil },
		func(w io.Writer, b app.Build) error { _, err := fmt.Fprintln(w, b); return err })
}

// exitStatusHelp is the table of exit statuses, one for every command.
const exitStatusHelp = `Every accord command exits with:

  0  it did what was asked (for a check: everything holds)
  1  an error: a file, the server or the input could not be used, or a
     check of a party's own material failed (talks verify, record open)
  2  a usage error: an unknown command or flag, a missing or bad value
  3  evidence does not verify: the audit or a receipt found tampering,
     a fork or a missing signature (the message says where)`

func newExitStatusTopic() *cobra.Command {
	return &cobra.Command{
		Use:   "exit-status",
		Short: "What the exit status of every command means",
		Long:  exitStatusHelp,
	}
}

// rejectWords refuses words after a command that takes none and has
// subcommands: an unknown command is a usage error naming the word, not
// the help and success.
func rejectWords(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())}
	}
	return nil
}

// helpIfBare shows a group's help when it is run with no subcommand.
func helpIfBare(cmd *cobra.Command, _ []string) error { return cmd.Help() }
