package report

// The dates of the counts of machines in the report's tables.

import (
	"fmt"
	"strings"

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
