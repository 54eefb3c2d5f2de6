package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/accordverify/accord/internal/report"
)

// Every chart ends its time axis at the last reported date, and the log
// axis of the breakout chart is labelled at 1, 2, 5, 10, 20, 50, ...
// so that short times read off it.
func TestChartAxes(t *testing.T) {
	for _, date := range []string{"2017-05-27", "2025-02-08", "2025-11-01"} {
		r := build(t, date)
		last := float64(r.Series[len(r.Series)-1].Date.Time().Unix())
		for _, c := range r.Charts() {
			xmax, ticks, err := r.ChartAxes(c.Name)
			if err != nil {
				t.Fatal(err)
			}
			if xmax != last {
				t.Errorf("%s %s: the time axis ends at %v, want the last reported date %s", date, c.Name, xmax, r.Series[len(r.Series)-1].Date)
			}
			if c.Name != report.ChartBreakout {
				continue
			}
			want := []string{"1", "2", "5", "10", "20", "50", "100", "200", "500", "1,000"}
			for _, w := range want {
				if !slices.Contains(ticks, w) {
					// Only the decades the data span need be there; the
					// short end must be, once the estimate falls below 10.
					if (w == "1" || w == "2" || w == "5") && date != "2017-05-27" {
						t.Errorf("%s: log axis labels %v lack %s", date, ticks, w)
					}
				}
			}
			for _, l := range ticks {
				if !slices.Contains(want, l) && !slices.Contains([]string{"0.1", "0.2", "0.5", "2,000", "5,000", "10,000"}, l) {
					t.Errorf("%s: log axis label %q is not 1, 2 or 5 times a power of ten", date, l)
				}
			}
		}
	}
}

// Each chart renders in both sizes; with ACCORD_CHARTS_OUT set they are
// written there to look at.
func TestChartsRender(t *testing.T) {
	r := build(t, "2025-11-01")
	out := os.Getenv("ACCORD_CHARTS_OUT")
	for _, c := range r.Charts() {
		for _, narrow := range []bool{false, true} {
			render, suffix := r.SVG, ""
			if narrow {
				render, suffix = r.NarrowSVG, "-narrow"
			}
			svg, err := render(c.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(svg), "<svg class=") {
				t.Errorf("%s%s starts %.40q", c.Name, suffix, svg)
			}
			if out != "" {
				if err := os.WriteFile(filepath.Join(out, c.Name+suffix+".svg"), svg, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// The stock chart draws every level the reports of its period give, so
// that the levels add up to the total where the reports break it down: up
// to 2 % from 2020, none before.
func TestStockChartDrawsEveryLevel(t *testing.T) {
	for _, c := range []struct {
		date string
		two  bool
	}{{"2017-06-01", false}, {"2025-02-08", true}} {
		svg, err := build(t, c.date).SVG(report.ChartStock)
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.Contains(svg, []byte(">up to 2 %<")); got != c.two {
			t.Errorf("%s: the stock chart draws up to 2 %%: %v, want %v", c.date, got, c.two)
		}
		for _, level := range []string{">total<", ">up to 5 %<"} {
			if !bytes.Contains(svg, []byte(level)) {
				t.Errorf("%s: the stock chart lacks %s", c.date, level)
			}
		}
	}
}
