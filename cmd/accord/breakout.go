package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/state"
	"github.com/spf13/cobra"
)

func newBreakoutCmd() *cobra.Command {
	var (
		scenarioPath string
		asOf         string
		src          sourceFlags
		band         bandFlags
		asJSON       bool
	)
	cmd := &cobra.Command{
		Use:   "breakout --scenario FILE",
		Short: "Days from a stock and a centrifuge fleet to significant quantities of weapon-grade uranium",
		Long: `breakout estimates how long a centrifuge fleet needs to turn an inventory of
enriched uranium (then natural uranium) into significant quantities (SQ) of
uranium at the target assay.

It prints the days to the first SQ, the cumulative SQ at the end of each of
the first 12 months, the enrichment steps, the conversion of the whole stock,
and every assumption. Where an input has a range (catalogue capacities,
efficiency_range, mass_range_kg_u), a Monte Carlo band gives the 10th, 50th
and 90th percentiles; the seed is fixed so the output is reproducible.

The scenario file (YAML or JSON) is described in docs/formats.md; examples
are in examples/. Use - to read it from standard input. With --as-of instead,
the scenario is the verified state at that date: the stock by level and the
enriching centrifuges of the series, with the catalogue's capacities.`,
		Example: `  accord breakout --scenario examples/feb-2025.yaml
  accord breakout --scenario examples/jcpoa-limits.yaml --json
  accord breakout --scenario examples/pre-jcpoa.yaml --samples 100000 --seed 7
  accord breakout --as-of 2025-05-17`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (scenarioPath == "") == (asOf == "") {
				return usageError{fmt.Errorf("give --scenario FILE or --as-of DATE")}
			}
			opt, err := band.options()
			if err != nil {
				return err
			}
			var s breakout.Scenario
			var notes []string
			label := scenarioPath
			if asOf != "" {
				date, err := dateFlag("as-of", asOf)
				if err != nil {
					return err
				}
				d, err := src.loadData()
				if err != nil {
					return err
				}
				s, notes = compliance.BreakoutScenario(state.At(factsOf(d), date), opt.Convention)
				label = "as of " + asOf
			} else {
				data, err := readInput(cmd.InOrStdin(), scenarioPath)
				if err != nil {
					return err
				}
				if s, err = breakout.ParseScenario(data); err != nil {
					return fmt.Errorf("scenario %s: %w", scenarioPath, err)
				}
			}
			r, err := breakout.Estimate(s)
			if err != nil {
				return fmt.Errorf("scenario %s: %w", label, err)
			}
			if r.Uncertainty, err = breakout.Band(s, opt.Samples, opt.Seed); err != nil {
				return fmt.Errorf("scenario %s: %w", label, err)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), r)
			}
			if err := renderBreakout(cmd.OutOrStdout(), s, r); err != nil {
				return err
			}
			for _, n := range notes {
				fmt.Fprintf(cmd.OutOrStdout(), "  - from the state: %s\n", n)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&scenarioPath, "scenario", "", "scenario file, YAML or JSON (- for standard input)")
	fl.StringVar(&asOf, "as-of", "", "estimate from the verified state at this date, YYYY-MM-DD, instead of a scenario")
	src.register(cmd, false)
	band.register(cmd)
	band.registerConvention(cmd)
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// readInput reads a file, or standard input for "-".
func readInput(stdin io.Reader, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(io.LimitReader(stdin, 1<<20+1))
	}
	return os.ReadFile(path)
}

func days(d *float64) string {
	if d == nil {
		return "never"
	}
	return num(*d)
}

func renderBreakout(w io.Writer, s breakout.Scenario, r *breakout.Result) error {
	title := "Breakout estimate"
	if s.Name != "" {
		title += ": " + s.Name
	}
	fmt.Fprintln(w, title)
	fmt.Fprintf(w, "One significant quantity (SQ) = %s kg U at %s %% (%s)\n\n", num(r.ProductKgUPerSQ), num(r.TargetPct), r.ConventionText)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Days to the first SQ\t%s", days(r.FirstSQDays))
	if u := r.Uncertainty; u != nil {
		fmt.Fprintf(tw, "\t(p10 %s, p50 %s, p90 %s over %d samples, seed %d)", days(u.P10Days), days(u.P50Days), days(u.P90Days), u.Samples, u.Seed)
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "Days to %s SQ (target)\t%s\n", num(r.QuantitySQ), days(r.TargetDays))
	fmt.Fprintf(tw, "Separative work for the target\t%s kg-SWU\n", num(r.SWUTotal))
	fmt.Fprintf(tw, "Fleet capacity\t%s SWU/yr\n", num(r.CapacitySWUPerYear))
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Unreachable != "" {
		fmt.Fprintf(w, "Not reachable: %s\n", r.Unreachable)
	}

	fmt.Fprintln(w, "\nSteps for the target")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "feed %\tfeed kg U\tproduct %\tproduct kg U\ttails %\ttails kg U\tkg-SWU\t")
	for _, st := range r.Steps {
		tails := "-"
		if st.TailsPct != nil {
			tails = num(*st.TailsPct)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", num(st.FeedPct), num(st.FeedKgU), num(st.ProductPct), num(st.ProductKgU), tails, num(st.TailsKgU), num(st.SWU))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nCumulative SQ complete at the end of each month")
	tw = tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	row := func(label string, v [breakout.Months]float64) {
		fmt.Fprintf(tw, "%s\t", label)
		for _, x := range v {
			fmt.Fprintf(tw, "%.1f\t", x)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "month\t")
	for m := 1; m <= breakout.Months; m++ {
		fmt.Fprintf(tw, "%d\t", m)
	}
	fmt.Fprintln(tw)
	row("SQ", r.CumulativeSQByMonth)
	if u := r.Uncertainty; u != nil {
		row("p10", u.CumulativeSQByMonth.P10)
		row("p50", u.CumulativeSQByMonth.P50)
		row("p90", u.CumulativeSQByMonth.P90)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	sc := r.StockConversion
	fmt.Fprintf(w, "\nWhole stock to %s %%: %s kg U (%s SQ), %s kg-SWU, %s days\n",
		num(r.TargetPct), num(sc.ProductKgU), num(sc.SQ), num(sc.SWU), days(sc.Days))
	for _, sk := range r.Skipped {
		fmt.Fprintf(w, "Skipped: %s\n", sk)
	}

	fmt.Fprintln(w, "\nAssumptions")
	for _, a := range r.Assumptions {
		fmt.Fprintf(w, "  - %s\n", a)
	}
	if u := r.Uncertainty; u != nil {
		fmt.Fprintf(w, "  - uncertainty band: %s; varied: %s\n", u.Distribution, strings.Join(u.Varied, "; "))
	} else {
		fmt.Fprintln(w, "  - no input has a range: no uncertainty band")
	}
	return nil
}
