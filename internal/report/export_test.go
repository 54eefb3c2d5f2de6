package report

import (
	"time"

	"gonum.org/v1/plot/plotter"

	"github.com/accordverify/accord/internal/state"
)

// ChartAxes builds the named chart as drawn on a page and returns the
// end of its time axis and the labels of its y axis ticks.
func (r *Report) ChartAxes(name string) (xmax float64, yticks []string, err error) {
	c, err := r.chart(name, false)
	if err != nil {
		return 0, nil, err
	}
	p := c.p
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if t.Label != "" {
			yticks = append(yticks, t.Label)
		}
	}
	return p.X.Max, yticks, nil
}

// StockChartPoints are the dates the stock chart draws for level key
// ("" for the total): those its lines join, each line's dates in turn, and
// those it draws as bounds pointing down ("up to") and up ("more than").
func (r *Report) StockChartPoints(key string) (lines [][]string, down, up []string) {
	runs, bounds := r.splitBounds(func(p Point) (float64, state.Qualifier, bool) { return p.Mass(key) })
	dates := func(xys plotter.XYs) []string {
		var out []string
		for _, xy := range xys {
			out = append(out, time.Unix(int64(xy.X), 0).UTC().Format(time.DateOnly))
		}
		return out
	}
	for _, run := range runs {
		lines = append(lines, dates(run))
	}
	return lines, dates(bounds[true]), dates(bounds[false])
}

// EstimateMarks are the dates the named chart (breakout or warning) draws
// as bounds, by qualifier.
func (r *Report) EstimateMarks(name string) (map[state.Qualifier][]string, error) {
	c, err := r.chart(name, false)
	if err != nil {
		return nil, err
	}
	out := map[state.Qualifier][]string{}
	for q, xys := range c.marks {
		for _, xy := range xys {
			out[q] = append(out[q], time.Unix(int64(xy.X), 0).UTC().Format(time.DateOnly))
		}
	}
	return out, nil
}
