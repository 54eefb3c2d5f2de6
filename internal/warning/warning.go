package warning

import (
	"cmp"
	"context"
	"fmt"
	"math"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/accountancy"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/state"
)

// Statuses of a warning estimate.
const (
	// Estimated: the breakout and the regime are known.
	Estimated = "estimated"
	// UnknownWarning: the breakout time or the regime is not known at the
	// date.
	UnknownWarning = "unknown"
	// NoDetection: no activity able to see a breakout at the declared
	// plants is in force, so verification gives no warning.
	NoDetection = "no-detection"
	// NotReachable: the known stock and fleet give no path to a
	// significant quantity.
	NotReachable = "not-reachable"
)

// Goal is one of the IAEA's timeliness detection goals.
type Goal struct {
	Material string `json:"material"`
	Days     int    `json:"days"`
	// Applies is set on the goal for the breakout's product, highly
	// enriched uranium (unirradiated direct-use material).
	Applies bool `json:"applies"`
}

// TimelinessSource is where the goals come from.
const TimelinessSource = "IAEA Safeguards Glossary (2001 edition), timeliness detection goals; NSSPI, Introduction: History of IAEA Safeguards"

// TimelinessGoals are the IAEA's timeliness detection goals.
var TimelinessGoals = []Goal{
	{Material: "unirradiated direct-use material (HEU, separated plutonium)", Days: 30, Applies: true},
	{Material: "irradiated direct-use material (spent fuel)", Days: 90},
	{Material: "indirect-use material (LEU, natural and depleted uranium)", Days: 365},
}

// Estimate is the warning time at a date.
type Estimate struct {
	Model  string        `json:"model"`
	AsOf   calendar.Date `json:"as_of"`
	Status string        `json:"status"`
	Reason string        `json:"reason"`
	// Breakout is the dated breakout estimate the warning starts from:
	// the same as the breakout at that date, with its band.
	Breakout *compliance.Breakout `json:"breakout"`
	// Regime is every activity's state at the date.
	Regime Regime `json:"regime"`
	// Detection is the time to detect; nil when no activity can detect.
	Detection *Detection `json:"detection_days"`
	// Warning is breakout time minus time to detect; nil unless
	// Estimated.
	Warning *Quantiles `json:"warning_days"`
	// WarningQualifier says when the warning time is only a bound, and
	// which way, as the breakout's HeadlineQualifier does, and
	// WarningBound why: a bound of the breakout time bounds the warning
	// the same way where the time to detect does not move with the
	// figure. The fleet never moves it; the stock is also the loss the
	// material balance would see, so a bound of the stock leaves the
	// warning approximate where the balance is counted, unless the stock
	// is above its figure and the balance detects that loss with
	// certainty.
	WarningQualifier state.Qualifier `json:"warning_qualifier,omitempty"`
	WarningBound     string          `json:"warning_bound,omitempty"`
	// WarningBoundAsBreakout is set when the breakout's bounds bound the
	// warning as they bound the breakout, the material balance changing
	// none of them: a text that says the breakout's bounds may refer to
	// them rather than list them again.
	WarningBoundAsBreakout bool `json:"-"`
	// PCompleteBeforeDetection is the probability that the breakout is
	// done before the inspectorate could know of it; nil when unknown.
	PCompleteBeforeDetection *float64 `json:"p_complete_before_detection"`
	Timeliness               []Goal   `json:"timeliness_goals"`
	TimelinessSource         string   `json:"timeliness_source"`
	// Assumptions say what the figures rest on.
	Assumptions []string `json:"assumptions"`
}

// Options set a dated warning estimate.
type Options struct {
	Breakout compliance.BreakoutOptions
	// Samples and Seed set both Monte Carlo draws; 0 samples is
	// DefaultSamples.
	Samples int
	Seed    uint64
	// Confirm is the time to confirm and report; nil is DefaultConfirm.
	Confirm *Range
	// Regime is the verification regime, the agreement's; without one the
	// warning is unknown.
	Regime []Activity
	// CentralBreakout takes the breakout at its central estimate (every
	// input at its central value) instead of drawing its band: for a
	// report built without bands.
	CentralBreakout bool
	// Detections, when set, keeps the times to detect already drawn, so
	// that estimates at many dates under the same regime (a series) draw
	// each once.
	Detections *Detections
}

// Detections keeps times to detect by everything they depend on: the
// activities counted and their probabilities, the samples, the seed and
// the time to confirm. Not safe for concurrent use.
type Detections struct{ m map[string]*Detection }

func (c *Detections) detect(r Regime, o DetectOptions) (*Detection, error) {
	if c == nil {
		return Detect(r, o)
	}
	key := fmt.Sprintf("%d/%d/%v", o.Samples, o.Seed, o.Confirm)
	for _, a := range r.InForce() {
		key += "|" + a.ID
		if a.Kind == Accountancy {
			// The loss matters only through the balance test's
			// probability, which is 1 for most losses.
			p, err := accountancy.BalanceDetectionProbability(max(o.LossKgU, 0), a.SigmaMUFKgU, cmp.Or(o.Alpha, DefaultAlpha))
			if err != nil {
				return nil, err
			}
			key += fmt.Sprintf("=%v,%v", o.LossKgU > 0, p)
		}
	}
	if d, ok := c.m[key]; ok {
		return d, nil
	}
	d, err := Detect(r, o)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*Detection{}
	}
	c.m[key] = d
	return d, nil
}

// At is the warning estimate at date from facts: the dated breakout
// estimate (with its convention), the regime in force at the same date,
// the time to detect, and their difference. An invalid option is an
// *input.Error naming it.
func At(ctx context.Context, facts []state.Fact, date calendar.Date, o Options) (*Estimate, error) {
	if o.Samples == 0 {
		o.Samples = DefaultSamples
	}
	bo := o.Breakout
	bo.Samples = 0 // the band is drawn below, keeping its samples
	b, err := compliance.BreakoutAt(facts, date, bo)
	if err != nil {
		return nil, err
	}
	if b.Status == compliance.UnknownEstimate && !o.CentralBreakout {
		// The last known estimate and the range since, with their bands.
		bo.Samples = o.Samples
		if b, err = compliance.BreakoutAt(facts, date, bo); err != nil {
			return nil, err
		}
	}
	e := &Estimate{Model: ModelVersion, AsOf: date, Breakout: b, Timeliness: TimelinessGoals, TimelinessSource: TimelinessSource}
	var bdays []float64
	feedKgU := 0.0
	if b.Status != compliance.UnknownEstimate && b.Scenario != nil {
		for _, l := range b.Scenario.Inventory {
			feedKgU += l.MassKgU
		}
		if !o.CentralBreakout {
			// The band as breakout.Run draws it, with its samples.
			u, days, err := breakout.Samples(ctx, *b.Scenario, o.Samples, o.Seed)
			if err != nil {
				return nil, err
			}
			if u != nil {
				b.Estimate.Uncertainty, b.Estimate.HeadlineDays = u, u.P50Days
				bdays = days
			}
		}
		if bdays == nil {
			central := math.Inf(1)
			if d := b.Estimate.FirstSQDays; d != nil {
				central = *d
			}
			bdays = []float64{central}
		}
	}
	st := state.At(facts, date)
	e.Regime = RegimeAt(o.Regime, st)
	e.Assumptions = append(e.Assumptions,
		"a breakout starts at the declared enrichment plants with the declared stock; "+compliance.UninspectedPlants,
		"breakout: "+b.ConventionText,
		ConfirmBasis)
	for _, a := range e.Regime.Activities {
		if a.Counts() {
			e.Assumptions = append(e.Assumptions, a.Name+": "+a.Basis)
		}
	}
	if len(o.Regime) == 0 {
		e.Status, e.Reason = UnknownWarning, "the agreement names no verification regime"
		return e, nil
	}
	if !e.Regime.Known() {
		e.Status, e.Reason = UnknownWarning, "the inspectorate's access at this date is not in the record, so the regime in force is unknown"
		return e, nil
	}
	if len(e.Regime.InForce()) == 0 {
		one := 1.0
		e.Status, e.PCompleteBeforeDetection = NoDetection, &one
		e.Reason = fmt.Sprintf("no verification activity able to see a breakout at the declared plants is in force (the inspectorate's access is %s since %s): a breakout would not be detected by verification, whatever its length",
			state.AccessWords(e.Regime.Access), st.Knowledge.Since)
		if b.Status == compliance.NotReachable {
			e.PCompleteBeforeDetection = nil
		}
		return e, nil
	}
	e.Detection, err = o.Detections.detect(e.Regime, DetectOptions{Samples: o.Samples, Seed: o.Seed, Confirm: o.Confirm, LossKgU: feedKgU})
	if err != nil {
		return nil, err
	}
	if feedKgU <= 0 {
		e.Assumptions = append(e.Assumptions, "the material balance is not counted: the breakout's feed is not known")
	}
	switch b.Status {
	case compliance.UnknownEstimate:
		e.Status, e.Reason = UnknownWarning, "the breakout time is unknown: "+b.Reason
		return e, nil
	case compliance.NotReachable:
		e.Status, e.Reason = NotReachable, "the known stock and centrifuges give no path to a significant quantity: "+b.Reason
		return e, nil
	}
	w, p := combine(bdays, e.Detection.days)
	e.Status, e.Warning, e.PCompleteBeforeDetection = Estimated, &w, &p
	e.Reason = "breakout time minus time to detect, sample by sample"
	e.WarningQualifier, e.WarningBound, e.WarningBoundAsBreakout = warningBound(b, e)
	return e, nil
}

// warningBound is how the bounds of the breakout's figures bound the
// warning time: each as it bounds the breakout, where the time to detect
// does not move with it. The fleet never moves it. The stock is also the
// loss the material balance would see, and the balance, whose inspection
// may fall early in its period, detects first in some samples: a stock
// that did not exceed its figure, a smaller loss, can be detected later,
// so where the balance is counted such a bound leaves the warning
// approximate; a stock above its figure only where the balance does not
// already detect the figure's loss with certainty.
func warningBound(b *compliance.Breakout, e *Estimate) (q state.Qualifier, why string, asBreakout bool) {
	balance := 1.0 // the balance's probability of detecting the loss; 1 when not counted
	counted := false
	for _, a := range e.Detection.Activities {
		if a.Kind == Accountancy && a.Probability != nil {
			counted, balance = true, min(balance, *a.Probability)
		}
	}
	var out []compliance.Bound
	asBreakout = true
	for _, bd := range b.Bounds {
		if bd.Input == "stock" && counted && (bd.Effect == state.AtLeast || bd.Effect == state.AtMost) {
			switch {
			case !bd.Qualifier.Lower():
				bd.Effect, bd.Text = state.Approx, bd.Text+", but less stock would be a smaller loss for the material balance to detect, which can detect it later"
				asBreakout = false
			case balance < 1:
				bd.Effect, bd.Text = state.Approx, bd.Text+", but more stock would be a larger loss for the material balance to detect, which can detect it sooner"
				asBreakout = false
			}
		}
		out = append(out, bd)
	}
	q, why = compliance.CombineBounds(out, "the warning time")
	if q == state.AtLeast || q == state.AtMost {
		why += " (the time to detect does not move with these figures)"
	}
	return q, why, asBreakout
}

// BreakoutBand is the breakout's headline (the median of its band, or the
// central estimate without one) with the band's 10th and 90th
// percentiles; all nil unless the breakout is estimated.
func (e *Estimate) BreakoutBand() Quantiles {
	b := e.Breakout
	if b == nil || b.Status != compliance.Estimated || b.Estimate == nil {
		return Quantiles{}
	}
	q := Quantiles{P50: b.Estimate.HeadlineDays}
	if u := b.Estimate.Uncertainty; u != nil {
		q.P10, q.P90 = u.P10Days, u.P90Days
	}
	return q
}

// combine pairs breakout samples with detection samples (cycling the
// breakout's when it has one) and returns the warning quantiles and the
// share of samples whose breakout completes before detection.
func combine(bdays, ddays []float64) (Quantiles, float64) {
	w := make([]float64, len(ddays))
	before := 0
	for i, d := range ddays {
		b := bdays[i%len(bdays)]
		switch {
		case math.IsInf(b, 1):
			w[i] = math.Inf(1) // never completes: no need of warning
		case math.IsInf(d, 1):
			w[i] = math.Inf(-1)
			before++
		default:
			w[i] = b - d
			if d > b {
				before++
			}
		}
	}
	return quantiles(w), float64(before) / float64(len(ddays))
}
