package compliance

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/state"
)

// Statuses of a dated breakout estimate.
const (
	// Estimated: the stock and the fleet are known and give a path.
	Estimated = "estimated"
	// UnknownEstimate: the stock or the fleet is not known at the date.
	UnknownEstimate = "unknown"
	// NotReachable: the stock and the fleet are known and give no path to
	// a significant quantity.
	NotReachable = "not-reachable"
)

// Fleet bases: which machines a dated estimate counts.
const (
	Enriching = "enriching"
	Installed = "installed"
)

// Damage is what may have changed since the inspectorate lost knowledge:
// the share of the last known fleet that still works and of the last
// verified stock that is still there, each in [0, 1]. Users change it.
type Damage struct {
	FleetFraction float64 `json:"fleet_fraction"`
	StockFraction float64 `json:"stock_fraction"`
}

// DefaultDamage is the stated end of the range after a loss of knowledge:
// no cascade of the declared plants known to work, the stock intact.
var DefaultDamage = Damage{FleetFraction: 0, StockFraction: 1}

// Validate names the field and the rule a bad damage assumption breaks.
func (d Damage) Validate() error {
	if !(d.FleetFraction >= 0 && d.FleetFraction <= 1) {
		return &input.Error{Field: "surviving_fleet", Rule: fmt.Sprintf("must be a fraction in [0, 1], got %v", d.FleetFraction)}
	}
	if !(d.StockFraction >= 0 && d.StockFraction <= 1) {
		return &input.Error{Field: "remaining_stock", Rule: fmt.Sprintf("must be a fraction in [0, 1], got %v", d.StockFraction)}
	}
	return nil
}

// Breakout is the breakout estimate at a date from what the inspectorate
// knew then: an estimate, or unknown with the last estimate on known
// figures and the range of what may have changed since, or not
// reachable.
type Breakout struct {
	AsOf calendar.Date `json:"as_of"`
	// Status is Estimated, UnknownEstimate or NotReachable; Reason says why
	// it is not Estimated.
	Status         string              `json:"status"`
	Reason         string              `json:"reason,omitempty"`
	Convention     breakout.Convention `json:"convention"`
	ConventionText string              `json:"convention_text"`
	SQ             enrich.Convention   `json:"sq"`
	Machines       string              `json:"machines"`
	// Estimate is the estimate with its band; nil when unknown.
	Estimate *breakout.Result `json:"estimate"`
	// HeadlineQualifier says how the estimate, its headline and each
	// percentile of its band, stands to the breakout time the same model
	// gives on the true figures, when figures it rests on were reported
	// only as bounds: AtLeast, that time is no shorter (a stock that did
	// not exceed its figure, fewer machines); AtMost, no longer; Approx,
	// either (figures that bound it both ways, or one the model does not
	// follow one way); Exact ("") when every figure is exact.
	// HeadlineBound says why, citing the documents, and Bounds lists the
	// figures.
	HeadlineQualifier state.Qualifier `json:"headline_qualifier,omitempty"`
	HeadlineBound     string          `json:"headline_bound,omitempty"`
	Bounds            []Bound         `json:"bounds,omitempty"`
	// Scenario is what the estimate was computed from.
	Scenario *breakout.Scenario `json:"scenario,omitempty"`
	// Notes say what the state gave and what was left out.
	Notes []string `json:"notes"`
	// Evidence is where the stock and the fleet figures come from.
	Evidence []state.Evidence `json:"evidence"`
	// LastKnown is the latest estimate on known figures, when unknown.
	LastKnown *LastKnown `json:"last_known,omitempty"`
	// Since is the range of what may have changed since knowledge was
	// lost, when it was.
	Since *ChangeRange `json:"since_lost,omitempty"`

	// figures are the figures behind Bounds, for the range since.
	figures []boundFigure
}

// LastKnown is an earlier estimate made on known figures.
type LastKnown struct {
	AsOf         calendar.Date `json:"as_of"`
	HeadlineDays *float64      `json:"headline_days"`
	P10Days      *float64      `json:"p10_days"`
	P90Days      *float64      `json:"p90_days"`
	// HeadlineQualifier and HeadlineBound are those of that estimate
	// (see Breakout).
	HeadlineQualifier state.Qualifier  `json:"headline_qualifier,omitempty"`
	HeadlineBound     string           `json:"headline_bound,omitempty"`
	Evidence          []state.Evidence `json:"evidence"`
}

// ChangeRange runs from the last known state, nothing lost
// (FromDays), to the damage assumptions (ToDays: nil when they leave no
// path with the declared plants).
type ChangeRange struct {
	Lost     calendar.Date `json:"lost"`
	FromDays *float64      `json:"from_days"`
	ToDays   *float64      `json:"to_days"`
	// FromQualifier and ToQualifier say when either end is a bound, as
	// Breakout.HeadlineQualifier does.
	FromQualifier state.Qualifier `json:"from_qualifier,omitempty"`
	ToQualifier   state.Qualifier `json:"to_qualifier,omitempty"`
	Damage        Damage          `json:"damage"`
	Text          string          `json:"text"`
}

// Headline is the figure to quote: the estimate's headline, or nil.
func (b *Breakout) Headline() *float64 {
	if b == nil || b.Estimate == nil || b.Status != Estimated {
		return nil
	}
	return b.Estimate.HeadlineDays
}

// BreakoutOptions set a dated estimate.
type BreakoutOptions struct {
	SQ         enrich.Convention
	Convention breakout.Convention
	// Machines is Enriching (the default) or Installed.
	Machines string
	// Samples and Seed set the band; Samples 0 leaves it out.
	Samples int
	Seed    uint64
	// Damage sets the far end of the range after a loss of knowledge;
	// nil is DefaultDamage.
	Damage *Damage
}

// Normalize fills the defaults of o and checks it; an invalid option is a
// *input.Error naming it.
func (o BreakoutOptions) Normalize() (BreakoutOptions, error) {
	if o.SQ == "" {
		o.SQ = enrich.WGU25
	}
	if _, err := enrich.ParseConvention(string(o.SQ)); err != nil {
		return o, &input.Error{Field: "sq", Rule: fmt.Sprintf("must be %q or %q, got %q", enrich.WGU25, enrich.IAEA, o.SQ)}
	}
	c, err := breakout.ParseConvention(string(o.Convention))
	if err != nil {
		return o, &input.Error{Field: "convention", Rule: err.Error()}
	}
	o.Convention = c
	switch o.Machines {
	case "":
		o.Machines = Enriching
	case Enriching, Installed:
	default:
		return o, &input.Error{Field: "machines", Rule: fmt.Sprintf("must be %q or %q, got %q", Enriching, Installed, o.Machines)}
	}
	if o.Damage == nil {
		d := DefaultDamage
		o.Damage = &d
	}
	if err := o.Damage.Validate(); err != nil {
		return o, err
	}
	return o, nil
}

// BreakoutAt is the breakout estimate at date from facts. An invalid option
// returns a *input.Error naming it.
func BreakoutAt(facts []state.Fact, date calendar.Date, opt BreakoutOptions) (*Breakout, error) {
	opt, err := opt.Normalize()
	if err != nil {
		return nil, err
	}
	b, err := breakoutOf(state.At(facts, date), opt)
	if err != nil || b.Status != UnknownEstimate {
		return b, err
	}
	// The latest date, before this one, at which the figures were known.
	lost := state.At(facts, date).Knowledge.Lost
	for _, d := range stockDates(facts, date) {
		if !lost.IsZero() && d.After(lost) {
			continue
		}
		prev, err := breakoutOf(state.At(facts, d), opt)
		if err != nil {
			return nil, err
		}
		if prev.Status != Estimated {
			continue
		}
		e := prev.Estimate
		b.LastKnown = &LastKnown{AsOf: d, HeadlineDays: e.HeadlineDays, HeadlineQualifier: prev.HeadlineQualifier, HeadlineBound: prev.HeadlineBound, Evidence: prev.Evidence}
		if u := e.Uncertainty; u != nil {
			b.LastKnown.P10Days, b.LastKnown.P90Days = u.P10Days, u.P90Days
		}
		if !lost.IsZero() {
			b.Since, err = sinceLost(prev, lost, opt)
			if err != nil {
				return nil, err
			}
		}
		break
	}
	return b, nil
}

// stockDates are the dates of stock figures on or before date, latest
// first: for a figure known only to its month, the month's last day, the
// first on which a view takes it.
func stockDates(facts []state.Fact, date calendar.Date) []calendar.Date {
	var ds []calendar.Date
	for _, f := range facts {
		if f.Metric == state.EnrichedUraniumKgU && f.LevelPct == 0 && !f.Latest().After(date) {
			ds = append(ds, f.Latest())
		}
	}
	slices.SortFunc(ds, func(a, b calendar.Date) int { return b.Compare(a) })
	return slices.CompactFunc(ds, calendar.Date.Equal)
}

// UninspectedPlants is what no breakout estimate counts: it rests on
// the plants the inspectorate has seen.
const UninspectedPlants = "a plant the inspectorate has not inspected, undeclared or declared, is not in this estimate"

// sinceLost runs the last known estimate again under the damage
// assumptions.
func sinceLost(known *Breakout, lost calendar.Date, opt BreakoutOptions) (*ChangeRange, error) {
	d := *opt.Damage
	r := &ChangeRange{Lost: lost, FromDays: known.Estimate.HeadlineDays, FromQualifier: known.HeadlineQualifier, Damage: d}
	sc := *known.Scenario
	sc.Name = "last known state with the damage assumptions"
	sc.Inventory = slices.Clone(sc.Inventory)
	for i := range sc.Inventory {
		sc.Inventory[i].MassKgU *= d.StockFraction
	}
	sc.Fleet = slices.Clone(sc.Fleet)
	for i := range sc.Fleet {
		g := &sc.Fleet[i]
		g.Count = int(float64(g.Count) * d.FleetFraction)
		g.Cascades = min(g.Cascades, int(float64(g.Cascades)*d.FleetFraction))
		if g.Count == 0 {
			g.Cascades = 0
		}
	}
	res, err := breakout.Run(sc, opt.Samples, opt.Seed)
	if err != nil {
		return nil, err
	}
	r.ToDays = res.HeadlineDays
	// The true figures scaled as the last known ones are: the same
	// bounds, read on the scenario after the damage.
	if r.ToQualifier, _, _, err = bounds(sc, known.figures); err != nil {
		return nil, err
	}
	assume := fmt.Sprintf("%s of the last known fleet working and %s of the last known stock in place",
		pct(d.FleetFraction), pct(d.StockFraction))
	to := fmt.Sprintf("%s (%s)", daysText(r.ToDays, r.ToQualifier), assume)
	if r.ToDays == nil {
		to = fmt.Sprintf("no path with the declared plants (%s); %s", assume, UninspectedPlants)
	}
	r.Text = fmt.Sprintf("since the inspectorate lost access on %s the figures are unknown: from %s if nothing was lost since (the last known plants and stock, untouched: a bound, not an estimate) to %s",
		lost, daysText(r.FromDays, r.FromQualifier), to)
	return r, nil
}

func pct(f float64) string { return fmt.Sprintf("%g %%", f*100) }

// daysText is days for people, with the words of their qualifier: "at
// least 5.4 days".
func daysText(d *float64, q state.Qualifier) string {
	if d == nil {
		return "no path"
	}
	return fmt.Sprintf("%s%.1f days", q.Words(), *d)
}

// LaterNotes say which documents of evs, whose figures are of dates on or
// before date, were published only after it: "figures from IAEA
// GOV/2025/8, published 2025-02-26, after this date".
func LaterNotes(evs []state.Evidence, date calendar.Date) []string {
	var out []string
	for _, e := range state.PublishedLater(evs, date) {
		out = append(out, "figures from "+e.Label()+", "+e.Hindsight(date))
	}
	return out
}

// breakoutOf estimates from one state.
func breakoutOf(s *state.State, opt BreakoutOptions) (*Breakout, error) {
	b := &Breakout{AsOf: s.AsOf, Convention: opt.Convention, ConventionText: opt.Convention.Describe(), SQ: opt.SQ, Machines: opt.Machines,
		Notes: []string{}, Evidence: []state.Evidence{}}
	sc, notes, evidence, unknown, figs := scenarioOf(s, opt)
	b.Notes, b.Evidence = notes, evidence
	// Figures of dates on or before this one that were published only
	// after it: the estimate is of the state as measured, not as known.
	b.Notes = append(b.Notes, LaterNotes(evidence, s.AsOf)...)
	if len(unknown) > 0 {
		b.Status = UnknownEstimate
		b.Reason = unknown[0]
		if lost := s.Knowledge.Lost; !lost.IsZero() && s.AsOf.After(lost) {
			b.Reason = fmt.Sprintf("the inspectorate lost access on %s: the stock and the centrifuges are unknown since", lost)
		} else if len(unknown) > 1 {
			b.Reason = fmt.Sprintf("%s (and %d more unknown figures)", unknown[0], len(unknown)-1)
		}
		b.Notes = append(b.Notes, unknown...)
		return b, nil
	}
	res, err := breakout.Run(sc, opt.Samples, opt.Seed)
	if err != nil {
		var fe *input.Error
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("breakout from the state at %s: %w", s.AsOf, err)
		}
		return nil, err
	}
	b.Estimate, b.Scenario = res, &sc
	b.Status = Estimated
	if res.FirstSQDays == nil {
		b.Status, b.Reason = NotReachable, res.Unreachable
		// No path on counts of none that may no longer hold says so.
		var old []string
		for _, f := range figs {
			if f.absent != nil {
				old = append(old, fmt.Sprintf("%s: %g %s, %s%s", f.figure, f.v.Value, f.unit, f.stale, cited(f.v.Evidence)))
			}
		}
		if len(old) > 0 {
			b.Reason += "; it rests on counts of no machines last reported long before this date, to which machines may have been added since: " + strings.Join(old, "; ")
		}
		return b, nil
	}
	if b.HeadlineQualifier, b.HeadlineBound, b.Bounds, err = bounds(sc, figs); err != nil {
		return nil, err
	}
	b.figures = figs
	return b, nil
}

// BreakoutScenario turns a state into a breakout scenario: each known stock
// level as a lot at its calculation assay, and the centrifuges of each
// catalogue type at each site (enriching, or installed), with the cascades
// they form where a report gives them. It returns what was left out
// (notes), the evidence used, and the figures whose absence makes the
// estimate unknown.
func BreakoutScenario(s *state.State, opt BreakoutOptions) (sc breakout.Scenario, notes []string, evidence []state.Evidence, unknown []string) {
	sc, notes, evidence, unknown, _ = scenarioOf(s, opt)
	return sc, notes, evidence, unknown
}

// scenarioOf is BreakoutScenario that also returns the figures used that
// are not exact.
func scenarioOf(s *state.State, opt BreakoutOptions) (sc breakout.Scenario, notes []string, evidence []state.Evidence, unknown []string, figs []boundFigure) {
	sc = breakout.Scenario{
		Name:       "the state reported as of " + s.AsOf.String(),
		Convention: opt.Convention,
		Target:     breakout.Target{AssayPct: 90, QuantitySQ: 1, SQ: opt.SQ},
	}
	notes, evidence = []string{}, []state.Evidence{}
	if !s.Inventory.Total.Known {
		unknown = append(unknown, "the stock is unknown: "+s.Inventory.Total.Unknown)
	}
	// The part of the total the levels reported leave to those not
	// reported, which bounds each of them.
	rest := s.Inventory.Total.Value
	for _, l := range s.Inventory.ByLevel {
		if l.Mass.Known {
			rest -= l.Mass.Value
		}
	}
	for _, l := range s.Inventory.ByLevel {
		if !l.Mass.Known && l.NotReported && s.Inventory.Total.Known && rest > 0 {
			// Left out, not counted as none: the estimate says it could
			// only be shorter with it, where the model moves one way.
			t := s.Inventory.Total
			rest := math.Round(rest*1e6) / 1e6
			notes = append(notes, fmt.Sprintf("stock up to %g %%: not reported by level as of %s, left out (at most the %g kg U of the total the levels reported leave)", l.MaxAssayPct, t.Date, rest))
			figs = append(figs, boundFigure{lot: -1, group: -1, leftOut: &breakout.Lot{MassKgU: rest, AssayPct: l.AssayPct},
				figure: fmt.Sprintf("the stock at up to %g %%", l.MaxAssayPct), unit: "kg U",
				v: state.Value{Known: true, Value: rest, Qualifier: state.AtMost, Date: t.Date, Status: state.Derived, Evidence: t.Evidence}})
			continue
		}
		if !l.Mass.Known {
			unknown = append(unknown, fmt.Sprintf("the stock up to %g %% is unknown: %s", l.MaxAssayPct, l.Mass.Unknown))
			continue
		}
		m := l.Mass
		label := fmt.Sprintf("up to %g %% stock, %s%g kg U (%s), as of %s", l.MaxAssayPct, m.Qualifier.Words(), m.Value, m.Status, m.When())
		sc.Inventory = append(sc.Inventory, breakout.Lot{Label: label, MassKgU: m.Value, AssayPct: l.AssayPct})
		evidence = append(evidence, m.Evidence...)
		if m.Qualifier != state.Exact {
			notes = append(notes, fmt.Sprintf("stock up to %g %%: %s%g kg U counted as %g", l.MaxAssayPct, m.Qualifier.Words(), m.Value, m.Value))
			figs = append(figs, boundFigure{lot: len(sc.Inventory) - 1, group: -1, figure: fmt.Sprintf("the stock at up to %g %%", l.MaxAssayPct), v: m, unit: "kg U"})
		}
	}
	if s.Inventory.Total.Known && len(s.Inventory.ByLevel) == 0 {
		unknown = append(unknown, "the stock by enrichment level is unknown: the reports give only a total")
	}

	basis := state.CentrifugesEnriching
	if opt.Machines == Installed {
		basis = state.CentrifugesInstalled
	}
	for _, c := range s.Centrifuges {
		v, fromEnriching := c.Enriching, false
		if basis == state.CentrifugesInstalled {
			// No report of the machines installed, only of those
			// enriching: at least those are installed. Counting none
			// would take machines known to exist for zero.
			v, fromEnriching = c.InstalledAtLeast()
			switch e := c.Enriching; {
			case fromEnriching:
				notes = append(notes, fmt.Sprintf("%s at %s: no report of the machines installed; at least the %g enriching (as of %s) counted", c.Machine, c.Site, e.Value, e.Date))
			case !v.Known && v.Evidence == nil && e.Known && e.Value > 0:
				notes = append(notes, fmt.Sprintf("%s at %s: no report of the machines installed, and the %s%g enriching (as of %s) bound them from neither side: not counted, so breakout may be shorter", c.Machine, c.Site, e.Qualifier.Words(), e.Value, e.Date))
			}
		}
		if !v.Known && v.Evidence == nil {
			continue // never reported for this basis
		}
		if !v.Known {
			unknown = append(unknown, fmt.Sprintf("the %s %s at %s are unknown: %s", opt.Machines, c.Machine, c.Site, v.Unknown))
			continue
		}
		// A count reported too long before this date may have changed
		// without a report: it bounds the estimate no one way.
		stale := ""
		if basis.TooOldToBound(v, s.AsOf) {
			stale = fmt.Sprintf("last reported %s, %s before this date", v.Date, state.Age(v.Date.DaysUntil(s.AsOf)))
		}
		if v.Value <= 0 {
			if stale != "" {
				// An old count of none leaves the group out of the fleet
				// like a current one, but machines may have been added
				// since: it is named, as other old counts are.
				figs = append(figs, boundFigure{lot: -1, group: -1, figure: fmt.Sprintf("the %s %s at %s", c.Machine, opt.Machines, c.Site), v: v, unit: "machines", stale: stale,
					absent: &breakout.Group{Machine: c.Machine, Site: c.Site, Count: breakout.DefaultCascadeSize}})
			}
			continue
		}
		if _, ok := breakout.LookupMachine(c.Machine); !ok {
			notes = append(notes, fmt.Sprintf("%g %s at %s left out: not in the machine catalogue", v.Value, c.Machine, c.Site))
			continue
		}
		g := breakout.Group{Machine: c.Machine, Site: c.Site, Count: int(v.Value)}
		fig := boundFigure{lot: -1, group: len(sc.Fleet), figure: fmt.Sprintf("the %s %s at %s", c.Machine, opt.Machines, c.Site), v: v, unit: "machines", stale: stale}
		if fromEnriching {
			// More machines than those enriching form more cascades of the
			// default size, which the band does not follow one way.
			fig.figure = fmt.Sprintf("the %s installed at %s, at least those enriching", c.Machine, c.Site)
			fig.noWay = "the model does not move one way with the cascades more machines would form"
		}
		if k := c.CascadesEnriching; basis == state.CentrifugesEnriching && k.Known && k.Value >= 1 && k.Value <= v.Value {
			g.Cascades = int(k.Value)
			evidence = append(evidence, k.Evidence...)
			if k.Qualifier != state.Exact {
				fig.cascades = &k
			}
		}
		sc.Fleet = append(sc.Fleet, g)
		evidence = append(evidence, v.Evidence...)
		if v.Qualifier != state.Exact && !fromEnriching {
			notes = append(notes, fmt.Sprintf("%s at %s: %s%g %s counted as %g", c.Machine, c.Site, v.Qualifier.Words(), v.Value, opt.Machines, v.Value))
		}
		if v.Qualifier != state.Exact || fig.cascades != nil || stale != "" {
			figs = append(figs, fig)
		}
	}
	if len(sc.Fleet) == 0 && len(unknown) == 0 {
		if !slices.ContainsFunc(s.Centrifuges, func(c state.Centrifuges) bool { return c.Enriching.Known || c.Installed.Known }) {
			unknown = append(unknown, "no report of the centrifuges on or before "+s.AsOf.String())
		} else {
			notes = append(notes, fmt.Sprintf("no %s centrifuges are reported at this date", opt.Machines))
		}
	}
	return sc, notes, evidence, unknown, figs
}

// LimitsBreakout is the breakout estimate at the most an agreement
// permits, beside the figure the agreement was designed to keep.
type LimitsBreakout struct {
	Breakout
	Goal *agreement.BreakoutGoal `json:"goal,omitempty"`
	// Comparison says how the estimate stands against the goal, and why
	// they may differ.
	Comparison string `json:"comparison,omitempty"`
}

// AtLimits estimates breakout at the most a permits: a stock of its
// stockpile limit at its enrichment limit, with the centrifuges its limits
// let enrich (by type and site). It returns nil when the agreement limits
// neither the stock nor the enrichment level.
func AtLimits(a *agreement.Agreement, opt BreakoutOptions) (*LimitsBreakout, error) {
	opt, err := opt.Normalize()
	if err != nil {
		return nil, err
	}
	var stock, level *agreement.Commitment
	var fleet []breakout.Group
	var refs []string
	for i := range a.Commitments {
		c := &a.Commitments[i]
		l := c.Limit
		switch {
		case l == nil:
		case l.Metric == string(state.EnrichedUraniumKgU) && l.AbovePct == 0 && l.Site == "":
			stock = c
		case l.Metric == string(state.MaxEnrichmentPct):
			level = c
		case l.Metric == string(state.CentrifugesEnriching) && l.Max > 0 && len(l.Machines) == 1:
			fleet = append(fleet, breakout.Group{Machine: l.Machines[0], Site: l.Site, Count: int(l.Max)})
			refs = append(refs, c.Ref)
		}
	}
	if stock == nil || level == nil {
		return nil, nil
	}
	refs = append([]string{stock.Ref, level.Ref}, refs...)
	sc := breakout.Scenario{
		Name:       "at the agreement's limits",
		Convention: opt.Convention,
		Inventory: []breakout.Lot{{Label: fmt.Sprintf("stockpile limit, %g kg U at %g %%", stock.Limit.Max, level.Limit.Max),
			MassKgU: stock.Limit.Max, AssayPct: level.Limit.Max}},
		Fleet:  fleet,
		Target: breakout.Target{AssayPct: 90, QuantitySQ: 1, SQ: opt.SQ},
	}
	res, err := breakout.Run(sc, opt.Samples, opt.Seed)
	if err != nil {
		return nil, err
	}
	lb := &LimitsBreakout{Breakout: Breakout{Status: Estimated, Convention: opt.Convention, ConventionText: opt.Convention.Describe(), SQ: opt.SQ,
		Machines: Enriching, Estimate: res, Scenario: &sc, Notes: []string{"limits: " + strings.Join(refs, "; ")}, Evidence: []state.Evidence{}},
		Goal: a.BreakoutGoal}
	if res.FirstSQDays == nil {
		lb.Status, lb.Reason = NotReachable, res.Unreachable
	}
	if g := lb.Goal; g != nil && res.HeadlineDays != nil {
		d := *res.HeadlineDays
		band := ""
		if u := res.Uncertainty; u != nil && u.P10Days != nil && u.P90Days != nil {
			band = fmt.Sprintf(" (10th to 90th percentile %.0f to %.0f)", *u.P10Days, *u.P90Days)
		}
		verdict := fmt.Sprintf("at or above the design figure of %s (%g days)", g.Text, g.DaysAtLeast)
		if d < g.DaysAtLeast {
			verdict = fmt.Sprintf("%.0f days short of the design figure of %s (%g days)", g.DaysAtLeast-d, g.Text, g.DaysAtLeast)
		}
		lb.Comparison = fmt.Sprintf("At the agreement's limits (%s) breakout is %.0f days%s, %s. The design figure rests on modelling that was not published; "+
			"this estimate assumes the %s convention: %s.", limitsText(sc), d, band, verdict, opt.Convention, res.Timing.Text)
	}
	return lb, nil
}

// limitsText says a limits scenario in words: "202.8 kg U at 3.67 %,
// 5060 IR-1 at Natanz FEP".
func limitsText(sc breakout.Scenario) string {
	var parts []string
	for _, l := range sc.Inventory {
		parts = append(parts, fmt.Sprintf("%g kg U at %g %%", l.MassKgU, l.AssayPct))
	}
	for _, g := range sc.Fleet {
		p := fmt.Sprintf("%d %s", g.Count, g.Machine)
		if g.Site != "" {
			p += " at " + g.Site
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}
