package talks

import (
	"fmt"
	"math"
)

// MaxZonePoints bounds the packages one exploration evaluates.
const MaxZonePoints = 200_000

// Candidate is a package that meets every red line, with its metrics and
// the margin of each red line.
type Candidate struct {
	Values  Package            `json:"values"`
	Metrics map[string]float64 `json:"metrics"`
	// MinMargin is the smallest margin over all red lines, in units of
	// each subject's scale: the package's distance from the nearest red
	// line.
	MinMargin float64            `json:"min_margin"`
	Margins   map[string][]Check `json:"margins"`
}

// Zone is the result of an exploration.
type Zone struct {
	Evaluated int `json:"evaluated"`
	Feasible  int `json:"feasible"`
	// Best is the feasible package with the largest smallest margin; nil
	// when no package meets every red line.
	Best *Candidate `json:"best"`
}

// ExploreZone searches the issue space for packages that meet every
// party's red lines (the mediator only). Terms in fixed keep their value;
// every other numeric term is stepped from Min to Max by Step, every
// option and yes/no term takes each value; schedules must be fixed. It
// proposes the package with the largest smallest margin.
func (r *Room) ExploreZone(by string, fixed Package) (*Zone, error) {
	if by != r.Mediator {
		return nil, fmt.Errorf("%w: the zone of agreement is the mediator's to explore", ErrForbidden)
	}
	for _, d := range r.Parties {
		if _, ok := r.redLines[d.Party]; !ok {
			return nil, fieldErr("red_lines", "%s has not submitted its red lines yet", d.Party)
		}
	}
	if err := r.Space.Check(fixed); err != nil {
		return nil, err
	}
	type axis struct {
		id     string
		values []Value
	}
	var axes []axis
	points := 1
	for _, t := range r.Space.Terms {
		if _, ok := fixed[t.ID]; ok {
			continue
		}
		var vs []Value
		switch t.Kind {
		case Numeric:
			n := int(math.Floor((t.Max-t.Min)/t.Step+1e-9)) + 1
			for i := range n {
				vs = append(vs, Num(t.Min+float64(i)*t.Step))
			}
		case Option:
			for _, o := range t.Options {
				vs = append(vs, Value{Text: o})
			}
		case YesNo:
			vs = []Value{{Text: "yes"}, {Text: "no"}}
		case Schedule:
			return nil, fieldErr("fixed."+t.ID, "fix the schedule term %s: schedules are not explored", t.ID)
		}
		axes = append(axes, axis{t.ID, vs})
		points *= len(vs)
		if points > MaxZonePoints {
			return nil, fieldErr("fixed", "the search would evaluate more than %d packages: fix some terms or coarsen their steps", MaxZonePoints)
		}
	}
	zone := &Zone{}
	idx := make([]int, len(axes))
	model := r.Model
	model.Samples = 0 // deterministic breakout for the search
	for {
		p := Package{}
		for k, v := range fixed {
			p[k] = v
		}
		for i, a := range axes {
			p[a.id] = a.values[idx[i]]
		}
		zone.Evaluated++
		if c, ok, err := r.candidate(model, p); err != nil {
			return nil, err
		} else if ok {
			zone.Feasible++
			if zone.Best == nil || c.MinMargin > zone.Best.MinMargin {
				zone.Best = c
			}
		}
		// Next point of the grid.
		i := 0
		for ; i < len(axes); i++ {
			idx[i]++
			if idx[i] < len(axes[i].values) {
				break
			}
			idx[i] = 0
		}
		if i == len(axes) {
			break
		}
	}
	return zone, nil
}

// candidate evaluates p against every red line.
func (r *Room) candidate(m Model, p Package) (*Candidate, bool, error) {
	ev, err := m.Evaluate(p)
	if err != nil {
		return nil, false, err
	}
	c := &Candidate{Values: p, Metrics: ev.Metrics, MinMargin: math.Inf(1), Margins: map[string][]Check{}}
	for _, d := range r.Parties {
		for _, con := range r.redLines[d.Party].Constraints {
			ch, err := evaluateConstraint(&r.Space, con, p, ev.Metrics)
			if err != nil {
				return nil, false, err
			}
			if !ch.Holds {
				return nil, false, nil
			}
			c.Margins[d.Party] = append(c.Margins[d.Party], ch)
			c.MinMargin = math.Min(c.MinMargin, ch.Margin)
		}
	}
	return c, true, nil
}
