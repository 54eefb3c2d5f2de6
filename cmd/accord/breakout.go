package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/report"
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
		Use:   "breakout --scenario FILE | --as-of DATE",
		Short: "Days from a stock and a centrifuge fleet to significant quantities of weapon-grade uranium",
		Long: `breakout estimates how long a centrifuge fleet needs to turn an inventory of
enriched uranium (then natural uranium) into significant quantities (SQ) of
uranium at the target assay.

How the fleet is put to work is a named convention (--convention):
  cascades     the default: the steps from near-20 % feed and above run in a
               few whole cascades of the most capable machines after a time to
               reconfigure them; lower feed is first enriched to near 20 % on
               the other machines
  whole-fleet  every machine on every step from the first day: a lower bound
docs/breakout.md describes both with their sources.

The headline is the median of a Monte Carlo band over every ranged input
(capacities, tails, cascades, set-up, masses), with its 10th and 90th
percentiles; the seed is fixed so the output is reproducible. The estimate
with every input at its central value, the steps, the cumulative SQ at the
end of each of the first 12 months, the conversion of the whole stock and
every assumption follow.

The scenario file (YAML or JSON) is described in docs/formats.md; examples
are in examples/. Use - to read it from standard input. With --as-of
instead, the scenario is what the inspectorate knew at that date: the stock
by level and the centrifuges of the series. Where it did not know them, the
estimate is unknown: it gives the last estimate on known figures and, after
a loss of access, the range from that estimate to the damage assumptions
(--surviving-fleet, --remaining-stock).`,
		Example: `  accord breakout --scenario examples/feb-2025.yaml
  accord breakout --scenario examples/jcpoa-limits.yaml --json
  accord breakout --scenario examples/pre-jcpoa.yaml --samples 100000 --seed 7
  accord breakout --as-of 2025-05-17
  accord breakout --as-of 2025-05-17 --convention whole-fleet
  accord breakout --as-of 2026-06-01 --surviving-fleet 0.25`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (scenarioPath == "") == (asOf == "") {
				return usageError{fmt.Errorf("give --scenario FILE or --as-of DATE")}
			}
			opt, err := band.options()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asOf != "" {
				date, err := dateFlag("as-of", asOf)
				if err != nil {
					return err
				}
				d, err := src.loadData()
				if err != nil {
					return err
				}
				b, err := compliance.BreakoutAt(evidence.Public(d), date, opt)
				if err != nil {
					return fmt.Errorf("breakout as of %s: %w", asOf, err)
				}
				if asJSON {
					return writeJSON(out, b)
				}
				return renderDated(out, b)
			}
			data, err := readInput(cmd.InOrStdin(), scenarioPath)
			if err != nil {
				return err
			}
			s, err := breakout.ParseScenario(data)
			if err != nil {
				return fmt.Errorf("scenario %s: %w", scenarioPath, err)
			}
			if cmd.Flags().Changed("convention") {
				s.Convention = opt.Convention
			}
			if cmd.Flags().Changed("sq") {
				s.Target.SQ = opt.SQ
			}
			r, err := breakout.Run(s, opt.Samples, opt.Seed)
			if err != nil {
				return fmt.Errorf("scenario %s: %w", scenarioPath, err)
			}
			if asJSON {
				return writeJSON(out, r)
			}
			return renderBreakout(out, s, r)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&scenarioPath, "scenario", "", "scenario file, YAML or JSON (- for standard input)")
	fl.StringVar(&asOf, "as-of", "", "estimate from what the inspectorate knew at this date, YYYY-MM-DD, instead of a scenario")
	src.register(cmd, false)
	band.register(cmd)
	band.registerConvention(cmd)
	band.registerDated(cmd)
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// renderDated writes a dated estimate: its status first, then the
// estimate or what is known instead.
func renderDated(w io.Writer, b *compliance.Breakout) error {
	renderDatedHeadline(w, b)
	if b.Estimate != nil {
		fmt.Fprintln(w)
		if err := renderBreakout(w, *b.Scenario, b.Estimate); err != nil {
			return err
		}
	}
	if len(b.Notes) > 0 {
		fmt.Fprintln(w, "\nFrom the state")
		for _, n := range b.Notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	return nil
}

// renderDatedHeadline writes the status and headline of a dated estimate.
func renderDatedHeadline(w io.Writer, b *compliance.Breakout) {
	fmt.Fprintf(w, "Breakout as of %s (%s convention, %s, %s centrifuges): %s\n", b.AsOf, b.Convention, b.SQ, b.Machines, report.BreakoutDays(b))
	switch b.Status {
	case compliance.NotReachable:
		fmt.Fprintf(w, "  not reachable: %s\n", b.Reason)
	case compliance.UnknownEstimate:
		fmt.Fprintf(w, "  unknown: %s\n", b.Reason)
		if lk := b.LastKnown; lk != nil {
			fmt.Fprintf(w, "  the last estimate on known figures, as of %s: %s\n", lk.AsOf, report.BreakoutDays(&compliance.Breakout{Status: compliance.Estimated,
				Estimate: &breakout.Result{HeadlineDays: lk.HeadlineDays, Uncertainty: &breakout.Uncertainty{P10Days: lk.P10Days, P90Days: lk.P90Days}}}))
		} else {
			fmt.Fprintln(w, "  no earlier estimate on known figures")
		}
		if s := b.Since; s != nil {
			fmt.Fprintf(w, "  %s\n  (change the damage assumptions with --surviving-fleet and --remaining-stock)\n", s.Text)
		}
	}
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
	fmt.Fprintf(w, "Convention: %s\n", r.ConventionText)
	fmt.Fprintf(w, "One significant quantity (SQ) = %s kg U at %s %% (%s)\n\n", num(r.ProductKgUPerSQ), num(r.TargetPct), r.SQText)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Days to the first SQ\t%s", days(r.HeadlineDays))
	if u := r.Uncertainty; u != nil {
		fmt.Fprintf(tw, "\t(median of %d samples, seed %d; p10 %s, p90 %s)", u.Samples, u.Seed, days(u.P10Days), days(u.P90Days))
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "Every input at its central value\t%s\n", days(r.FirstSQDays))
	fmt.Fprintf(tw, "Days to %s SQ (target)\t%s\n", num(r.QuantitySQ), days(r.TargetDays))
	fmt.Fprintf(tw, "Separative work for the target\t%s kg-SWU\n", num(r.SWUTotal))
	fmt.Fprintf(tw, "Fleet capacity\t%s SWU/yr (high-enrichment steps: %s SWU/yr)\n", num(r.CapacitySWUPerYear), num(r.HighCapacitySWUPerYear))
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Timing.Text != "" {
		fmt.Fprintf(w, "How: %s\n", r.Timing.Text)
	}
	if r.Unreachable != "" {
		fmt.Fprintf(w, "Not reachable: %s\n", r.Unreachable)
	}

	fmt.Fprintln(w, "\nSteps for the target (each at its stage's capacity; stages work at the same time)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tfeed %\tfeed kg U\tproduct %\tproduct kg U\ttails %\ttails kg U\tkg-SWU\tdays\t")
	for _, st := range r.Steps {
		tails := "-"
		if st.TailsPct != nil {
			tails = num(*st.TailsPct)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", st.Stage, num(st.FeedPct), num(st.FeedKgU), num(st.ProductPct), num(st.ProductKgU), tails, num(st.TailsKgU), num(st.SWU), days(st.Days))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var seen []string
	for _, st := range r.Steps {
		if line := st.Stage + ": " + st.Machines; !slices.Contains(seen, line) {
			seen = append(seen, line)
			fmt.Fprintf(w, "  %s\n", line)
		}
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
