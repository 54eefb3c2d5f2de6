package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/evidence"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/state"
)

// bandFlags are the breakout flags shared by breakout, status and report:
// the band, the convention, the significant quantity, the machines counted
// and the damage assumptions after a loss of knowledge.
type bandFlags struct {
	samples    int
	seed       uint64
	convention string
	sq         string
	machines   string
	surviving  float64
	remaining  float64
	dated      bool
}

func (b *bandFlags) register(cmd *cobra.Command) {
	cmd.Flags().IntVar(&b.samples, "samples", breakout.DefaultSamples, "Monte Carlo samples for the uncertainty band")
	cmd.Flags().Uint64Var(&b.seed, "seed", breakout.DefaultSeed, "random seed of the uncertainty band")
}

// registerConvention adds the flags that choose how breakout is estimated.
func (b *bandFlags) registerConvention(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&b.convention, "convention", string(breakout.DefaultConvention), "breakout assumptions: cascades (the fleet in cascades as an operator would run it) or whole-fleet (every machine on every step: a lower bound)")
	fl.StringVar(&b.sq, "sq", string(enrich.WGU25), "significant quantity of the breakout target: wgu25 (25 kg of 90 % uranium) or iaea (25 kg U-235)")
}

// registerDated adds the flags of an estimate at a date.
func (b *bandFlags) registerDated(cmd *cobra.Command) {
	b.dated = true
	fl := cmd.Flags()
	fl.StringVar(&b.machines, "machines", compliance.Enriching, "centrifuges counted: enriching (reported as enriching) or installed")
	fl.Float64Var(&b.surviving, "surviving-fleet", compliance.DefaultDamage.FleetFraction, "after a loss of knowledge: the share (0-1) of the last known fleet assumed to work")
	fl.Float64Var(&b.remaining, "remaining-stock", compliance.DefaultDamage.StockFraction, "after a loss of knowledge: the share (0-1) of the last known stock assumed in place")
}

func (b *bandFlags) check() error {
	if b.samples < 1 || b.samples > breakout.MaxSamples {
		return usageError{fmt.Errorf("--samples: must be in [1, %d], got %d", breakout.MaxSamples, b.samples)}
	}
	return nil
}

func (b *bandFlags) options() (compliance.BreakoutOptions, error) {
	if err := b.check(); err != nil {
		return compliance.BreakoutOptions{}, err
	}
	if _, err := enrich.ParseConvention(b.convention); err == nil {
		return compliance.BreakoutOptions{}, usageError{fmt.Errorf("--convention: %s is a significant quantity, given by --sq %s; the conventions are cascades and whole-fleet", b.convention, b.convention)}
	}
	opt := compliance.BreakoutOptions{SQ: enrich.Convention(b.sq), Convention: breakout.Convention(b.convention), Machines: b.machines, Samples: b.samples, Seed: b.seed}
	if b.dated {
		opt.Damage = &compliance.Damage{FleetFraction: b.surviving, StockFraction: b.remaining}
	}
	opt, err := opt.Normalize()
	if err != nil {
		var fe *input.Error
		if errors.As(err, &fe) {
			return opt, usageError{fmt.Errorf("--%s: %s", strings.ReplaceAll(fe.Field, "_", "-"), fe.Rule)}
		}
		return opt, err
	}
	return opt, nil
}

func newStatusCmd() *cobra.Command {
	var (
		src    sourceFlags
		band   bandFlags
		asOf   string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "status --as-of DATE",
		Short: "The stock, significant quantities, findings for every party, and breakout at a date",
		Long: `status derives the state reported at a date from the series, evaluates every
commitment of the agreement (both sides) and estimates breakout from the
stock and the enriching centrifuges known at that date.

Findings are compliant, breach, unknown (the verifier lacks the knowledge: a
figure older than the commitment's reporting interval confirms nothing, and
the finding says when it was last confirmed), disputed (the parties read an
event of the agreement differently: --json gives the status under each
reading and its basis) or not-in-force; each names its evidence and its age.
Figures are sourced (from a cited document), derived (computed from sourced
figures) or unverified (the source could not be checked).`,
		Example: `  accord status --as-of 2025-02-08
  accord status --as-of 2017-05-27 --json
  accord status --as-of 2025-06-13 --agreement examples/agreements/hypothetical-2025.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			date, err := dateFlag("as-of", asOf)
			if err != nil {
				return err
			}
			opt, err := band.options()
			if err != nil {
				return err
			}
			a, err := src.loadAgreement()
			if err != nil {
				return err
			}
			d, err := src.loadData()
			if err != nil {
				return err
			}
			o, err := compliance.OverviewAt(a, evidence.Public(d), date, opt)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), o)
			}
			return renderOverview(cmd.OutOrStdout(), a.Name, o)
		},
	}
	src.register(cmd, true)
	band.register(cmd)
	band.registerConvention(cmd)
	band.registerDated(cmd)
	cmd.Flags().StringVar(&asOf, "as-of", "", "date, YYYY-MM-DD (required)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func optNum(p *float64, suffix string) string {
	if p == nil {
		return "-"
	}
	return num(*p) + suffix
}

func renderOverview(w io.Writer, name string, o *compliance.Overview) error {
	fmt.Fprintf(w, "%s: status as of %s\n", name, o.AsOf)
	access := o.Knowledge.Access
	if !o.Knowledge.Since.IsZero() {
		access += " since " + o.Knowledge.Since.String()
	}
	fmt.Fprintf(w, "Inspectorate access: %s\n", access)
	if l := o.Latest.Report; l != nil {
		fmt.Fprintf(w, "Latest evidence: %s, of %s (%s before this date)\n", l.Evidence.Cited(), l.Date, state.Age(l.AgeDays))
	}
	if l := o.Latest.Stock; l != nil && l.AgeDays > 0 {
		fmt.Fprintf(w, "Latest figure of the stock: of %s (%s before this date), from %s\n", l.Date, state.Age(l.AgeDays), l.Evidence.Cited())
	}
	fmt.Fprintln(w)

	fmt.Fprintln(w, "Enriched uranium")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "level\tkg U\tas of\tSQ (IAEA)\tSQ (wgu25)\tstatus\t")
	var unknown []string
	for _, l := range o.Inventory.ByLevel {
		mass, asOf, status := optNum(l.MassKgU, ""), l.AsOf.String(), string(l.Status)
		if l.MassKgU == nil {
			mass, asOf, status = "unknown", "-", "unknown"
			unknown = append(unknown, fmt.Sprintf("up to %s %%: %s", num(l.MaxAssayPct), l.Unknown))
		}
		fmt.Fprintf(tw, "up to %s %%\t%s\t%s\t%s\t%s\t%s\t\n", num(l.MaxAssayPct), mass, asOf, optNum(l.SQIAEA, ""), optNum(l.SQWGU25, ""), status)
	}
	total, asOf, status := "unknown", "-", "unknown"
	if t := o.Inventory.Total; o.Inventory.TotalKgU != nil {
		total, asOf, status = num(*o.Inventory.TotalKgU), t.Date.String(), string(t.Status)
	} else {
		unknown = append(unknown, "total: "+t.Unknown)
	}
	fmt.Fprintf(tw, "total\t%s\t%s\t\t\t%s\t\n", total, asOf, status)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, u := range unknown {
		fmt.Fprintf(w, "  %s\n", u)
	}
	fmt.Fprintln(w, "  SQ (IAEA): 25 kg U-235 contained at 20 % or more, 75 kg below; SQ (wgu25): 25-kg quantities of 90 % the level yields with default tails")

	fmt.Fprintln(w, "\nFindings")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COMMITMENT\tOBLIGOR\tSTATUS\tOBSERVED\tLIMIT\tRATIO\tWHY")
	for _, f := range o.Findings {
		ratio := "-"
		if f.Ratio != nil {
			ratio = num(*f.Ratio) + "x"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Commitment, f.Obligor, strings.ToUpper(string(f.Status)),
			optNum(f.Observed, " "+f.Unit), optNum(f.Limit, " "+f.Unit), ratio, f.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range o.Reimposed {
		fmt.Fprintf(w, "\nRe-imposed on %s (%s): %s\n", r.Date, strings.Join(r.Measures, ", "), r.Title)
	}
	// The table shows the procedures started in the year before the date;
	// --json has them all.
	var recent []agreement.Deadline
	for _, d := range o.Deadlines {
		if d.Trigger.Date.AddDays(365).After(o.AsOf) {
			recent = append(recent, d)
		}
	}
	if len(recent) > 0 {
		fmt.Fprintln(w, "\nClocks")
		renderDeadlines(w, recent)
	}
	if older := len(o.Deadlines) - len(recent); older > 0 {
		fmt.Fprintf(w, "\n(%d deadlines of procedures started more than a year before: --json lists them)\n", older)
	}
	fmt.Fprintln(w)
	renderDatedHeadline(w, o.Breakout)
	fmt.Fprintln(w, "  (accord breakout --as-of DATE shows the steps and assumptions)")
	return nil
}
