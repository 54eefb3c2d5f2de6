package report

import (
	"fmt"
	"image/color"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/accordverify/accord/internal/accountancy"
)

// monthTicks marks the first of every month, labelled YYYY-MM every
// month up to a year and every third month beyond (on a phone, every
// third month beyond four and every sixth beyond a year).
type monthTicks struct{ narrow bool }

func (mt monthTicks) Ticks(lo, hi float64) []plot.Tick {
	start := time.Unix(int64(lo), 0).UTC()
	end := time.Unix(int64(hi), 0).UTC()
	months := (end.Year()-start.Year())*12 + int(end.Month()-start.Month())
	step := 1
	switch {
	case mt.narrow && months > 12:
		step = 6
	case months > 13 || mt.narrow && months > 4:
		step = 3
	}
	var ticks []plot.Tick
	for t := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC); !t.After(end); t = t.AddDate(0, 1, 0) {
		x := float64(t.Unix())
		if x < lo {
			continue
		}
		tk := plot.Tick{Value: x}
		if (int(t.Month())-1)%step == 0 {
			tk.Label = t.Format("2006-01")
		}
		ticks = append(ticks, tk)
	}
	return ticks
}

// BalanceCharts are the charts of a material balance sequence.
var BalanceCharts = []Chart{
	{"muf", "MUF by balance period with its band, kg U",
		"Each period's material unaccounted for (the book inventory minus the physical inventory) at the end of the period, with a bar of two standard deviations (sigma-MUF) either side; the dashed line is the single-period alarm level, z(1-alpha) sigma-MUF."},
	{"page", "Page's test on SITMUF",
		"Page's statistic (a one-sided cumulative sum of the standardized, independently transformed MUF, less the reference value k) at the end of each period against the threshold set for the target false-alarm probability (dashed): an alarm when it crosses."},
}

// BalanceSVG renders a balance chart ("muf" or "page") of seq and its
// test results.
func BalanceSVG(name string, seq *accountancy.Sequence, res *accountancy.Results) ([]byte, error) {
	return balanceSVG(name, seq, res, false)
}

// NarrowBalanceSVG renders a balance chart for a phone (see NarrowSVG).
func NarrowBalanceSVG(name string, seq *accountancy.Sequence, res *accountancy.Results) ([]byte, error) {
	return balanceSVG(name, seq, res, true)
}

func balanceSVG(name string, seq *accountancy.Sequence, res *accountancy.Results, narrow bool) ([]byte, error) {
	c := newChart(narrow)
	p := c.p
	p.X.Tick.Marker = monthTicks{narrow: narrow}
	var xs []float64
	for _, b := range seq.Balances {
		xs = append(xs, float64(b.To.Time().Unix()))
	}
	if len(xs) == 0 {
		return nil, fmt.Errorf("report: no balances to chart")
	}
	line := func(ys []float64, label string, col color.Color) error {
		pts := make(plotter.XYs, len(ys))
		for i, y := range ys {
			pts[i] = plotter.XY{X: xs[i], Y: y}
		}
		l, s, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		l.Color, s.Color, s.Shape, s.Radius = col, col, draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(l, s)
		c.addLegend(label, l, s)
		return nil
	}
	dashed := func(ys []float64, label string) error {
		pts := make(plotter.XYs, len(ys))
		for i, y := range ys {
			pts[i] = plotter.XY{X: xs[i], Y: y}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.Color, l.Dashes = color.Black, []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
		c.addLegend(label, l)
		return nil
	}
	switch name {
	case "muf":
		p.Y.Label.Text = "kg U"
		var muf, alarm []float64
		bars := make(plotter.YErrors, len(seq.Balances))
		pts := make(plotter.XYs, len(seq.Balances))
		z := accountancy.ZQuantile(1 - res.Alpha)
		for i, b := range seq.Balances {
			muf = append(muf, b.MUFKgU)
			alarm = append(alarm, z*b.SigmaMUFKgU)
			bars[i].Low, bars[i].High = 2*b.SigmaMUFKgU, 2*b.SigmaMUFKgU
			pts[i] = plotter.XY{X: xs[i], Y: b.MUFKgU}
		}
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYer
			plotter.YErrorer
		}{pts, bars})
		if err != nil {
			return nil, err
		}
		eb.Color = grey
		p.Add(eb)
		if err := line(muf, "MUF, kg U (bars: ±2 sigma-MUF)", palette[0]); err != nil {
			return nil, err
		}
		if err := dashed(alarm, fmt.Sprintf("alarm level, %.3g sigma-MUF", z)); err != nil {
			return nil, err
		}
	case "page":
		p.Y.Label.Text = "Page's statistic"
		if err := line(res.Page.Statistic, fmt.Sprintf("Page's statistic (k = %g)", res.Page.K), palette[3]); err != nil {
			return nil, err
		}
		h := make([]float64, len(xs))
		for i := range h {
			h[i] = res.Page.Threshold
		}
		if err := dashed(h, fmt.Sprintf("threshold %.3f (false alarms %g)", res.Page.Threshold, res.Alpha)); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("report: no balance chart %q", name)
	}
	return c.render()
}
