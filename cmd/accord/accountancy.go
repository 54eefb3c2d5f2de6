package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/ledger"
	"github.com/accordverify/accord/internal/record"
	"github.com/accordverify/accord/internal/report"
)

// uncertainties loads a user's uncertainty table, or the labelled example.
func uncertainties(path string) (accountancy.Table, error) {
	if path == "" {
		return accountancy.ExampleTable(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return accountancy.Table{}, err
	}
	defer f.Close()
	return accountancy.ParseTable(f, path)
}

func newSimulateCmd() *cobra.Command {
	var (
		facility, diversion, divertFrom, logDir, table, start string
		months                                                int
		seed                                                  uint64
		plant                                                 = accountancy.NatanzJCPOA()
	)
	cmd := &cobra.Command{
		Use:   "simulate --facility enrichment --months N --log DIR [--diversion abrupt:KG_U@MONTH|protracted:KG_U]",
		Short: "Simulate an enrichment plant's accountancy records (feed, product, tails, inventories) into a new signed log",
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
			plant.SWUPerMachineYear = m.SWUPerYear
			if plant.Machine != "IR-1" || plant.Machines != 5060 || plant.ProductPct != 3.67 || plant.FeedPct != 0.711 {
				plant.Name = fmt.Sprintf("synthetic enrichment plant, %d %s", plant.Machines, plant.Machine)
				plant.MBA = "plant-" + strings.ToLower(plant.Machine)
				plant.Sources = append(plant.Sources[:0], fmt.Sprintf("%d %s at %g SWU/yr (catalogue, %s), %g %% feed to %g %% product with %g %% tails: the user's flags", plant.Machines, plant.Machine, m.SWUPerYear, m.Status, plant.FeedPct, plant.ProductPct, plant.TailsPct),
					"stores: the user's flags or the defaults of the synthetic plant")
			}
			tbl, err := uncertainties(table)
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
			run, err := accountancy.Simulate(sim)
			if err != nil {
				var ie *accountancy.InputError
				if errors.As(err, &ie) {
					return usageError{fmt.Errorf("--%s: %s", strings.ReplaceAll(ie.Field, "_", "-"), ie.Rule)}
				}
				return err
			}
			drafts, err := run.Records()
			if err != nil {
				return err
			}
			n, err := writeSimulation(cmd.Context(), logDir, plant.MBA, drafts)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s: %d months from %s\n", plant.Name, months, run.Periods[0].From)
			fmt.Fprintf(w, "  each month: feed %s kg U in, product %s kg U and tails %s kg U out (%s SWU)\n",
				report.Num(run.Flows.FeedKgU, 1), report.Num(run.Flows.ProductKgU, 1), report.Num(run.Flows.TailsKgU, 1), report.Num(run.Flows.SWU, 0))
			for _, s := range plant.Sources {
				fmt.Fprintf(w, "  - %s\n", s)
			}
			fmt.Fprintf(w, "  uncertainties: %s\n", tbl.Name)
			if sim.Diversion != nil {
				fmt.Fprintf(w, "  diversion: %s kg U from the %s store, %s\n", report.Num(run.DiversionKgU, 1), sim.Diversion.From, diversion)
			} else {
				fmt.Fprintln(w, "  no diversion")
			}
			fmt.Fprintf(w, "%d records signed and logged in %s (keys in %s.keys)\nnext: accord balance --log %s\n", n, logDir, strings.TrimSuffix(logDir, "/"), logDir)
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

// writeSimulation makes keys beside dir, creates the log, and appends the
// drafts signed by the operator of the plant (the state).
func writeSimulation(ctx context.Context, dir, mba string, drafts []accountancy.Draft) (int, error) {
	keysDir := strings.TrimSuffix(dir, "/") + ".keys"
	if err := os.MkdirAll(keysDir, 0o700); err != nil {
		return 0, err
	}
	origin := "accord.simulate/" + mba
	signers := map[string]note.Signer{}
	vkeys := map[string]string{}
	for _, name := range []string{origin, "iran", "iaea"} {
		s, _, v, err := demoKey(keysDir, name)
		if err != nil {
			return 0, err
		}
		signers[name], vkeys[name] = s, v
	}
	g := record.GenesisBody{Origin: origin, Agreement: "simulation", Members: []record.Member{
		{Party: "operator", Role: record.RoleOperator, Key: vkeys[origin]},
		{Party: "iran", Role: record.RoleState, Key: vkeys["iran"]},
		{Party: "iaea", Role: record.RoleInspectorate, Key: vkeys["iaea"]},
	}}
	body, _ := json.Marshal(g)
	created := drafts[0].Date.Time()
	genesis, err := record.Sign(&record.Record{Schema: record.Schema, Kind: record.Genesis, ID: "genesis", Author: "operator", Created: created, Body: body}, signers[origin])
	if err != nil {
		return 0, err
	}
	l, err := ledger.Create(ctx, ledger.POSIX(dir), ledger.Options{Operator: signers[origin]}, genesis)
	if err != nil {
		return 0, err
	}
	var last uint64
	for i, d := range drafts {
		b, err := json.Marshal(d.Body)
		if err != nil {
			return i, err
		}
		rec := &record.Record{Schema: record.Schema, Kind: d.Kind, ID: d.ID, Author: "iran", Created: d.Date.Time().Add(time.Duration(i) * time.Second), Body: b}
		signed, err := record.Sign(rec, signers["iran"])
		if err != nil {
			return i, err
		}
		seq, err := l.Append(ctx, signed)
		if err != nil {
			return i, fmt.Errorf("%s %s: %w", d.Kind, d.ID, err)
		}
		last = seq.Index
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	_, err = l.Receipt(rctx, last)
	cancel()
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if cerr := l.Close(cctx); err == nil {
		err = cerr
	}
	return len(drafts), err
}

// balanceView is the JSON of accord balance.
type balanceView struct {
	MBA           string                    `json:"mba"`
	Site          string                    `json:"site"`
	Uncertainties string                    `json:"uncertainties"`
	Periods       []periodView              `json:"periods"`
	Tests         testsView                 `json:"tests"`
	Reports       []accountancy.ReportCheck `json:"operator_reports"`
	Verification  []accountancy.Difference  `json:"operator_inspector_differences"`
	Unbalanced    int                       `json:"inventory_changes_outside_periods"`
	Detection     *detectionView            `json:"detection,omitempty"`
}

type periodView struct {
	Period string `json:"period"`
	accountancy.Balance
	Ratio float64 `json:"muf_over_sigma"`
	Alarm bool    `json:"alarm"`
}

type testsView struct {
	Alpha  float64   `json:"alpha"`
	CUMUF  cumufView `json:"cumuf"`
	ITMUF  []float64 `json:"itmuf_kg_u"`
	SITMUF []float64 `json:"sitmuf"`
	Page   pageView  `json:"page"`
	Note   string    `json:"note"`
}

type cumufView struct {
	KgU      float64   `json:"kg_u"`
	SigmaKgU float64   `json:"sigma_kg_u"`
	Alarm    bool      `json:"alarm"`
	ByPeriod []float64 `json:"by_period_kg_u"`
}

type pageView struct {
	K           float64   `json:"k"`
	Threshold   float64   `json:"threshold"`
	Statistic   []float64 `json:"statistic"`
	AlarmPeriod *string   `json:"alarm_period"`
}

type detectionView struct {
	Loss        accountancy.Loss `json:"loss"`
	Probability float64          `json:"probability"`
	Trials      int              `json:"trials"`
}

func newBalanceCmd() *cobra.Command {
	var (
		logDir, mba, table, detect string
		alpha, k                   float64
		asJSON                     bool
	)
	cmd := &cobra.Command{
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
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if logDir == "" {
				return usageError{errors.New("--log DIR is required")}
			}
			tbl, err := uncertainties(table)
			if err != nil {
				return err
			}
			books, err := auditedBooks(cmd.Context(), logDir)
			if err != nil {
				return err
			}
			names := books.Names()
			switch {
			case len(names) == 0:
				return fmt.Errorf("--log %s: no material balance area records", logDir)
			case mba == "" && len(names) > 1:
				return usageError{fmt.Errorf("--mba: the log holds %d areas (%s); choose one", len(names), strings.Join(names, ", "))}
			case mba == "":
				mba = names[0]
			}
			area, ok := books.Areas[mba]
			if !ok {
				return usageError{fmt.Errorf("--mba: no area %q (the log holds %s)", mba, strings.Join(names, ", "))}
			}
			periods, unbalanced, err := area.Periods()
			if err != nil {
				return err
			}
			seq, err := accountancy.Evaluate(periods, tbl)
			if err != nil {
				return err
			}
			opt := accountancy.Options{Alpha: alpha, K: k}
			res, err := seq.Test(opt)
			if err != nil {
				return usageError{err}
			}
			v := balanceView{MBA: mba, Uncertainties: tbl.Name, Reports: area.CheckReports(seq), Unbalanced: unbalanced, Verification: area.Differences(tbl)}
			if v.Verification == nil {
				v.Verification = []accountancy.Difference{}
			}
			if area.Decl != nil {
				v.Site = area.Decl.Site
			}
			for i, b := range seq.Balances {
				pv := periodView{Period: b.From.String() + "/" + b.To.String(), Balance: b, Alarm: res.PeriodAlarms[i]}
				if b.SigmaMUFKgU > 0 {
					pv.Ratio = b.MUFKgU / b.SigmaMUFKgU
				}
				v.Periods = append(v.Periods, pv)
			}
			n := len(seq.Balances)
			v.Tests = testsView{Alpha: res.Alpha, ITMUF: res.ITMUF, SITMUF: res.SITMUF,
				CUMUF: cumufView{KgU: res.CUMUF.KgU[n-1], SigmaKgU: res.CUMUF.SigmaKgU[n-1], Alarm: res.CUMUF.Alarm, ByPeriod: res.CUMUF.KgU},
				Page:  pageView{K: res.Page.K, Threshold: res.Page.Threshold, Statistic: res.Page.Statistic},
				Note:  fmt.Sprintf("each period alarms when MUF > %.3f sigma-MUF; CUMUF tests the last cumulative MUF the same way; Page's test runs on SITMUF with reference value k and a threshold simulated (100,000 sequences) for a false-alarm probability of %g over %d periods", accountancy.ZQuantile(1-res.Alpha), res.Alpha, n)}
			if p := res.Page.AlarmPeriod; p != nil {
				v.Tests.Page.AlarmPeriod = &v.Periods[*p].Period
			}
			if detect != "" {
				loss, err := parseLoss(detect)
				if err != nil {
					return err
				}
				dp, err := seq.DetectionProbability(loss, opt)
				if err != nil {
					return usageError{fmt.Errorf("--detect: %v", err)}
				}
				v.Detection = &detectionView{Loss: loss, Probability: dp, Trials: 100_000}
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), v)
			}
			return renderBalance(cmd.OutOrStdout(), v)
		},
	}
	f := cmd.Flags()
	f.StringVar(&logDir, "log", "", "the log directory (required)")
	f.StringVar(&mba, "mba", "", "the material balance area (needed when the log holds several)")
	f.StringVar(&table, "uncertainties", "", "measurement uncertainties, CSV "+strings.Join(accountancy.TableColumns, ",")+" (default: the illustrative example)")
	f.Float64Var(&alpha, "alpha", 0.05, "false-alarm probability of each test over the sequence")
	f.Float64Var(&k, "k", 0.5, "reference value of Page's test, in standard deviations of SITMUF")
	f.StringVar(&detect, "detect", "", "a loss whose detection probability to compute: abrupt:KG_U@PERIOD or protracted:KG_U")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// parseLoss reads --detect: abrupt:KG_U@PERIOD (1-based) or
// protracted:KG_U.
func parseLoss(s string) (accountancy.Loss, error) {
	d, err := accountancy.ParseDiversion(s)
	if err != nil || d.SQ > 0 {
		return accountancy.Loss{}, usageError{fmt.Errorf("--detect: want abrupt:KG_U@PERIOD or protracted:KG_U in kg U, got %q", s)}
	}
	return accountancy.Loss{Kind: d.Kind, KgU: d.KgU, Period: max(d.Month-1, 0)}, nil
}

// auditedBooks audits the log at dir and files its accountancy records;
// a log that fails the audit gives no balance.
func auditedBooks(ctx context.Context, dir string) (*accountancy.Books, error) {
	books := accountancy.NewBooks()
	var addErr error
	err := auditedRecords(ctx, dir, func(i uint64, s *record.Signed) {
		if err := books.Add(i, s.Record); err != nil && addErr == nil {
			addErr = fmt.Errorf("log index %d: %w", i, err)
		}
	})
	if err != nil {
		return nil, err
	}
	return books, addErr
}

// auditedRecords audits the log at dir, calling each with every verified
// record; when the audit fails it returns the failure (exit status 3), and
// what each saw must be discarded.
func auditedRecords(ctx context.Context, dir string, each func(uint64, *record.Signed)) error {
	if _, err := os.Stat(filepath.Join(dir, "checkpoint")); err != nil {
		return fmt.Errorf("--log %s: no checkpoint file: not a published log", dir)
	}
	res, err := ledger.Audit(ctx, client.FileFetcher{Root: dir}, ledger.AuditOptions{Files: os.DirFS(dir), Each: each})
	if err != nil {
		return err
	}
	if res.Problem != nil {
		return exitCode{3, fmt.Errorf("the log at %s does not pass the audit, so nothing is computed from it: %s", dir, res.Problem.Error())}
	}
	return nil
}

func renderBalance(w io.Writer, v balanceView) error {
	fmt.Fprintf(w, "Material balance area %s (%s), %d periods\nUncertainties: %s\n\n", v.MBA, v.Site, len(v.Periods), v.Uncertainties)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "period\tbeginning\tincreases\tdecreases\tbook\tending\tMUF\tsigma-MUF\tMUF/sigma\talarm\t")
	for _, p := range v.Periods {
		alarm := ""
		if p.Alarm {
			alarm = "ALARM"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", p.Period, report.Num(p.BeginKgU, 1), report.Num(p.IncreasesKgU, 1), report.Num(p.DecreasesKgU, 1),
			report.Num(p.BookKgU, 1), report.Num(p.EndKgU, 1), report.Num(p.MUFKgU, 2), report.Num(p.SigmaMUFKgU, 2), report.Num(p.Ratio, 2), alarm)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "  (kg U; MUF = beginning + increases - decreases + SRD - ending)")
	t := v.Tests
	yes := map[bool]string{true: "ALARM", false: "no alarm"}
	fmt.Fprintf(w, "\nTests, false-alarm probability %g:\n", t.Alpha)
	fmt.Fprintf(w, "  CUMUF after %d periods: %s kg U, sigma %s kg U: %s\n", len(v.Periods), report.Num(t.CUMUF.KgU, 2), report.Num(t.CUMUF.SigmaKgU, 2), yes[t.CUMUF.Alarm])
	last := 0.0
	if n := len(t.Page.Statistic); n > 0 {
		last = t.Page.Statistic[n-1]
	}
	fmt.Fprintf(w, "  Page's test on SITMUF (k %g, threshold %s): ", t.Page.K, report.Num(t.Page.Threshold, 3))
	if t.Page.AlarmPeriod != nil {
		fmt.Fprintf(w, "ALARM in period %s\n", *t.Page.AlarmPeriod)
	} else {
		fmt.Fprintf(w, "no alarm (last statistic %s)\n", report.Num(last, 3))
	}
	agree := 0
	for _, r := range v.Reports {
		if r.Agrees {
			agree++
		} else {
			fmt.Fprintf(w, "  operator's report at log index %d (%s/%s): %s\n", r.Index, r.From, r.To, r.Note)
		}
	}
	fmt.Fprintf(w, "Operator's material balance reports: %d of %d agree with the recomputed balances\n", agree, len(v.Reports))
	for _, d := range v.Verification {
		verdict := "within 3 sigma"
		if d.Significant {
			verdict = "SIGNIFICANT"
		}
		if d.Note != "" && d.DeclaredKgU == 0 {
			verdict = d.Note
		}
		fmt.Fprintf(w, "  inspectorate measurement at log index %d, %s %s: declared %s, measured %s kg U, difference %s ± %s kg U: %s\n",
			d.Index, d.KMP, d.Batch, report.Num(d.DeclaredKgU, 2), report.Num(d.MeasuredKgU, 2), report.Num(d.DiffKgU, 2), report.Num(d.SigmaKgU, 2), verdict)
	}
	if v.Unbalanced > 0 {
		fmt.Fprintf(w, "%d inventory changes fall outside the periods the listings bound\n", v.Unbalanced)
	}
	if d := v.Detection; d != nil {
		fmt.Fprintf(w, "Detection probability of %s loss of %s kg U by Page's test: %.3f (%d trials)\n", map[string]string{"abrupt": "an abrupt", "protracted": "a protracted"}[d.Loss.Kind], report.Num(d.Loss.KgU, 1), d.Probability, d.Trials)
	}
	return nil
}
