package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/report"
)

func newMachinesCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "machines",
		Short: "The centrifuge catalogue: SWU per machine-year, range, status and source",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat := breakout.Catalogue()
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), cat)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "MACHINE\tSWU/YR\tRANGE\tSTATUS\tSOURCE")
			for _, m := range cat {
				rng := "-"
				if m.Range != nil {
					rng = report.Sig(m.Range[0]) + "-" + report.Sig(m.Range[1])
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Type, report.Sig(m.SWUPerYear), rng, m.Status, m.Source)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
