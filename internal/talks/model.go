package talks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/input"
	"github.com/accordverify/accord/internal/state"
)

// ModelVersion names the evaluation model; a report carries it so that a
// figure can be recomputed and contested. v2 assigns the fleet to the
// steps by a breakout convention (the fleet in cascades by default); v1
// put every machine on every step; v4 adds the band's median, the figure
// the rest of Accord quotes.
const ModelVersion = "accord.talks.breakout-at-limits/v4"

// The terms the model reads.
const (
	TermEnrichmentCap = "enrichment_cap_pct"
	TermStockpileCap  = "stockpile_cap_kg_u"
	// TermCentrifugesPrefix + a machine type ("centrifuges_IR-6") is the
	// number of machines of that type the proposal allows to enrich.
	TermCentrifugesPrefix = "centrifuges_"
)

// Metric names.
const (
	MetricBreakoutDays   = "breakout_days"
	MetricBreakoutP10    = "breakout_days_p10"
	MetricBreakoutP50    = "breakout_days_p50"
	MetricBreakoutP90    = "breakout_days_p90"
	MetricSQPermitted    = "sq_permitted"
	MetricReductionKgU   = "reduction_kg_u"
	MetricCentrifugesOut = "centrifuges_to_remove"
)

// UnreachedBreakoutDays is what a breakout never reached counts as, so
// that red lines and margins on breakout days stay numbers.
const UnreachedBreakoutDays = 100_000

// MetricUnits are the metrics' units.
var MetricUnits = map[string]string{
	MetricBreakoutDays: "days", MetricBreakoutP10: "days", MetricBreakoutP50: "days", MetricBreakoutP90: "days",
	MetricSQPermitted: "SQ (IAEA)", MetricReductionKgU: "kg U", MetricCentrifugesOut: "machines",
	MetricWarningDays: "days",
}

// MetricNames name the metrics in words, for pages and red lines in words.
var MetricNames = map[string]string{
	MetricBreakoutDays: "breakout time (central estimate)", MetricBreakoutP10: "breakout time (10th percentile)",
	MetricBreakoutP50: "breakout time (median of the band)", MetricBreakoutP90: "breakout time (90th percentile)", MetricSQPermitted: "significant quantities permitted",
	MetricReductionKgU: "reduction of the stockpile", MetricCentrifugesOut: "centrifuges to remove",
	MetricWarningDays: "warning time (breakout time less the time to detect it)",
}

// Metrics are the model's metrics in the order pages and reports list
// them: breakout time (central, then its band), warning time, then the
// rest.
var Metrics = []string{MetricBreakoutDays, MetricBreakoutP10, MetricBreakoutP50, MetricBreakoutP90, MetricWarningDays,
	MetricSQPermitted, MetricReductionKgU, MetricCentrifugesOut}

// Model sets how a proposal is evaluated.
type Model struct {
	// Baseline is the latest reported state, from which reductions are
	// counted; nil leaves them out.
	Baseline *state.State
	// SQ is how the breakout target's significant quantity is counted;
	// "" is wgu25.
	SQ enrich.Convention
	// Convention names the breakout assumptions; "" is the default
	// (breakout.DefaultConvention).
	Convention breakout.Convention
	// Samples and Seed set the breakout band; 0 samples leaves it out
	// (the zone explorer evaluates thousands of packages).
	Samples int
	Seed    uint64
	// detections, when set, keeps the median time to detect by inspection
	// terms for one search of many packages (the zone explorer); nil
	// draws it for each evaluation.
	detections map[detectionKey]float64
}

// Evaluation is a proposal's derived metrics.
type Evaluation struct {
	Model string `json:"model"`
	// Metrics are the metrics the model could derive; a metric that
	// depends on a term the proposal leaves open is not among them but in
	// Unknown.
	Metrics map[string]float64 `json:"metrics"`
	// Unknown are the metrics the model could not derive, each with the
	// reason (the open terms it depends on).
	Unknown map[string]string `json:"unknown_metrics,omitempty"`
	// Notes say how the metrics were reached (assumptions, what the
	// proposal leaves unlimited).
	Notes []string `json:"notes"`
}

// ModelAt is the model that counts reductions from baseline, with the
// breakout target of 25 kg of weapon-grade uranium and the default band.
func ModelAt(baseline *state.State) Model {
	return Model{Baseline: baseline, SQ: enrich.WGU25, Samples: breakout.DefaultSamples, Seed: breakout.DefaultSeed}
}

// Evaluate turns a package into metrics at the most it permits: breakout
// to one significant quantity of 90 % uranium from a stock of the
// stockpile cap at the enrichment cap, with the centrifuges it allows
// enriching (the catalogue's capacities and default tails, assigned to
// the steps by the model's convention; breakout_days is the estimate with
// every input at its central value, which red lines and the zone explorer
// read, the p10, p50 and p90 metrics its band); the
// significant quantities that stock holds; and, from the baseline, the
// enriched uranium to ship out or down-blend and the centrifuges to
// remove.
//
// The package is read as a proposal on space s: a centrifuge term of s
// that the package leaves open is neither none nor unlimited but unknown,
// and so is every metric that depends on it (the breakout days, their
// band and the warning days when enrichment is permitted; the
// centrifuges to remove when the baseline reports machines of that type).
// Those metrics are left out of Metrics and listed in Unknown with the
// open terms. A nil space is a package that leaves nothing open.
func (m Model) Evaluate(s *Space, p Package) (*Evaluation, error) { return m.evaluate(s, p, true) }

// evaluate is Evaluate; without notes it computes the metrics alone,
// the breakout days without the estimate's steps and texts (the zone
// explorer evaluates thousands of packages).
func (m Model) evaluate(s *Space, p Package, notes bool) (*Evaluation, error) {
	ev := &Evaluation{Model: ModelVersion, Metrics: map[string]float64{}, Notes: []string{}}
	open := openCentrifugeTerms(s, p)
	capPct, ok := number(p, TermEnrichmentCap)
	if !ok {
		return nil, input.Errorf("values."+TermEnrichmentCap, "the model needs the enrichment cap (percent)")
	}
	stockKg, ok := number(p, TermStockpileCap)
	if !ok {
		return nil, input.Errorf("values."+TermStockpileCap, "the model needs the stockpile cap (kg U)")
	}
	sq := m.SQ
	if sq == "" {
		sq = enrich.WGU25
	}
	sc := breakout.Scenario{Name: "proposal at its limits", Convention: m.Convention, Target: breakout.Target{AssayPct: 90, QuantitySQ: 1, SQ: sq}}
	if capPct > 0 && stockKg > 0 {
		sc.Inventory = []breakout.Lot{{MassKgU: stockKg, AssayPct: capPct}}
		if notes {
			sc.Inventory[0].Label = fmt.Sprintf("stockpile cap %g kg U at %g %%", stockKg, capPct)
		}
		sq, err := enrich.IAEA.SignificantQuantities(stockKg, enrich.MustPercent(capPct))
		if err != nil {
			return nil, input.Errorf("values."+TermEnrichmentCap, "%v", err)
		}
		ev.Metrics[MetricSQPermitted] = sq
	} else {
		ev.Metrics[MetricSQPermitted] = 0
		ev.Notes = append(ev.Notes, "no enriched stock permitted: breakout starts from natural uranium")
	}
	allowed := map[string]float64{}
	for _, id := range sortedKeys(p) {
		machine, ok := strings.CutPrefix(id, TermCentrifugesPrefix)
		if !ok || p[id].Number == nil {
			continue
		}
		if _, known := breakout.LookupMachine(machine); !known {
			return nil, input.Errorf("values."+id, "%q is not in the machine catalogue", machine)
		}
		allowed[machine] = *p[id].Number
		if n := int(*p[id].Number); n > 0 && capPct > 0 {
			sc.Fleet = append(sc.Fleet, breakout.Group{Machine: machine, Count: n})
		}
	}
	fleetUnknown := capPct > 0 && len(open) > 0
	if fleetUnknown {
		why := leavesOpen(open)
		ev.unknown(MetricBreakoutDays, why)
		if m.Samples > 0 {
			ev.unknown(MetricBreakoutP10, why)
			ev.unknown(MetricBreakoutP50, why)
			ev.unknown(MetricBreakoutP90, why)
		}
		ev.unknown(MetricWarningDays, why)
	} else if len(sc.Fleet) == 0 {
		ev.Metrics[MetricBreakoutDays] = UnreachedBreakoutDays
		ev.Notes = append(ev.Notes, fmt.Sprintf("no centrifuge may enrich: breakout is not reached (counted as %d days)", UnreachedBreakoutDays))
	} else if !notes {
		first, err := breakout.FirstSQDays(sc)
		if err != nil {
			return nil, err
		}
		ev.Metrics[MetricBreakoutDays] = days(first)
	} else {
		res, err := breakout.Estimate(sc)
		if err != nil {
			return nil, err
		}
		ev.Metrics[MetricBreakoutDays] = days(res.FirstSQDays)
		ev.Notes = append(ev.Notes, res.Assumptions...)
		if m.Samples > 0 {
			band, err := breakout.Band(sc, m.Samples, m.Seed)
			if err != nil {
				return nil, err
			}
			ev.Metrics[MetricBreakoutP10], ev.Metrics[MetricBreakoutP90] = days(band.P10Days), days(band.P90Days)
			ev.Metrics[MetricBreakoutP50] = days(band.P50Days)
		}
	}
	detect, wnotes, err := m.detection(p, stockKg)
	if err != nil {
		return nil, err
	}
	if !fleetUnknown {
		ev.Metrics[MetricWarningDays] = ev.Metrics[MetricBreakoutDays] - detect
	}
	if notes {
		ev.Notes = append(ev.Notes, wnotes...)
	}
	if b := m.Baseline; b != nil {
		var above, below float64
		// The levels the baseline's report does not give, on each side of
		// the cap: together, the part of the total the others leave.
		var notAbove, notBelow []string
		var unknownWhy string
		rest := b.Inventory.Total.Value
		for _, l := range b.Inventory.ByLevel {
			if !l.Mass.Known {
				switch {
				case !l.NotReported:
					unknownWhy = fmt.Sprintf("the baseline's stock up to %g %% is unknown: %s", l.MaxAssayPct, l.Mass.Unknown)
				case l.MaxAssayPct > capPct:
					notAbove = append(notAbove, fmt.Sprintf("up to %g %%", l.MaxAssayPct))
				default:
					notBelow = append(notBelow, fmt.Sprintf("up to %g %%", l.MaxAssayPct))
				}
				continue
			}
			rest -= l.Mass.Value
			if l.MaxAssayPct > capPct {
				above += l.Mass.Value
			} else {
				below += l.Mass.Value
			}
		}
		switch {
		case unknownWhy != "":
		case len(notAbove) > 0 && len(notBelow) > 0:
			unknownWhy = fmt.Sprintf("the baseline's report of the stock does not give its levels %s, which lie on both sides of the %g %% cap", strings.Join(append(notBelow, notAbove...), " and "), capPct)
		case !b.Inventory.Total.Known && len(notAbove)+len(notBelow) > 0:
			unknownWhy = "the baseline's total is unknown: " + b.Inventory.Total.Unknown
		case len(notAbove) > 0:
			// Not reported by level, but all above the cap.
			above += max(0, rest)
		case len(notBelow) > 0:
			below += max(0, rest)
		}
		// A level counts as above the cap when its upper bound is: the
		// reports do not split "up to 5 %" at 3.67 %.
		if unknownWhy != "" {
			ev.unknown(MetricReductionKgU, unknownWhy)
		} else {
			ev.Metrics[MetricReductionKgU] = above + max(0, below-stockKg)
		}
		remove := 0.0
		var types []string
		for _, c := range b.Centrifuges {
			if !slices.Contains(types, c.Machine) {
				types = append(types, c.Machine)
			}
		}
		// A machine type the baseline reports and the proposal leaves
		// open: how many of them are to go is not known.
		var openReported []string
		for _, id := range open {
			if slices.Contains(types, strings.TrimPrefix(id, TermCentrifugesPrefix)) {
				openReported = append(openReported, id)
			}
		}
		var notKnown, atLeast, old []string
		for _, t := range types {
			limit, limited := allowed[t]
			if !limited {
				continue
			}
			in := installedAtLeast(b, t)
			switch {
			case in.why != "":
				notKnown = append(notKnown, in.why)
			default:
				remove += max(0, in.n-limit)
				switch {
				case len(in.old) > 0:
					// Even none to remove rests on the old counts.
					old = append(old, in.old...)
				case in.lower && in.n > limit:
					atLeast = append(atLeast, t)
				}
			}
		}
		switch {
		case len(openReported) > 0:
			ev.unknown(MetricCentrifugesOut, leavesOpen(openReported))
		case len(notKnown) > 0:
			ev.unknown(MetricCentrifugesOut, "the baseline does not give "+strings.Join(notKnown, "; "))
		default:
			ev.Metrics[MetricCentrifugesOut] = remove
			switch {
			case !notes:
			case len(old) > 0:
				ev.Notes = append(ev.Notes, fmt.Sprintf("centrifuges_to_remove is about %g, a bound neither way: it counts machines last reported long before the baseline's date, which may have been added or removed since: %s", remove, strings.Join(old, "; ")))
			case len(atLeast) > 0:
				ev.Notes = append(ev.Notes, fmt.Sprintf("centrifuges_to_remove is at least %g: the baseline gives only a lower bound of the %s installed (where the IAEA reported only the machines enriching, those count)", remove, strings.Join(atLeast, " and ")))
			}
		}
		if notes {
			ev.Notes = append(ev.Notes, "reductions from the state reported as of "+b.AsOf.String())
		}
	}
	return ev, nil
}

// installed is what the baseline says of the machines of one type
// installed at every site.
type installed struct {
	// n is how many: the installed count where reported, else at least
	// the count enriching there; lower says n is only a lower bound.
	n     float64
	lower bool
	// old names each count n rests on that was reported too long before
	// the baseline's date to bound anything one way (see
	// state.Metric.BoundsOneWayFor): machines may have been added or
	// removed since without a report saying so.
	old []string
	// why says which site's count is not known (the baseline had
	// reported it, and no longer knows it); n is then meaningless.
	why string
}

// installedAtLeast is what b says of the machines of type t installed.
func installedAtLeast(b *state.State, t string) installed {
	var in installed
	for _, c := range b.Centrifuges {
		if c.Machine != t {
			continue
		}
		v, fromEnriching := c.InstalledAtLeast()
		basis := state.CentrifugesInstalled
		if fromEnriching {
			basis = state.CentrifugesEnriching
		}
		if !fromEnriching && !v.Known && v.Evidence == nil {
			// Installed never reported here, and the enriching count
			// bounds them from neither side: the enriching one as it
			// stands decides (unknown if no longer known; otherwise
			// an at-most figure, a lower bound of the total below).
			v, basis = c.Enriching, state.CentrifugesEnriching
		}
		switch {
		case !v.Known && v.Evidence == nil:
			continue // neither reported at this site
		case !v.Known:
			return installed{why: fmt.Sprintf("the %s at %s: %s", t, c.Site, v.Unknown)}
		case v.Qualifier == state.AtMost || v.Qualifier == state.Approx:
			// Not a lower bound: the part certainly there is unknown; its
			// upper bound would overstate what is to go.
			in.lower = true
			continue
		case v.Qualifier != state.Exact:
			in.lower = true
		}
		if basis.TooOldToBound(v, b.AsOf) {
			fig := v.Figure("machines installed")
			if basis == state.CentrifugesEnriching {
				fig = c.Enriching.Figure("machines enriching")
			}
			in.old = append(in.old, fmt.Sprintf("the %s at %s: %s, %s before the baseline's date", t, c.Site, fig, state.Age(v.Date.DaysUntil(b.AsOf))))
		}
		in.n += v.Value
	}
	return in
}

// unknown records that metric is not known, and why.
func (ev *Evaluation) unknown(metric, why string) {
	if ev.Unknown == nil {
		ev.Unknown = map[string]string{}
	}
	ev.Unknown[metric] = why
}

// openCentrifugeTerms are the centrifuge terms of s (numeric terms
// "centrifuges_<type>") that p leaves without a number, in the order of
// the space.
func openCentrifugeTerms(s *Space, p Package) []string {
	if s == nil {
		return nil
	}
	var open []string
	for _, t := range s.Terms {
		if t.Kind != Numeric || !strings.HasPrefix(t.ID, TermCentrifugesPrefix) {
			continue
		}
		if _, ok := number(p, t.ID); !ok {
			open = append(open, t.ID)
		}
	}
	return open
}

// leavesOpen says why a metric that depends on the open terms ids is not
// known.
func leavesOpen(ids []string) string {
	return fmt.Sprintf("the proposal leaves %s open (no number of machines is assumed)", strings.Join(ids, ", "))
}

func days(d *float64) float64 {
	if d == nil {
		return UnreachedBreakoutDays
	}
	return *d
}

func number(p Package, id string) (float64, bool) {
	v, ok := p[id]
	if !ok || v.Number == nil {
		return 0, false
	}
	return *v.Number, true
}
