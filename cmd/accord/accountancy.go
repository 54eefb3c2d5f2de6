package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/app"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/progress"
	"github.com/accordverify/accord/internal/report"
)

func newSimulateCmd() *cobra.Command {
	var (
		facility, diversion, divertFrom, logDir, table, start string
		months                                                int
		seed                                                  uint64
		plant                                                 = accountancy.NatanzJCPOA()
	)
	cmd := &cobra.Command{
		Annotations: map[string]string{noEnv: "log"},
		Use:         "simulate --facility enrichment --months N --log DIR [--diversion abrupt:KG_U@MONTH|protracted:KG_U]",
		Short:       "Simulate an enrichment plant's accountancy records (feed, product, tails, inventories) into a new signed log",
		Long: `simulate runs a synthetic enrichment plant month by month and writes the
records its operator would submit (the material balance area, inventory
changes, physical inventory listings and material balance reports) into a new
log at DIR, signed by keys it makes beside it (DIR.keys). Every declared
quantity carries random and systematic measurement errors from the
uncertainty table (by default a clearly labelled illustrative example).

The default plant is the Natanz FEP at its JCPOA size: 5,060 IR-1 at the
catalogue's 0.9 SWU/yr, natural feed, 3.67 % product, 0.3 % tails; its stores
are assumptions of the synthetic plant. A diversion takes material from the
product (or feed) store without declaring it, abrupt in one month or
protracted over all; its mass is kg U, or NSQ significant quantities of the
store's material (IAEA definition). A diversion larger than the store is
refused.`,
		Example: `  accord simulate --facility enrichment --months 12 --log plant-clean
  accord simulate --facility enrichment --months 12 --diversion abrupt:20@6 --log plant-abrupt
  accord simulate --facility enrichment --months 12 --machine IR-6 --machines 696 --feed-pct 5 --product-pct 60 --tails-pct 1 \
      --product-store-kg-u 100 --diversion abrupt:1sq@6 --log fordow-1sq
  accord balance --log plant-abrupt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if facility != "enrichment" {
				return usageError{fmt.Errorf("--facility: only enrichment is simulated, got %q", facility)}
			}
			if logDir == "" {
				return usageError{errors.New("--log DIR is required (a new directory for the log)")}
			}
			if entries, err := os.ReadDir(logDir); err == nil && len(entries) > 0 {
				return usageError{fmt.Errorf("--log %s: the directory exists and is not empty; simulate writes a new log", logDir)}
			}
			m, ok := breakout.LookupMachine(plant.Machine)
			if !ok {
				return usageError{fmt.Errorf("--machine: %q is not in the machine catalogue (accord machines lists it)", plant.Machine)}
			}
			plant.Fit(m.SWUPerYear, string(m.Status))
			tbl, err := accountancy.LoadTable(table)
			if err != nil {
				return err
			}
			sim := accountancy.Simulation{Plant: plant, Months: months, Seed: seed, Table: tbl}
			if start != "" {
				if sim.Start, err = calendar.Parse(start); err != nil {
					return usageError{fmt.Errorf("--start: %v", err)}
				}
			}
			if diversion != "" {
				d, err := accountancy.ParseDiversion(diversion)
				if err != nil {
					return usageError{fmt.Errorf("--%v", err)}
				}
				d.From = divertFrom
				sim.Diversion = &d
			}
			stop := progress.Spin(cmd.ErrOrStderr(), "simulating the plant")
			run, err := accountancy.Simulate(sim)
			stop()
			if err != nil {
				return flagError(err)
			}
			drafts, err := run.Records()
			if err != nil {
				return err
			}
			counter := progress.NewCounter(cmd.ErrOrStderr(), "signing and logging records", len(drafts))
			n, err := app.WriteSimulation(cmd.Context(), logDir, plant.MBA, drafts, func(done, _ int) { counter.Set(done) })
			counter.Finish()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			_ = report.TextSimulation(w, sim, run, diversion)
			fmt.Fprintf(w, "%d records signed and logged in %s (keys in %s)\nnext: accord balance --log %s\n", n, logDir, app.SimulationKeys(logDir), logDir)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&facility, "facility", "enrichment", "the kind of facility (enrichment)")
	f.IntVar(&months, "months", 12, "months to simulate, one balance period each")
	f.StringVar(&diversion, "diversion", "", "abrupt:KG_U@MONTH or protracted:KG_U (the mass may be NSQ, significant quantities)")
	f.StringVar(&divertFrom, "divert-from", "product", "the store a diversion takes from: product or feed")
	f.Uint64Var(&seed, "seed", 1, "random seed of the measurement errors")
	f.StringVar(&logDir, "log", "", "a new directory for the log (required)")
	f.StringVar(&table, "uncertainties", "", "measurement uncertainties, CSV "+strings.Join(accountancy.TableColumns, ",")+" (default: the illustrative example)")
	f.StringVar(&start, "start", "2016-02-01", "the first month's first day")
	f.StringVar(&plant.Machine, "machine", plant.Machine, "centrifuge type (from the catalogue)")
	f.IntVar(&plant.Machines, "machines", plant.Machines, "centrifuges enriching")
	f.Float64Var(&plant.FeedPct, "feed-pct", plant.FeedPct, "feed assay, percent")
	f.Float64Var(&plant.ProductPct, "product-pct", plant.ProductPct, "product assay, percent")
	f.Float64Var(&plant.TailsPct, "tails-pct", plant.TailsPct, "tails assay, percent")
	f.Float64Var(&plant.FeedStoreKgU, "feed-store-kg-u", plant.FeedStoreKgU, "feed on hand, kg U")
	f.Float64Var(&plant.ProductStoreKgU, "product-store-kg-u", plant.ProductStoreKgU, "product on hand, kg U")
	f.Float64Var(&plant.TailsStoreKgU, "tails-store-kg-u", plant.TailsStoreKgU, "tails on hand, kg U")
	f.Float64Var(&plant.HoldupKgU, "holdup-kg-u", plant.HoldupKgU, "material held up in the cascades, kg U")
	return cmd
}

func newBalanceCmd() *cobra.Command {
	var (
		logDir, mba, table, detect string
		alpha, k                   float64
	)
	cmd := printCmd(&cobra.Command{
		Use:   "balance --log DIR [--mba ID] [--json]",
		Short: "Material balances of an audited log: MUF, sigma-MUF, CUMUF, SITMUF and Page's test",
		Long: `balance audits the log at DIR (every entry, signature and tile, as accord
audit does) and computes, from its inventory changes and physical inventory
listings, the material balance of each period of a material balance area:
beginning inventory, increases, decreases, book inventory, shipper/receiver
differences, ending physical inventory, MUF and sigma-MUF (random and
systematic errors propagated, with the covariance between periods). Then the
tests: each period's MUF against z(1-alpha) sigma-MUF, CUMUF, SITMUF, and
Page's test on SITMUF with its threshold simulated for a false-alarm
probability alpha over the sequence. The operator's own material balance
reports are checked against the recomputed balances.

With --detect LOSS it also gives the probability that Page's test detects
that loss (abrupt:KG_U@PERIOD or protracted:KG_U; periods count from 1).`,
		Example: `  accord balance --log plant-abrupt
  accord balance --log plant-abrupt --json
  accord balance --log plant-clean --detect abrupt:20@6`,
	}, func(cmd *cobra.Command) (*accountancy.Analysis, error) {
		if logDir == "" {
			return nil, usageError{errors.New("--log DIR is required")}
		}
		tbl, err := accountancy.LoadTable(table)
		if err != nil {
			return nil, err
		}
		l, err := app.ReadLog(cmd.Context(), logDir)
		if err == nil {
			err = l.Err()
		}
		if err != nil {
			return nil, err
		}
		area, err := l.Books().Area(mba)
		if errors.Is(err, accountancy.ErrNoAreas) {
			return nil, fmt.Errorf("--log %s: %w", logDir, err)
		} else if err != nil {
			return nil, flagError(err) // --mba
		}
		opt := accountancy.Options{Alpha: alpha, K: k}
		if err := opt.Validate(); err != nil {
			return nil, flagError(err) // --alpha or --k
		}
		v, err := accountancy.Analyze(area, tbl, opt)
		if err != nil || detect == "" {
			return v, err
		}
		loss, err := accountancy.ParseLoss(detect)
		if err != nil {
			return nil, flagError(err) // --detect
		}
		if err := v.Detect(loss, opt); err != nil {
			return nil, usageError{fmt.Errorf("--detect: %v", err)}
		}
		return v, nil
	}, report.TextBalance)
	f := cmd.Flags()
	f.StringVar(&logDir, "log", "", "the log directory (required)")
	f.StringVar(&mba, "mba", "", "the material balance area (needed when the log holds several)")
	f.StringVar(&table, "uncertainties", "", "measurement uncertainties, CSV "+strings.Join(accountancy.TableColumns, ",")+" (default: the illustrative example)")
	f.Float64Var(&alpha, "alpha", 0.05, "false-alarm probability of each test over the sequence")
	f.Float64Var(&k, "k", 0.5, "reference value of Page's test, in standard deviations of SITMUF")
	f.StringVar(&detect, "detect", "", "a loss whose detection probability to compute: abrupt:KG_U@PERIOD or protracted:KG_U")
	return cmd
}
