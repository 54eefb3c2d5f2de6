package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// build is what the binary knows of how it was built.
type build struct {
	// Module is the module's version: a tag for a released build,
	// "(devel)" for one built from a checkout.
	Module   string `json:"module_version"`
	Revision string `json:"vcs_revision,omitempty"`
	Time     string `json:"vcs_time,omitempty"`
	// Modified: the checkout had changes not committed.
	Modified bool   `json:"vcs_modified,omitempty"`
	Go       string `json:"go_version"`
}

func buildInfo() build {
	b := build{Module: "(unknown)"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Module, b.Go = info.Main.Version, info.GoVersion
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

func (b build) String() string {
	s := "accord " + b.Module
	if b.Revision != "" {
		s += ", revision " + b.Revision
		if b.Modified {
			s += " (modified)"
		}
		if b.Time != "" {
			s += " of " + b.Time
		}
	}
	return s + ", built with " + b.Go
}

func newVersionCmd() *cobra.Command {
	return printCmd(&cobra.Command{
		Use:     "version",
		Short:   "The version of this build: module version, source revision, Go version",
		Example: "  accord version\n  accord version --json\n  accord --version",
	}, func(*cobra.Command) (build, error) { return buildInfo(), nil },
		func(w io.Writer, b build) error { _, err := fmt.Fprintln(w, b); return err })
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
