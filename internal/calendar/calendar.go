// Package calendar is a civil date (year, month, day) without time zone, the
// unit of every date in an agreement, a report or a finding.
package calendar

import (
	"encoding/json"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// Date is a civil date. The zero value is "no date" (IsZero).
type Date struct {
	t time.Time // midnight UTC
}

const layout = "2006-01-02"

// Of returns the date of year, month and day (normalised like time.Date).
func Of(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// The dates Parse accepts: from the first year of nuclear material to
// account for to the end of the century. Nothing an agreement, a report
// or a record dates lies outside; a date outside is a typing error.
var (
	Earliest = Of(1945, time.January, 1)
	Latest   = Of(2100, time.December, 31)
)

// Parse reads a date in ISO form, YYYY-MM-DD, within Earliest..Latest.
func Parse(s string) (Date, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		// In the form but not a day of the calendar: say which part.
		if y, m, ok := yearMonth(s); ok {
			if m < 1 || m > 12 {
				return Date{}, fmt.Errorf("date %q: month %d does not exist (want 01 to 12)", s, m)
			}
			days := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			return Date{}, fmt.Errorf("date %q: %s %d has %d days", s, time.Month(m), y, days)
		}
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	if err := CheckRange(t); err != nil {
		return Date{}, fmt.Errorf("date %q: %w", s, err)
	}
	return Date{t}, nil
}

// yearMonth reads the year and month of s when s has the form of a date,
// YYYY-MM-DD in digits, whatever the numbers.
func yearMonth(s string) (y, m int, ok bool) {
	if len(s) != len(layout) || s[4] != '-' || s[7] != '-' {
		return 0, 0, false
	}
	for i, c := range s {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return 0, 0, false
		}
	}
	y = int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	m = int(s[5]-'0')*10 + int(s[6]-'0')
	return y, m, true
}

// ParseMonth reads a month in ISO form, YYYY-MM, within Earliest..Latest,
// and returns its first day: where a source gives only the month, the day
// is for comparing, never for saying (see Month).
func ParseMonth(s string) (Date, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Date{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	if err := CheckRange(t); err != nil {
		return Date{}, fmt.Errorf("month %q: %w", s, err)
	}
	return Date{t}, nil
}

// Month says d's month in words: "September 2025".
func (d Date) Month() string { return d.t.Format("January 2006") }

// NextMonth returns the first day of the month after d's.
func (d Date) NextMonth() Date {
	y, m, _ := d.t.Date()
	return Of(y, m+1, 1)
}

// CheckRange returns an error unless t lies within Earliest..Latest, both
// days included (in UTC).
func CheckRange(t time.Time) error {
	if t.Before(Earliest.t) || !t.Before(Latest.t.AddDate(0, 0, 1)) {
		return fmt.Errorf("must lie within %s..%s", Earliest, Latest)
	}
	return nil
}

// MustParse is Parse for constants; it panics on an invalid date.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String returns YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(layout)
}

// AddDays returns d plus n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// AddYears returns d plus n years (29 February rolls to 1 March).
func (d Date) AddYears(n int) Date { return Date{d.t.AddDate(n, 0, 0)} }

// DaysUntil returns the whole days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }

// Time is the date at midnight UTC.
func (d Date) Time() time.Time { return d.t }

// Before, After and Equal compare dates.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }
func (d Date) After(e Date) bool  { return d.t.After(e.t) }
func (d Date) Equal(e Date) bool  { return d.t.Equal(e.t) }

// Compare returns -1, 0 or 1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.t.Compare(e.t) }

// Today returns the current date in UTC.
func Today() Date {
	y, m, day := time.Now().UTC().Date()
	return Of(y, m, day)
}

// NotAfterToday refuses a date after today: what was known at a date that
// has not come is not known yet, and a view of it would present today's
// evidence as the future's.
func NotAfterToday(d Date) error {
	if today := Today(); d.After(today) {
		return fmt.Errorf("%s is after today (%s): nothing is known yet of a date that has not come", d, today)
	}
	return nil
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date: want a string YYYY-MM-DD, got %s", b)
	}
	v, err := Parse(s)
	*d = v
	return err
}

// MarshalYAML writes YYYY-MM-DD.
func (d Date) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalYAML reads YYYY-MM-DD.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	v, err := Parse(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = v
	return nil
}
