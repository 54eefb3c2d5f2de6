package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/report"
)

func newSWUCmd() *cobra.Command {
	var (
		productPct, feedPct, tailsPct float64
		productKgU, feedKgU           float64
		asJSON                        bool
	)
	cmd := &cobra.Command{
		Use:   "swu",
		Short: "Feed, tails and separative work of one enrichment step",
		Long: `swu computes the mass balance and separative work (kg-SWU) of enriching
feed to a product assay, leaving tails, in an ideal cascade. Masses are kg of
uranium (kg U). Give the product mass (default 1 kg U) or the feed mass.`,
		Example: `  # 25 kg of 90 % from JCPOA-level LEU at 0.5 % tails (ACA: about 1,050 kg UF6 of feed)
  accord swu --product-pct 90 --feed-pct 3.67 --tails-pct 0.5 --product-kg-u 25

  # what 274.8 kg U of 60 % yields at 90 % with 20 % tails
  accord swu --product-pct 90 --feed-pct 60 --tails-pct 20 --feed-kg-u 274.8 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, name := range []string{"product-pct", "tails-pct"} {
				if !cmd.Flags().Changed(name) {
					return usageError{fmt.Errorf("--%s is required", name)}
				}
			}
			if cmd.Flags().Changed("product-kg-u") && cmd.Flags().Changed("feed-kg-u") {
				return usageError{errors.New("give --product-kg-u or --feed-kg-u, not both")}
			}
			product, err := flagAssay("--product-pct", productPct)
			if err != nil {
				return err
			}
			feed, err := flagAssay("--feed-pct", feedPct)
			if err != nil {
				return err
			}
			tails, err := flagAssay("--tails-pct", tailsPct)
			if err != nil {
				return err
			}
			var b enrich.Balance
			if cmd.Flags().Changed("feed-kg-u") {
				b, err = enrich.FromFeed(feedKgU, feed, product, tails)
			} else {
				b, err = enrich.ForProduct(productKgU, product, feed, tails)
			}
			if err != nil {
				return enrichFlagError(err)
			}
			out := report.SWUStepOf(b)
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			return report.TextSWU(cmd.OutOrStdout(), out, product, feed, tails)
		},
	}
	fl := cmd.Flags()
	fl.Float64Var(&productPct, "product-pct", 0, "product assay, percent U-235 (required)")
	fl.Float64Var(&feedPct, "feed-pct", enrich.Natural.Percent(), "feed assay, percent U-235")
	fl.Float64Var(&tailsPct, "tails-pct", 0, "tails assay, percent U-235 (required)")
	fl.Float64Var(&productKgU, "product-kg-u", 1, "product mass, kg U")
	fl.Float64Var(&feedKgU, "feed-kg-u", 0, "feed mass, kg U (instead of --product-kg-u)")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// flagAssay reads a percentage flag, naming the flag in its error.
func flagAssay(flag string, pct float64) (enrich.Assay, error) {
	a, err := enrich.Percent(pct)
	if err != nil {
		return a, usageError{fmt.Errorf("%s: must be in (0, 100) percent, got %v", flag, pct)}
	}
	return a, nil
}

// enrichFlagError makes an enrich input error a usage error naming the flag
// the user typed.
func enrichFlagError(err error) error {
	var ie *enrich.InputError
	if !errors.As(err, &ie) {
		return err
	}
	flags := map[string]string{
		"product assay": "--product-pct", "feed assay": "--feed-pct", "tails assay": "--tails-pct",
		"product mass": "--product-kg-u", "feed mass": "--feed-kg-u",
	}
	if f, ok := flags[ie.Arg]; ok {
		return usageError{fmt.Errorf("%s: %s", f, ie.Rule)}
	}
	return err
}
