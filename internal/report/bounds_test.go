package report_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/report"
	"github.com/accordverify/accord/internal/state"
)

// The IAEA reported in 2016-2018 only that the stock did not exceed
// 202.8 kg U, and on 2019-07-01 only that it exceeded it: the series
// carries each as a bound, never as the amount. The tables print the
// sign, the JSON the qualifier, and the stock chart draws the bounds as
// triangles its line does not join.
func TestSeriesBoundsAreNotAmounts(t *testing.T) {
	r := build(t, "2019-12-01")
	upTo := []string{"2016-01-16", "2016-05-27", "2016-09-08", "2016-11-09", "2018-02-22", "2018-11-04"}
	above := []string{"2019-07-01"}
	want := map[string]state.Qualifier{}
	for _, d := range upTo {
		want[d] = state.AtMost
	}
	for _, d := range above {
		want[d] = state.Above
	}
	for _, p := range r.Series {
		if v, q, ok := p.Mass(""); ok && q != want[p.Date.String()] {
			t.Errorf("%s: total %g with qualifier %q, want %q", p.Date, v, q, want[p.Date.String()])
		}
	}

	var md bytes.Buffer
	if err := r.Markdown(&md, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	for d, q := range want {
		cell := map[state.Qualifier]string{state.AtMost: "| ≤ 202.8 |", state.Above: "| > 202.8 |"}[q]
		// The date may be "by DATE", a figure of its report's date at
		// the latest, or name the agreement's day it falls on.
		if !strings.Contains(md.String(), "| "+d+" "+cell) && !strings.Contains(md.String(), "| by "+d+" "+cell) && !strings.Contains(md.String(), "| "+d+" (Implementation Day) "+cell) {
			t.Errorf("markdown: no row %s %s", d, cell)
		}
	}
	if !strings.Contains(md.String(), report.BoundKey) {
		t.Error("markdown: the signs of the series table are not explained")
	}

	var js bytes.Buffer
	if err := r.JSON(&js); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Series []map[string]any `json:"series"`
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, p := range got.Series {
		if q := want[p["date"].(string)]; q != state.Exact && p["total_qualifier"] != string(q) {
			t.Errorf("json: %s total_qualifier %v, want %q", p["date"], p["total_qualifier"], q)
		}
	}

	lines, down, up := r.StockChartPoints("")
	line := slices.Concat(lines...)
	if len(lines) < 2 {
		t.Errorf("stock chart: %d lines, want the series broken at its bounds", len(lines))
	}
	// A bound breaks the line: no line joins amounts on either side of
	// one (the stock of June 2015 and that of February 2017, with "up to
	// 202.8" on Implementation Day between them).
	for _, l := range lines {
		for _, b := range append(slices.Clone(down), up...) {
			if l[0] < b && b < l[len(l)-1] {
				t.Errorf("stock chart: a line from %s to %s runs across the bound of %s", l[0], l[len(l)-1], b)
			}
		}
	}
	for _, d := range append(slices.Clone(upTo), above...) {
		if slices.Contains(line, d) {
			t.Errorf("stock chart: the line joins the bound of %s as an amount", d)
		}
	}
	if !slices.Equal(down, upTo) || !slices.Equal(up, above) {
		t.Errorf("stock chart: bounds drawn down %v, up %v; want %v, %v", down, up, upTo, above)
	}
	if !slices.Contains(line, "2017-02-18") {
		t.Errorf("stock chart: the line leaves out the amount of 2017-02-18: %v", line)
	}
	svg, err := r.SVG(report.ChartStock)
	if err != nil || !bytes.Contains(svg, []byte("up to the figure: a bound, not an amount")) {
		t.Errorf("stock chart: no key to the bounds (%v)", err)
	}
}
