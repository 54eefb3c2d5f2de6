package main

import (
	"fmt"
	"math"
	"strconv"
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
					rng = num(m.Range[0]) + "-" + num(m.Range[1])
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Type, num(m.SWUPerYear), rng, m.Status, m.Source)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// num formats a number for people: 4 significant figures but at least one
// decimal (so 8,294.4 kg U keeps its reported precision), thousands
// separated by commas, no exponent, no trailing zeros.
func num(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	decimals := 0
	if f != 0 {
		decimals = max(1, 3-int(math.Floor(math.Log10(math.Abs(f)))))
	}
	return report.Num(f, decimals)
}
