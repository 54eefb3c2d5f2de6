package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/accordverify/accord/internal/calendar"
	"github.com/accordverify/accord/internal/compliance"
	"github.com/accordverify/accord/internal/state"
	"github.com/accordverify/accord/internal/warning"
)

// Chart is one of the report's charts: its file name, title and a
// plain-language line saying what it shows.
type Chart struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Caption string `json:"caption"`
}

// Chart names.
const (
	ChartStock    = "stock-by-level"
	ChartSixty    = "sixty-pct-vs-sq"
	ChartBreakout = "breakout-days"
	ChartWarning  = "warning-days"
)

// Charts lists the report's charts, in the order the report shows them.
func (r *Report) Charts() []Chart {
	limit := "the agreement's limit"
	if r.Stockpile.LimitKgU != nil {
		limit = "the agreement's limit of " + Num(*r.Stockpile.LimitKgU, 1) + " kg U (dashed)"
	}
	bounds := ""
	if r.SeriesBounds() {
		bounds = "; an open triangle is a bound the source gave instead of an amount (pointing down: up to; up: more than), which the line does not join"
	}
	return []Chart{
		{ChartStock, "Enriched-uranium stock by level, kg U",
			"The stock reported at each date, in total and by enrichment level, against " + limit + bounds + "; numbered lines mark the events listed below the chart."},
		{ChartSixty, "Uranium enriched up to 60 %, kg U",
			fmt.Sprintf("The stock of uranium enriched up to 60 %% at each reported date against one IAEA significant quantity, %s kg U at 60 %% (25 kg U-235, dashed).", Num(r.Stockpile.OneSQ60KgU, 1))},
		{ChartBreakout, "Breakout time to one significant quantity, days (log scale)",
			fmt.Sprintf("Days to one significant quantity of 90 %% uranium (%s, %s convention) from the stock and the centrifuges known at each reported date and on the agreement's days (its conclusion, adoption, implementation, transition and termination): "+
				"the line is the median of the band, the shaded area its 10th to 90th percentile; where the figures are unknown the line stops, and the last known estimate is ringed"+
				"%s. The scale is logarithmic.", r.SQ, r.Convention, estimateBounds(r.seriesEstimateBounds()))},
		{ChartWarning, "Warning time: breakout time less time to detect, days (symmetric log scale)",
			"Days between the moment verification could detect a breakout at the declared plants and report it, and the moment the breakout is done, at each reported date and on the agreement's days: " +
				"the line is the median, the shaded area its 10th to 90th percentile; below the dashed zero line a breakout is done before it could be known. " +
				"Where the warning is unknown the line stops; a cross marks a date at which no verification activity able to see a breakout was in force" + estimateBounds(r.seriesWarningBounds()) + ". " +
				"The scale is logarithmic on both sides of zero, so that two weeks below zero read as clearly as a year above it."},
	}
}

// ChartEvents are the agreement events a chart marks: the kinds that
// explain the turns of the series (withdrawal, staged reductions, dispute
// resolution, loss of monitoring, snapback, termination).
func (r *Report) ChartEvents() []Event {
	var out []Event
	last := r.AsOf
	if n := len(r.Series); n > 0 {
		last = r.Series[n-1].Date
	}
	for _, e := range r.Events {
		if e.Date.After(last) {
			continue // beyond the time axis
		}
		switch e.Kind {
		case "withdrawal", "cessation", "dispute", "snapback-notification", "reimposition", "termination", "implementation", "notification":
			out = append(out, e)
		}
	}
	return out
}

var palette = []color.Color{
	color.RGBA{0x1f, 0x4e, 0x79, 0xff}, // total: dark blue
	color.RGBA{0x2e, 0x8b, 0x57, 0xff}, // up to 5 %: green
	color.RGBA{0xd9, 0x82, 0x1e, 0xff}, // up to 20 %: orange
	color.RGBA{0xb2, 0x22, 0x22, 0xff}, // up to 60 %: red
	color.RGBA{0x7b, 0x4f, 0x9d, 0xff}, // up to 2 %: purple
}

var grey = color.RGBA{0x99, 0x99, 0x99, 0xff}

// SVG renders the named chart as SVG, sized for a page or a screen at
// least 40rem wide.
func (r *Report) SVG(name string) ([]byte, error) { return r.svg(name, false) }

// NarrowSVG renders the named chart for a phone: narrower, with text
// that stays at least 11 px high when the chart fills a 390 px screen.
func (r *Report) NarrowSVG(name string) ([]byte, error) { return r.svg(name, true) }

func (r *Report) svg(name string, narrow bool) ([]byte, error) {
	c, err := r.chart(name, narrow)
	if err != nil {
		return nil, err
	}
	return c.render()
}

// chart builds the named chart, not yet drawn.
func (r *Report) chart(name string, narrow bool) (*chart, error) {
	drawn := 0 // points drawn
	c := newChart(narrow)
	p := c.p
	var err error
	switch name {
	case ChartStock:
		p.Y.Label.Text = "kg U"
		// Every level the series reports, so that the levels add up to
		// the total where the reports break it down (up to 2 % from 2020);
		// a level no report of the period gives draws nothing.
		series := []struct {
			label string
			key   string
			col   color.Color
		}{{"total", "", palette[0]}, {"up to 2 %", "2", palette[4]}, {"up to 5 %", "5", palette[1]}, {"up to 20 %", "20", palette[2]}, {"up to 60 %", "60", palette[3]}}
		for _, s := range series {
			if err = r.addSeries(c, &drawn, s.label, s.col, func(pt Point) (float64, state.Qualifier, bool) {
				return pt.Mass(s.key)
			}); err != nil {
				return nil, err
			}
		}
		c.addBoundsKey()
		if r.Stockpile.LimitKgU != nil {
			err = r.addLevel(c, *r.Stockpile.LimitKgU, "limit "+Num(*r.Stockpile.LimitKgU, 1)+" kg U")
		}
	case ChartSixty:
		p.Y.Label.Text = "kg U at up to 60 %"
		if err = r.addSeries(c, &drawn, "up to 60 %", palette[3], func(pt Point) (float64, state.Qualifier, bool) {
			return pt.Mass("60")
		}); err == nil {
			c.addBoundsKey()
			err = r.addLevel(c, r.Stockpile.OneSQ60KgU, "1 SQ = "+Num(r.Stockpile.OneSQ60KgU, 1)+" kg U")
		}
	case ChartBreakout:
		p.Y.Label.Text = "days (log scale)"
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
		err = r.addBreakout(c, &drawn)
	case ChartWarning:
		p.Y.Label.Text = "days of warning (symmetric log scale)"
		p.Y.Scale = symLog{}
		p.Y.Tick.Marker = symLogTicks{}
		err = r.addWarning(c, &drawn)
	default:
		return nil, fmt.Errorf("report: no chart %q", name)
	}
	if err != nil {
		return nil, err
	}
	lo, hi := r.xRange()
	if drawn == 0 {
		// Nothing to draw: say so, on axes a log scale accepts.
		p.Title.Text = "no reported figures up to " + r.AsOf.String()
		if math.IsInf(p.Y.Min, 0) || math.IsInf(p.Y.Max, 0) {
			p.Y.Min, p.Y.Max = 1, 1000
		}
	}
	// The time axis spans the events and the data, and ends at the last
	// reported date.
	p.X.Min, p.X.Max = lo, hi
	if _, ok := p.Y.Scale.(plot.LogScale); ok {
		// Whole decades, so that the axis is labelled at both ends and a
		// short time reads off between 1, 2 and 5.
		if p.Y.Min <= 0 {
			p.Y.Min = 0.1
		}
		p.Y.Min = math.Pow(10, math.Floor(math.Log10(p.Y.Min)+1e-9))
		p.Y.Max = math.Pow(10, math.Ceil(math.Log10(p.Y.Max)-1e-9))
	}
	if err := r.addEvents(c); err != nil {
		return nil, err
	}
	return c, nil
}

// A chart is a gonum plot with its legend and event numbers kept apart,
// so that render can set them outside the plotting area.
type chart struct {
	p      *plot.Plot
	legend []legendEntry
	events []float64 // the x of each event marked, numbered from 1
	narrow bool
	bounds map[bool]bool // some point is a bound "up to" (true) or "more than" (false), drawn as an open triangle
	marks  boundMarks    // the points of an estimate drawn as bounds
}

type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
}

func (c *chart) addLegend(label string, thumbs ...plot.Thumbnailer) {
	c.legend = append(c.legend, legendEntry{label, thumbs})
}

// Text sizes: on a page (7.5 in wide, shown at 720 px or more) and on a
// phone (4 in, 384 px, shown at about 350 px: 10 pt stays above 12 px).
func (c *chart) sizes() (tick, label, legend, event vg.Length) {
	if c.narrow {
		return vg.Points(10), vg.Points(10.5), vg.Points(10), vg.Points(10)
	}
	return vg.Points(10), vg.Points(11), vg.Points(9.5), vg.Points(9)
}

// newChart is a plot in the charts' style: sans-serif text, yearly ticks,
// plain numbers, a grid.
func newChart(narrow bool) *chart {
	c := &chart{p: plot.New(), narrow: narrow, bounds: map[bool]bool{}}
	p := c.p
	tick, label, legend, _ := c.sizes()
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	for _, ts := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font} {
		ts.Typeface, ts.Variant = sans.Typeface, sans.Variant
	}
	p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = tick, tick
	p.X.Label.TextStyle.Font.Size, p.Y.Label.TextStyle.Font.Size, p.Title.TextStyle.Font.Size = label, label, label
	p.Legend.TextStyle.Font.Size = legend
	p.X.Tick.Marker = yearTicks{narrow: narrow}
	p.Y.Tick.Marker = plainTicks{}
	p.Add(plotter.NewGrid())
	return c
}

// The plotting area's size, the legend and the event numbers outside it.
func (c *chart) plotSize() (w, h vg.Length) {
	if c.narrow {
		return 4 * vg.Inch, 3 * vg.Inch
	}
	return 7.5 * vg.Inch, 3.4 * vg.Inch
}

// render draws the chart as SVG without the XML prolog (the SVG is also
// inlined in HTML): the event numbers in rows above the plot, where no
// two overlap, and the legend below it, in as many columns as fit.
func (c *chart) render() ([]byte, error) {
	w, h := c.plotSize()
	_, _, _, eventSize := c.sizes()
	// Where the data area falls across the width: the same for any height.
	pc, err := draw.NewFormattedCanvas(w, h, "svg")
	if err != nil {
		return nil, err
	}
	probe := draw.New(pc)
	da := c.p.DataCanvas(probe)
	trx, _ := c.p.Transforms(&da)

	// Event numbers: each in the first row where it clears the one before.
	evStyle := c.p.X.Tick.Label
	evStyle.Font.Size = eventSize
	evStyle.Color = grey
	evStyle.XAlign, evStyle.YAlign = draw.XCenter, draw.YBottom
	gap := vg.Points(3)
	type placed struct {
		x   vg.Length
		row int
	}
	var nums []placed
	var rowEnd []vg.Length
	for i, x := range c.events {
		label := strconv.Itoa(i + 1)
		half := evStyle.Width(label) / 2
		cx := min(max(trx(x), half), w-half)
		row := 0
		for row < len(rowEnd) && cx-half < rowEnd[row]+gap {
			row++
		}
		if row == len(rowEnd) {
			rowEnd = append(rowEnd, 0)
		}
		rowEnd[row] = cx + half
		nums = append(nums, placed{cx, row})
	}
	rowH := evStyle.Height("0") + vg.Points(2)
	bandH := vg.Length(len(rowEnd)) * rowH
	if bandH > 0 {
		bandH += vg.Points(6)
	}

	// The legend: columns of equal width when every entry fits one, else
	// one entry a row, wrapped to the width.
	leg := c.p.Legend
	leg.Top, leg.Left = true, true
	em := leg.TextStyle.Width(" ")
	left := da.Min.X
	avail := w - left - vg.Points(4)
	colW := vg.Length(0)
	for _, e := range c.legend {
		colW = max(colW, leg.ThumbnailWidth+em+leg.TextStyle.Width(e.label)+vg.Points(12))
	}
	cols := 1
	if colW > 0 {
		cols = max(1, min(len(c.legend), int(avail/colW)))
	}
	labels := make([]string, len(c.legend))
	for i, e := range c.legend {
		labels[i] = e.label
		if cols == 1 {
			labels[i] = wrap(leg.TextStyle, e.label, avail-leg.ThumbnailWidth-em)
		}
	}
	// A wrapped label is drawn a line at a time (gonum's own line
	// spacing lets the lines' boxes touch).
	lineH := leg.TextStyle.Height("0") * 1.15
	pad := vg.Points(3)
	var rowHeights []vg.Length
	for i, l := range labels {
		if i%cols == 0 {
			rowHeights = append(rowHeights, 0)
		}
		n := vg.Length(strings.Count(l, "\n") + 1)
		rowHeights[len(rowHeights)-1] = max(rowHeights[len(rowHeights)-1], n*lineH+pad)
	}
	legendH := vg.Length(0)
	for _, rh := range rowHeights {
		legendH += rh
	}
	if legendH > 0 {
		legendH += vg.Points(6)
	}

	total := h + bandH + legendH
	vc, err := draw.NewFormattedCanvas(w, total, "svg")
	if err != nil {
		return nil, err
	}
	dc := draw.New(vc)
	plotC := draw.Crop(dc, 0, 0, legendH, -bandH)
	c.p.Legend = plot.NewLegend() // drawn below instead
	c.p.Draw(plotC)
	if len(nums) > 0 {
		for i, n := range nums {
			y := plotC.Max.Y + vg.Points(3) + vg.Length(n.row)*rowH
			dc.FillText(evStyle, vg.Point{X: n.x, Y: y}, strconv.Itoa(i+1))
		}
	}
	y := legendH - vg.Points(2)
	for i, l := range labels {
		row, col := i/cols, i%cols
		if col == 0 && row > 0 {
			y -= rowHeights[row-1]
		}
		x := left + vg.Length(col)*colW
		for k, line := range strings.Split(l, "\n") {
			one := leg
			if k == 0 {
				one.Add(line, c.legend[i].thumbs...)
			} else {
				one.Add(line)
			}
			top := y - vg.Length(k)*lineH
			one.Draw(draw.Crop(dc, x, -(w - min(w, x+max(colW, avail))), 0, -(total - top)))
		}
	}

	var buf bytes.Buffer
	if _, err := vc.WriteTo(&buf); err != nil {
		return nil, err
	}
	out := buf.Bytes()
	if i := bytes.Index(out, []byte("<svg")); i > 0 {
		out = out[i:]
	}
	class := "chart-wide"
	if c.narrow {
		class = "chart-narrow"
	}
	out = append([]byte(`<svg class="`+class+`"`), out[len("<svg"):]...)
	return out, nil
}

// wrap breaks s into lines no wider than width in style.
func wrap(style text.Style, s string, width vg.Length) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		if line != "" && style.Width(line+" "+word) > width {
			lines = append(lines, line)
			line = word
			continue
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return strings.Join(append(lines, line), "\n")
}

func unix(d calendar.Date) float64 { return float64(d.Time().Unix()) }

// yearTicks marks every 1 January, labelled every year when the range
// spans up to 12 years and every other year beyond that; on a phone,
// every other year beyond 5 years and every third beyond 10.
type yearTicks struct{ narrow bool }

func (yt yearTicks) Ticks(lo, hi float64) []plot.Tick {
	from, to := time.Unix(int64(lo), 0).UTC().Year(), time.Unix(int64(hi), 0).UTC().Year()
	step := 1
	switch {
	case yt.narrow && to-from > 10:
		step = 3
	case to-from > 12 || yt.narrow && to-from > 5:
		step = 2
	}
	var ticks []plot.Tick
	for y := from; y <= to+1; y++ {
		x := float64(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
		if x < lo || x > hi {
			continue
		}
		t := plot.Tick{Value: x}
		if y%step == 0 {
			t.Label = strconv.Itoa(y)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// plainTicks are gonum's default ticks labelled like the report's
// numbers: 9,000 rather than 9000, 250 rather than 250.00.
type plainTicks struct{}

func (plainTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = Num(ticks[i].Value, 2)
		}
	}
	return ticks
}

// addSeries draws the points get returns a value for, counting them in
// drawn: the amounts joined by a line, and the bounds (a stock reported
// only as "up to" or "more than" a figure) as open triangles off the
// line, in the series' colour, for they are not amounts. A bound breaks
// the line: the amounts on either side of it are not joined, for the line
// would say what the stock was in between (5,095 kg U in June 2015 and
// 101.7 kg U in February 2017, with "up to 202.8" on Implementation Day
// between them: the stock was shipped out at once, not run down).
func (r *Report) addSeries(c *chart, drawn *int, label string, col color.Color, get func(Point) (float64, state.Qualifier, bool)) error {
	runs, bounds := r.splitBounds(get)
	*drawn += len(bounds[true]) + len(bounds[false])
	var thumbs []plot.Thumbnailer
	for _, xys := range runs {
		*drawn += len(xys)
		l, s, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		l.Color, s.Color = col, col
		l.Width = vg.Points(1.5)
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(2)
		c.p.Add(l, s)
		if len(thumbs) == 0 {
			thumbs = append(thumbs, l, s)
		}
	}
	for _, down := range []bool{true, false} {
		if len(bounds[down]) == 0 {
			continue
		}
		m, err := plotter.NewScatter(bounds[down])
		if err != nil {
			return err
		}
		m.Shape, m.Color, m.Radius = openTriangle{down: down}, col, vg.Points(4)
		c.p.Add(m)
		if len(thumbs) == 0 {
			thumbs = append(thumbs, m)
		}
		c.bounds[down] = true
	}
	if len(thumbs) > 0 {
		c.addLegend(label, thumbs...)
	}
	return nil
}

// splitBounds returns the points get returns a value for: the amounts
// (exact or approximate), in runs a line joins, each broken by a bound;
// and the bounds, by whether they point down ("up to") or up ("more
// than", "at least").
func (r *Report) splitBounds(get func(Point) (float64, state.Qualifier, bool)) (runs []plotter.XYs, bounds map[bool]plotter.XYs) {
	bounds = map[bool]plotter.XYs{}
	var run plotter.XYs
	for _, pt := range r.Series {
		v, q, ok := get(pt)
		if !ok {
			continue
		}
		xy := plotter.XY{X: unix(pt.Date), Y: v}
		switch q {
		case state.AtMost, state.Above, state.AtLeast:
			down := q == state.AtMost
			bounds[down] = append(bounds[down], xy)
			if len(run) > 0 {
				runs, run = append(runs, run), nil
			}
		default:
			run = append(run, xy)
		}
	}
	if len(run) > 0 {
		runs = append(runs, run)
	}
	return runs, bounds
}

// addBoundsKey adds the legend entry of the open triangles, when the
// chart draws any.
func (c *chart) addBoundsKey() {
	for _, down := range []bool{true, false} {
		if !c.bounds[down] {
			continue
		}
		label := "up to the figure: a bound, not an amount"
		if !down {
			label = "more than the figure: a bound, not an amount"
		}
		c.addLegend(label, &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: grey, Radius: vg.Points(4), Shape: openTriangle{down: down}}})
	}
}

// openTriangle is the glyph of a bound: an open triangle pointing down
// for "up to" (the amount lies at or below it) and up for "more than".
type openTriangle struct{ down bool }

// DrawGlyph implements draw.GlyphDrawer.
func (g openTriangle) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.2)})
	r := sty.Radius
	dir := vg.Length(1)
	if g.down {
		dir = -1
	}
	half := r * vg.Length(math.Sqrt(3)/2)
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + dir*r})
	p.Line(vg.Point{X: pt.X - half, Y: pt.Y - dir*r/2})
	p.Line(vg.Point{X: pt.X + half, Y: pt.Y - dir*r/2})
	p.Close()
	c.Stroke(p)
}

// xRange is the chart's time range: from the first of the series and the
// events marked to the last reported date (the report's date when there
// is none).
func (r *Report) xRange() (float64, float64) {
	lo, hi := math.Inf(1), unix(r.AsOf)
	if n := len(r.Series); n > 0 {
		hi = unix(r.Series[n-1].Date)
	}
	for _, pt := range r.Series {
		lo = math.Min(lo, unix(pt.Date))
	}
	for _, e := range r.ChartEvents() {
		lo = math.Min(lo, unix(e.Date))
	}
	if math.IsInf(lo, 1) {
		lo = hi - 365*86400
	}
	return lo, hi
}

// addLevel draws a dashed horizontal line at y across the chart.
func (r *Report) addLevel(c *chart, y float64, label string) error {
	lo, hi := r.xRange()
	l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: y}, {X: hi, Y: y}})
	if err != nil {
		return err
	}
	l.Color = color.Black
	l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	c.p.Add(l)
	c.addLegend(label, l)
	return nil
}

// addEvents draws a thin vertical line at each event the charts mark;
// render numbers them above the plot, in the order of ChartEvents.
func (r *Report) addEvents(c *chart) error {
	p := c.p
	events := r.ChartEvents()
	if len(events) == 0 {
		return nil
	}
	// The y extent of what the chart holds so far.
	ymin, ymax := p.Y.Min, p.Y.Max
	if math.IsInf(ymin, 0) || math.IsInf(ymax, 0) {
		return nil // nothing drawn: no range to mark
	}
	if _, ok := p.Y.Scale.(plot.LogScale); !ok {
		ymin = 0
	}
	for _, e := range events {
		x := unix(e.Date)
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: ymin}, {X: x, Y: ymax}})
		if err != nil {
			return err
		}
		l.Color = grey
		l.Width = vg.Points(0.6)
		l.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(l)
		c.events = append(c.events, x)
	}
	return nil
}

// addBreakout draws the dated estimates: the band as a shaded area, the
// headline as a line that stops where the estimate is unknown, and the
// last known estimate ringed with the date from which it is unknown.
func (r *Report) addBreakout(c *chart, drawn *int) error {
	var runs []plotter.XYs
	var bands []plotter.XYs
	var lo, hi plotter.XYs
	closeRun := func() {
		if len(lo) > 0 {
			band := append(slices.Clone(lo), reversed(hi)...)
			bands = append(bands, band)
		}
		lo, hi = nil, nil
	}
	var lastKnown *Point
	unknownFrom := calendar.Date{}
	marks := boundMarks{}
	for i := range r.Series {
		pt := &r.Series[i]
		if pt.BreakoutStatus != compliance.Estimated || pt.BreakoutDays == nil || *pt.BreakoutDays <= 0 {
			if len(runs) > 0 && len(runs[len(runs)-1]) > 0 {
				runs = append(runs, nil)
			}
			closeRun()
			if pt.BreakoutStatus == compliance.UnknownEstimate && lastKnown != nil && unknownFrom.IsZero() {
				unknownFrom = pt.Date
			}
			continue
		}
		if len(runs) == 0 {
			runs = append(runs, nil)
		}
		x := unix(pt.Date)
		runs[len(runs)-1] = append(runs[len(runs)-1], plotter.XY{X: x, Y: *pt.BreakoutDays})
		marks.add(pt.BreakoutQualifier, plotter.XY{X: x, Y: *pt.BreakoutDays})
		if pt.BreakoutP10Days != nil && pt.BreakoutP90Days != nil && *pt.BreakoutP10Days > 0 {
			lo = append(lo, plotter.XY{X: x, Y: *pt.BreakoutP10Days})
			hi = append(hi, plotter.XY{X: x, Y: *pt.BreakoutP90Days})
		}
		lastKnown, unknownFrom = pt, calendar.Date{}
	}
	closeRun()
	if err := c.addBanded(drawn, runs, bands, marks, "breakout, days (median; band: 10th to 90th percentile)", "estimate"); err != nil {
		return err
	}
	if lastKnown != nil && !unknownFrom.IsZero() {
		from := "unknown from " + unknownFrom.String()
		if lost := r.Knowledge.Lost; !lost.IsZero() && lost.Before(unknownFrom) {
			from = "unknown after the loss of access on " + lost.String()
		}
		return c.addMarks(plotter.XYs{{X: unix(lastKnown.Date), Y: *lastKnown.BreakoutDays}}, draw.RingGlyph{},
			fmt.Sprintf("last known estimate, %s; %s", lastKnown.Date, from))
	}
	return nil
}

// addWarning draws the warning time at each reported date: the median as
// a line that stops where the warning is not estimated, the band shaded,
// zero dashed, and a cross at each date with no detection in force.
func (r *Report) addWarning(c *chart, drawn *int) error {
	var runs, bands []plotter.XYs
	var run, lo, hi, none plotter.XYs
	marks := boundMarks{}
	closeBand := func() {
		if len(lo) > 1 {
			bands = append(bands, append(slices.Clone(lo), reversed(hi)...))
		}
		lo, hi = nil, nil
	}
	closeRun := func() {
		closeBand()
		if len(run) > 0 {
			runs = append(runs, run)
		}
		run = nil
	}
	for _, pt := range r.Series {
		x := unix(pt.Date)
		if pt.WarningStatus != warning.Estimated || pt.WarningDays == nil {
			closeRun()
			if pt.WarningStatus == warning.NoDetection {
				none = append(none, plotter.XY{X: x, Y: 0})
			}
			continue
		}
		run = append(run, plotter.XY{X: x, Y: *pt.WarningDays})
		marks.add(pt.WarningQualifier, plotter.XY{X: x, Y: *pt.WarningDays})
		if pt.WarningP10Days == nil || pt.WarningP90Days == nil {
			closeBand()
			continue
		}
		lo = append(lo, plotter.XY{X: x, Y: *pt.WarningP10Days})
		hi = append(hi, plotter.XY{X: x, Y: *pt.WarningP90Days})
	}
	closeRun()
	if err := c.addBanded(drawn, runs, bands, marks, "warning, days (median; band: 10th to 90th percentile)", "warning"); err != nil {
		return err
	}
	if len(none) > 0 {
		*drawn += len(none)
		if err := c.addMarks(none, draw.CrossGlyph{}, "no verification able to see a breakout in force"); err != nil {
			return err
		}
	}
	if *drawn > 0 {
		return r.addLevel(c, 0, "0: done as soon as it could be known")
	}
	return nil
}

// addMarks draws points as large glyphs of shape, in the colour of what
// is unknown or missing, with a legend entry.
func (c *chart) addMarks(pts plotter.XYs, shape draw.GlyphDrawer, label string) error {
	marks, err := plotter.NewScatter(pts)
	if err != nil {
		return err
	}
	marks.Shape = shape
	marks.Radius = vg.Points(5)
	marks.Color = palette[3]
	c.p.Add(marks)
	c.addLegend(label, marks)
	return nil
}

// addBanded draws an estimate (what) as its median in lines (one per run
// of known points, counted in drawn) over its 10th-90th percentile band,
// shaded, with one legend entry; a dot marks each point but those marks
// draws, and keeps in c.marks, as bounds.
func (c *chart) addBanded(drawn *int, runs, bands []plotter.XYs, marks boundMarks, label, what string) error {
	for _, b := range bands {
		if len(b) < 4 {
			continue // one point: no area
		}
		poly, err := plotter.NewPolygon(b)
		if err != nil {
			return err
		}
		poly.Color = color.RGBA{0x1f, 0x4e, 0x79, 0x30}
		poly.LineStyle.Width = 0
		c.p.Add(poly)
	}
	legend := false
	for _, xys := range runs {
		if len(xys) == 0 {
			continue
		}
		*drawn += len(xys)
		l, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		l.Color = palette[0]
		l.Width = vg.Points(1.5)
		c.p.Add(l)
		dot := draw.GlyphStyle{Color: palette[0], Shape: draw.CircleGlyph{}, Radius: vg.Points(2)}
		var dots plotter.XYs
		for _, xy := range xys {
			if !marks.has(xy) {
				dots = append(dots, xy)
			}
		}
		if len(dots) > 0 {
			s, err := plotter.NewScatter(dots)
			if err != nil {
				return err
			}
			s.GlyphStyle = dot
			c.p.Add(s)
		}
		if !legend {
			c.addLegend(label, l, &plotter.Scatter{GlyphStyle: dot})
			legend = true
		}
	}
	c.marks = marks
	return c.addBoundMarks(marks, palette[0], what)
}

func reversed(xys plotter.XYs) plotter.XYs {
	out := slices.Clone(xys)
	slices.Reverse(out)
	return out
}

// symLog is a logarithmic scale on both sides of zero, linear within a
// day of it: sign(x) log10(1 + |x|). A warning time runs from hundreds of
// days to weeks below zero; on a linear axis the weeks below zero sit on
// the zero line.
type symLog struct{}

func symLogOf(x float64) float64 {
	if x < 0 {
		return -math.Log10(1 - x)
	}
	return math.Log10(1 + x)
}

func (symLog) Normalize(lo, hi, x float64) float64 {
	a, b := symLogOf(lo), symLogOf(hi)
	if b == a {
		return 0.5
	}
	return (symLogOf(x) - a) / (b - a)
}

// symLogTicks marks zero and 10, 30, 100, 300, ... days on either side;
// 1 and 3 only on an axis within 30 days of zero, where they do not crowd
// the zero.
type symLogTicks struct{}

func (symLogTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	add := func(v float64) {
		if v >= lo-1e-9 && v <= hi+1e-9 {
			ticks = append(ticks, plot.Tick{Value: v, Label: Num(v, 0)})
		}
	}
	var steps []float64
	if max(-lo, hi) <= 30 {
		steps = append(steps, 1, 3)
	}
	for e := 1.0; e <= 5; e++ {
		steps = append(steps, math.Pow(10, e), 3*math.Pow(10, e))
	}
	for i := len(steps) - 1; i >= 0; i-- {
		add(-steps[i])
	}
	add(0)
	for _, v := range steps {
		add(v)
	}
	return ticks
}

// logTicks label a log axis at 1, 2 and 5 times each power of ten, so
// that short times read off as well as long ones.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	if lo <= 0 {
		lo = 0.1
	}
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v < lo*0.999 || v > hi*1.001 {
				continue
			}
			ticks = append(ticks, plot.Tick{Value: v, Label: Num(v, 1)})
		}
	}
	return ticks
}

// WriteCharts writes the report's charts as SVG files into dir.
func (r *Report) WriteCharts(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, c := range r.Charts() {
		svg, err := r.SVG(c.Name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, c.Name+".svg"), append([]byte(`<?xml version="1.0"?>`+"\n"), svg...), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// boundMarks are the points of an estimate that is not exact, by its
// qualifier: drawn as bounds, not as dots.
type boundMarks map[state.Qualifier]plotter.XYs

func (m boundMarks) add(q state.Qualifier, xy plotter.XY) {
	if q != state.Exact {
		m[q] = append(m[q], xy)
	}
}

func (m boundMarks) has(xy plotter.XY) bool {
	for _, xys := range m {
		if slices.Contains(xys, xy) {
			return true
		}
	}
	return false
}

// addBoundMarks draws the points of an estimate (what) that figures
// reported only as bounds leave a bound, as the stock chart draws a
// bound: an open triangle pointing up where the estimate is a lower
// bound, down where it is an upper bound; and an open square where they
// leave it approximate. Each kind has a legend entry.
func (c *chart) addBoundMarks(m boundMarks, col color.Color, what string) error {
	for _, k := range []struct {
		q     state.Qualifier
		shape draw.GlyphDrawer
		label string
	}{
		{state.AtLeast, openTriangle{}, "at least: the " + what + " could only be longer on the true figures"},
		{state.AtMost, openTriangle{down: true}, "up to: the " + what + " could only be shorter on the true figures"},
		{state.Approx, draw.SquareGlyph{}, "approximate: figures bound the " + what + " both ways, or no one way"},
	} {
		xys := m[k.q]
		if k.q == state.AtLeast {
			xys = append(slices.Clone(xys), m[state.Above]...)
		}
		if len(xys) == 0 {
			continue
		}
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		s.Shape, s.Color, s.Radius = k.shape, col, vg.Points(4)
		c.p.Add(s)
		c.addLegend(k.label, s)
	}
	return nil
}

// estimateBounds is the caption's note on the marks of estimates that
// are only bounds, when the chart draws any.
func estimateBounds(some bool) string {
	if !some {
		return ""
	}
	return "; an open triangle marks an estimate that figures reported only as bounds leave a bound (pointing up: at least; down: up to), an open square one they, or counts of machines reported long before, leave approximate"
}
