package report

// The dates of the counts of machines in the report's tables, and the part
// of the stock its levels do not give.

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/state"
)

// countCurrentDays is how many days a count of machines stays current:
// about two quarterly reporting periods (state.Metric.BoundsOneWayFor),
// after which machines may have been added or removed without a report
// saying so.
func countCurrentDays() int {
	days, _ := state.CentrifugesEnriching.BoundsOneWayFor()
	return days
}

// notCurrent reports whether f, a known count of machines, was reported
// more than countCurrentDays before the report's date.
func notCurrent(f Figure) bool {
	return f.Value != nil && f.AgeDays != nil && *f.AgeDays > countCurrentDays()
}

// CountCell is a count of machines for a table's cell, with its date as
// far as it is known and, where it was reported more than about two
// reporting periods before the report's date, that it is not current:
// "1,724 (2024-12-05)", "≤ 33 (2019-05-20, not current)"; "unknown".
func CountCell(f Figure) string {
	if f.Value == nil {
		return "unknown"
	}
	s := figureCell(f) + " (" + f.AsOfPrecision.Short(f.AsOf)
	if notCurrent(f) {
		s += ", not current"
	}
	return s + ")"
}

// CentrifugeKey is the key below the table of centrifuges: what its short
// dates and "not current" say, where it has them; "" otherwise.
func (e Enrichment) CentrifugeKey() string {
	var ps []state.DatePrecision
	old := false
	for _, c := range e.Centrifuges {
		for _, f := range []Figure{c.Installed, c.Enriching} {
			if f.Value != nil {
				ps = append(ps, f.AsOfPrecision)
				old = old || notCurrent(f)
			}
		}
	}
	var parts []string
	if k := state.Key(ps...); k != "" {
		parts = append(parts, k)
	}
	if old {
		parts = append(parts, fmt.Sprintf("not current: reported more than %d days (about two quarterly reporting periods) before this date; machines may have been added or removed since", countCurrentDays()))
	}
	return strings.Join(parts, "; ")
}

// OtherFormsLabel names the row of the part of the stock its levels do
// not give.
const OtherFormsLabel = "other forms or not given by level"

// OtherFormsNote says what that row is.
const OtherFormsNote = "Other forms or not given by level: the total less the levels, where they fall short of it (the levels count uranium as UF6; the rest is uranium in other chemical forms, or not broken down by level)."

// OtherFormsKgU is the part of an exact total of the stock that its
// levels do not give: uranium in other chemical forms than the UF6 the
// levels count, or not given by level, rounded as the figures are to
// 0.1 kg U. ok is false where nothing can be said of a difference: the
// total unknown or a bound; a level unknown, not reported, a bound,
// approximate or of another date than the total; or levels that leave
// less than 0.1 kg U.
func OtherFormsKgU(inv compliance.Inventory) (kg float64, ok bool) {
	t := inv.Total
	if inv.TotalKgU == nil || t.Qualifier != state.Exact || len(inv.ByLevel) == 0 {
		return 0, false
	}
	sum := 0.0
	for _, l := range inv.ByLevel {
		if l.MassKgU == nil || l.Qualifier != state.Exact || !l.AsOf.Equal(t.Date) || l.AsOfPrecision != t.DatePrecision {
			return 0, false
		}
		sum += *l.MassKgU
	}
	kg = math.Round((*inv.TotalKgU-sum)*10) / 10
	if kg < 0.1 {
		return 0, false
	}
	return kg, true
}

// otherForms is the figure of OtherFormsKgU, derived from the total and
// citing its sources; nil where there is none.
func otherForms(inv compliance.Inventory, total Figure) *Figure {
	kg, ok := OtherFormsKgU(inv)
	if !ok {
		return nil
	}
	f := total
	f.Value, f.Qualifier, f.Status, f.Unknown = &kg, state.Exact, state.Derived, ""
	f.Sources = slices.Clone(total.Sources)
	return &f
}
