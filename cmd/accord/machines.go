package main

import (
	"fmt"
	"io"
	"text/tabwriter"

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
	}, func(*cobra.Command) ([]breakout.Machine, error) { return breakout.Catalogue(), nil }, textMachines)
}

// textMachines writes the catalogue as a table.
func textMachines(w io.Writer, cat []breakout.Machine) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MACHINE\tSWU/YR\tRANGE\tSTATUS\tSOURCE")
	for _, m := range cat {
		rng := "-"
		if m.Range != nil {
			rng = report.Sig(m.Range[0]) + "-" + report.Sig(m.Range[1])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Type, report.Sig(m.SWUPerYear), rng, m.Status, m.Source)
	}
	return tw.Flush()
}
