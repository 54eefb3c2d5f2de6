package state

import (
	"fmt"
	"slices"
	"strings"

	"github.com/accordverify/accord/internal/calendar"
)

// DatePrecision says how much a figure's or an event's date is known.
// The date it qualifies is stored as a day all the same: the first day of
// the month for MonthOnly, the latest possible day for NoLaterThan.
type DatePrecision string

const (
	// Day: the date is the figure's (or the event's) own day.
	Day DatePrecision = ""
	// MonthOnly: only the month is known; the date is its first day.
	MonthOnly DatePrecision = "month"
	// NoLaterThan: the figure is of that date or earlier (the date of the
	// report that gives it, where its cut-off date is not given; the first
	// report of a change, not the change's own day).
	NoLaterThan DatePrecision = "no_later_than"
)

// DatePrecisions are the precisions a date may have, as records and JSON
// write them ("" for a day).
var DatePrecisions = []DatePrecision{Day, MonthOnly, NoLaterThan}

// Valid reports whether p is one of DatePrecisions.
func (p DatePrecision) Valid() bool { return slices.Contains(DatePrecisions, p) }

// Date says d as far as p knows it, short enough for a table's cell:
// "2021-09-07", "2021-09-07 at the latest", "2024-03 (month only)".
func (p DatePrecision) Date(d calendar.Date) string {
	return p.say(d, "%s (month only)", "%s at the latest")
}

// Short says d as a table's cell or a figure's label shows it:
// "2021-09-07", "by 2021-09-07" (no later than), "2024-03 (month)". Key
// explains the short forms below the table.
func (p DatePrecision) Short(d calendar.Date) string { return p.say(d, "%s (month)", "by %s") }

// say words d as far as p knows it: the day alone, or month's or
// noLater's words around the month or the day.
func (p DatePrecision) say(d calendar.Date, month, noLater string) string {
	switch {
	case d.IsZero():
		return ""
	case p == MonthOnly:
		return fmt.Sprintf(month, d.String()[:7])
	case p == NoLaterThan:
		return fmt.Sprintf(noLater, d.String())
	}
	return d.String()
}

// AsOf is Short after "as of", as a figure's label says it: "as of
// 2021-03-15", "by 2021-09-07", "as of 2024-03 (month)".
func (p DatePrecision) AsOf(d calendar.Date) string {
	if p == NoLaterThan {
		return p.Short(d)
	}
	return "as of " + p.Short(d)
}

// Key explains the short forms of the precisions among ps (Short), for a
// line below a table: "" when all are of the day.
func Key(ps ...DatePrecision) string {
	return key(ps, "the figure is of that date or earlier (the date of the report that gives it; its cut-off date is not given)", "the figure")
}

// ChangeKey is Key for the dates of changes (of continuity of knowledge,
// an event) rather than of figures.
func ChangeKey(ps ...DatePrecision) string {
	return key(ps, "the change happened on that date or earlier (the date of its first report)", "the change")
}

// key explains "by DATE" as byDate says, and "YYYY-MM (month)" as the
// month of what, where ps hold them.
func key(ps []DatePrecision, byDate, what string) string {
	var parts []string
	if slices.Contains(ps, NoLaterThan) {
		parts = append(parts, "by DATE: "+byDate)
	}
	if slices.Contains(ps, MonthOnly) {
		parts = append(parts, "YYYY-MM (month): only the month of "+what+" is known")
	}
	return strings.Join(parts, "; ")
}

// On says d after a verb, as a sentence says when something happened:
// "on 2021-09-07", "on 2021-09-07 at the latest", "in 2024-03 (month
// only)".
func (p DatePrecision) On(d calendar.Date) string {
	if p == MonthOnly {
		return "in " + p.Date(d)
	}
	return "on " + p.Date(d)
}

// Latest is the last day d may stand for: the month's last day for
// MonthOnly, d itself otherwise. A view at a date takes a figure or an
// event only once that day is past, so that it never takes one that may
// be of a later day than its own.
func (p DatePrecision) Latest(d calendar.Date) calendar.Date {
	if p == MonthOnly && !d.IsZero() {
		first, err := calendar.ParseMonth(d.String()[:7])
		if err == nil {
			return first.NextMonth().AddDays(-1)
		}
	}
	return d
}

// Before says how long before date a figure of d is, for a reader: "24
// days before this date"; "at least 24 days before this date" where d is
// only the latest it can be of (NoLaterThan); "24 to 52 days before this
// date" where only d's month is known (within two years; beyond, the age
// from the month's first day).
func (p DatePrecision) Before(d, date calendar.Date) string {
	days := d.DaysUntil(date)
	switch p {
	case NoLaterThan:
		return "at least " + Age(days) + " before this date"
	case MonthOnly:
		if least := p.Latest(d).DaysUntil(date); least != days && least >= 0 && days < 730 {
			return fmt.Sprintf("%d to %s before this date", least, Age(days))
		}
	}
	return Age(days) + " before this date"
}

// Explain says, for a note, what the date stands for: "" for a day.
func (p DatePrecision) Explain() string {
	switch p {
	case MonthOnly:
		return "the source gives only the month; the figure may be of any day of it"
	case NoLaterThan:
		return "the date is the latest the figure can be of (the date of the report that gives it), not its own"
	}
	return ""
}
