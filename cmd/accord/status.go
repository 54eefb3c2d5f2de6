package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/progress"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/state"
)

// bandFlags are the breakout flags shared by breakout, status, warning and
// report: the band, the convention, the significant quantity, the machines
// counted and the damage assumptions after a loss of knowledge.
type bandFlags struct {
	samples    int
	seed       uint64
	convention string
	sq         string
	machines   string
	surviving  float64
	remaining  float64
}

func (b *bandFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&b.samples, "samples", breakout.DefaultSamples, "Monte Carlo samples for the uncertainty band")
	fl.Uint64Var(&b.seed, "seed", breakout.DefaultSeed, "random seed of the uncertainty band")
	fl.StringVar(&b.convention, "convention", string(breakout.DefaultConvention), "breakout assumptions: cascades (the fleet in cascades as an operator would run it) or whole-fleet (every machine on every step: a lower bound)")
	fl.StringVar(&b.sq, "sq", string(enrich.WGU25), "significant quantity of the breakout target: wgu25 (25 kg of 90 % uranium) or iaea (25 kg U-235)")
	fl.StringVar(&b.machines, "machines", compliance.Enriching, "centrifuges counted: enriching (reported as enriching) or installed")
	fl.Float64Var(&b.surviving, "surviving-fleet", compliance.DefaultDamage.FleetFraction, "after a loss of knowledge: the share (0-1) of the last known fleet assumed to work")
	fl.Float64Var(&b.remaining, "remaining-stock", compliance.DefaultDamage.StockFraction, "after a loss of knowledge: the share (0-1) of the last known stock assumed in place")
}

func (b *bandFlags) options() (compliance.BreakoutOptions, error) {
	if b.samples < 1 || b.samples > breakout.MaxSamples {
		return compliance.BreakoutOptions{}, usageError{fmt.Errorf("--samples: must be in [1, %d], got %d", breakout.MaxSamples, b.samples)}
	}
	if _, err := enrich.ParseConvention(b.convention); err == nil {
		return compliance.BreakoutOptions{}, usageError{fmt.Errorf("--convention: %s is a significant quantity, given by --sq %s; the conventions are cascades and whole-fleet", b.convention, b.convention)}
	}
	opt := compliance.BreakoutOptions{SQ: enrich.Convention(b.sq), Convention: breakout.Convention(b.convention), Machines: b.machines, Samples: b.samples, Seed: b.seed,
		Damage: &compliance.Damage{FleetFraction: b.surviving, StockFraction: b.remaining}}
	opt, err := opt.Normalize()
	return opt, flagError(err)
}

// evaluationFlags are the flags of the commands that evaluate the agreement
// at a date (status, report): the sources, the breakout flags and --as-of.
type evaluationFlags struct {
	src  sourceFlags
	band bandFlags
	asOf string
}

func (f *evaluationFlags) register(cmd *cobra.Command) {
	f.src.register(cmd, true)
	f.band.register(cmd)
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "date, YYYY-MM-DD (required)")
}

// evaluation is what the flags choose: the agreement, the facts, the date
// and the breakout options.
type evaluation struct {
	agreement *agreement.Agreement
	facts     []state.Fact
	date      calendar.Date
	breakout  compliance.BreakoutOptions
}

func (f *evaluationFlags) load() (evaluation, error) {
	opt, err := f.band.options()
	if err != nil {
		return evaluation{}, err
	}
	date, err := asOfFlag("as-of", f.asOf)
	if err != nil {
		return evaluation{}, err
	}
	a, facts, err := f.src.load()
	return evaluation{agreement: a, facts: facts, date: date, breakout: opt}, err
}

// evaluationCmd completes cmd as a print command (printCmd) of what get
// makes of the evaluation the flags choose.
func evaluationCmd[T any](cmd *cobra.Command, get func(cmd *cobra.Command, e evaluation) (T, error), text func(w io.Writer, v T) error) *cobra.Command {
	var f evaluationFlags
	printCmd(cmd, func(cmd *cobra.Command) (T, error) {
		e, err := f.load()
		if err != nil {
			var none T
			return none, err
		}
		return get(cmd, e)
	}, text)
	f.register(cmd)
	return cmd
}

func newStatusCmd() *cobra.Command {
	var name string
	return evaluationCmd(&cobra.Command{
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
  accord status --as-of 2025-06-13 --agreement hypothetical-2025`,
	}, func(cmd *cobra.Command, e evaluation) (*compliance.Overview, error) {
		name = e.agreement.Name
		defer progress.Spin(cmd.ErrOrStderr(), "evaluating the state and its breakout band")()
		return compliance.OverviewAt(e.agreement, e.facts, e.date, e.breakout)
	}, func(w io.Writer, o *compliance.Overview) error { return report.TextStatus(w, name, o) })
}
