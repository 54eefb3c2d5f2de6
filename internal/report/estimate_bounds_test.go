package report_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/breakout"
	"github.com/accordverify/accord/enrich"
	"github.com/accordverify/accord/internal/agreement"
	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/state"
)

// A breakout estimate from figures reported only as bounds is shown as a
// bound wherever it appears: the sentence says "at least" or "about" and
// why, the series tables put the sign before it, the CSV and the JSON
// carry the qualifier, and the charts draw it as an open triangle or
// square instead of a dot. Under the JCPOA the fleet was "at most 5,060
// IR-1": a lower bound, while that count was reported within the last 190
// days (the IAEA reported quarterly); in July 2019 the stock "more than
// 202.8 kg U" bounds it the other way, and in December 2019 the count of
// May 2019 is too old to bound it one way: approximate.
func TestBreakoutBoundsAreShownAsBounds(t *testing.T) {
	r := build(t, "2019-12-01")
	want := map[string]state.Qualifier{"2016-05-27": state.AtLeast, "2017-05-27": state.AtLeast, "2019-07-01": state.Approx, "2019-08-19": state.AtLeast, "2019-11-03": state.AtLeast}
	for _, p := range r.Series {
		if q, ok := want[p.Date.String()]; ok && p.BreakoutQualifier != q {
			t.Errorf("%s: breakout qualifier %q, want %q", p.Date, p.BreakoutQualifier, q)
		}
	}
	if r.Breakout.HeadlineQualifier != state.Approx || !strings.Contains(r.Breakout.HeadlineBound, "more than 1000 machines") ||
		!strings.Contains(r.Breakout.HeadlineBound, "up to 5060 machines, last reported 2019-05-20, 195 days before this date") {
		t.Errorf("2019-12-01: %q %q; want approximate, the Fordow fleet above 1000 and the FEP fleet at most 5060, last reported 195 days before", r.Breakout.HeadlineQualifier, r.Breakout.HeadlineBound)
	}

	var md bytes.Buffer
	if err := r.Markdown(&md, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{"| 2017-05-27 | 79.8 | 79.8 | - | - | ≥ 446 (387 to 533) |", "| 2019-07-01 | > 202.8 | > 202.8 | - | - | ~ 399 (342 to 484) |"} {
		if !strings.Contains(md.String(), row) {
			t.Errorf("markdown: no row %s", row)
		}
	}
	for _, s := range []string{"Breakout to one significant quantity (wgu25, cascades convention): about ", "The figure and its band are approximate: ",
		"the IR-1 enriching at Fordow: more than 1000 machines", "| breakout, days | ~ ", "| warning, days | ~ ", "Before a breakout or warning time, the sign holds for its band too"} {
		if !strings.Contains(md.String(), s) {
			t.Errorf("markdown: does not say %q", s)
		}
	}

	breakoutRows := 0
	for _, row := range csvRows(t, r) {
		if row[0] == "breakout" && !strings.Contains(row[1], "at the agreement's limits") {
			breakoutRows++
			if row[4] != string(state.Approx) {
				t.Errorf("csv: %v: qualifier %q, want approx", row, row[4])
			}
		}
	}
	if breakoutRows != 4 {
		t.Errorf("csv: %d breakout rows, want the headline and its three percentiles", breakoutRows)
	}

	var js bytes.Buffer
	if err := r.JSON(&js); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Breakout struct {
			Qualifier state.Qualifier `json:"headline_qualifier"`
			Bounds    []struct {
				Effect state.Qualifier `json:"effect"`
			} `json:"bounds"`
		} `json:"breakout"`
		Series []map[string]any `json:"series"`
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	// The two counts above, and the IR-2m, IR-4 and IR-6 at Natanz FEP,
	// none as of 2019-05-20, 195 days before.
	if got.Breakout.Qualifier != state.Approx || len(got.Breakout.Bounds) != 5 {
		t.Errorf("json: breakout %+v, want approx with five bounds", got.Breakout)
	}
	for _, p := range got.Series {
		if q, ok := want[p["date"].(string)]; ok && p["breakout_qualifier"] != string(q) {
			t.Errorf("json: %s breakout_qualifier %v, want %q", p["date"], p["breakout_qualifier"], q)
		}
	}

	marks, err := r.EstimateMarks(report.ChartBreakout)
	if err != nil {
		t.Fatal(err)
	}
	for d, q := range want {
		if !slices.Contains(marks[q], d) {
			t.Errorf("breakout chart: %s not drawn as %s (%v)", d, q, marks)
		}
	}
	if slices.ContainsFunc(marks[state.AtLeast], func(d string) bool { return d >= "2021-03-15" }) {
		t.Errorf("breakout chart: an estimate from exact figures drawn as a bound: %v", marks[state.AtLeast])
	}
	svg, err := r.SVG(report.ChartBreakout)
	if err != nil || !bytes.Contains(svg, []byte("at least: the estimate could only be longer on the true figures")) || !bytes.Contains(svg, []byte("approximate: figures bound the estimate both ways, or no one way")) {
		t.Errorf("breakout chart: no key to the bounds (%v)", err)
	}
	for _, c := range r.Charts() {
		if c.Name == report.ChartBreakout && !strings.Contains(c.Caption, "an open triangle marks an estimate") {
			t.Errorf("breakout chart caption does not explain the triangles: %s", c.Caption)
		}
	}
}

// From exact figures the estimate is exact: no sign, no qualifier, no
// mark, and no key to bounds the page does not show. The series's counts
// of 2023 rest on counts of 2019 to 2022, which no longer bound it one
// way: here every count is reported again with the report of 2023-05-13.
func TestExactBreakoutHasNoSign(t *testing.T) {
	fs := facts()
	type key struct {
		m             state.Metric
		site, machine string
	}
	latest := map[key]state.Fact{}
	for _, f := range fs {
		if k := (key{f.Metric, f.Site, f.Machine}); (f.Metric == state.CentrifugesEnriching || f.Metric == state.CascadesEnriching) && f.Date.Before(calendar.MustParse("2023-05-13")) && !f.Date.Before(latest[k].Date) {
			latest[k] = f
		}
	}
	for _, f := range latest {
		f.Date = calendar.MustParse("2023-05-13")
		fs = append(fs, f)
	}
	r, err := report.Build(agreement.JCPOA(), fs, calendar.MustParse("2023-06-01"),
		report.Options{BreakoutOptions: compliance.BreakoutOptions{SQ: enrich.WGU25, Samples: breakout.DefaultSamples, Seed: breakout.DefaultSeed}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Breakout.HeadlineQualifier != state.Exact || r.Breakout.HeadlineBound != "" {
		t.Errorf("2023-06-01: %q %q, want exact", r.Breakout.HeadlineQualifier, r.Breakout.HeadlineBound)
	}
	var md bytes.Buffer
	if err := r.Markdown(&md, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if s := md.String(); strings.Contains(s, "The figure and its band are") || !strings.Contains(s, "| 2023-05-13 | ") {
		t.Error("2023-06-01: the breakout is said to be a bound, or the series lacks 2023-05-13")
	}
	for _, line := range strings.Split(md.String(), "\n") {
		if strings.HasPrefix(line, "| 2023-05-13 |") && strings.ContainsAny(line, "≥≤~") {
			t.Errorf("2023-06-01: %s", line)
		}
	}
}

// The terminal shows the bound with its plain-text sign and says why.
func TestTextDatedShowsTheBound(t *testing.T) {
	b, err := compliance.BreakoutAt(facts(), calendar.MustParse("2017-06-01"), compliance.BreakoutOptions{Samples: 1000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := report.TextDated(&out, b); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"): at least 4", "  A lower bound: breakout on the true figures could only be longer: the IR-1 enriching at Natanz FEP: up to 5060 machines",
		"Days to the first SQ              >=4", "Every input at its central value  >=4"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("terminal: does not say %q:\n%s", s, out.String())
		}
	}
	if strings.Contains(out.String(), "Whole stock to 90 %: >=") {
		t.Error("terminal: the whole stock's conversion, which more stock lengthens, carries the bound")
	}
}

// The report's warning, bound by the breakout's figures alone, refers to
// section 7 for them rather than list them again; the command line's,
// with no section 7, lists them.
func TestReportWarningRefersToTheBreakoutBounds(t *testing.T) {
	r := build(t, "2025-02-08")
	var md bytes.Buffer
	if err := r.Markdown(&md, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	var line string
	for l := range strings.Lines(md.String()) {
		if strings.HasPrefix(l, "Warning time as of 2025-02-08:") {
			line = l
		}
	}
	if !strings.Contains(line, "The warning and its band are approximate, for the figures section 7 names as bounding the breakout estimate") || strings.Contains(line, "IR-6 enriching at Fordow") {
		t.Errorf("the report's warning:\n%s", line)
	}
	if s := report.WarningSentence(&r.Warning.Estimate); !strings.Contains(s, "the IR-6 enriching at Fordow: at least 332 and up to 1724 machines") {
		t.Errorf("the warning on its own does not say its bounds:\n%s", s)
	}
}
