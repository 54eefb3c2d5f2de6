package report_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/state"
)

// Days read as numbers of days with their decimals shown the same way at
// every size: one decimal under 100 (so a band never reads "3 to 8.7"),
// whole days from 100; a count of whole days says "1 day".
func TestDaysText(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		in   *float64
		want string
	}{
		{f(1), "1.0 days"}, {f(3), "3.0 days"}, {f(5.44), "5.4 days"}, {f(0.04), "0.0 days"},
		{f(99.94), "99.9 days"}, {f(99.96), "100 days"}, {f(399.4), "399 days"}, {f(1234.6), "1,235 days"},
		{nil, "not reached"},
	} {
		if got := report.Days(c.in); got != c.want {
			t.Errorf("Days = %q, want %q", got, c.want)
		}
	}
	for days, want := range map[int]string{0: "0 days", 1: "1 day", 2: "2 days", 729: "729 days", 730: "2.0 years"} {
		if got := state.Age(days); got != want {
			t.Errorf("Age(%d) = %q, want %q", days, got, want)
		}
	}
}

// rendering is a text a case renders and the lines it must print.
type rendering struct {
	name   string
	render func(io.Writer) error
	want   string
}

// checkRenderings renders each case and compares its text with the lines
// wanted.
func checkRenderings(t *testing.T, cases []rendering) {
	t.Helper()
	for _, c := range cases {
		var b bytes.Buffer
		if err := c.render(&b); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := b.String(); got != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, got, c.want)
		}
	}
}

// A figure its source bounds both ways says both bounds, in a finding's
// cell and in a figure's text.
func TestFiguresBoundedBothWays(t *testing.T) {
	v := 140.0
	f := compliance.Finding{Observed: &v, Qualifier: state.AtMost, ObservedAtLeast: 131, Unit: "t", ObservedAsOf: calendar.MustParse("2017-01-10")}
	if got, want := report.ObservedText(f, func(x float64) string { return report.Num(x, 1) }), "at least 131 and up to 140 t, as of 2017-01-10"; got != want {
		t.Errorf("ObservedText = %q, want %q", got, want)
	}
	fig := report.Figure{Value: &v, Qualifier: state.AtMost, AtLeast: 131, Unit: "t"}
	if got, want := fig.Text(), "at least 131 and up to 140 t"; got != want {
		t.Errorf("Figure.Text = %q, want %q", got, want)
	}
	fig.AtLeast = 0
	if got, want := fig.Text(), "up to 140 t"; got != want {
		t.Errorf("without a floor: %q, want %q", got, want)
	}
}
