package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/progress"
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

The scenario file (YAML or JSON) is described in docs/formats.md. Use - to
read it from standard input, or the name of a built-in scenario:
  feb-2025      the February 2025 stock (IAEA GOV/2025/8) in four IR-6 cascades
  jcpoa-limits  the JCPOA limits: 300 kg UF6 at 3.67 %, 5,060 IR-1 (JCPOA Annex I)
  pre-jcpoa     June 2015, before the JCPOA: 5,095 kg U at 3.5 %, 9,156 IR-1

With --as-of instead, the scenario is what the inspectorate knew at that
date: the stock by level and the centrifuges of the series. Where it did not
know them, the estimate is unknown: it gives the last estimate on known
figures and, after a loss of access, the range from that estimate to the
damage assumptions (--surviving-fleet, --remaining-stock).`,
		Example: `  accord breakout --scenario feb-2025
  accord breakout --scenario jcpoa-limits --json
  accord breakout --scenario pre-jcpoa --samples 100000 --seed 7
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
				date, facts, err := src.factsAt(asOf)
				if err != nil {
					return err
				}
				stop := progress.Spin(cmd.ErrOrStderr(), "estimating breakout")
				b, err := compliance.BreakoutAt(facts, date, opt)
				stop()
				if err != nil {
					return fmt.Errorf("breakout as of %s: %w", asOf, err)
				}
				if asJSON {
					return writeJSON(out, b)
				}
				return report.TextDated(out, b)
			}
			s, err := app.LoadScenario(cmd.InOrStdin(), scenarioPath)
			if err != nil {
				return namedInputError("scenario", err)
			}
			if cmd.Flags().Changed("convention") {
				s.Convention = opt.Convention
			}
			if cmd.Flags().Changed("sq") {
				s.Target.SQ = opt.SQ
			}
			stop := progress.Spin(cmd.ErrOrStderr(), "estimating breakout")
			r, err := breakout.Run(s, opt.Samples, opt.Seed)
			stop()
			if err != nil {
				return fmt.Errorf("scenario %s: %w", scenarioPath, err)
			}
			if asJSON {
				return writeJSON(out, r)
			}
			return report.TextBreakout(out, s, r)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&scenarioPath, "scenario", "", "scenario file, YAML or JSON (- for standard input), or a built-in scenario: feb-2025, jcpoa-limits, pre-jcpoa")
	fl.StringVar(&asOf, "as-of", "", "estimate from what the inspectorate knew at this date, YYYY-MM-DD, instead of a scenario")
	src.register(cmd, false)
	band.register(cmd)
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newMachinesCmd() *cobra.Command {
	return printCmd(&cobra.Command{
		Use:   "machines",
		Short: "The centrifuge catalogue: SWU per machine-year, range, status and source",
		Example: `  accord machines
  accord machines --json`,
	}, func(*cobra.Command) ([]breakout.Machine, error) { return breakout.Catalogue(), nil }, report.TextMachines)
}
