package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/state"
)

// Bound is a figure a dated estimate rests on that its source gave only as
// a bound ("did not exceed 300 kg UF6", "more than 1,000 IR-1") or as
// about a value, or that was last reported too long before the estimate's
// date to bound it one way (Stale), and how it bounds the estimate.
type Bound struct {
	// Input is "stock" for a stock level's mass, "fleet" for a number of
	// machines or of cascades.
	Input string `json:"input"`
	// Figure names it: "the stock at up to 5 %", "the IR-1 enriching at
	// Natanz FEP".
	Figure string `json:"figure"`
	// Value, Qualifier and Unit are the figure as its source gave it,
	// AsOf its date.
	Value     float64         `json:"value"`
	Qualifier state.Qualifier `json:"qualifier"`
	// AtLeast, of a figure "up to" Value, is the least it can be where
	// its source bounds it from below too; the estimate rests on Value.
	AtLeast float64       `json:"at_least,omitempty"`
	Unit    string        `json:"unit"`
	AsOf    calendar.Date `json:"as_of"`
	// AsOfPrecision says how much AsOf is known: only the month, or no
	// later than AsOf; absent for the day.
	AsOfPrecision state.DatePrecision `json:"as_of_precision,omitempty" jsonschema:"enum=month,enum=no_later_than"`
	// Effect is how the figure bounds the estimate: AtLeast, the breakout
	// time on the true figure is no shorter than the estimate (a stock
	// that did not exceed the figure, fewer machines); AtMost, no longer;
	// Approx, no one way (an approximate figure, or one the model does not
	// follow one way: Text says why).
	Effect state.Qualifier `json:"effect"`
	// Stale is set for a count of machines last reported longer before the
	// estimate's date than it may be relied on to bound it one way
	// (state.Metric.BoundsOneWayFor): machines may have been added or
	// removed since, so it bounds the estimate no one way, exact or not;
	// but a count of none (Value 0) can only have been wrong by machines
	// added, so it bounds it from above (AtMost) where the model moves one
	// way with them, and never from below.
	Stale bool `json:"stale,omitempty"`
	// LeftOut is set for a stock level not reported by level at the
	// estimate's date: it is not in the scenario, and Value is the most
	// it can be (Qualifier AtMost), the part of the total the levels
	// reported leave.
	LeftOut bool `json:"left_out,omitempty"`
	// Text says all this in words, citing the document.
	Text     string           `json:"text"`
	Evidence []state.Evidence `json:"evidence"`
}

// Amount is the figure with its qualifier, without unit: "up to 1724",
// "at least 332 and up to 1724".
func (b Bound) Amount() string {
	return state.Value{Value: b.Value, Qualifier: b.Qualifier, Floor: b.AtLeast}.Amount()
}

// boundFigure is a figure of a dated scenario that is not exact: a lot
// (lot >= 0) or a fleet group (group >= 0), with the cascades of the
// group when they are used and not exact.
type boundFigure struct {
	lot, group int
	figure     string
	v          state.Value
	unit       string
	cascades   *state.Value
	// noWay, when set, says why the figure bounds the estimate no one
	// way although it is a bound.
	noWay string
	// stale, when set, says when a count of machines relied on too long
	// after it was reported was last reported ("last reported 2021-03-15,
	// 3.9 years before this date"): it bounds the estimate no one way.
	stale string
	// absent, for an old count of none, is a group of the machines it
	// counts (a cascade's worth) that the scenario leaves out: machines
	// can only have been added since, so the count bounds the estimate
	// one way where the model moves one way with them from none.
	absent *breakout.Group
	// leftOut, when set, is a stock level not reported by level, left
	// out of the scenario: v is the most it can be, and the lot the
	// model's trend is read on.
	leftOut *breakout.Lot
}

// bounds says how the figures that are not exact bound the estimate of sc:
// each figure's effect, from its qualifier and the way the model moves with
// it (breakout.Scenario.LotTrend and GroupTrend), and the estimate's
// qualifier with the reason in words. A stock that did not exceed its
// figure, or fewer machines, can only lengthen breakout where the model
// moves one way with them; more, only shorten it. Figures that bound it
// both ways, or one that moves it no one way, leave it approximate.
func bounds(sc breakout.Scenario, figs []boundFigure) (state.Qualifier, string, []Bound, error) {
	var out []Bound
	for _, f := range figs {
		input := "stock"
		if f.lot < 0 && f.leftOut == nil {
			input = "fleet"
		}
		b := Bound{Input: input, Figure: f.figure, Value: f.v.Value, Qualifier: f.v.Qualifier, AtLeast: f.v.Floor, Unit: f.unit, AsOf: f.v.Date, AsOfPrecision: f.v.DatePrecision, LeftOut: f.leftOut != nil, Evidence: f.v.Evidence}
		if f.stale != "" && f.absent != nil {
			// A count of none can only have been wrong by machines added
			// since: more machines, which can only shorten breakout where
			// the model moves one way with them from none. It never
			// supports an "at least".
			b.Stale = true
			b.Effect, b.Text = state.AtMost, fmt.Sprintf("%s: %g %s, %s%s%s", f.figure, f.v.Value, f.unit, f.stale, cited(f.v.Evidence), staleNoneWords)
			if why, err := absentTrend(sc, *f.absent); err != nil {
				return "", "", nil, err
			} else if why != "" {
				b.Effect, b.Text = state.Approx, fmt.Sprintf("%s: %g %s, %s%s; machines may have been added since; the model does not move one way with them: %s",
					f.figure, f.v.Value, f.unit, f.stale, cited(f.v.Evidence), why)
			}
			out = append(out, b)
			continue
		}
		if f.stale != "" {
			// Whatever its qualifier and whichever way the model moves
			// with it: the count of today may be more or fewer.
			b.Stale, b.Effect = true, state.Approx
			b.Text = fmt.Sprintf("%s: %s %s, %s%s%s",
				f.figure, f.v.Amount(), f.unit, f.stale, cited(f.v.Evidence), staleWords)
			out = append(out, b)
			continue
		}
		as := fmt.Sprintf("%s: %s %s as of %s%s", f.figure, f.v.Amount(), f.unit, f.v.When(), cited(f.v.Evidence))
		more, less := "more stock", "less stock"
		if f.group >= 0 {
			more, less = "more machines", "fewer machines"
		}
		var trend breakout.Trend
		var err error
		switch {
		case f.leftOut != nil:
			with := sc
			with.Inventory = append(slices.Clone(sc.Inventory), *f.leftOut)
			trend, err = with.LotTrend(len(with.Inventory) - 1)
		case f.lot >= 0:
			trend, err = sc.LotTrend(f.lot)
		default:
			trend, err = sc.GroupTrend(f.group, f.v.Qualifier.Upper())
		}
		if err != nil {
			return "", "", nil, err
		}
		k := f.cascades
		joint := k != nil && (k.Qualifier.Upper() && f.v.Qualifier.Upper() || k.Qualifier.Lower() && f.v.Qualifier.Lower())
		if joint {
			// "Up to 1,724 machines in up to 10 cascades": cascades of
			// the size reported, some of which may not run.
			as = fmt.Sprintf("%s: %s %s in %s cascades as of %s%s, read as cascades of the size reported", f.figure, f.v.Amount(), f.unit,
				k.Amount(), f.v.Date, cited(f.v.Evidence))
		}
		switch {
		case f.leftOut != nil && !trend.OneWay:
			b.Effect, b.Text = state.Approx, fmt.Sprintf("%s: not reported by level as of %s, at most %g %s%s, left out; the model does not move one way with it: %s", f.figure, f.v.Date, f.v.Value, f.unit, cited(f.v.Evidence), trend.Why)
		case f.leftOut != nil:
			b.Effect, b.Text = state.AtMost, fmt.Sprintf("%s: not reported by level as of %s, at most %g %s%s, left out; more stock can only shorten breakout", f.figure, f.v.Date, f.v.Value, f.unit, cited(f.v.Evidence))
		case f.v.Qualifier == state.Exact:
			// Only the cascades are a bound: below.
		case f.v.Qualifier == state.Approx:
			b.Effect, b.Text = state.Approx, as
		case f.noWay != "":
			b.Effect, b.Text = state.Approx, as+"; "+f.noWay
		case !trend.OneWay:
			b.Effect, b.Text = state.Approx, as+"; the model does not move one way with it: "+trend.Why
		case f.v.Qualifier.Upper():
			b.Effect, b.Text = state.AtLeast, fmt.Sprintf("%s; %s can only lengthen breakout", as, less)
		default:
			b.Effect, b.Text = state.AtMost, fmt.Sprintf("%s; %s can only shorten breakout", as, more)
		}
		if b.Effect != "" {
			out = append(out, b)
		}
		if k != nil && !joint {
			// A number of cascades bounded on its own: with the machines
			// as they are, fewer and larger cascades can shorten the
			// high-enrichment steps, more and smaller ones lengthen them.
			out = append(out, Bound{Input: "fleet", Figure: "the cascades of " + strings.TrimPrefix(f.figure, "the "), Value: k.Value, Qualifier: k.Qualifier, AtLeast: k.Floor, Unit: "cascades", AsOf: k.Date,
				Effect: state.Approx, Evidence: k.Evidence,
				Text: fmt.Sprintf("the cascades of %s: %s as of %s%s; the model does not move one way with the number of cascades a given number of machines forms",
					strings.TrimPrefix(f.figure, "the "), k.Amount(), k.Date, cited(k.Evidence))})
		}
	}
	q, why := CombineBounds(out, "breakout")
	return q, why, out, nil
}

// staleWords end the words of a stale count (Bound.Stale); staleNoneWords
// those of a stale count of none that bounds the estimate from above.
const (
	staleWords     = "; machines may have been added or removed since"
	staleNoneWords = "; machines may have been added since, which can only shorten breakout"
)

// absentTrend says why the estimate of sc does not move one way with
// machines of g added where none were counted, or "" when it does (more
// machines can only shorten breakout).
func absentTrend(sc breakout.Scenario, g breakout.Group) (string, error) {
	if _, ok := breakout.LookupMachine(g.Machine); !ok {
		return "the " + g.Machine + " is not in the machine catalogue", nil
	}
	sc.Fleet = append(slices.Clone(sc.Fleet), g)
	t, err := sc.GroupTrend(len(sc.Fleet)-1, true)
	if err != nil || t.OneWay {
		return "", err
	}
	// The one case GroupTrend names: the only advanced machines with a
	// cascade run the high-enrichment steps alone.
	return fmt.Sprintf("%s at %s added would be the only advanced machines with a cascade and alone run the high-enrichment steps, which every machine may run without them: that can make breakout longer",
		g.Machine, g.Site), nil
}

// CombineBounds is the qualifier of a figure that the bounds bs bound
// each by its Effect, with the reason in words: AtLeast or AtMost when
// they all bound it one way, Approx when they bound it both ways or one of
// them no one way, Exact ("") when there are none. what names the figure
// in the reason ("breakout", "the warning time").
func CombineBounds(bs []Bound, what string) (state.Qualifier, string) {
	if len(bs) == 0 {
		return state.Exact, ""
	}
	effects := map[state.Qualifier]bool{}
	var texts, stale, none []string
	for _, b := range bs {
		effects[b.Effect] = true
		if t, ok := strings.CutSuffix(b.Text, staleWords); ok && b.Stale {
			stale = append(stale, t)
			continue
		}
		if t, ok := strings.CutSuffix(b.Text, staleNoneWords); ok && b.Stale {
			none = append(none, t)
			continue
		}
		texts = append(texts, b.Text)
	}
	switch {
	case len(stale) == 1:
		texts = append(texts, stale[0]+staleWords)
	case len(stale) > 1:
		// Said once for them all.
		texts = append(texts, "counts of machines last reported long before this date, which may have been added or removed since: "+strings.Join(stale, "; "))
	}
	switch {
	case len(none) == 1:
		texts = append(texts, none[0]+staleNoneWords)
	case len(none) > 1:
		texts = append(texts, "counts of no machines last reported long before this date, to which machines may have been added since, which can only shorten breakout: "+strings.Join(none, "; "))
	}
	why := strings.Join(texts, "; ")
	switch {
	case len(effects) == 1 && effects[state.AtLeast]:
		return state.AtLeast, fmt.Sprintf("a lower bound: %s on the true figures could only be longer: %s", what, why)
	case len(effects) == 1 && effects[state.AtMost]:
		return state.AtMost, fmt.Sprintf("an upper bound: %s on the true figures could only be shorter: %s", what, why)
	case effects[state.AtLeast] && effects[state.AtMost]:
		return state.Approx, "approximate: the figures bound it both ways: " + why
	}
	return state.Approx, "approximate: " + why
}

// cited is the first evidence of a figure in brackets, the document and
// where it was seen: " (IAEA report of 30 August 2018, as reported by the
// Arms Control Association)". The same words whether the figure was read
// from the public series or from a log record.
func cited(ev []state.Evidence) string {
	if len(ev) == 0 {
		return ""
	}
	e := ev[0]
	return " (" + state.Citation(e.Kind, e.Document, e.Source, "") + ")"
}
