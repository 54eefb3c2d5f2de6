package main

import (
	"github.com/spf13/cobra"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/report"
)

func newMachinesCmd() *cobra.Command {
	return printCmd(&cobra.Command{
		Use:   "machines",
		Short: "The centrifuge catalogue: SWU per machine-year, range, status and source",
		Example: `  accord machines
  accord machines --json`,
	}, func(*cobra.Command) ([]breakout.Machine, error) { return breakout.Catalogue(), nil }, report.TextMachines)
}
