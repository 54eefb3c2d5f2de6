package breakout

import (
	"fmt"
	"math"
	"slices"
)

// Trend says whether an estimate moves one way only with one input of its
// scenario: what a caller needs before it reads an estimate made from a
// bound ("more than 202.8 kg U", "up to 5,060 machines") as a bound of the
// breakout time.
type Trend struct {
	// OneWay is set when more of the input never makes the days to the
	// first significant quantity longer, and less never makes them
	// shorter: the central estimate, and each percentile of the band as
	// the distribution it estimates (a band drawn anew for another value
	// may differ by its sampling noise).
	OneWay bool
	// Why says why not, when not.
	Why string
}

// tailsGrid are the points of each range of tails assays, as quantiles of
// its distribution, at which LotTrend compares the cost of the sources.
var tailsGrid = []float64{0, 0.25, 0.5, 0.75, 1}

// LotTrend says how the estimate moves with the mass of lot i, from none
// to any mass (and its range, if it has one, in proportion). The stock is
// used highest assay first, then natural uranium: more of a lot takes the
// place of the sources used after it, so the days never grow when each of
// them costs at least as much separative work per kg of product, on the
// high-enrichment stage and in all. LotTrend checks that at each tails
// assay the band draws, on a grid of five points of each range (the ends,
// the quartiles and the median), the feeds of one default range moving
// together as they do in the band; where a later source costs less, the
// mass moves the estimate both ways and OneWay is false.
func (s Scenario) LotTrend(i int) (Trend, error) {
	if i < 0 || i >= len(s.Inventory) {
		return Trend{}, fmt.Errorf("breakout: no lot %d in a scenario of %d lots", i, len(s.Inventory))
	}
	p, err := compile(s)
	if err != nil {
		return Trend{}, err
	}
	k := -1
	for j, src := range p.sources {
		if src.lot == i {
			k = j
		}
	}
	if k < 0 {
		// A lot that cannot be enriched is not used: its mass changes
		// nothing.
		return Trend{OneWay: true}, nil
	}
	// The default ranges drawn, each at one point of the grid at a time.
	var bands []int
	for _, t := range p.tails {
		if b := t.choice.band; b >= 0 && t.choice.r.varies() && !slices.Contains(bands, b) {
			bands = append(bands, b)
		}
	}
	in := p.centralInputs()
	at := make([]int, len(bands)) // the grid point of each range
	var coefs []coef
	for {
		for j, t := range p.tails {
			if b := slices.Index(bands, t.choice.band); b >= 0 {
				in.tailsPct[j] = t.choice.r.quantile(tailsGrid[at[b]])
			}
		}
		coefs = p.coefs(&in, coefs)
		c := coefs[k]
		for j := k + 1; j < len(coefs); j++ {
			d := coefs[j]
			if more(c.swuHigh, d.swuHigh) || more(c.swuHigh+c.swuLow, d.swuHigh+d.swuLow) {
				return Trend{Why: fmt.Sprintf("%s costs more separative work per kg of product than %s, used after it (%s against %s kg-SWU per kg of product in all, %s against %s on the high-enrichment stage, at %s)",
					p.sources[k].label, p.sources[j].label, num(c.swuHigh+c.swuLow), num(d.swuHigh+d.swuLow), num(c.swuHigh), num(d.swuHigh), p.tailsText(&in))}, nil
			}
		}
		// The next point of the grid, as an odometer.
		b := 0
		for ; b < len(at); b++ {
			if at[b]++; at[b] < len(tailsGrid) {
				break
			}
			at[b] = 0
		}
		if b == len(at) {
			return Trend{OneWay: true}, nil
		}
	}
}

// more reports whether a exceeds b beyond rounding.
func more(a, b float64) bool { return a > b+1e-9*math.Max(1, math.Abs(b)) }

// tailsText says the tails assays of in: "tails 0.5 % for 3.67 % feed, 0.3
// % for 0.711 % feed".
func (p *plan) tailsText(in *inputs) string {
	out := "tails"
	for j, t := range p.tails {
		if j > 0 {
			out += ","
		}
		out += fmt.Sprintf(" %s %% for %s feed", num(in.tailsPct[j]), t.feed)
	}
	return out
}

// GroupTrend says how the estimate moves with the machines of fleet group
// i, over counts from one machine up or, with toNone, from none; its
// cascades, when the scenario gives them, either stay as they are or grow
// with the machines (cascades of the same size). More machines add
// capacity to all the work, and more or larger cascades to the
// high-enrichment steps, the most capable first. The one exception is the
// last advanced group: under the cascades convention, when no machine type
// is named for the high-enrichment steps, only the advanced machines run
// them while the fleet has a cascade of them; with none left, every
// machine may, which can make breakout shorter. GroupTrend with toNone is
// not one way for such a group.
func (s Scenario) GroupTrend(i int, toNone bool) (Trend, error) {
	if i < 0 || i >= len(s.Fleet) {
		return Trend{}, fmt.Errorf("breakout: no group %d in a fleet of %d groups", i, len(s.Fleet))
	}
	p, err := compile(s)
	if err != nil {
		return Trend{}, err
	}
	g := p.groups[i]
	if !toNone || !p.staged || len(s.Cascades.Machines) > 0 || g.cascades == 0 || g.swu.mode <= AdvancedSWUPerYear {
		return Trend{OneWay: true}, nil
	}
	others := false
	for j, h := range p.groups {
		if j == i || h.cascades == 0 {
			continue
		}
		if h.swu.mode > AdvancedSWUPerYear {
			return Trend{OneWay: true}, nil // advanced machines remain
		}
		others = true
	}
	if !others {
		return Trend{OneWay: true}, nil // with none, nothing runs at all
	}
	return Trend{Why: fmt.Sprintf("the %s are the only advanced machines with a cascade, which alone run the high-enrichment steps; with none of them, every machine may, which can make breakout shorter",
		p.machineName(i))}, nil
}

// machineName is group i in words: "IR-6 at Fordow".
func (p *plan) machineName(i int) string {
	l := p.groups[i].line
	if l.Site == "" {
		return l.Machine
	}
	return l.Machine + " at " + l.Site
}
