package state

import (
	"fmt"
	"math"
	"slices"

	"github.com/accordverify/accord/internal/calendar"
)

// StockAbove is the stock enriched above pct, from the levels of the
// breakdown:
//   - a level wholly above pct (the level below it ends at pct or above)
//     counts in full;
//   - a level that straddles pct (the "up to 5 %" level against 3.67 %)
//     counts for nothing when the highest enrichment, as of the level's
//     date or later, was at most pct (the figure that shows it joins the
//     evidence, and the sum is derived), and otherwise for at most its
//     mass, since no report says how much of it lies above;
//   - a level the report does not give (NotReported) can only add to the
//     others: the sum is at least theirs, or unknown without them.
//
// The sum's qualifier follows its parts: exact when all are; at least,
// or more than, when every part bounds from below; at most when every
// part bounds from above; at least the parts that bound from below when
// the rest are "up to"; otherwise (about so much beside bounds, or only
// bounds that point different ways) unknown. It is dated by its oldest
// part, with the precision of that date, and has the least trusted
// status of its parts. When a part is not known at the date, the sum is
// not either, but keeps the sum of the last figures for a finding to say
// what it last showed.
func (s *State) StockAbove(pct float64) Value {
	inv := s.Inventory
	if len(inv.ByLevel) == 0 {
		if !inv.Total.Known {
			return inv.Total
		}
		return Value{Unknown: fmt.Sprintf("the report of %s gives no stock by level", inv.Total.When()), Evidence: inv.Total.Evidence}
	}
	sum := Value{Known: true}
	var (
		floor, upper, approx, open bool
		floorSum                   float64
		floorDates, dates          []calendar.Date
		unknown                    *Value
		counted, none              bool
	)
	precisions := map[calendar.Date]DatePrecision{}
	for i, lv := range inv.ByLevel {
		if lv.MaxAssayPct <= pct {
			continue
		}
		straddles := lowerLevel(inv.ByLevel, i) < pct
		m := lv.Mass
		if straddles && s.noneAbove(pct, m.Date) {
			none = true
			continue
		}
		if !m.Known && lv.NotReported {
			open = true
			continue
		}
		if !m.Known {
			if m.Date.IsZero() {
				return m // never reported: no last figure either
			}
			if unknown == nil {
				u := m
				unknown = &u
			}
		}
		counted = true
		q := m.Qualifier
		if straddles {
			// Some of the level, no one says how much, lies above pct.
			switch q {
			case Exact, AtMost:
				q = AtMost
			default:
				return Value{Unknown: fmt.Sprintf("how much of the %s up to %g %% lies above %g %% is not reported", qualified(m), lv.MaxAssayPct, pct), Evidence: m.Evidence}
			}
		}
		switch {
		case q == Exact || q.Lower():
			floor = floor || q.Lower()
			floorSum += m.Value
			floorDates = append(floorDates, m.Date)
		case q.Upper():
			upper = true
		default:
			approx = true
		}
		if q == Above {
			sum.Qualifier = Above
		}
		sum.Value += m.Value
		sum.Evidence = append(sum.Evidence, m.Evidence...)
		sum.Status = weaker(sum.Status, m.Status)
		dates = append(dates, m.Date)
		if m.DatePrecision != Day {
			precisions[m.Date] = m.DatePrecision
		}
	}
	switch {
	case !counted && !open:
		// Every level given is at or below pct, or holds nothing above it.
		v := inv.Total
		if v.Known {
			v.Value, v.Qualifier = 0, Exact
		}
		if none {
			v.Status = weaker(v.Status, Derived)
			v.Evidence = append(slices.Clone(v.Evidence), s.MaxEnrichment.Evidence...)
		}
		return v
	case !counted:
		return Value{Unknown: fmt.Sprintf("the report of %s does not give the levels above %g %%", inv.Total.When(), pct), Evidence: inv.Total.Evidence}
	case approx && (upper || floor || open):
		return Value{Unknown: fmt.Sprintf("about %g kg U beside bounds: the stock above %g %% is bounded neither way", sum.Value, pct), Evidence: sum.Evidence}
	case upper && (floor || open || floorSum > 0):
		if floorSum == 0 {
			return Value{Unknown: fmt.Sprintf("only up to %g kg U above %g %% beside levels not reported", sum.Value, pct), Evidence: sum.Evidence}
		}
		// At least the parts that bound from below: the "up to" parts
		// may hold nothing above pct. Dated by those parts only.
		sum.Value, sum.Qualifier, dates = floorSum, AtLeast, floorDates
	case upper:
		sum.Qualifier = AtMost
	case approx:
		sum.Qualifier = Approx
	case (floor || open) && sum.Qualifier != Above:
		sum.Qualifier = AtLeast
	}
	// Sums of figures given to the tenth carry no binary noise
	// (881.5999999999999).
	sum.Value = math.Round(sum.Value*1e6) / 1e6
	sum.Date, sum.Through = slices.MinFunc(dates, calendar.Date.Compare), slices.MaxFunc(dates, calendar.Date.Compare)
	if sum.Through.Equal(sum.Date) {
		sum.Through = calendar.Date{}
	}
	sum.DatePrecision = precisions[sum.Date]
	if none {
		sum.Status = weaker(sum.Status, Derived)
		sum.Evidence = append(sum.Evidence, s.MaxEnrichment.Evidence...)
	}
	if unknown != nil {
		sum.Known, sum.Unknown = false, unknown.Unknown
	}
	return sum
}

// noneAbove reports whether the highest enrichment known as of date or
// later shows that nothing was enriched above pct: a figure of at most
// pct, not "more than" nor "at least" it, nor about pct itself.
func (s *State) noneAbove(pct float64, date calendar.Date) bool {
	me := s.MaxEnrichment
	if !me.Known || me.Date.Before(date) || me.Value > pct {
		return false
	}
	switch me.Qualifier {
	case Exact, AtMost:
		return true
	case Approx:
		return me.Value < pct
	}
	return false
}

// qualified words a mass with its qualifier: "up to 12.5 kg U".
func qualified(m Value) string {
	return fmt.Sprintf("%s%g kg U", m.Qualifier.Words(), m.Value)
}
